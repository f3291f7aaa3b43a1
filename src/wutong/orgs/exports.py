"""Exporter of the employer list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.core.exports import Column, Exporter, choice_label, register_exporter
from wutong.orgs.models import Employer, EmployerType


def register() -> None:
    from wutong.orgs.selectors import employer_list

    type_label = choice_label(EmployerType.choices)
    register_exporter(Exporter(
        key="employers", title=_("用人单位名单"), model=Employer,
        rows=lambda user, params: employer_list(user=user, action="export", filters=params),
        columns=(
            Column(_("单位名称"), lambda e: e.name),
            Column(_("统一社会信用代码"), lambda e: e.uscc),
            Column(_("单位性质"), lambda e: type_label(e.type)),
            Column(_("所属行业"), lambda e: code_label("industry", e.industry)),
            Column(_("所在地区"), lambda e: e.region.name),
            Column(_("联系人"), lambda e: e.contact_name),
            Column(_("联系电话"), lambda e: e.contact_phone),
        ),
    ))
