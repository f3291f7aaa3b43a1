"""Exporter of the office's case list: what the user may export, filtered like the page,
the talent's name masked (family name kept) and no free text (a case's content can hold
personal details)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.cases.models import RUNNING, Case, CaseStatus, RequesterKind
from wutong.core.exports import Column, Exporter, choice_label, register_exporter


def mask_name(name: str) -> str:
    """"张三丰" → "张**": the family name kept, the rest starred."""
    name = name or ""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def _rows(user, params: dict):
    from wutong.cases.selectors import case_list

    qs = case_list(user=user, filters=params)
    return qs.filter(pk__in=Case.objects.restrict(user, "export").values("pk"))


def register() -> None:
    status_label = choice_label(CaseStatus.choices)
    kind_label = choice_label(RequesterKind.choices)
    register_exporter(Exporter(
        key="cases", title=_("服务诉求"), model=Case, rows=_rows,
        columns=(
            Column(_("编号"), lambda c: c.code),
            Column(_("诉求类型"), lambda c: c.case_type.name),
            Column(_("诉求标题"), lambda c: c.title),
            Column(_("人才"), lambda c: mask_name(c.talent.name)),
            Column(_("所属地区"), lambda c: c.region.name),
            Column(_("提出方式"), lambda c: kind_label(c.requester_kind)),
            Column(_("状态"), lambda c: status_label(c.status)),
            Column(_("承办单位"), lambda c: c.unit.name if c.unit else ""),
            Column(_("提出时间"), lambda c: timezone.localtime(c.raised_at).strftime(
                "%Y-%m-%d %H:%M")),
            Column(_("办理期限"), lambda c: c.due_on.isoformat()),
            Column(_("是否超期"), lambda c: c.status in RUNNING and
                   c.due_on < timezone.localdate()),
            Column(_("超期升级层级"), lambda c: c.escalation_level),
            Column(_("督办"), lambda c: c.is_supervised),
            Column(_("重新办理次数"), lambda c: c.reopen_count),
            Column(_("满意度"), lambda c: c.satisfaction or ""),
        ),
    ))
