"""List tables of the orgs pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.orgs.models import Employer

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
