"""Benchmarks of policies: the scan (免申即享) over the registry, one person's explanation,
the public calculator and a simulation (测算) of one changed amount.

The registry is ``benches.talents._registry`` (shared when several benches run together);
supplement facts are written for everyone in one INSERT … SELECT, and 30 benefits of 大庆
are made over the whole vocabulary (tiers, payment kinds, exclusion groups, caps).
"""

from __future__ import annotations

import datetime as dt
import time

from benches.registry import bench

ON = dt.date(2026, 6, 1)
_READY: dict[int, tuple] = {}


def _rules():
    """30 rules of the kinds offices write (each keeps a few percent to a fifth of people;
    about 3 entitlements per talent over the 30, as in the issue's reference figure)."""
    edu = [["11"], ["11", "14"], ["14"], ["31"]]
    out = []
    for i in range(30):
        clauses = [{"fact": "education", "op": "in", "value": edu[i % 4]}]
        if i % 2 == 0:
            clauses.append({"fact": "social_insurance_months", "op": "gte",
                            "value": 6 + i % 5 * 6})
        if i % 3 == 0:
            clauses.append({"fact": "age", "op": "lte", "value": 35 + i % 4 * 5})
        if i % 5 == 1:
            clauses.append({"fact": "introduction_mode", "op": "eq", "value": "full_time"})
        if i % 5 == 2:
            clauses.append({"fact": "years_since_introduced", "op": "between",
                            "value": [0, 3 + i % 3]})
        if i % 7 == 3:
            clauses.append({"not": {"fact": "owns_housing_locally", "op": "is_true"}})
        if i % 6 == 4:
            clauses.append({"any": [{"fact": "title_level", "op": "in", "value": ["1", "2"]},
                                    {"fact": "category", "op": "in", "value": ["B", "C"]}]})
        if i % 9 == 5:
            clauses.append({"fact": "employer_type", "op": "eq", "value": "enterprise"})
        out.append({"all": clauses})
    return out


def _prepare(size: int):
    if size in _READY:
        return _READY[size]
    from django.db import connection

    from benches.talents import _registry
    from wutong.core.models import Region
    from wutong.policies.models import (
        Benefit,
        BenefitAmount,
        BenefitRuleVersion,
        Fund,
        Policy,
        TalentFactSupplement,
    )
    from wutong.policies.rules import validate_rule
    from wutong.talents.models import Talent

    viewer, _generated = _registry(size)
    start = time.perf_counter()
    supplement = TalentFactSupplement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {supplement} (talent_id, social_insurance_months_local, "  # noqa: S608
            f"owns_housing_locally, as_of, source) SELECT id, MOD(id, 61), "
            f"CASE WHEN MOD(id, 3) = 0 THEN TRUE ELSE FALSE END, %s, 'bench' "
            f"FROM {Talent._meta.db_table}", [ON])
    city = Region.objects.get(code="230600")
    policy = Policy.objects.create(region=city, title="大庆市人才政策（测试）",
                                   effective_from=dt.date(2022, 1, 1))
    fund = Fund.objects.create(region=city, name="人才专项资金", year=2026,
                               budget_fen=120_000_000 * 100)
    kinds = ("once", "monthly", "yearly")
    for i, rule in enumerate(_rules()):
        b = Benefit.objects.create(
            policy=policy, region=city, name=f"测试事项{i + 1:02d}", fund=fund,
            payment_kind=kinds[i % 3], periods=(1, 36, 3)[i % 3], is_published=True,
            exclusion_group=f"g{i % 4}" if i % 3 == 0 else "",
            cap_fen=2_000_000 if i % 8 == 0 else None)
        b.current_version = BenefitRuleVersion.objects.create(benefit=b, number=1,
                                                              rule=validate_rule(rule))
        b.save()
        BenefitAmount.objects.bulk_create([
            BenefitAmount(benefit=b, tier=t, effective_from=dt.date(2022, 1, 1),
                          amount_fen=(i + 1) * f * 100)
            for t, f in (("B", 300), ("C", 200), ("D", 150), ("", 100))])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _READY[size] = (viewer, time.perf_counter() - start)
    return _READY[size]


