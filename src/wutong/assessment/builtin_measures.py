"""The measures the assessment app brings itself, from its own data and the floors below it:
reports on time, tasks completed, talents brought in, benefit money paid on time.

Each has a ``many`` form made of a few grouped queries, so that a year's scoring does not
run one query per unit and measure.

Attribution to a unit:
- dispatch and tasks: the unit's own reports and the tasks it leads;
- talents brought in: the talents registered in the unit's region (with its districts) and
  brought in that year — the indicator is meant for the units answerable for the region's
  figure (a district's talent office, the human-resources bureau), chosen as its units;
- money paid on time: a talent office answers for its region's payments, a member unit for the
  payments of the benefits it reviews (its step in the benefit's review chain).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import BooleanField, Count, Max, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import UnitKind
from wutong.assessment.measures import MeasureValue, register_measure
from wutong.core.models import Region

PAYMENT_GRACE_DAYS = 30  # 按期: paid within 30 days of the date it was due


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _rate(part: int, whole: int):
    return None if not whole else round(part * 100 / whole, 2)


# --- dispatch reports on time ----------------------------------------------------------------

def _plans(year: int):
    from wutong.assessment.models import WorkPlan

    return WorkPlan.objects.filter(year=year).values("pk")


def dispatch_on_time(unit, year: int) -> MeasureValue:
    from wutong.assessment.models import ProgressReport
    from wutong.assessment.selectors import UnitTally, dispatch_tally

    tally = dispatch_tally(plans=_plans(year), unit_ids=[unit.pk]).get(unit.pk, UnitTally())
    return MeasureValue(
        value=tally.on_time_rate,
        records=ProgressReport.objects.filter(unit=unit, round__plan__year=year).order_by(
            "round__month", "task__seq"),
        detail=_("按时报送 %(on)d 次，逾期 %(late)d 次，未报 %(missing)d 次，应报 %(n)d 次") % {
            "on": tally.on_time, "late": tally.late, "missing": tally.missing,
            "n": tally.expected})


def dispatch_on_time_many(units, year: int) -> dict:
    from wutong.assessment.selectors import dispatch_tally

    tally = dispatch_tally(plans=_plans(year), unit_ids=[u.pk for u in units])
    return {pk: t.on_time_rate for pk, t in tally.items()}


def dispatch_missing(unit, year: int) -> MeasureValue:
    from wutong.assessment.models import Chase
    from wutong.assessment.selectors import UnitTally, dispatch_tally

    tally = dispatch_tally(plans=_plans(year), unit_ids=[unit.pk]).get(unit.pk, UnitTally())
    return MeasureValue(
        value=tally.missing if tally.expected else None,
        records=Chase.objects.filter(unit=unit, round__plan__year=year).order_by("chased_at"),
        detail=_("未报 %(missing)d 次（应报 %(n)d 次）；下列为催报记录") % {
            "missing": tally.missing, "n": tally.expected})


def dispatch_missing_many(units, year: int) -> dict:
    from wutong.assessment.selectors import dispatch_tally

    tally = dispatch_tally(plans=_plans(year), unit_ids=[u.pk for u in units])
    return {pk: t.missing for pk, t in tally.items() if t.expected}


# --- tasks completed --------------------------------------------------------------------------

def _task_states(year: int, unit_ids) -> dict[int, list[bool]]:
    from wutong.assessment.models import ProjectCheck, ProjectStage, Task

    tasks = Task.objects.filter(plan__year=year, lead_unit_id__in=unit_ids).annotate(
        reached=Max("reports__value_reached"))
    finals = set(ProjectCheck.objects.filter(
        task__plan__year=year, unit_id__in=unit_ids, stage=ProjectStage.FINAL,
        score__gte=60).values_list("task_id", flat=True))
    states: dict[int, list[bool]] = defaultdict(list)
    for pk, unit_id, target, reached in tasks.values_list("pk", "lead_unit_id",
                                                          "target_value", "reached"):
        done = (target is not None and reached is not None and reached >= target) or \
            pk in finals
        states[unit_id].append(done)
    return states


def tasks_completed(unit, year: int) -> MeasureValue:
    from wutong.assessment.models import Task

    states = _task_states(year, [unit.pk]).get(unit.pk, [])
    return MeasureValue(
        value=_rate(sum(states), len(states)),
        records=Task.objects.filter(plan__year=year, lead_unit=unit).order_by("seq"),
        detail=_("完成 %(done)d 项 / 牵头 %(n)d 项（量化目标以累计完成值达到目标为完成，"
                 "其余以年终评价 60 分以上为完成）") % {"done": sum(states), "n": len(states)})


def tasks_completed_many(units, year: int) -> dict:
    states = _task_states(year, [u.pk for u in units])
    return {pk: _rate(sum(s), len(s)) for pk, s in states.items()}


# --- talents brought in -----------------------------------------------------------------------

def _subtree_sum(units, counts: dict[int, int]) -> dict[int, int]:
    paths = dict(Region.objects.filter(pk__in=set(counts) | {u.region_id for u in units})
                 .values_list("pk", "path"))
    out = {}
    for unit in units:
        root = paths[unit.region_id]
        out[unit.pk] = sum(n for rid, n in counts.items() if paths.get(rid, "").startswith(root))
    return out


def _introduced(year: int):
    from wutong.talents.models import Talent

    start, end = _year_range(year)
    return Talent.objects.filter(is_active=True, introduced_on__gte=start,
                                 introduced_on__lt=end)


def talents_introduced(unit, year: int) -> MeasureValue:
    records = _introduced(year).filter(region__path__startswith=unit.region.path)
    return MeasureValue(value=records.count(), records=records.order_by("-introduced_on"),
                        detail=_("%(region)s（含下辖地区）%(year)d 年引进并在册的人才") % {
                            "region": unit.region.name, "year": year})


def talents_introduced_many(units, year: int) -> dict:
    roots = Region.objects.filter(pk__in={u.region_id for u in units})
    q = Q()
    for root in roots:
        q |= Q(region__path__startswith=root.path)
    counts = dict(_introduced(year).filter(q).values("region_id").annotate(
        n=Count("id")).values_list("region_id", "n"))
    return _subtree_sum(units, counts)


# --- benefit money paid on time ---------------------------------------------------------------

def before_local_day_end(table: str, moment: str, day: str, *, days_after: int = 0) -> RawSQL:
    """Whether ``table.moment`` (a timestamp) falls before the end of the local day
    ``days_after`` days after ``table.day`` (a date), in each database's own date arithmetic
    (Django's portable expressions call Python functions per row on SQLite: 500,000 payments
    took seconds). Table and column names are this app's constants, never user input."""
    days = days_after + 1
    if connection.vendor == "postgresql":
        zone = str(timezone.get_current_timezone())
        return RawSQL(f'"{table}"."{moment}" < (("{table}"."{day}" + %s::integer) '  # noqa: S611
                      f"::timestamp AT TIME ZONE %s)", [days, zone],
                      output_field=BooleanField())
    offset = timezone.localtime().utcoffset() or dt.timedelta()
    hours = int(offset.total_seconds() // 3600)
    return RawSQL(f'"{table}"."{moment}" < datetime("{table}"."{day}", %s, %s)',  # noqa: S611
                  [f"+{days} days", f"{-hours:+d} hours"], output_field=BooleanField())


def _paid_in_time_sql() -> RawSQL:
    """Paid by the end of the local day ``PAYMENT_GRACE_DAYS`` after the due date."""
    return before_local_day_end("policies_payment", "paid_at", "due_on",
                                days_after=PAYMENT_GRACE_DAYS)


def _payments_due(year: int):
    from wutong.policies.redemption_models import Payment, PaymentStatus

    start, end = _year_range(year)
    end = min(end, timezone.localdate() + dt.timedelta(days=1))
    payments = Payment.objects.filter(due_on__gte=start, due_on__lt=end).order_by()
    return payments.annotate(in_time=_paid_in_time_sql()), Q(
        status=PaymentStatus.PAID, in_time=True)


def _reviewed_benefits(units) -> dict[int, set[int]]:
    from wutong.policies.models import BenefitReviewStep

    out: dict[int, set[int]] = defaultdict(set)
    for unit_id, benefit_id in BenefitReviewStep.objects.filter(
            unit__in=[u.pk for u in units]).values_list("unit_id", "benefit_id"):
        out[unit_id].add(benefit_id)
    return out


def _unit_payments(unit, payments):
    if unit.kind == UnitKind.TALENT_OFFICE:
        return payments.filter(region__path__startswith=unit.region.path)
    return payments.filter(benefit_id__in=_reviewed_benefits([unit])[unit.pk])


def payments_on_time(unit, year: int) -> MeasureValue:
    payments, on_time = _payments_due(year)
    mine = _unit_payments(unit, payments)
    totals = mine.aggregate(due=Count("id"), ok=Count("id", filter=on_time))
    return MeasureValue(
        value=_rate(totals["ok"], totals["due"]), records=mine.order_by("due_on"),
        detail=_("应发 %(due)d 笔，按期发放 %(ok)d 笔（应发日期后 %(days)d 日内）") % {
            "due": totals["due"], "ok": totals["ok"], "days": PAYMENT_GRACE_DAYS})


def payments_on_time_many(units, year: int) -> dict:
    payments, on_time = _payments_due(year)
    rows = list(payments.values("region_id", "benefit_id").annotate(
        due=Count("id"), ok=Count("id", filter=on_time)).values_list(
        "region_id", "benefit_id", "due", "ok"))
    paths = dict(Region.objects.filter(pk__in={r[0] for r in rows} | {
        u.region_id for u in units}).values_list("pk", "path"))
    benefits = _reviewed_benefits([u for u in units if u.kind != UnitKind.TALENT_OFFICE])
    out = {}
    for unit in units:
        if unit.kind == UnitKind.TALENT_OFFICE:
            root = paths[unit.region_id]
            mine = [r for r in rows if paths.get(r[0], "").startswith(root)]
        else:
            mine = [r for r in rows if r[1] in benefits.get(unit.pk, ())]
        out[unit.pk] = _rate(sum(r[3] for r in mine), sum(r[2] for r in mine))
    return out


def register() -> None:
    register_measure("dispatch_on_time", _("月度调度按时报送率（%）"), dispatch_on_time,
                     many=dispatch_on_time_many,
                     help=_("截止日已过的各月，按时报送的任务进展占应报送的比例。"))
    register_measure("dispatch_missing", _("月度调度未报次数（次）"), dispatch_missing,
                     many=dispatch_missing_many,
                     help=_("截止日已过仍未报送的任务进展次数，用于减分项（每次扣分）。"))
    register_measure("tasks_completed", _("牵头任务完成率（%）"), tasks_completed,
                     many=tasks_completed_many,
                     help=_("当年牵头任务中已完成的比例。"))
    register_measure("talents_introduced", _("引进人才数（人）"), talents_introduced,
                     many=talents_introduced_many,
                     help=_("单位所在地区（含下辖地区）当年引进并在册的人才数。"))
    register_measure("payments_on_time", _("政策兑现资金按期发放率（%）"), payments_on_time,
                     many=payments_on_time_many,
                     help=_("当年已到期的兑现资金中按期发放的比例。"))
