"""Simulation (测算): a changed amount or rule of one benefit, run over the real registry
beside the current one — two set-based evaluations into the candidate table (side 0 now,
side 1 proposed), with the benefit's exclusion group, aggregated in SQL. Nothing is written
as entitlements; the scratch table is dropped with the transaction."""

# SQL here is built from table names of this app and integer ids only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from wutong.policies import candidates
from wutong.policies.engine import BenefitSpec, published_specs, spec_for, yearly_split
from wutong.policies.models import Benefit


@dataclass
class SideFigures:
    people: int = 0
    money_fen: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    by_fund: dict[str, int] = field(default_factory=dict)


@dataclass
class Simulation:
    benefit: Benefit
    on: dt.date
    now: SideFigures
    proposed: SideFigures
    gained: int
    lost: int
    changed: int
    years: list[int]
    funds: list[str]

    @property
    def delta_people(self) -> int:
        return self.proposed.people - self.now.people

    @property
    def delta_money_fen(self) -> int:
        return self.proposed.money_fen - self.now.money_fen

    def rows_by_year(self):
        return [(y, self.now.by_year.get(y, 0), self.proposed.by_year.get(y, 0),
                 self.proposed.by_year.get(y, 0) - self.now.by_year.get(y, 0))
                for y in self.years]

    def rows_by_fund(self):
        return [(f, self.now.by_fund.get(f, 0), self.proposed.by_fund.get(f, 0),
                 self.proposed.by_fund.get(f, 0) - self.now.by_fund.get(f, 0))
                for f in self.funds]


def simulate(*, benefit: Benefit, on: dt.date, rule: dict | None = None,
             amount_rows=None) -> Simulation:
    """Compare the benefit as it is with ``rule`` and/or ``amount_rows`` (tier, date, fen)
    replacing its own; the benefits of its exclusion group are evaluated on both sides."""
    benefit = Benefit.objects.select_related("region", "current_version", "fund") \
        .prefetch_related("amounts").get(pk=benefit.pk)
    group = Benefit.objects.filter(pk=benefit.pk)
    if benefit.exclusion_group:
        group = Benefit.objects.filter(exclusion_group=benefit.exclusion_group,
                                       region=benefit.region) | group
    others = list(published_specs(group.exclude(pk=benefit.pk), on))
    current = spec_for(benefit, on)
    proposed = spec_for(benefit, on, rule=rule, amount_rows=amount_rows,
                        region_ids=current.region_ids)
    if not benefit.is_published or benefit.current_version_id is None:
        current = BenefitSpec(benefit, current.rule, None, {}, {}, current.region_ids)
    with transaction.atomic():
        candidates.reset_table()
        candidates.fill([current, *others], on, side=0)
        candidates.fill([proposed, *others], on, side=1)
        candidates.finish(grouped=bool(benefit.exclusion_group))
        specs = {s.pk: s for s in [current, *others]}
        result = _aggregate(benefit, specs, on)
        candidates.drop_tables()
    return result


def _aggregate(benefit: Benefit, specs: dict[int, BenefitSpec], on: dt.date) -> Simulation:
    t = candidates.TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT side, benefit_id, amount, COUNT(*) FROM {t} "
                       f"GROUP BY side, benefit_id, amount")
        groups = cursor.fetchall()
        cursor.execute(f"SELECT side, COUNT(DISTINCT talent_id) FROM {t} "
                       f"GROUP BY side")
        people = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT SUM(CASE WHEN b.talent_id IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN b.talent_id IS NOT NULL AND b.amount <> a.amount THEN 1 ELSE 0 END) "
            f"FROM {t} a LEFT JOIN {t} b ON b.talent_id = a.talent_id AND b.benefit_id = "
            f"a.benefit_id AND b.side = 1 WHERE a.side = 0 "
            f"AND a.benefit_id = %s", [benefit.pk])
        lost, changed = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {t} b WHERE b.side = 1 AND b.benefit_id = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {t} a WHERE a.talent_id = b.talent_id AND "
            f"a.benefit_id = b.benefit_id AND a.side = 0)", [benefit.pk])
        gained = cursor.fetchone()[0]
    sides = {0: SideFigures(people=int(people.get(0, 0))),
             1: SideFigures(people=int(people.get(1, 0)))}
    by_year = {0: defaultdict(int), 1: defaultdict(int)}
    by_fund = {0: defaultdict(int), 1: defaultdict(int)}
    for side, benefit_id, amount, count in groups:
        spec = specs[benefit_id]
        money = int(amount) * int(count)
        sides[side].money_fen += money
        fund = str(spec.benefit.fund) if spec.benefit.fund_id else "—"
        by_fund[side][fund] += money
        for year, part in yearly_split(spec.benefit, int(amount), on).items():
            by_year[side][year] += part * int(count)
    for side in (0, 1):
        sides[side].by_year = dict(by_year[side])
        sides[side].by_fund = dict(by_fund[side])
    years = sorted(set(by_year[0]) | set(by_year[1])) or [on.year]
    funds = sorted(set(by_fund[0]) | set(by_fund[1]))
    return Simulation(benefit, on, sides[0], sides[1], int(gained or 0), int(lost or 0),
                      int(changed or 0), years, funds)
