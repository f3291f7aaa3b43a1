"""Reads of the service cases, always within the caller's data scope: the office sees its
region subtree, a member unit the cases it answers for (and those it co-handles), a talent
their own, an employer its people's."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone

from wutong.cases.models import (
    OPEN_VALUES,
    RUNNING_VALUES,
    Case,
    CaseCoUnit,
    CaseStatus,
    CaseStep,
    CaseType,
    WorkdayOverride,
)
from wutong.core.errors import NotFound

LIST_RELATED = ("case_type", "talent", "unit", "region")
LIST_FIELDS = ("id", "title", "status", "raised_at", "due_on", "remaining_days",
               "escalation_level", "is_supervised", "reopen_count", "satisfaction",
               "requester_kind", "case_type__name", "talent__name", "unit__name",
               "unit__short_name", "region__name", "talent_id", "unit_id", "case_type_id",
               "region_id", "handler_id")


def _today() -> dt.date:
    return timezone.localdate()


def _co_handled(unit_id: int) -> list[int]:
    """Open cases a unit co-handles (looked up first: most units have few or none, and an
    empty list keeps the main query a plain indexed one)."""
    return list(CaseCoUnit.objects.filter(unit_id=unit_id).values_list("case_id", flat=True)
                .order_by("-case_id")[:1000])


def visible(*, user, action: str = "view"):
    """Cases in the user's scope; member-unit staff also reach the cases they co-handle."""
    qs = Case.objects.restrict(user, action)
    scope = user.get_data_scope() if getattr(user, "is_authenticated", False) else None
    if scope is not None and scope.kind == "unit" and user.has_perm(f"cases.{action}_case"):
        co = _co_handled(user.unit_id)
        if co:
            qs = Case.objects.filter(Q(unit_id=user.unit_id) | Q(pk__in=co))
    return qs


def case_list(*, user, filters: dict | None = None):
    """The office's list (and anyone's): filtered by status, type, unit, overdue, a word."""
    filters = filters or {}
    qs = visible(user=user).select_related(*LIST_RELATED).only(*LIST_FIELDS)
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_VALUES)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    for key, field in (("type", "case_type_id"), ("unit", "unit_id")):
        if str(filters.get(key) or "").isdigit():
            qs = qs.filter(**{field: int(filters[key])})
    if filters.get("overdue") in ("1", "on", "true", True):
        qs = qs.filter(status__in=RUNNING_VALUES, due_on__lt=_today())
    if filters.get("supervised") in ("1", "on", "true", True):
        qs = qs.filter(is_supervised=True)
    word = str(filters.get("q") or "").strip()
    if word:
        qs = qs.filter(Q(title__contains=word) | Q(talent__name__startswith=word))
    return qs.order_by("-raised_at", "-id")


def overdue_list(*, user, unit_id: int | None = None):
    """Running cases past their deadline in the user's scope, most overdue first; the
    office may narrow to one unit."""
    qs = Case.objects.restrict(user, "view").filter(status__in=RUNNING_VALUES, due_on__lt=_today())
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related(*LIST_RELATED).only(*LIST_FIELDS).order_by("due_on", "id")


def overdue_by_unit(*, user) -> list[dict]:
    """Per answering unit: how many running cases are overdue and the oldest deadline among
    them (read from the partial index of running cases alone)."""
    rows = (Case.objects.restrict(user, "view")
            .filter(status__in=RUNNING_VALUES, due_on__lt=_today())
            .values("unit_id").annotate(overdue=Count("id"), oldest=Min("due_on"))
            .order_by("-overdue", "unit_id"))
    rows = list(rows[:100])
    from wutong.accounts.models import Unit

    names = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in rows if r["unit_id"]])
                 .values_list("pk", "name"))
    for r in rows:
        r["unit__name"] = names.get(r["unit_id"], "")
    return rows


def unit_queue(*, user):
    """What waits at the user's unit (answering or co-handling), nearest deadline first."""
    if not user.unit_id or not user.has_perm("cases.change_case"):
        return Case.objects.none()
    qs = Case.objects.restrict(user, "view").filter(unit_id=user.unit_id, status__in=OPEN_VALUES)
    if user.get_data_scope().kind == "unit":
        co = _co_handled(user.unit_id)
        if co:
            qs = Case.objects.filter(Q(unit_id=user.unit_id) | Q(pk__in=co), status__in=OPEN_VALUES)
    return qs.select_related(*LIST_RELATED).only(*LIST_FIELDS).order_by("due_on", "id")


def my_cases(*, user):
    """A talent's own cases (and those raised for them), an employer's people's cases."""
    kind = user.get_data_scope().kind
    qs = Case.objects.restrict(user, "view")
    if kind not in ("self", "employer"):
        qs = qs.filter(requester=user)
    return qs.select_related(*LIST_RELATED).only(*LIST_FIELDS).order_by("-raised_at", "-id")


def talent_cases(*, user, talent_id: int):
    return Case.objects.restrict(user, "view").filter(talent_id=talent_id).select_related(
        *LIST_RELATED).only(*LIST_FIELDS).order_by("-raised_at", "-id")


def case_detail(*, user, pk: int) -> Case:
    try:
        return visible(user=user).select_related(
            "case_type", "case_type__unit", "talent", "talent__employer", "region", "unit",
            "handler", "requester", "employer").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def case_steps(*, case: Case, internal: bool):
    qs = CaseStep.objects.filter(case=case).select_related("unit")
    if not internal:
        qs = qs.exclude(is_internal=True)
    return list(qs.order_by("at", "id"))


def status_counts(*, user) -> dict[str, int]:
    rows = Case.objects.restrict(user, "view").values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def type_list(*, user):
    return CaseType.objects.restrict(user, "view").select_related("region", "unit").order_by(
        "region__code", "sort_order", "name")


def types_for_filter(*, user):
    """Case types an office may filter by: those of its scope and those of the regions above
    (a district works with the city's catalogue)."""
    from wutong.cases.services import _ancestor_paths

    above = _ancestor_paths(user.region.path) if user.region_id else []
    return CaseType.objects.filter(
        Q(pk__in=CaseType.objects.restrict(user, "view").values("pk")) |
        Q(region__path__in=above)).select_related("region").order_by(
        "region__code", "sort_order", "name")


def override_list():
    return WorkdayOverride.objects.order_by("-day")[:400]


def summary(*, user) -> dict:
    """The office's headline figures over its scope: all cases, open, overdue, closed (each
    one count on the region index) and the average satisfaction of the closed ones."""
    from django.db.models import Avg

    qs = Case.objects.restrict(user, "view")
    return {
        "total": qs.count(), "open": qs.filter(status__in=OPEN_VALUES).count(),
        "overdue": qs.filter(status__in=RUNNING_VALUES, due_on__lt=_today()).count(),
        "closed": qs.filter(status=CaseStatus.CLOSED).count(),
        "rating": qs.filter(status=CaseStatus.CLOSED).aggregate(
            r=Avg("satisfaction"))["r"],
    }


def page_of(qs, number, per_page: int = 25):
    """One page of a case list: the ids are paged first (a narrow query the database answers
    from its index), then only those rows are loaded with what the list shows."""
    from django.core.paginator import Paginator

    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related(
        *LIST_RELATED).only(*LIST_FIELDS)}
    page.object_list = [rows[i] for i in ids if i in rows]
    return page
