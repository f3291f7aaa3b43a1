"""Who may read the figures (the office and leaders, each over their region subtree: the
data scope), who enters population and targets (the office), the menu entries, the report
job and the demo step (called once from ``StatsConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

READS = ("stats.view_figuresnapshot", "stats.view_regionpopulation")


def register() -> None:
    from wutong.accounts.roles import Role, grant
    from wutong.core.navigation import NavItem, register_nav

    for role in (Role.OFFICE, Role.LEADER):
        grant(role, *READS, "stats.export_figuresnapshot")
    grant(Role.OFFICE, "stats.add_regionpopulation", "stats.change_regionpopulation")

    register_nav(NavItem("stats", _("数据概览"), "stats:figures", order=20,
                         permission="stats.view_figuresnapshot"))
    register_nav(NavItem("stats_dashboard", _("数据大屏"), "stats:dashboard", order=21,
                         permission="stats.view_figuresnapshot"))

    from wutong.core.demo import register_step
    from wutong.stats import demo

    register_step("stats: population, targets and the first snapshots", demo.seed, order=98)
