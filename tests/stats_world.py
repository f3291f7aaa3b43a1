"""A small world for the figures' browser test: talents in two 大庆 districts with categories,
educations, ages and months of intake, a few cases, a fund with payments, populations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests import cases_helpers
from tests.policy_helpers import make_benefit, make_fund, make_talent
from wutong.core.models import Region
from wutong.stats.models import RegionPopulation


def build_small(world) -> dict:
    w = cases_helpers.build(world)
    today = timezone.localdate()
    year = today.year
    for i in range(40):
        make_talent("230602" if i % 3 else "230603", category="ABCDE"[i % 5],
                    education=("11", "14", "21", "31")[i % 4], industry=("25", "C", "83")[i % 3],
                    birth_date=today - dt.timedelta(days=365 * (25 + i)),
                    introduced_on=dt.date(year, 1 + i % 12, 1))
    for _ in range(3):
        cases_helpers.raise_case(w)
    fund = make_fund("230600", year=year, budget_fen=50_000_000)
    benefit = make_benefit("230600", fund=fund)
    from wutong.policies.redemption_models import Application, Payment

    for n, t in enumerate(w["mine"].__class__.objects.filter(region__code="230602")[:5]):
        app = Application.objects.create(talent=t, benefit=benefit, region=t.region,
                                         source="talent", status="paid", amount_fen=1_000_000)
        Payment.objects.create(application=app, talent=t, benefit=benefit, fund=fund,
                               region=t.region, period="once", seq=1, due_on=today,
                               amount_fen=1_000_000, status="paid" if n % 2 else "scheduled")
    for code, people, target in (("230600", 2_780_000, 40), ("230602", 510_000, 20),
                                 ("230603", 390_000, 10)):
        RegionPopulation.objects.create(region=Region.objects.get(code=code), year=year,
                                        population=people, intake_target=target)
    return w
