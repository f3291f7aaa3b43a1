"""Who may do what in the redemption workflow, its menu entries, its demo step and its one
public page (the notice board, 公示 is for everyone). Called once from
``PoliciesConfig.ready()``; *where* each role may act is the data scope of
``redemption_models`` (office: region; member unit: the step it reviews; talent: own;
employer: its people)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PUBLIC_NOTICE_PREFIX = "/policies/notice-board/"


def grant_redemption_permissions() -> None:
    from wutong.accounts.roles import Role, grant
    from wutong.core.navigation import NavItem, register_nav

    applicant = ("policies.view_application", "policies.add_application",
                 "policies.change_application", "policies.view_applicationmaterial",
                 "policies.add_applicationmaterial", "policies.view_applicationstep",
                 "policies.view_returnrequest", "policies.view_payment")
    for role in (Role.TALENT, Role.EMPLOYER):
        grant(role, *applicant)
    reviewer = ("policies.view_application", "policies.change_application",
                "policies.view_applicationmaterial", "policies.view_applicationstep",
                "policies.view_returnrequest", "policies.add_applicationstep")
    for role in (Role.MEMBER_UNIT, Role.OFFICE):
        grant(role, *reviewer)
    reads = ("policies.view_application", "policies.view_applicationstep",
             "policies.view_publicnotice", "policies.view_paymentbatch",
             "policies.view_payment")
    for role in (Role.OFFICE, Role.LEADER):
        grant(role, *reads)
    grant(Role.OFFICE, "policies.add_publicnotice", "policies.change_publicnotice",
          "policies.add_paymentbatch", "policies.change_paymentbatch")

    register_nav(NavItem("redemption_mine", _("我的申请"), "policies:application_mine",
                         order=44, permission="policies.add_application"))
    register_nav(NavItem("redemption_queue", _("待我审核"), "policies:review_queue",
                         order=45, permission="policies.add_applicationstep"))
    register_nav(NavItem("redemption_overview", _("兑现总览"), "policies:redemption_overview",
                         order=46, permission="policies.view_paymentbatch"))
    register_nav(NavItem("redemption_notices", _("公示管理"), "policies:notice_list",
                         order=47, permission="policies.view_publicnotice"))
    register_nav(NavItem("redemption_funds", _("资金与发放"), "policies:fund_ledger",
                         order=48, permission="policies.view_paymentbatch"))
    _allow_public_notice_board()

    from wutong.core.demo import register_step
    from wutong.policies import redemption_demo

    register_step("policies: redemption", redemption_demo.seed, order=45)


def _allow_public_notice_board() -> None:
    """The notice board (公示) is for everyone: no login, masked names and ID numbers."""
    from wutong.core.middleware import register_public_prefix

    register_public_prefix(PUBLIC_NOTICE_PREFIX)