def _first_scan(size: int, emit=None):
    from wutong.policies.models import ScanRun
    from wutong.policies.scan import scan_run

    if not ScanRun.objects.exists():
        start = time.perf_counter()
        run = scan_run(on=ON, trigger="bench")
        if emit:
            emit("scan_first_s", time.perf_counter() - start, "s", 30)
            emit("entitlements_written", run.added, "rows")
        return run
    return ScanRun.objects.first()


@bench("scan", "免申即享 scan: 30 benefits over the registry, entitlements and changes written",
       1_000_000)
def scan(size: int, emit) -> None:
    from wutong.policies.models import BenefitAmount, BenefitRuleVersion, Entitlement
    from wutong.policies.scan import scan_run

    _viewer, prepared = _prepare(size)
    emit("talents", size, "rows")
    emit("benefits", 30, "benefits")
    emit("prepare_s", prepared, "s")
    _first_scan(size, emit)
    # a second night: one amount raised, one rule narrowed, the rest unchanged
    BenefitAmount.objects.filter(benefit__name="测试事项02", tier="D").update(amount_fen=99_900)
    version = BenefitRuleVersion.objects.get(benefit__name="测试事项03")
    version.rule = {"all": [*version.rule["all"], {"fact": "age", "op": "lte", "value": 40}]}
    version.save()
    start = time.perf_counter()
    run = scan_run(on=ON, trigger="bench")
    emit("scan_changed_s", time.perf_counter() - start, "s", 30)
    emit("found", run.found, "rows")
    emit("added", run.added, "rows")
    emit("removed", run.removed, "rows")
    emit("amount_changed", run.amount_changed, "rows")
    start = time.perf_counter()
    again = scan_run(on=ON, trigger="bench")
    emit("scan_unchanged_s", time.perf_counter() - start, "s", 30)
    assert (again.added, again.removed, again.amount_changed) == (0, 0, 0)
    emit("entitlements_total", Entitlement.objects.count(), "rows")


def _median_ms(func, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


@bench("explain", "one person's explanation against every benefit", 1_000_000)
def explain(size: int, emit) -> None:
    from wutong.accounts.models import User
    from wutong.policies.selectors import explain_for
    from wutong.talents.models import Talent

    viewer, _ = _prepare(size)
    office = User.objects.get(pk=viewer.pk)
    pk = Talent.objects.filter(region__code="230602", education="11").values_list(
        "pk", flat=True).first()

    def run():
        _talent, results = explain_for(user=office, talent_pk=pk, on=ON)
        assert len(results) == 30

    emit("explain_all_benefits_ms", _median_ms(run), "ms", 50)


@bench("calculator", "the public calculator page (server time, no login)", 1_000_000)
def calculator(size: int, emit) -> None:
    from django.test import Client

    _prepare(size)
    client = Client()
    params = {"region": "230600", "education": "11", "category": "C", "age": "33",
              "years_since_introduced": "2", "introduction_mode": "full_time",
              "social_insurance_months": "18", "owns_housing_locally": "0"}
    assert client.get("/policies/calculator/", params).status_code == 200
    emit("calculator_page_ms", _median_ms(lambda: client.get("/policies/calculator/", params)),
         "ms", 100)


@bench("simulate", "simulation of one changed amount over the registry", 1_000_000)
def simulate(size: int, emit) -> None:
    from wutong.policies.models import Benefit
    from wutong.policies.simulate import simulate as run

    _prepare(size)
    benefit = Benefit.objects.get(name="测试事项01")  # PhDs (tiers B, C), exclusion group g0
    rows = [(a.tier, a.effective_from, a.amount_fen) for a in benefit.amounts.all()]
    start = time.perf_counter()
    result = run(benefit=benefit, on=ON, amount_rows=[*rows, ("C", ON, 1_234_500)])
    emit("simulate_s", time.perf_counter() - start, "s", 20)
    emit("people_now", result.now.people, "people")
    emit("people_changed", result.changed, "people")
    emit("money_delta_cny", result.delta_money_fen / 100, "CNY")
