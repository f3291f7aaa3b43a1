"""Reads of the assessment app, always within the caller's data scope.

Member-unit staff reach plans and months through their own unit's tasks (a plan or a month
belongs to the region; what a unit sees of it is its tasks and reports).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from wutong.accounts.models import Unit, UnitKind
from wutong.assessment.models import (
    Chase,
    DispatchRound,
    IndicatorSystem,
    LeaderReport,
    ProgressReport,
    Task,
    UnitScore,
    WorkPlan,
)
from wutong.core.errors import NotFound


def is_unit_user(user) -> bool:
    return user.get_data_scope().kind == "unit"


def plans_for(*, user):
    """The plans a user works on: the office's by region; a unit's where it leads a task."""
    if is_unit_user(user):
        ids = Task.objects.restrict(user, "view").values("plan_id")
        return WorkPlan.objects.filter(pk__in=ids).select_related("region")
    return WorkPlan.objects.restrict(user, "view").select_related("region")


def plan_get(*, user, pk) -> WorkPlan:
    plan = plans_for(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise NotFound()
    return plan


def tasks_of(*, user, plan: WorkPlan, unit_id=None):
    tasks = Task.objects.restrict(user, "view").filter(plan=plan).select_related(
        "lead_unit").prefetch_related("co_units")
    if unit_id:
        tasks = tasks.filter(lead_unit_id=unit_id)
    return tasks.order_by("seq", "id")


def round_get(*, user, pk) -> DispatchRound:
    plans = plans_for(user=user).values("pk")
    found = DispatchRound.objects.filter(plan__in=plans, pk=pk).select_related(
        "plan", "region").first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def rounds_of(*, user, plan: WorkPlan):
    plan_get(user=user, pk=plan.pk)
    return DispatchRound.objects.filter(plan=plan).order_by("-month")


def month_start(round_: DispatchRound) -> dt.date:
    return dt.date(round_.plan.year, round_.month, 1)


def is_expected(task: Task, round_: DispatchRound) -> bool:
    """A task is reported on every month up to the month of its deadline (a report after
    that is welcome but not owed)."""
    return task.deadline is None or task.deadline >= month_start(round_)


def _expected_q(start: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}deadline__isnull": True}) | Q(**{f"{prefix}deadline__gte": start})


@dataclass
class UnitDispatch:
    """One unit's standing in one month's dispatch."""

    unit: Unit
    expected: int = 0
    reported: int = 0
    late: int = 0
    chases: int = 0
    last_chase: dt.datetime | None = None

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)


def round_status(*, user, round: DispatchRound) -> list[UnitDispatch]:
    """Per unit with tasks in the month: tasks to report, reported, late, chases (three
    grouped queries). A task is reported on until the month after its deadline."""
    start = month_start(round)
    tasks = Task.objects.restrict(user, "view").filter(plan_id=round.plan_id).filter(
        _expected_q(start))
    expected = dict(tasks.values("lead_unit_id").annotate(n=Count("id")).values_list(
        "lead_unit_id", "n"))
    reports = ProgressReport.objects.restrict(user, "view").filter(
        round=round).filter(_expected_q(start, "task__"))
    done = {row["unit_id"]: row for row in reports.values("unit_id").annotate(
        n=Count("id"), late=Count("id", filter=Q(is_late=True)))}
    chases = {row["unit_id"]: row for row in Chase.objects.restrict(user, "view").filter(
        round=round).values("unit_id").annotate(n=Count("id"), last=Max("chased_at"))}
    units = Unit.objects.filter(pk__in=set(expected) | set(done)).order_by(
        "kind", "sort_order", "name")
    out = []
    for unit in units:
        row = UnitDispatch(unit=unit, expected=expected.get(unit.pk, 0))
        if unit.pk in done:
            row.reported, row.late = done[unit.pk]["n"], done[unit.pk]["late"]
        if unit.pk in chases:
            row.chases, row.last_chase = chases[unit.pk]["n"], chases[unit.pk]["last"]
        out.append(row)
    return out


@dataclass
class UnitTally:
    """A unit's reports over the months whose due day has passed."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    rounds: list = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(self.expected - self.on_time - self.late, 0)

    @property
    def on_time_rate(self):
        return None if not self.expected else round(self.on_time * 100 / self.expected, 2)


