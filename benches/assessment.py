"""Benchmark of the year-end scoring (目标责任制考核): 40 units of 大庆 over the shared
registry (``benches.talents._registry``), a year of dispatch (400 tasks, 12 months, about
4,500 reports) and 500,000 benefit payments (the issue's figure), written with INSERT … SELECT.

The indicators read every built-in measure: reports on time and tasks completed (own data),
talents brought in (the registry) and money paid on time (the payments), plus manual values.
"""

from __future__ import annotations

import datetime as dt
import time

from benches.registry import bench

YEAR = 2026
PAYMENTS = 500_000


def _insert_select(model, values: dict[str, str], source: str, params: list) -> None:
    """INSERT INTO model's table the rows of ``source``: ``values`` gives a SQL expression
    per column; every other NOT NULL column gets its field default (a parameter)."""
    from django.db import connection
    from django.utils import timezone

    columns, exprs, before = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in values:
            columns.append(field.column)
            exprs.append(values[field.column])
            continue
        if field.null:
            continue
        default = field.get_default()
        if default in (None, "") and field.get_internal_type() == "DateTimeField":
            default = timezone.now()
        columns.append(field.column)
        exprs.append("%s")
        before.append(field.get_db_prep_save(default, connection))
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
           f"SELECT {', '.join(exprs)} {source}")
    with connection.cursor() as cursor:  # ``values`` expressions take no parameters
        cursor.execute(sql, [*before, *params])


def _payments_sql(city, units) -> float:
    """As ``_payments``, with the per-month dates passed in the right order."""
    from django.db import connection
    from django.utils import timezone

    from wutong.policies.models import Benefit, BenefitReviewStep, Fund, Policy
    from wutong.policies.redemption_models import Application, Payment
    from wutong.talents.models import Talent

    start = time.perf_counter()
    policy = Policy.objects.create(region=city, title="大庆市人才政策（考核测试）",
                                   effective_from=dt.date(2022, 1, 1))
    fund = Fund.objects.create(region=city, name="考核测试资金", year=YEAR, budget_fen=10**13)
    benefit = Benefit.objects.create(policy=policy, region=city, name="考核测试事项",
                                     fund=fund, is_published=True)
    for order, unit in enumerate(units[:3], start=1):
        BenefitReviewStep.objects.create(benefit=benefit, unit=unit, order=order)
    ids = list(Talent.objects.order_by("id").values_list("id", flat=True)[
        PAYMENTS - 1:PAYMENTS])
    limit = ids[0] if ids else Talent.objects.order_by("-id").values_list("id",
                                                                         flat=True).first()
    _insert_select(Application, {
        "talent_id": "id", "benefit_id": str(benefit.pk), "region_id": "region_id",
        "source": "'talent'", "status": "'paid'", "amount_fen": "100000"},
        f"FROM {Talent._meta.db_table} WHERE id <= %s", [limit])
    apps, pay = Application._meta.db_table, Payment._meta.db_table
    with connection.cursor() as cursor:
        for month in range(1, 13):
            due = dt.date(YEAR, month, 15)

            def at(days, due=due):
                return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=days),
                                                               dt.time(10)))

            cursor.execute(
                f"INSERT INTO {pay} (application_id, talent_id, benefit_id, fund_id, "  # noqa: S608
                f"region_id, period, seq, due_on, amount_fen, status, paid_at) "
                f"SELECT id, talent_id, benefit_id, %s, region_id, 'once', 1, %s, 100000, "
                f"CASE WHEN MOD(id, 10) < 9 THEN 'paid' ELSE 'scheduled' END, "
                f"CASE WHEN MOD(id, 10) < 7 THEN %s WHEN MOD(id, 10) < 9 THEN %s "
                f"ELSE NULL END FROM {apps} WHERE benefit_id = %s AND MOD(id, 12) = %s",
                [fund.pk, due, at(5), at(60), benefit.pk, month % 12])
    return time.perf_counter() - start


def _dispatch(city, office, units) -> None:
    """A plan of 10 tasks per unit and 12 months of reports (some late, some missing)."""
    from decimal import Decimal

    from django.utils import timezone

    from wutong.assessment.models import DispatchRound, ProgressReport, Task, WorkPlan

    plan = WorkPlan.objects.create(region=city, year=YEAR, title="考核测试工作要点",
                                   created_by=office)
    tasks = Task.objects.bulk_create([
        Task(plan=plan, region=city, seq=u * 10 + i + 1, title=f"任务{u}-{i}",
             lead_unit=unit, target_value=Decimal(100), target_measure="人")
        for u, unit in enumerate(units) for i in range(10)])
    rounds = DispatchRound.objects.bulk_create([
        DispatchRound(plan=plan, region=city, month=m, opened_by=office,
                      due_on=dt.date(YEAR, m, 25)) for m in range(1, 13)])
    reports = []
    for round_ in rounds:
        for n, task in enumerate(tasks):
            if (n + round_.month) % 17 == 0:
                continue
            reports.append(ProgressReport(
                round=round_, task=task, region=city, unit_id=task.lead_unit_id,
                value_reached=Decimal(round_.month * 9 + n % 7), done="推进",
                submitted_at=timezone.now(), is_late=(n + round_.month) % 11 == 0))
    ProgressReport.objects.bulk_create(reports, batch_size=2000)


