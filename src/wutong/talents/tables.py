"""The registry list table."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.talents.models import Talent

WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class TalentTable(tables.Table):
    selected = tables.CheckBoxColumn(accessor="pk", orderable=False, attrs={
        "th__input": {"form": "bulk-form", "aria-label": _("全选"), "disabled": "disabled",
                      "class": "d-none"},
        "td__input": {"form": "bulk-form", "aria-label": _("选择")}})
    name = tables.LinkColumn("talents:talent_detail", args=[tables.A("pk")],
                             verbose_name=_("姓名"), order_by=("name_sort", "id"))
    sex = tables.Column(verbose_name=_("性别"), attrs=WIDE_ONLY)
    birth_date = tables.DateColumn("Y-m", verbose_name=_("出生年月"), attrs=WIDE_ONLY)
    education = tables.Column(verbose_name=_("学历"))
    title_level = tables.Column(verbose_name=_("职称"), attrs=WIDE_ONLY)
    employer = tables.Column(verbose_name=_("工作单位"), attrs=WIDE_ONLY,
                             order_by="employer__name")
    category = tables.Column(verbose_name=_("人才类别"))
    region = tables.Column(verbose_name=_("地区"), attrs=WIDE_ONLY, order_by="region__code")

    class Meta:
        model = Talent
        fields = ("selected", "name", "sex", "birth_date", "education", "title_level",
                  "employer", "category", "region")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的人才。")

    def render_education(self, value):
        return code_label("education", value)

    def render_title_level(self, value):
        return code_label("title_level", value)
