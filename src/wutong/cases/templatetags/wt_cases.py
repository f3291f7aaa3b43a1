"""Template helpers of the case pages: status badges and the deadline mark."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from wutong.cases.models import RUNNING

register = template.Library()

STATUS_CLASSES = {
    "raised": "text-bg-warning", "accepted": "text-bg-info", "assigned": "text-bg-primary",
    "handling": "text-bg-primary", "waiting": "text-bg-warning", "answered": "text-bg-info",
    "closed": "text-bg-success", "declined": "text-bg-secondary",
    "withdrawn": "text-bg-light border",
}


@register.filter
def case_status_class(status) -> str:
    return STATUS_CLASSES.get(str(status), "text-bg-light border")


@register.simple_tag
def is_overdue(case, today) -> bool:
    return case.status in RUNNING and case.due_on < today


@register.filter
def stars(value) -> str:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)


@register.simple_tag
def workdays_left(case, today) -> str:
    """"还剩 3 个工作日" / "已超期 2 个工作日" / "已暂停（剩 4 个工作日）"."""
    from wutong.cases.workdays import Calendar

    if case.status not in RUNNING and case.remaining_days is None:
        return ""
    if case.remaining_days is not None:
        return _("计时暂停（剩余 %(n)s 个工作日）") % {"n": max(case.remaining_days, 0)}
    left = Calendar.load().between(today, case.due_on)
    if left < 0 or case.due_on < today:
        return _("已超期 %(n)s 个工作日") % {"n": max(-left, 1)}
    if left == 0:
        return _("今天到期")
    return _("还剩 %(n)s 个工作日") % {"n": left}
