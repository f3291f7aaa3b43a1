"""Benchmark of service cases: with the shared registry (``benches.talents._registry``,
1,000,000 talents over 大庆) and 200,000 cases, the overdue list of the city's talent office
and the queue of one member unit — each as the selector's first page (with its count) and as
the whole HTTP page — against the issue's target of 100 ms; also the office's list, and the
two HTMX fragments loaded after it (headline figures; overdue figures per unit), untargeted.

The cases are generated set-based: one talent in five gets a case (``INSERT … SELECT`` over
the registry) joined to a 300-row table of raising days, each with its deadline counted in
working days by ``cases.workdays`` (the only Python loop: 300 days). Seven cases in ten are
closed and rated, the rest running (raised, assigned, in hand): those raised more than a
couple of weeks ago are overdue, as in a place that has let its ledger slip.
"""

from __future__ import annotations

import datetime as dt
import time

from benches.registry import bench

DAYS = 300
_READY: dict[int, tuple] = {}

CATALOGUE = (("子女入学/转学", "教育局", 10), ("配偶就业", "人力资源和社会保障局", 15),
             ("就医绿色通道", "卫生健康委员会", 3), ("住房保障", "住房和城乡建设局", 10),
             ("落户", "公安局", 5), ("人事档案", "人事档案中心", 5),
             ("外国人工作许可", "科学技术局", 10), ("融资服务", "财政局", 15),
             ("企业发展问题", "工业和信息化局", 15), ("一事一议", "人才办", 20))


def _median_ms(func, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


def _prepare(size: int, cases: int):
    if size in _READY:
        return _READY[size]
    from django.db import connection, transaction
    from django.utils import timezone

    from benches.talents import _registry
    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.cases.models import Case, CaseType
    from wutong.cases.workdays import Calendar
    from wutong.core.models import Region

    _registry(size)
    city = Region.objects.get(code="230600")
    types = []
    for order, (name, unit_name, days) in enumerate(CATALOGUE):
        kind = UnitKind.TALENT_OFFICE if unit_name == "人才办" else UnitKind.MEMBER_UNIT
        unit = Unit.objects.get_or_create(region=city, name=f"大庆市{unit_name}",
                                          defaults={"kind": kind})[0]
        types.append(CaseType.objects.create(region=city, name=name, unit=unit,
                                             deadline_days=days, warn_days=min(2, days - 1),
                                             sort_order=order))
    calendar = Calendar.load()
    today = timezone.localdate()
    rows = []
    for k in range(DAYS):
        raised = today - dt.timedelta(days=k + 1)
        ctype = types[k % len(types)]
        at = timezone.make_aware(dt.datetime.combine(raised, dt.time(9, 30)))
        rows.append((k, at, calendar.add(raised, ctype.deadline_days), ctype.pk,
                     ctype.unit_id))
    share = max(size // cases, 1)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_case_days (k integer PRIMARY KEY, "
                       "raised_at timestamp, due_on date, type_id integer, unit_id integer)")
        cursor.executemany("INSERT INTO bench_case_days VALUES (%s, %s, %s, %s, %s)", rows)
        share = int(share)
        n = f"(t.id / {share})"  # the case's number among the picked talents
        state = f"(({n} / {DAYS}) %% 10)"  # spread independently of the raising day
        closed = f"{state} < 7"
        cursor.execute(f"""
            INSERT INTO cases_case (region_id, case_type_id, talent_id, employer_id, title,
                content, requester_id, requester_kind, status, unit_id, handler_id, raised_at,
                due_on, remaining_days, answered_at, answer, closed_at, satisfaction,
                rating_comment, reopen_count, is_supervised, escalation_level, source_key,
                updated_at)
            SELECT t.region_id, d.type_id, t.id, NULL, %s, %s, NULL, 'talent',
                CASE WHEN {closed} THEN 'closed' WHEN {state} = 7 THEN 'handling'
                     WHEN {state} = 8 THEN 'assigned' ELSE 'raised' END,
                CASE WHEN {state} = 9 THEN NULL ELSE d.unit_id END, NULL, d.raised_at,
                d.due_on, NULL, CASE WHEN {closed} THEN d.raised_at END, '',
                CASE WHEN {closed} THEN d.raised_at END,
                CASE WHEN {closed} THEN 1 + (t.id / 7) %% 5 END, '', 0, %s, 0, '',
                d.raised_at
            FROM talents_talent t JOIN bench_case_days d ON d.k = {n} %% {DAYS}
            WHERE t.id %% {share} = 0""",  # noqa: S608 - constants only, no user input
                       ["子女转学协调", "希望协调子女转学。", False])
        cursor.execute("DROP TABLE bench_case_days")
    generated = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    office_unit = Unit.objects.filter(region=city, kind=UnitKind.TALENT_OFFICE).first()
    office = User.objects.create(username="bench.cases.office", full_name="市人才办",
                                 role="office", region=city, unit=office_unit)
    member = User.objects.create(username="bench.cases.jyj", full_name="教育局",
                                 role="member_unit", region=city, unit=types[0].unit)
    _READY[size] = (office, member, generated, Case.objects.count())
    return _READY[size]


@bench("cases", "overdue list and a unit's queue over 200,000 cases (1M talents)", 1_000_000)
def cases(size: int, emit) -> None:
    from django.test import Client

    from wutong.cases import selectors as sel

    n_cases = max(size // 5, 1)
    office, member, generated, total = _prepare(size, n_cases)
    emit("talents", size, "rows")
    emit("cases", total, "rows")
    emit("generate_cases_s", generated, "s")
    emit("overdue_total", sel.overdue_list(user=office).count(), "rows")
    emit("queue_total", sel.unit_queue(user=member).count(), "rows")

    def overdue_page():  # the page's count and its first 25 rows, as the view reads them
        return sel.page_of(sel.overdue_list(user=office), 1)

    def queue_page():
        return sel.page_of(sel.unit_queue(user=member), 1)

    emit("overdue_selector_ms", _median_ms(overdue_page), "ms", 100)
    emit("queue_selector_ms", _median_ms(queue_page), "ms", 100)
    office_client, member_client = Client(), Client()
    office_client.force_login(office)
    member_client.force_login(member)
    assert office_client.get("/cases/overdue/").status_code == 200
    assert member_client.get("/cases/queue/").status_code == 200
    emit("overdue_http_page_ms", _median_ms(lambda: office_client.get("/cases/overdue/")),
         "ms", 100)
    emit("queue_http_page_ms", _median_ms(lambda: member_client.get("/cases/queue/")),
         "ms", 100)
    emit("office_list_http_page_ms", _median_ms(lambda: office_client.get("/cases/")), "ms",
         100)
    emit("office_summary_fragment_ms",
         _median_ms(lambda: office_client.get("/cases/summary/")), "ms")
    emit("overdue_per_unit_fragment_ms",
         _median_ms(lambda: office_client.get("/cases/overdue/units/")), "ms")
    emit("unit_overdue_http_page_ms",
         _median_ms(lambda: member_client.get("/cases/overdue/")), "ms", 100)