@bench("scoring", "a year's scoring of 40 units (every built-in measure, 500k payments)",
       1_000_000)
def scoring_(size: int, emit) -> None:
    from django.db import connection
    from django.test import Client

    from benches.talents import _registry
    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.assessment import scoring
    from wutong.assessment.models import UnitScore
    from wutong.core.bulk import refresh_statistics
    from wutong.core.models import Region
    from wutong.policies.redemption_models import Application, Payment

    if Payment.objects.exists():  # another bench of this run wrote its own payments
        raise SystemExit("scoring writes its own 500k payments: run it in its own invocation "
                         "(python -m benches scoring)")
    _registry(size)
    city = Region.objects.get(code="230600")
    office_unit, _ = Unit.objects.get_or_create(
        region=city, kind=UnitKind.TALENT_OFFICE, defaults={"name": "大庆市人才办"})
    office = User.objects.create(username="bench-scoring", full_name="考核", role="office",
                                 region=city, unit=office_unit)
    members = [Unit.objects.create(region=city, kind=UnitKind.MEMBER_UNIT,
                                   name=f"大庆市测试成员单位{i:02d}", sort_order=i)
               for i in range(40 - Region.objects.filter(parent=city).count())]
    districts = [Unit.objects.get_or_create(region=r, kind=UnitKind.TALENT_OFFICE,
                                            defaults={"name": f"{r.name}人才办"})[0]
                 for r in Region.objects.filter(parent=city)]
    units = [*members, *districts]
    emit("units", len(units), "units")
    payments_s = _payments_sql(city, members)
    emit("payments", Payment.objects.count(), "rows")
    emit("payments_write_s", payments_s, "s")
    _dispatch(city, office, units)
    refresh_statistics(Application, Payment)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    system = scoring.system_create(user=office, region=city, year=YEAR, units=units,
                                   title="考核测试指标体系")
    add = scoring.indicator_add
    add(user=office, system=system, part="basic", name="按时报送", points=20,
        method="computed", measure_key="dispatch_on_time", target=100)
    add(user=office, system=system, part="basic", name="任务完成", points=30,
        method="computed", measure_key="tasks_completed", target=100)
    manual = add(user=office, system=system, part="basic", name="制度落实", points=30,
                 target=100)
    add(user=office, system=system, part="key", name="引进人才", points=20, method="computed",
        measure_key="talents_introduced", target=5000, units=districts)
    add(user=office, system=system, part="key", name="按期兑现", points=20, method="computed",
        measure_key="payments_on_time", target=100, units=members[:3])
    add(user=office, system=system, part="bonus", name="表彰", points=5, scoring="per_item",
        per_item=1)
    for unit in units:
        scoring.entry_save(user=office, indicator=manual, unit=unit, value=90)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        scores = scoring.system_score(user=office, system=system)
        timings.append(time.perf_counter() - start)
    assert len(scores) == len(units)
    emit("scoring_s", sorted(timings)[1], "s", 10)
    emit("scoring_first_s", timings[0], "s", 10)
    best = UnitScore.objects.filter(system=system).order_by("rank").first()
    emit("top_total", float(best.total), "points")
    from wutong.assessment.measures import get_measure

    for key in ("dispatch_on_time", "tasks_completed", "talents_introduced",
                "payments_on_time"):
        start = time.perf_counter()
        get_measure(key).values_for(units, YEAR)
        emit(f"measure_{key}_s", time.perf_counter() - start, "s")
    client = Client()
    client.force_login(office)
    score = UnitScore.objects.get(system=system, unit=districts[0])
    indicator = system.indicators.get(measure_key="talents_introduced")
    start = time.perf_counter()
    response = client.get(f"/assessment/scores/{score.pk}/records/{indicator.pk}/")
    assert response.status_code == 200
    emit("records_page_ms", (time.perf_counter() - start) * 1000, "ms", 2000)
    start = time.perf_counter()
    assert client.get(f"/assessment/systems/{system.pk}/").status_code == 200
    emit("ranking_page_ms", (time.perf_counter() - start) * 1000, "ms", 300)
