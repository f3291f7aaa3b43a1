from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "wutong.policies"
    label = "policies"
    verbose_name = _("政策兑现")

    def ready(self) -> None:
        from wutong.accounts.roles import Role, grant
        from wutong.core.navigation import NavItem, register_nav

        reads = ("policies.view_policy", "policies.view_fund", "policies.view_benefit",
                 "policies.view_entitlement", "policies.view_scanrun")
        for role in (Role.OFFICE, Role.LEADER, Role.MEMBER_UNIT, Role.COMMISSIONER):
            grant(role, "policies.view_policy", "policies.view_benefit")
        for role in (Role.OFFICE, Role.LEADER):
            grant(role, *reads)
        grant(Role.OFFICE, "policies.add_policy", "policies.change_policy",
              "policies.add_fund", "policies.change_fund",
              "policies.add_benefit", "policies.change_benefit",
              "policies.change_entitlement", "policies.add_scanrun",
              "policies.view_talentfactsupplement", "policies.change_talentfactsupplement")
        # Talents and employers see their own offers (the scope: owner / employer of the
        # talent) and the benefits those offers name.
        for role in (Role.TALENT, Role.EMPLOYER):
            grant(role, "policies.view_entitlement")
        register_nav(NavItem("policies", _("政策兑现"), "policies:benefit_list", order=40,
                             permission="policies.change_benefit"))
        register_nav(NavItem("policies_offers", _("免申即享"), "policies:offer_list", order=41,
                             permission="policies.change_entitlement"))
        # For those who apply (talents, employers); the office has its offers list.
        register_nav(NavItem("policies_mine", _("我的待遇"), "policies:my_offers", order=42,
                             permission="policies.add_application"))
        register_nav(NavItem("policies_calculator", _("政策计算器"), "policies:calculator",
                             order=43))
        _allow_public_calculator()
        from wutong.talents.timeline import register_person_section

        register_person_section("policies.entitlements", _("免申即享待遇"),
                                "policies:person_entitlements", order=60,
                                permission="policies.view_entitlement")

        from wutong.core.demo import register_step
        from wutong.policies import demo

        register_step("policies: benefits and scan", demo.seed, order=40)
        from wutong.policies.redemption_roles import grant_redemption_permissions

        grant_redemption_permissions()


def _allow_public_calculator() -> None:
    """The calculator is public (no login): it reads no one's data and writes nothing."""
    from wutong.core.middleware import register_public_prefix

    register_public_prefix("/policies/calculator/")
