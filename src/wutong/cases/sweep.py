"""Escalation of overdue cases, up the hierarchy, set-based and idempotent.

A running case (not paused) whose deadline has passed is escalated level by level as it
stays overdue, counted in working days after the deadline:

====== ================================== =========================
level  who is told                        working days overdue
====== ================================== =========================
1      the handler (or the unit)          from the day after the deadline
2      the unit's staff (its head)        more than 2
3      the talent office of the region    more than 5
4      the office of the region above     more than 10
====== ================================== =========================

Each level is recorded once per case and round (a reopen starts a new round): the
``Escalation`` rows are inserted for the ids a set-based query finds, a unique constraint
refuses doubles, and ``Case.escalation_level`` is updated in one statement. Messages are
grouped: one per recipient and level with the number of cases, not one per case.

Run by ``wutong cases_sweep`` from cron (daily, after 00:00) or the ``cases_sweep_task``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wutong.cases.models import RUNNING, Case, CaseStep, Escalation, StepKind
from wutong.cases.workdays import Calendar

LEVELS = ((1, 0), (2, 2), (3, 5), (4, 10))
LEVEL_LABELS = {1: gettext_lazy("经办人"), 2: gettext_lazy("承办单位"),
                3: gettext_lazy("本级人才办"), 4: gettext_lazy("上级人才办")}
BATCH = 2000


def _thresholds(today: dt.date, calendar: Calendar) -> dict[int, dt.date]:
    """Level → the latest deadline that has reached it today (``due_on < threshold``)."""
    return {level: (today if days == 0 else calendar.subtract(today, days))
            for level, days in LEVELS}


def escalate_overdue(*, today: dt.date | None = None) -> dict[int, int]:
    """Record every level reached and not yet recorded; return {level: cases escalated}."""
    today = today or timezone.localdate()
    calendar = Calendar.load()
    limits = _thresholds(today, calendar)
    done: dict[int, int] = {}
    for level, _days in LEVELS:
        done[level] = _escalate_level(level, limits[level])
    return done


def _escalate_level(level: int, threshold: dt.date) -> int:
    total = 0
    while True:
        with transaction.atomic():
            rows = list(Case.objects.select_for_update(skip_locked=_skip_locked()).filter(
                status__in=RUNNING, due_on__lt=threshold, escalation_level__lt=level)
                .order_by("id").values("id", "reopen_count", "unit_id", "handler_id",
                                       "region_id", "due_on")[:BATCH])
            if not rows:
                return total
            now = timezone.now()
            Escalation.objects.bulk_create(
                [Escalation(case_id=r["id"], level=level, round=r["reopen_count"],
                            unit_id=r["unit_id"], due_on=r["due_on"], at=now) for r in rows],
                ignore_conflicts=True)
            ids = [r["id"] for r in rows]
            Case.objects.filter(pk__in=ids, escalation_level__lt=level).update(
                escalation_level=level, updated_at=now)
            CaseStep.objects.bulk_create(
                [CaseStep(case_id=r["id"], kind=StepKind.ESCALATE, actor_name=_("系统"),
                          unit_id=r["unit_id"], is_internal=True, at=now,
                          text=_("超过办理期限 %(d)s，升级至%(w)s") % {
                              "d": r["due_on"].isoformat(), "w": LEVEL_LABELS[level]})
                 for r in rows])
            _audit(level, ids)
            _tell(level, rows)
            total += len(rows)


def _skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def _audit(level: int, ids: list[int]) -> None:
    from wutong.core.audit import audit_log
    from wutong.core.models.audit import AuditAction

    audit_log(actor=None, action=AuditAction.OTHER, object_type="cases.Escalation",
              object_repr=_("诉求超期升级至第 %(l)s 级：%(n)s 件") % {"l": level,
                                                                  "n": len(ids)},
              extra={"level": level, "cases": ids[:500], "count": len(ids)})


def _tell(level: int, rows: list[dict]) -> None:
    """One message per recipient: "N cases overdue" with a link to the overdue list."""
    from wutong.accounts.models import User
    from wutong.core.models import Region
    from wutong.core.notify import notify

    per_user: dict[int, int] = defaultdict(int)
    if level == 1:
        no_handler = defaultdict(int)
        for r in rows:
            if r["handler_id"]:
                per_user[r["handler_id"]] += 1
            elif r["unit_id"]:
                no_handler[r["unit_id"]] += 1
            else:
                no_handler[("region", r["region_id"])] += 1
        units = {k: v for k, v in no_handler.items() if not isinstance(k, tuple)}
        regions = {k[1]: v for k, v in no_handler.items() if isinstance(k, tuple)}
        _count_unit_staff(units, per_user)
        _count_office_staff(regions, per_user)
    elif level == 2:
        units = defaultdict(int)
        for r in rows:
            if r["unit_id"]:
                units[r["unit_id"]] += 1
        _count_unit_staff(units, per_user)
    else:
        regions = defaultdict(int)
        for r in rows:
            regions[r["region_id"]] += 1
        if level == 4:
            parents = dict(Region.objects.filter(pk__in=regions).values_list("pk", "parent_id"))
            up = defaultdict(int)
            for region_id, n in regions.items():
                if parents.get(region_id):
                    up[parents[region_id]] += n
            regions = up
        _count_office_staff(regions, per_user)
    users = {u.pk: u for u in User.objects.filter(pk__in=per_user, is_active=True)}
    url = reverse("cases:overdue")
    for user_id, n in per_user.items():
        if user_id in users:
            notify(recipients=[users[user_id]], kind=f"cases.escalation.{level}",
                   title=_("%(n)s 件诉求已超期（第 %(l)s 级提醒：%(w)s）") % {
                       "n": n, "l": level, "w": LEVEL_LABELS[level]},
                   body=_("请查看超期诉求清单并督促办理。"), url=url)


def _count_unit_staff(units: dict, per_user: dict) -> None:
    from wutong.accounts.models import User

    for user_id, unit_id in User.objects.filter(unit_id__in=units, is_active=True) \
            .values_list("pk", "unit_id"):
        per_user[user_id] += units[unit_id]


def _count_office_staff(regions: dict, per_user: dict) -> None:
    from wutong.accounts.models import User
    from wutong.accounts.roles import Role

    for user_id, region_id in User.objects.filter(region_id__in=regions, role=Role.OFFICE,
                                                  is_active=True).values_list("pk",
                                                                              "region_id"):
        per_user[user_id] += regions[region_id]

