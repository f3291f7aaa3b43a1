"""Grants, menu entries, the person-page section and the demo step of the 1+1+N grid
(called once from ``CasesConfig.ready``). *Where* each role may act is the data scope of
``cases.commissioner_models``: the office its region subtree (it assigns and sets the rule),
commissioners their region (they log contacts: the office reads them), leaders read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

GRID_READS = ("cases.view_talentcare", "cases.view_contact", "cases.view_carechange",
              "cases.view_gridpolicy", "cases.view_assignmentrule")


def register() -> None:
    from wutong.accounts.roles import Role, grant
    from wutong.core.navigation import NavItem, register_nav

    for role in (Role.OFFICE, Role.LEADER, Role.COMMISSIONER):
        grant(role, *GRID_READS)
    grant(Role.OFFICE, "cases.change_talentcare", "cases.export_talentcare",
          "cases.change_gridpolicy",
          "cases.add_assignmentrule", "cases.delete_assignmentrule")
    grant(Role.COMMISSIONER, "cases.add_contact")

    register_nav(NavItem("grid_mine", _("我的人才"), "cases:grid_mine", order=45,
                         permission="cases.add_contact"))
    register_nav(NavItem("grid", _("专员网格"), "cases:grid_overview", order=46,
                         permission="cases.change_talentcare"))

    from wutong.talents.timeline import register_person_section

    register_person_section("cases.grid", _("联系服务"), "cases:grid_person", order=65,
                            permission="cases.view_talentcare")

    from wutong.cases import commissioner_demo, commissioner_exports

    commissioner_exports.register()
    from wutong.core.demo import register_step

    register_step("cases: commissioners and contacts", commissioner_demo.seed, order=56)
