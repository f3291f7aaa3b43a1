"""Computed measures from the service floor below assessment: service cases answered within
their deadline and their satisfaction (``cases``), leaders' contact duty met (``liaison``), and
PhDs brought in (``talents``; the seeds' "百名博士" campaign target is the indicator's target).

Attribution to a unit, as in ``builtin_measures``:
- cases: a member unit answers for the cases it handles; a talent office for its region's;
- contact duty: a member unit for its head's duty; a talent office for its region's leaders;
- PhDs: the talents of the unit's region (with its districts) brought in that year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import UnitKind
from wutong.assessment.builtin_measures import _rate, before_local_day_end
from wutong.assessment.measures import MeasureValue, register_measure
from wutong.core.models import Region

DOCTORAL_DEGREE = "2"  # GB/T 6864: level 2 (博士), alone or with its discipline ("201"…)


def _year_moments(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone))


def _paths(units) -> dict[int, str]:
    return dict(Region.objects.filter(pk__in={u.region_id for u in units})
                .values_list("pk", "path"))


# --- service cases ----------------------------------------------------------------------------

def _answered(year: int):
    """Cases answered in ``year``, each marked whether it was answered by its deadline (the
    end of the ``due_on`` working day, the deadline already moved by any pause)."""
    from wutong.cases.models import Case

    start, end = _year_moments(year)
    return Case.objects.filter(answered_at__gte=start, answered_at__lt=end).order_by()


def _answered_in_time_sql():
    """Answered by the end of the deadline day (local time)."""
    return before_local_day_end("cases_case", "answered_at", "due_on")


def _in_time(qs):
    return qs.annotate(_in_time=_answered_in_time_sql()).filter(_in_time=True)


def _case_filter(unit) -> Q:
    if unit.kind == UnitKind.TALENT_OFFICE:
        return Q(region__path__startswith=unit.region.path)
    return Q(unit=unit)


def cases_on_time(unit, year: int) -> MeasureValue:
    cases = _answered(year).filter(_case_filter(unit))
    whole = cases.count()
    part = _in_time(cases).count()
    return MeasureValue(value=_rate(part, whole), records=cases.order_by("-answered_at"),
                        detail=_("按期答复 %(p)d / 已答复 %(w)d 件") % {"p": part, "w": whole})


def _cases_many(units, year: int, value) -> dict:
    qs = _answered(year)
    offices = [u for u in units if u.kind == UnitKind.TALENT_OFFICE]
    out = {}
    if offices:
        paths = _paths(offices)
        per_region = value(qs.values("region_id", "region__path"))
        for u in offices:
            root = paths[u.region_id]
            out[u.pk] = [r for r in per_region if r["region__path"].startswith(root)]
    others = [u for u in units if u.kind != UnitKind.TALENT_OFFICE]
    if others:
        per_unit = defaultdict(list)
        for r in value(qs.filter(unit__in=others).values("unit_id")):
            per_unit[r["unit_id"]].append(r)
        for u in others:
            out[u.pk] = per_unit.get(u.pk, [])
    return out


def cases_on_time_many(units, year: int) -> dict:
    def value(rows):
        return list(rows.annotate(_in_time=_answered_in_time_sql()).annotate(
            whole=Count("id"), part=Count("id", filter=Q(_in_time=True))))

    groups = _cases_many(units, year, value)
    return {pk: _rate(sum(r["part"] for r in rows), sum(r["whole"] for r in rows))
            for pk, rows in groups.items()}


def cases_satisfaction(unit, year: int) -> MeasureValue:
    cases = _answered(year).filter(_case_filter(unit), satisfaction__isnull=False)
    row = cases.aggregate(avg=Avg("satisfaction"), n=Count("id"))
    value = None if not row["n"] else round(row["avg"] * 20, 2)
    return MeasureValue(value=value, records=cases.order_by("-answered_at"),
                        detail=_("%(n)d 件已评价，平均 %(a)s 星（5 星计 100）") % {
                            "n": row["n"], "a": round(row["avg"], 2) if row["n"] else "—"})


def cases_satisfaction_many(units, year: int) -> dict:
    def value(rows):
        return list(rows.filter(satisfaction__isnull=False).annotate(
            n=Count("id"), stars=Avg("satisfaction")))

    groups = _cases_many(units, year, value)
    out = {}
    for pk, rows in groups.items():
        n = sum(r["n"] for r in rows)
        out[pk] = None if not n else round(sum(r["stars"] * r["n"] for r in rows) * 20 / n, 2)
    return out


# --- leaders' contact duty --------------------------------------------------------------------

def _leaders(unit):
    from wutong.liaison.models import Leader

    leaders = Leader.objects.filter(is_active=True)
    if unit.kind == UnitKind.TALENT_OFFICE:
        return leaders.filter(region__path__startswith=unit.region.path)
    return leaders.filter(unit=unit)


def contact_duty_met(unit, year: int) -> MeasureValue:
    from wutong.liaison.selectors import coverage_of

    leaders = _leaders(unit)
    rows = coverage_of(leaders=leaders, year=year)
    met = [c.leader.pk for c in rows if not c.falls_short]
    short = leaders.exclude(pk__in=met)
    return MeasureValue(value=_rate(len(met), len(rows)), records=short,
                        detail=_("达到联系要求 %(m)d / 联系领导 %(n)d 位，列出的是未达要求的领导")
                        % {"m": len(met), "n": len(rows)})


def contact_duty_met_many(units, year: int) -> dict:
    from wutong.liaison.models import Leader
    from wutong.liaison.selectors import coverage_of

    q = Q()
    for unit in units:
        q |= (Q(region__path__startswith=unit.region.path)
              if unit.kind == UnitKind.TALENT_OFFICE else Q(unit=unit))
    rows = coverage_of(leaders=Leader.objects.filter(is_active=True).filter(q)
                       .select_related("region"), year=year)
    paths = _paths(units)
    out = {}
    for unit in units:
        if unit.kind == UnitKind.TALENT_OFFICE:
            root = paths[unit.region_id]
            mine = [c for c in rows if c.leader.region.path.startswith(root)]
        else:
            mine = [c for c in rows if c.leader.unit_id == unit.pk]
        out[unit.pk] = _rate(sum(1 for c in mine if not c.falls_short), len(mine))
    return out


# --- PhDs brought in --------------------------------------------------------------------------

def _phds(year: int):
    from wutong.talents.models import Talent

    return Talent.objects.filter(is_active=True, degree__startswith=DOCTORAL_DEGREE,
                                 introduced_on__gte=dt.date(year, 1, 1),
                                 introduced_on__lt=dt.date(year + 1, 1, 1))


def phds_introduced(unit, year: int) -> MeasureValue:
    records = _phds(year).filter(region__path__startswith=unit.region.path)
    return MeasureValue(value=records.count(), records=records.order_by("-introduced_on"),
                        detail=_("%(region)s（含下辖地区）%(year)d 年引进的博士") % {
                            "region": unit.region.name, "year": year})


def phds_introduced_many(units, year: int) -> dict:
    paths = _paths(units)
    q = Q()
    for root in set(paths.values()):
        q |= Q(region__path__startswith=root)
    counts = list(_phds(year).filter(q).values("region__path").annotate(n=Count("id")))
    return {u.pk: sum(r["n"] for r in counts if r["region__path"].startswith(paths[u.region_id]))
            for u in units}


def register() -> None:
    register_measure("cases_on_time", _("服务诉求按期答复率（%）"), cases_on_time,
                     many=cases_on_time_many,
                     help=_("当年答复的服务诉求中在办理期限内答复的比例（期限按工作日计，暂停期间顺延）。"))
    register_measure("cases_satisfaction", _("服务诉求满意度（分）"), cases_satisfaction,
                     many=cases_satisfaction_many,
                     help=_("当年答复并经诉求人评价的服务诉求的平均满意度，5 星计 100 分。"))
    register_measure("contact_duty_met", _("领导联系服务专家达标率（%）"), contact_duty_met,
                     many=contact_duty_met_many,
                     help=_("在任联系领导中达到本地联系服务规则（联系专家人数、年度联系次数）的比例。"))
    register_measure("phds_introduced", _("引进博士数（人）"), phds_introduced,
                     many=phds_introduced_many,
                     help=_("单位所在地区（含下辖地区）当年引进并在册的博士，目标值填写年度引进目标。"))
