"""Exports of the grid's two work lists — talents without a commissioner (or secretary) and
talents nobody has contacted within the cycle — as the user sees them, names masked (family
name kept), no contact notes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.cases.commissioner_models import CareRole, TalentCare
from wutong.core.exports import Column, Exporter, register_exporter


def mask_name(name: str) -> str:
    name = name or ""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def _exportable(user, qs):
    from wutong.talents.models import Talent

    return qs.filter(pk__in=Talent.objects.restrict(user, "export").values("pk"))


def _gap_rows(user, params: dict):
    from wutong.cases import commissioner_selectors as sel

    role = params.get("role") if params.get("role") in CareRole.values else \
        CareRole.COMMISSIONER
    return _exportable(user, sel.gaps(user=user, role=role))


def _stale_rows(user, params: dict):
    from wutong.cases import commissioner_selectors as sel

    return _exportable(user, sel.stale(user=user))


def _care(talent):
    try:
        return talent.care
    except TalentCare.DoesNotExist:
        return None


def register() -> None:
    base = (Column(_("姓名"), lambda t: mask_name(t.name)),
            Column(_("人才类别"), lambda t: t.category),
            Column(_("工作单位"), lambda t: t.employer.name if t.employer else ""),
            Column(_("所属地区"), lambda t: t.region.name))
    register_exporter(Exporter(key="grid_gaps", title=_("未配备专员的人才"), model=TalentCare,
                               rows=_gap_rows, columns=base))
    register_exporter(Exporter(
        key="grid_stale", title=_("超过联系周期未联系的人才"), model=TalentCare,
        rows=_stale_rows, columns=(*base,
                                   Column(_("人才专员"), lambda t: (
                                       _care(t).commissioner.full_name
                                       if _care(t) and _care(t).commissioner else "")),
                                   Column(_("最近联系"), lambda t: (
                                       _care(t).last_contact_on.isoformat()
                                       if _care(t) and _care(t).last_contact_on else "")))))
