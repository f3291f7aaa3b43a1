from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "wutong.cases"
    label = "cases"
    verbose_name = _("人才服务诉求")

    def ready(self) -> None:
        from wutong.cases import roles

        roles.register()
        from wutong.cases import commissioner_roles

        commissioner_roles.register()
