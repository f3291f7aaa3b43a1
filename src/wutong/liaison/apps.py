from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "wutong.liaison"
    label = "liaison"
    verbose_name = _("联系服务专家")

    def ready(self) -> None:
        from wutong.accounts.roles import Role, grant
        from wutong.core.demo import register_step
        from wutong.core.links import register_source
        from wutong.core.navigation import NavItem, register_nav
        from wutong.liaison import demo, links
        from wutong.talents.timeline import register_person_section

        reads = ("liaison.view_leader", "liaison.view_dutyrule", "liaison.view_assignment",
                 "liaison.view_contact", "liaison.view_item", "liaison.export_contact",
                 "liaison.export_item")
        for role in (Role.OFFICE, Role.LEADER, Role.MEMBER_UNIT, Role.COMMISSIONER):
            grant(role, *reads)
        # The office keeps the roster, the rule and who looks after whom; leaders (and the
        # clerks of member units, for their head) write their own service logs.
        grant(Role.OFFICE, "liaison.add_leader", "liaison.change_leader",
              "liaison.add_dutyrule", "liaison.change_dutyrule",
              "liaison.add_assignment", "liaison.change_assignment",
              "liaison.add_contact", "liaison.add_item", "liaison.change_item",
              "liaison.delete_contact")
        for role in (Role.LEADER, Role.MEMBER_UNIT):
            grant(role, "liaison.add_contact", "liaison.add_item", "liaison.change_item",
                  "liaison.delete_contact")
        register_nav(NavItem("liaison", _("联系服务专家"), "liaison:leader_list", order=55,
                             permission="liaison.view_leader"))
        from wutong.liaison import exports

        exports.register()
        register_source("liaison.problem", describe=links.describe, outcome=links.outcome)
        register_person_section("liaison.contacts", _("领导联系服务"), "liaison:person_section",
                                order=70, permission="liaison.view_assignment")
        register_step("liaison: leaders, experts, service logs", demo.seed, order=60)
