from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wutong.core"
    label = "core"
    verbose_name = _("基础平台")

    def ready(self) -> None:
        from wutong.core import exports, navigation  # noqa: F401  (registries)
        from wutong.core.navigation import NavItem, register_nav

        register_nav(NavItem("home", _("首页"), "core:home", order=0))
        register_nav(NavItem("codes", _("字典管理"), "core:code_tables", order=80,
                             permission="core.view_codeitem"))
        register_nav(NavItem("regions", _("行政区划"), "core:region_list", order=85,
                             permission="core.add_region"))
        register_nav(NavItem("audit", _("审计日志"), "core:audit_list", order=90,
                             permission="core.view_auditrecord"))
        register_nav(NavItem("jobs", _("后台任务"), "core:job_list", order=95))
        register_nav(NavItem("inbox", _("我的消息"), "core:inbox", order=96))
        exports.register_core_exporters()
        from django.core.checks import register

        from wutong.core.notify import check_channels

        register(check_channels)
