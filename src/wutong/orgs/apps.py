from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "wutong.orgs"
    label = "orgs"
    verbose_name = _("用人单位与平台")

    def ready(self) -> None:
        from wutong.accounts.roles import Role, grant
        from wutong.accounts.scope_hooks import register_employer_resolver
        from wutong.core.navigation import NavItem, register_nav
        from wutong.orgs import exports
        from wutong.orgs.models import EmployerAccount

        register_employer_resolver(
            lambda user: EmployerAccount.objects.filter(user_id=user.pk).values_list(
                "employer_id", flat=True))
        for role in (Role.OFFICE, Role.LEADER, Role.COMMISSIONER):
            grant(role, "orgs.view_employer", "orgs.view_platform")
        grant(Role.OFFICE, "orgs.add_employer", "orgs.change_employer", "orgs.export_employer",
              "orgs.reveal_employer", "orgs.add_platform", "orgs.change_platform",
              "orgs.export_platform")
        grant(Role.EMPLOYER, "orgs.view_employer", "orgs.change_employer", "orgs.view_platform")
        register_nav(NavItem("employers", _("用人单位"), "orgs:employer_list", order=30,
                             permission="orgs.view_employer"))
        register_nav(NavItem("platforms", _("平台载体"), "orgs:platform_list", order=31,
                             permission="orgs.view_platform"))
        exports.register()

        from wutong.core.demo import register_step
        from wutong.orgs import demo

        register_step("orgs: employers and platforms", demo.seed, order=20)
