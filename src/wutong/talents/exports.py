"""Exporter of the registry list: what the user sees (their column choice), masked; and the
list's registration for saved filters and column choice (``core.lists``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_label
from wutong.core.exports import Column, Exporter, choice_label, register_exporter
from wutong.core.lists import register_list
from wutong.talents.models import IntroductionMode, Sex, Talent


def register() -> None:
    from wutong.talents.selectors import talent_list
    from wutong.talents.tables import TALENT_LIST

    register_list(TALENT_LIST)
    sex_label, mode_label = choice_label(Sex.choices), choice_label(IntroductionMode.choices)
    register_exporter(Exporter(
        key="talents", title=_("人才名单"), model=Talent, list_key=TALENT_LIST.key,
        rows=lambda user, params: talent_list(user=user, action="export", filters=params),
        # Keys are the list's column keys (talents.tables.TALENT_LIST).
        columns=(
            Column(_("姓名"), lambda t: t.name, "name"),
            Column(_("性别"), lambda t: sex_label(t.sex), "sex"),
            Column(_("出生日期"), lambda t: t.birth_date.isoformat() if t.birth_date else "",
                   "birth_date"),
            Column(_("证件号码"), lambda t: t.id_number, "id_number"),
            Column(_("手机号码"), lambda t: t.phone, "phone"),
            Column(_("最高学历"), lambda t: code_label("education", t.education), "education"),
            Column(_("职称级别"), lambda t: code_label("title_level", t.title_level),
                   "title_level"),
            Column(_("工作单位"), lambda t: t.employer.name if t.employer else "", "employer"),
            Column(_("人才类别"), lambda t: t.category, "category"),
            Column(_("所属地区"), lambda t: t.region.name, "region"),
            Column(_("引进时间"), lambda t: t.introduced_on.isoformat() if t.introduced_on
                   else "", "introduced_on"),
            Column(_("引进方式"), lambda t: mode_label(t.introduction_mode),
                   "introduction_mode"),
        ),
    ))
