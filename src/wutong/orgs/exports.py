"""Exporters of the employer and platform lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.core.exports import Column, Exporter, choice_label, register_exporter
from wutong.orgs.models import Employer, EmployerType, Platform, PlatformKind, PlatformLevel


def register() -> None:
    from wutong.orgs.selectors import employer_list, platform_list

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
    kind_label = choice_label(PlatformKind.choices)
    level_label = choice_label(PlatformLevel.choices)
    register_exporter(Exporter(
        key="platforms", title=_("平台载体名单"), model=Platform,
        rows=lambda user, params: platform_list(user=user, action="export", filters=params),
        columns=(
            Column(_("平台名称"), lambda p: p.name),
            Column(_("平台类型"), lambda p: kind_label(p.kind)),
            Column(_("级别"), lambda p: level_label(p.level)),
            Column(_("依托单位"), lambda p: p.host.name),
            Column(_("依托单位信用代码"), lambda p: p.host.uscc),
            Column(_("所在地区"), lambda p: p.region.name),
            Column(_("合作院校/机构"), lambda p: p.partners),
            Column(_("认定时间"), lambda p: p.recognised_on.isoformat() if p.recognised_on
                   else ""),
            Column(_("状态"), lambda p: _("有效") if p.is_active else _("已撤销")),
        ),
    ))
