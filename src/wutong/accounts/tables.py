"""List tables of the accounts pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import Unit, User

# Columns a phone can do without: hidden below the md breakpoint.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class UnitTable(tables.Table):
    name = tables.LinkColumn("accounts:unit_detail", args=[tables.A("pk")],
                             verbose_name=_("单位名称"))
    region = tables.Column(verbose_name=_("所属地区"), order_by="region__code", attrs=WIDE_ONLY)
    contact_name = tables.Column(verbose_name=_("联系人"), attrs=WIDE_ONLY)

    class Meta:
        model = Unit
        fields = ("name", "kind", "region", "contact_name", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的单位。")


class UserTable(tables.Table):
    username = tables.LinkColumn("accounts:user_detail", args=[tables.A("pk")],
                                 verbose_name=_("用户名"))
    phone = tables.Column(verbose_name=_("手机号码"), orderable=False)
    region = tables.Column(verbose_name=_("所属地区"), attrs=WIDE_ONLY)
    unit = tables.Column(verbose_name=_("所属单位"), attrs=WIDE_ONLY)

    class Meta:
        model = User
        fields = ("username", "full_name", "role", "region", "unit", "phone", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的账号。")
