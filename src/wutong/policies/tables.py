"""Tables of the policies lists (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wutong.policies.models import Entitlement, fen_to_cny


class EntitlementTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", orderable=False,
                                   attrs={"th__input": {"aria-label": _("全选")},
                                          "input": {"form": "push-form", "name": "ids"}})
    talent = tables.Column(verbose_name=_("人才"), accessor="talent__name", orderable=False)
    employer = tables.Column(verbose_name=_("工作单位"), accessor="talent__employer__name",
                             orderable=False, default="—")
    benefit = tables.Column(verbose_name=_("政策事项"), accessor="benefit__name",
                            orderable=False)
    tier = tables.Column(verbose_name=_("类别"), orderable=False, default="—")
    amount_fen = tables.Column(verbose_name=_("金额（元）"), orderable=False,
                               attrs={"td": {"class": "text-end text-nowrap"}})
    status = tables.Column(verbose_name=_("状态"), orderable=False)
    found_on = tables.DateColumn(verbose_name=_("发现日期"), format="Y-m-d", orderable=False)
    explain = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Entitlement
        fields = ("select", "talent", "employer", "benefit", "tier", "amount_fen", "status",
                  "found_on", "explain")
        attrs = {"class": "table table-sm table-hover align-middle bg-white"}

    def render_amount_fen(self, value):
        return fen_to_cny(value)

    def render_explain(self, record):
        from django.urls import reverse

        url = reverse("policies:explain", args=[record.talent_id, record.benefit_id])
        return format_html('<a href="{}">{}</a>', url, _("依据"))
