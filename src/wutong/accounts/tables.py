"""List tables of the accounts pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import Unit, User


class UnitTable(tables.Table):
    name = tables.LinkColumn("accounts:unit_detail", args=[tables.A("pk")],
                             verbose_name=_("单位名称"))
    region = tables.Column(verbose_name=_("所属地区"), order_by="region__code")

    class Meta:
        model = Unit
        fields = ("name", "kind", "region", "contact_name", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的单位。")


class UserTable(tables.Table):
    username = tables.LinkColumn("accounts:user_detail", args=[tables.A("pk")],
                                 verbose_name=_("用户名"))
    phone = tables.Column(verbose_name=_("手机号码"), orderable=False)

    class Meta:
        model = User
        fields = ("username", "full_name", "role", "region", "unit", "phone", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的账号。")
