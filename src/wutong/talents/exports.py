"""Exporter of the registry list: what the user sees, masked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.core.exports import Column, Exporter, choice_label, register_exporter
from wutong.talents.models import IntroductionMode, Sex, Talent


def register() -> None:
    from wutong.talents.selectors import talent_list

    sex_label, mode_label = choice_label(Sex.choices), choice_label(IntroductionMode.choices)
    register_exporter(Exporter(
        key="talents", title=_("人才名单"), model=Talent,
        rows=lambda user, params: talent_list(user=user, action="export", filters=params),
        columns=(
            Column(_("姓名"), lambda t: t.name),
            Column(_("性别"), lambda t: sex_label(t.sex)),
            Column(_("出生日期"), lambda t: t.birth_date.isoformat() if t.birth_date else ""),
            Column(_("证件号码"), lambda t: t.id_number),
            Column(_("手机号码"), lambda t: t.phone),
            Column(_("最高学历"), lambda t: code_label("education", t.education)),
            Column(_("职称级别"), lambda t: code_label("title_level", t.title_level)),
            Column(_("工作单位"), lambda t: t.employer.name if t.employer else ""),
            Column(_("人才类别"), lambda t: t.category),
            Column(_("所属地区"), lambda t: t.region.name),
            Column(_("引进时间"), lambda t: t.introduced_on.isoformat() if t.introduced_on
                   else ""),
            Column(_("引进方式"), lambda t: mode_label(t.introduction_mode)),
        ),
    ))