def dispatch_tally(*, plans, unit_ids=None, today: dt.date | None = None) -> dict[int, UnitTally]:
    """Late and missing reports per unit over the passed months of ``plans`` (unrestricted:
    the callers restrict, or compute a measure for the office)."""
    today = today or timezone.localdate()
    rounds = list(DispatchRound.objects.filter(plan__in=plans, due_on__lt=today).select_related(
        "plan"))
    if not rounds:
        return {}
    tasks = Task.objects.filter(plan_id__in={r.plan_id for r in rounds})
    reports = ProgressReport.objects.filter(round__in=rounds)
    if unit_ids is not None:
        tasks = tasks.filter(lead_unit_id__in=unit_ids)
        reports = reports.filter(unit_id__in=unit_ids)
    by_plan: dict[int, list] = defaultdict(list)
    for plan_id, unit_id, deadline in tasks.values_list("plan_id", "lead_unit_id", "deadline"):
        by_plan[plan_id].append((unit_id, deadline))
    tally: dict[int, UnitTally] = defaultdict(UnitTally)
    starts: dict[dt.date, list[int]] = defaultdict(list)
    for round_ in rounds:
        start = month_start(round_)
        starts[start].append(round_.pk)
        for unit_id, deadline in by_plan[round_.plan_id]:
            if deadline is None or deadline >= start:
                tally[unit_id].expected += 1
    # Reports of owed tasks only, one grouped query per month (rounds of a year share it).
    for start, round_ids in starts.items():
        for unit_id, late, n in reports.filter(round_id__in=round_ids).filter(
                _expected_q(start, "task__")).values("unit_id", "is_late").annotate(
                n=Count("id")).values_list("unit_id", "is_late", "n"):
            if late:
                tally[unit_id].late += n
            else:
                tally[unit_id].on_time += n
    return dict(tally)


def plan_tally(*, user, plan: WorkPlan) -> list[tuple[Unit, UnitTally]]:
    """Per unit of the plan within the user's scope: on time, late and missing reports."""
    units = Unit.objects.restrict(user, "view").filter(
        pk__in=Task.objects.restrict(user, "view").filter(plan=plan).values("lead_unit_id"))
    units = list(units.order_by("kind", "sort_order", "name"))
    tally = dispatch_tally(plans=[plan.pk], unit_ids=[u.pk for u in units])
    return [(u, tally.get(u.pk, UnitTally())) for u in units]


def reports_of(*, user, round: DispatchRound, unit_id=None):
    reports = ProgressReport.objects.restrict(user, "view").filter(round=round).select_related(
        "task", "unit", "submitted_by", "commented_by").prefetch_related("proofs")
    if unit_id:
        reports = reports.filter(unit_id=unit_id)
    return reports.order_by("task__seq")


def sheet_rows(*, user, round: DispatchRound, action: str = "view"):
    """The month's dispatch sheet: every task in the user's scope with its report (or none)."""
    tasks = list(Task.objects.restrict(user, action).filter(plan_id=round.plan_id)
                 .select_related("lead_unit").prefetch_related("co_units").order_by("seq"))
    reports = {r.task_id: r for r in ProgressReport.objects.restrict(user, action).filter(
        round=round, task__in=[t.pk for t in tasks])}
    return [(t, reports.get(t.pk)) for t in tasks]


def systems_for(*, user):
    return IndicatorSystem.objects.restrict(user, "view").select_related("region")


def scores_for(*, user, system: IndicatorSystem):
    return UnitScore.objects.restrict(user, "view").filter(system=system).select_related(
        "unit").order_by("rank", "unit__sort_order", "unit__name")


def unit_scores(*, user):
    """A unit's own scores (member-unit staff reach only their unit's)."""
    return UnitScore.objects.restrict(user, "view").select_related("system", "unit").order_by(
        "-system__year")


def leader_reports_for(*, user, year=None):
    items = LeaderReport.objects.restrict(user, "view").select_related("region", "unit")
    if year:
        items = items.filter(year=year)
    return items


def region_units(region) -> list[Unit]:
    """The region's member units and talent offices below it (candidates for a task)."""
    return list(Unit.objects.filter(Q(region=region) | Q(region__parent=region,
                                                         kind=UnitKind.TALENT_OFFICE),
                                    is_active=True).order_by("kind", "sort_order", "name"))


def unit_scores_figures(*, year: int, region_path: str):
    """The units' scores of ``year`` and the year before under a region, for the stats
    figures (registered with ``core.figures``; stats stands on this app's floor)."""
    from wutong.assessment.models import UnitScore

    return UnitScore.objects.filter(
        system__year__in=(year, year - 1), region__path__startswith=region_path).values(
        "region_id", "system_id", "system__year", "system__title", "unit__name", "total", "rank")
