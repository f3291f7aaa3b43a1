"""Who may do what with service cases, the menu entries, the person-page section and the demo
step (called once from ``CasesConfig.ready``). *Where* each role may act is the data scope of
``cases.models``: the office its region subtree, a member unit the cases it answers for, a
talent their own, an employer its people's; commissioners and leaders their regions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CASE_READS = ("cases.view_case", "cases.view_casestep", "cases.view_casetype")


def register() -> None:
    from wutong.accounts.roles import Role, grant
    from wutong.core.navigation import NavItem, register_nav

    for role in (Role.TALENT, Role.EMPLOYER, Role.COMMISSIONER, Role.LEADER, Role.OFFICE):
        grant(role, *CASE_READS, "cases.add_case")
    grant(Role.MEMBER_UNIT, *CASE_READS, "cases.change_case")
    grant(Role.OFFICE, "cases.change_case", "cases.manage_case", "cases.export_case",
          "cases.add_casetype", "cases.change_casetype", "cases.view_escalation",
          "cases.view_workdayoverride")
    # The working-day calendar is one for the whole deployment (the State Council's holiday
    # arrangement): offices read it, the system administrator (every permission) enters it.
    grant(Role.LEADER, "cases.view_escalation")

    register_nav(NavItem("cases_mine", _("我的诉求"), "cases:my_cases", order=50,
                         permission="cases.add_case"))
    register_nav(NavItem("cases", _("诉求受理"), "cases:case_list", order=51,
                         permission="cases.manage_case"))
    register_nav(NavItem("cases_queue", _("待办诉求"), "cases:unit_queue", order=52,
                         permission="cases.change_case"))
    register_nav(NavItem("cases_overdue", _("超期诉求"), "cases:overdue", order=53,
                         permission="cases.change_case"))

    from wutong.talents.timeline import register_person_section

    register_person_section("cases.cases", _("服务诉求"), "cases:person_cases", order=70,
                            permission="cases.view_case")

    from wutong.cases import demo, exports

    exports.register()
    from wutong.core.demo import register_step

    register_step("cases: catalogue and cases", demo.seed, order=55)
