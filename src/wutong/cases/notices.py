"""Who must act on a case next, and telling them (``core.notify``): in-app messages for each
step that needs someone, and the deadline warning as a durable reminder that is rescheduled
when the deadline moves and cancelled when the clock stops."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.models import User
from wutong.accounts.roles import Role

WARN_HOUR = 9  # warnings are delivered at 09:00 of the warning day


def _active(qs):
    return list(qs.filter(is_active=True).order_by("id")[:50])


def unit_staff(unit_id: int | None) -> list:
    if not unit_id:
        return []
    return _active(User.objects.filter(unit_id=unit_id))


def office_staff(region_id: int | None) -> list:
    """The talent office of the region, or of the nearest region above that has one."""
    from wutong.core.models import Region

    region = Region.objects.filter(pk=region_id).first() if region_id else None
    for place in reversed(region.ancestors()) if region else []:
        people = _active(User.objects.filter(role=Role.OFFICE, region_id=place.pk))
        if people:
            return people
    return []


def requesters(case) -> list:
    """The requester and the talent it is for (when they have an account): both follow it."""
    ids = {i for i in (case.requester_id, case.talent.account_id) if i}
    return _active(User.objects.filter(pk__in=ids))


def handlers(case) -> list:
    """The handler, or the whole unit while nobody has taken the case."""
    if case.handler_id:
        return _active(User.objects.filter(pk=case.handler_id))
    return unit_staff(case.unit_id)


def case_url(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def send(case, recipients, kind: str, title: str, body: str = "") -> None:
    from wutong.core.notify import notify

    people = [u for u in recipients if u is not None]
    if people:
        notify(recipients=people, kind=f"cases.{kind}", title=title, body=body,
               url=case_url(case), obj=case)


def reminder_key(case) -> str:
    return f"cases.case:{case.pk}:"


def schedule_warning(case, calendar) -> None:
    """(Re)schedule the warning before the deadline for whoever holds the case now."""
    from wutong.core.notify import remind

    warn_on = calendar.subtract(case.due_on, case.case_type.warn_days)
    due_at = timezone.make_aware(dt.datetime.combine(warn_on, dt.time(WARN_HOUR)))
    due_at = max(due_at, timezone.now())
    people = handlers(case) if case.unit_id else office_staff(case.region_id)
    if not people:
        return
    remind(key=reminder_key(case) + "warn", due_at=due_at, recipients=people,
           kind="cases.warning",
           title=_("诉求即将到期：%(t)s") % {"t": case.title},
           body=_("办理期限 %(d)s，请抓紧办理并答复。") % {"d": case.due_on.isoformat()},
           url=case_url(case), obj=case)


def cancel_warning(case) -> None:
    from wutong.core.notify import cancel_reminders

    cancel_reminders(key_prefix=reminder_key(case))
