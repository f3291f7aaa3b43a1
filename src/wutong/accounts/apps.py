from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wutong.accounts"
    label = "accounts"
    verbose_name = _("账号与单位")

    def ready(self) -> None:
        from wutong.accounts import exports
        from wutong.core.navigation import NavItem, register_nav

        register_nav(NavItem("units", _("单位管理"), "accounts:unit_list", order=60,
                             permission="accounts.view_unit"))
        register_nav(NavItem("users", _("账号管理"), "accounts:user_list", order=70,
                             permission="accounts.add_user"))
        exports.register()

        from wutong.accounts import demo
        from wutong.core.demo import register_step

        register_step("accounts: places, offices, member units, accounts", demo.seed, order=10)
