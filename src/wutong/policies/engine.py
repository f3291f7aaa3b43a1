"""What a benefit gives: the amount in force by tier, the term, the cap, the exclusion group,
and the evaluation of every benefit for one person (explanation page, calculator, my offers).

The scan (``policies.scan``) applies the very same amounts (``BenefitSpec.totals``) in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wutong.policies.models import Benefit, PaymentKind, fen_to_cny
from wutong.policies.rules import EMPTY_RULE, Trace, evaluate, explain


def amounts_in_force(rows, on: dt.date) -> dict[str, int]:
    """{tier: amount per period} in force on ``on``: per tier the latest row not after it."""
    best: dict[str, tuple[dt.date, int]] = {}
    for tier, effective_from, amount in rows:
        if effective_from <= on and (tier not in best or best[tier][0] < effective_from):
            best[tier] = (effective_from, amount)
    return {tier: amount for tier, (_d, amount) in best.items()}


@dataclass
class BenefitSpec:
    """A benefit ready to evaluate on a date: its rule, totals by tier, region, group."""

    benefit: Benefit
    rule: dict
    version_id: int | None
    per_period: dict[str, int]
    totals: dict[str, int]
    region_ids: frozenset[int] = field(default_factory=frozenset)
    region_path: str = ""

    @property
    def pk(self) -> int:
        return self.benefit.pk

    @property
    def group(self) -> str:
        return self.benefit.exclusion_group

    def total_for(self, category: str | None) -> tuple[str, int] | None:
        """(tier used, total) for a talent of this category, or None (no amount applies)."""
        if category and category in self.totals:
            return category, self.totals[category]
        if "" in self.totals:
            return "", self.totals[""]
        return None


def spec_for(benefit: Benefit, on: dt.date, *, rule: dict | None = None,
             amount_rows=None, region_ids=None) -> BenefitSpec:
    """The spec of a benefit (its current rule and amounts unless others are given, as in a
    simulation). ``benefit`` should come with ``amounts`` prefetched and ``current_version``
    and ``region`` selected."""
    from wutong.core.models import Region

    version = benefit.current_version
    if rule is None:
        rule = version.rule if version else EMPTY_RULE
    if amount_rows is None:
        amount_rows = [(a.tier, a.effective_from, a.amount_fen) for a in benefit.amounts.all()]
    per_period = amounts_in_force(amount_rows, on)
    totals = {tier: term_total(benefit, amount) for tier, amount in per_period.items()}
    if region_ids is None:
        region_ids = frozenset(Region.objects.filter(path__startswith=benefit.region.path)
                               .values_list("pk", flat=True))
    return BenefitSpec(benefit, rule, version.pk if version else None, per_period, totals,
                       frozenset(region_ids), benefit.region.path)


def term_total(benefit: Benefit, per_period: int) -> int:
    """Per-period amount × periods, limited by the per-person cap."""
    total = per_period * (1 if benefit.payment_kind == PaymentKind.ONCE else benefit.periods)
    return min(total, benefit.cap_fen) if benefit.cap_fen is not None else total


def yearly_split(benefit: Benefit, total: int, on: dt.date) -> dict[int, int]:
    """How a term's money falls into calendar years, paid from the decisive date on."""
    if benefit.payment_kind == PaymentKind.ONCE or benefit.periods <= 1:
        return {on.year: total}
    n = benefit.periods
    base, rest = divmod(total, n)
    years: dict[int, int] = defaultdict(int)
    for i in range(n):
        if benefit.payment_kind == PaymentKind.MONTHLY:
            year = on.year + (on.month - 1 + i) // 12
        else:
            year = on.year + i
        years[year] += base + (rest if i == 0 else 0)
    return dict(years)


def published_specs(benefits, on: dt.date) -> list[BenefitSpec]:
    """Specs of published benefits with a rule, in one pass (amounts prefetched)."""
    from wutong.core.models import Region

    benefits = list(benefits.filter(is_published=True, current_version__isnull=False)
                    .select_related("region", "current_version", "fund", "policy")
                    .prefetch_related("amounts"))
    paths = {b.region.path for b in benefits}
    subtree = {p: frozenset(Region.objects.filter(path__startswith=p).values_list("pk",
                                                                                 flat=True))
               for p in paths}
    return [spec_for(b, on, region_ids=subtree[b.region.path]) for b in benefits]


@dataclass
class PersonResult:
    """One benefit for one person: held or not, why, how much (after cap and exclusion)."""

    spec: BenefitSpec
    held: bool
    trace: Trace | None
    region_ok: bool
    tier: str = ""
    amount_fen: int | None = None
    excluded_by: BenefitSpec | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def gets(self) -> bool:
        return self.held and self.amount_fen is not None and self.excluded_by is None

    @property
    def amount_cny(self) -> str:
        return fen_to_cny(self.amount_fen)


def person_results(specs: list[BenefitSpec], facts: dict, *, on: dt.date,
                   region_id: int | None, with_trace: bool = True) -> list[PersonResult]:
    """Every benefit for one person's facts, with exclusion groups applied (就高不重复)."""
    results = []
    for spec in specs:
        region_ok = region_id in spec.region_ids
        if with_trace:
            trace = explain(spec.rule, facts, on=on)
            held = trace.held
        else:
            trace, held = None, evaluate(spec.rule, facts, on=on)
        result = PersonResult(spec, held and region_ok, trace, region_ok)
        if not region_ok:
            result.reasons.append(_("不符合：不在本事项适用地区（%(r)s）内") % {
                "r": spec.benefit.region.name})
        if held and region_ok:
            amount = spec.total_for(facts.get("category"))
            if amount is None:
                result.reasons.append(_("本事项对该人才类别未设金额"))
            else:
                result.tier, result.amount_fen = amount
        elif trace is not None:
            result.reasons.extend(trace.failed_reasons())
        results.append(result)
    _apply_exclusion(results)
    return results


def _apply_exclusion(results: list[PersonResult]) -> None:
    best: dict[str, PersonResult] = {}
    for r in results:
        if not r.held or r.amount_fen is None or not r.spec.group:
            continue
        current = best.get(r.spec.group)
        if current is None or (r.amount_fen, -r.spec.pk) > (current.amount_fen,
                                                            -current.spec.pk):
            best[r.spec.group] = r
    for r in results:
        winner = best.get(r.spec.group) if r.spec.group else None
        if winner is not None and winner is not r and r.held and r.amount_fen is not None:
            r.excluded_by = winner.spec
            r.reasons.append(_("与“%(b)s”同组，就高不重复，不再重复享受") % {
                "b": winner.spec.benefit.name})
