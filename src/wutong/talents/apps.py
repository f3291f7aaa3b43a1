from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentsConfig(AppConfig):
    name = "wutong.talents"
    label = "talents"
    verbose_name = _("人才库")

    def ready(self) -> None:
        from wutong.accounts.roles import Role, grant
        from wutong.core.navigation import NavItem, register_nav
        from wutong.talents import exports

        # Member-unit staff see the people of their field through later modules (applications,
        # cases); the registry itself is read within a region.
        for role in (Role.OFFICE, Role.LEADER, Role.COMMISSIONER):
            grant(role, "talents.view_talent", "talents.view_pool")
        grant(Role.OFFICE, "talents.add_talent", "talents.change_talent",
              "talents.export_talent", "talents.reveal_talent", "talents.delete_talent",
              "talents.add_pool", "talents.change_pool")
        grant(Role.TALENT, "talents.view_talent")
        grant(Role.EMPLOYER, "talents.view_talent", "talents.change_talent",
              "talents.export_talent")
        # Attachments may show an ID card: who may open them is granted apart from reading
        # the file (leaders and commissioners read the file, not its scans).
        grant(Role.OFFICE, "talents.view_attachment", "talents.add_attachment",
              "talents.delete_attachment")
        grant(Role.EMPLOYER, "talents.view_attachment", "talents.add_attachment",
              "talents.delete_attachment")
        grant(Role.TALENT, "talents.view_attachment")
        register_nav(NavItem("talents", _("人才库"), "talents:talent_list", order=20,
                             permission="talents.view_talent"))
        exports.register()

        from wutong.core.demo import register_step
        from wutong.talents import demo

        register_step("talents: registry", demo.seed, order=30)
        from wutong.talents import platform_demo

        register_step("talents: platform members", platform_demo.seed, order=35)
