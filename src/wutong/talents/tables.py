"""The registry list table, and the list's settings a user may choose (core.lists)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.core.lists import ListColumn, ListSpec
from wutong.talents.models import Talent
from wutong.talents.selectors import FILTER_KEYS

WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
# Masked ID numbers and phones of many people at once: only for roles whose export already
# gives them exactly that (the list never shows more than the role's export would).
BULK_PERSONAL = "talents.export_talent"

TALENT_LIST = ListSpec(
    key="talents", title=_("人才库"), url_name="talents:talent_list",
    permission="talents.view_talent", exporter="talents",
    # A saved filter is a set of conditions; hand-ticked people ("ids") are not one.
    filter_keys=tuple(k for k in FILTER_KEYS if k != "ids"),
    columns=(
        ListColumn("name", _("姓名"), required=True),
        ListColumn("sex", _("性别")),
        ListColumn("birth_date", _("出生年月")),
        ListColumn("id_number", _("证件号码"), default=False, permission=BULK_PERSONAL),
        ListColumn("phone", _("手机号码"), default=False, permission=BULK_PERSONAL),
        ListColumn("education", _("学历")),
        ListColumn("title_level", _("职称")),
        ListColumn("employer", _("工作单位")),
        ListColumn("category", _("人才类别")),
        ListColumn("region", _("地区")),
        ListColumn("introduced_on", _("引进时间"), default=False),
        ListColumn("introduction_mode", _("引进方式"), default=False),
    ),
)


class TalentTable(tables.Table):
    selected = tables.CheckBoxColumn(accessor="pk", orderable=False, attrs={
        "th__input": {"form": "bulk-form", "aria-label": _("全选"), "disabled": "disabled",
                      "class": "d-none"},
        "td__input": {"form": "bulk-form", "aria-label": _("选择")}})
    name = tables.LinkColumn("talents:talent_detail", args=[tables.A("pk")],
                             verbose_name=_("姓名"), order_by=("name_sort", "id"))
    sex = tables.Column(verbose_name=_("性别"), attrs=WIDE_ONLY)
    birth_date = tables.DateColumn("Y-m", verbose_name=_("出生年月"), attrs=WIDE_ONLY)
    # Shown only when a user chooses them (core.tables.apply_column_choice); masked values.
    id_number = tables.Column(verbose_name=_("证件号码"), orderable=False, visible=False)
    phone = tables.Column(verbose_name=_("手机号码"), orderable=False, visible=False)
    education = tables.Column(verbose_name=_("学历"))
    title_level = tables.Column(verbose_name=_("职称"), attrs=WIDE_ONLY)
    employer = tables.Column(verbose_name=_("工作单位"), attrs=WIDE_ONLY,
                             order_by="employer__name")
    category = tables.Column(verbose_name=_("人才类别"))
    region = tables.Column(verbose_name=_("地区"), attrs=WIDE_ONLY, order_by="region__code")
    introduced_on = tables.DateColumn("Y-m-d", verbose_name=_("引进时间"), visible=False)
    introduction_mode = tables.Column(verbose_name=_("引进方式"), visible=False)

    class Meta:
        model = Talent
        fields = ("selected", "name", "sex", "birth_date", "id_number", "phone", "education",
                  "title_level", "employer", "category", "region", "introduced_on",
                  "introduction_mode")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的人才。")

    def render_education(self, value):
        return code_label("education", value)

    def render_title_level(self, value):
        return code_label("title_level", value)

    def render_id_number(self, value):
        return value.masked  # a PersonalValue: never the clear number in a list

    def render_phone(self, value):
        return value.masked
