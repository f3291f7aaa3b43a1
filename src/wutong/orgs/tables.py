"""List tables of the orgs pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.orgs.models import Employer, Platform

WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class EmployerTable(tables.Table):
    name = tables.LinkColumn("orgs:employer_detail", args=[tables.A("pk")],
                             verbose_name=_("单位名称"))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs=WIDE_ONLY)
    industry = tables.Column(verbose_name=_("所属行业"), attrs=WIDE_ONLY)
    region = tables.Column(verbose_name=_("所在地区"), order_by="region__code", attrs=WIDE_ONLY)

    class Meta:
        model = Employer
        fields = ("name", "uscc", "type", "industry", "region")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的单位。")

    def render_industry(self, value):
        return code_label("industry", value)


class PlatformTable(tables.Table):
    name = tables.LinkColumn("orgs:platform_detail", args=[tables.A("pk")],
                             verbose_name=_("平台名称"))
    kind = tables.Column(verbose_name=_("平台类型"))
    level = tables.Column(verbose_name=_("级别"))
    host = tables.LinkColumn("orgs:employer_detail", args=[tables.A("host_id")],
                             verbose_name=_("依托单位"), order_by="host__name", attrs=WIDE_ONLY)
    region = tables.Column(verbose_name=_("所在地区"), order_by="region__code", attrs=WIDE_ONLY)
    recognised_on = tables.DateColumn(format="Y-m", verbose_name=_("认定时间"),
                                      attrs=WIDE_ONLY)

    class Meta:
        model = Platform
        fields = ("name", "kind", "level", "host", "region", "recognised_on")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的平台。")
