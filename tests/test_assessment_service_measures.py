"""The computed indicators from the service floor: cases answered within their deadline and
their satisfaction, leaders' contact duty met, PhDs brought in — each the same whether scored
for one unit or for many at once, and each showing the records it was counted from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases_helpers import build as build_cases
from tests.cases_helpers import raise_case
from tests.liaison_helpers import build as build_duty
from tests.policy_helpers import make_talent
from wutong.assessment.measures import get_measure
from wutong.cases.models import Case

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _answer(case, *, late: bool, stars: int | None):
    """Answer ``case`` this year, on or a day after its deadline, rated ``stars``."""
    zone = timezone.get_current_timezone()
    day = dt.date(YEAR, 1, 15)
    answered = dt.datetime.combine(day + dt.timedelta(days=1 if late else 0),
                                   dt.time(17, 30), tzinfo=zone)
    Case.objects.filter(pk=case.pk).update(due_on=day, answered_at=answered, status="closed",
                                           closed_at=answered, satisfaction=stars)


def _both(key, units):
    """Each unit's value computed alone, and all at once; they must agree."""
    def number(value):
        return None if value is None else float(value)

    measure = get_measure(key)
    alone = {u.pk: number(measure.value_for(u, YEAR).value) for u in units}
    together = measure.values_for(units, YEAR)
    assert {pk: number(together.get(pk)) for pk in alone} == alone
    return alone


def test_cases_on_time_and_satisfaction_per_unit_and_office(world):
    w = build_cases(world)
    on_time = raise_case(w, title="学位")
    late = raise_case(w, title="转学")
    housing = raise_case(w, case_type=w["housing"], title="住房")
    open_case = raise_case(w, title="未答复")
    for case, unit in ((on_time, w["daqing_kjj"]), (late, w["daqing_kjj"]),
                       (housing, w["daqing_rsj"]), (open_case, w["daqing_kjj"])):
        Case.objects.filter(pk=case.pk).update(unit=unit)
    _answer(on_time, late=False, stars=5)
    _answer(late, late=True, stars=3)
    _answer(housing, late=False, stars=None)  # answered in time, never rated
    units = [w["daqing_kjj"], w["daqing_rsj"], w["saertu_office"], w["liaoyang_office"]]
    rates = _both("cases_on_time", units)
    assert rates == {w["daqing_kjj"].pk: 50.0, w["daqing_rsj"].pk: 100.0,
                     w["saertu_office"].pk: 66.67, w["liaoyang_office"].pk: None}
    stars = _both("cases_satisfaction", units)
    assert stars[w["daqing_kjj"].pk] == 80.0  # (5 + 3) / 2 stars, 5 stars = 100
    assert stars[w["daqing_rsj"].pk] is None  # nothing rated: no value, not zero
    assert stars[w["saertu_office"].pk] == 80.0
    answer = get_measure("cases_on_time").value_for(w["daqing_kjj"], YEAR)
    assert set(answer.records) == {on_time, late}  # the open case is not counted
    assert "按期答复 1 / 已答复 2 件" in str(answer.detail)


def test_contact_duty_met_for_the_office_and_a_unit_head(world):
    duty = build_duty(world)
    units = [world["daqing_office"], world["daqing_kjj"], world["liaoyang_office"]]
    rates = _both("contact_duty_met", units)
    # 张书记 meets the rule; 李市长, 王局长 (head of 科技局) and 赵主席 fall short.
    assert rates[world["daqing_office"].pk] == 25.0
    assert rates[world["daqing_kjj"].pk] == 0.0
    assert rates[world["liaoyang_office"].pk] == 0.0  # its one leader looks after no one
    answer = get_measure("contact_duty_met").value_for(world["daqing_office"], YEAR)
    assert {leader.name for leader in answer.records} == {"李市长", "王局长", "赵主席"}
    assert duty["party"] not in answer.records


def test_phds_brought_in_this_year_count_in_their_region(world):
    this_year = dt.date(YEAR, 3, 1)
    for region, degree, on in (("230602", "2", this_year), ("230602", "207", this_year),
                               ("230603", "2", this_year), ("230602", "3", this_year),
                               ("230602", "2", dt.date(YEAR - 1, 3, 1)),
                               ("211002", "2", this_year)):
        talent = make_talent(region, name="博士")
        talent.degree, talent.introduced_on = degree, on
        talent.save()
    units = [world["daqing_office"], world["saertu_office"], world["liaoyang_office"]]
    counts = _both("phds_introduced", units)
    assert counts == {world["daqing_office"].pk: 3, world["saertu_office"].pk: 2,
                      world["liaoyang_office"].pk: 1}
