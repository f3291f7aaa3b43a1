"""Helpers of the policies tests: people with the facts a rule reads, benefits with rules."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from wutong.core.demo.generators import id_number
from wutong.core.models import Region
from wutong.policies.models import (
    Benefit,
    BenefitAmount,
    BenefitRuleVersion,
    Fund,
    Policy,
    TalentFactSupplement,
)
from wutong.talents.models import Talent

_rng = random.Random(11)
_seq = itertools.count(1)


def make_talent(code: str = "230602", *, name: str | None = None, employer=None,
                si_months: int | None = None, owns_housing: bool | None = None,
                **fields) -> Talent:
    """A talent in region ``code`` with the given fields; ``si_months``/``owns_housing``
    make a supplement row (as of 2026-01-01)."""
    n = next(_seq)
    talent = Talent.objects.create(
        region=Region.objects.get(code=code), name=name or f"测试{n}",
        id_number=id_number(_rng, "230602"), employer=employer, **fields)
    if si_months is not None or owns_housing is not None:
        TalentFactSupplement.objects.create(talent=talent, as_of=dt.date(2026, 1, 1),
                                            social_insurance_months_local=si_months,
                                            owns_housing_locally=owns_housing)
    return talent


def make_benefit(code: str = "230600", *, name: str | None = None, rule: dict | None = None,
                 amounts=(("", "2020-01-01", 100_000),), published: bool = True,
                 policy: Policy | None = None, **fields) -> Benefit:
    """A published benefit of region ``code`` with a rule (version 1) and dated amounts
    given as (tier, ISO date, fen)."""
    region = Region.objects.get(code=code)
    policy = policy or Policy.objects.create(region=region, title=f"政策{next(_seq)}",
                                             effective_from=dt.date(2020, 1, 1))
    benefit = Benefit.objects.create(policy=policy, region=region,
                                     name=name or f"事项{next(_seq)}", **fields)
    version = BenefitRuleVersion.objects.create(benefit=benefit, number=1,
                                                rule=rule or {"all": []})
    benefit.current_version = version
    benefit.is_published = published
    benefit.save()
    for tier, day, fen in amounts:
        BenefitAmount.objects.create(benefit=benefit, tier=tier,
                                     effective_from=dt.date.fromisoformat(day), amount_fen=fen)
    return benefit


def make_fund(code: str = "230600", *, name: str = "人才专项资金", year: int = 2026,
              budget_fen: int = 120_000_000_00) -> Fund:
    return Fund.objects.create(region=Region.objects.get(code=code), name=name, year=year,
                               budget_fen=budget_fen)
