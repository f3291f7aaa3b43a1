"""Benchmark of leaders' contact duty: the yearly work ledger (工作纪实台账) of the whole place,
as xlsx and as PDF, over the shared registry (``benches.talents._registry``).

The duty data follows Daqing's figures (004): about 700 leaders (city, 处级 and county 科级),
1,600 experts looked after, two or three contacts each in the year, about 1,600 suggestions
gathered and 1,550 problems raised, nine in ten solved. All of it is written set-based
(bulk inserts of a few thousand rows); the registry's million people are only read.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from benches.registry import bench

YEAR = 2026
LEADERS = 700
EXPERTS = 1_600


def _median_ms(func, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


def _duty(size: int):
    from benches.talents import _registry
    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.core.bulk import refresh_statistics
    from wutong.core.models import Region
    from wutong.liaison.models import Assignment, Contact, Item, Leader, LeaderBody
    from wutong.talents.models import Talent

    _registry(size)
    city = Region.objects.get(code="230600")
    office = User.objects.filter(username="bench.liaison").first()
    if office is not None:  # built by an earlier bench of this run
        return office
    start = time.perf_counter()
    rng = random.Random(5)
    unit = Unit.objects.get_or_create(region=city, kind=UnitKind.TALENT_OFFICE,
                                      defaults={"name": "中共大庆市委组织部（人才办）"})[0]
    office = User.objects.create(username="bench.liaison", full_name="市办", role="office",
                                 region=city, unit=unit)
    members = [Unit.objects.get_or_create(region=city, name=f"大庆市成员单位{i}",
                                          defaults={"kind": UnitKind.MEMBER_UNIT})[0]
               for i in range(19)]
    places = [city, *Region.objects.filter(parent=city)]
    bodies = [LeaderBody.PARTY, LeaderBody.CONGRESS, LeaderBody.GOVERNMENT, LeaderBody.CPPCC]
    leaders = []
    for i in range(LEADERS):
        if i < len(members):
            leaders.append(Leader(region=city, name=f"局长{i}", post=f"{members[i].name}局长",
                                  body=LeaderBody.UNIT, unit=members[i], sort_order=i))
        else:
            leaders.append(Leader(region=places[i % len(places)], name=f"领导{i}",
                                  post=f"职务{i}", body=bodies[i % 4], sort_order=i))
    Leader.objects.bulk_create(leaders, batch_size=500)
    leaders = list(Leader.objects.order_by("id"))
    experts = list(Talent.objects.filter(category__in=["B", "C"]).order_by("id")
                   .values_list("id", flat=True)[:EXPERTS])
    started = dt.date(YEAR - 1, 3, 1)
    pairs = [(leaders[i % len(leaders)], t) for i, t in enumerate(experts)]
    Assignment.objects.bulk_create([
        Assignment(leader=leader, talent_id=t, region_id=leader.region_id, started_on=started)
        for leader, t in pairs], batch_size=2000)
    contacts, met = [], []
    for leader, t in pairs:
        for _ in range(rng.choice((1, 2, 2, 2, 3, 3))):
            contacts.append(Contact(
                leader=leader, region_id=leader.region_id,
                on=dt.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)),
                form=rng.choice(("visit", "forum", "phone", "wechat", "research")),
                place="企业研发中心" if rng.random() < .3 else "",
                summary="走访了解重点项目进展、研发团队建设和人才政策落实情况，听取意见建议。"))
            met.append(t)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ids = list(Contact.objects.order_by("id").values_list("id", flat=True))
    through = Contact.experts.through
    through.objects.bulk_create([through(contact_id=c, talent_id=t) for c, t in zip(ids, met,
                                                                                    strict=True)],
                                batch_size=5000)
    items = []
    for c, t in zip(ids, met, strict=True):
        region_id = None
        if rng.random() < .45:
            items.append(Item(contact_id=c, region_id=region_id, kind="suggestion", talent_id=t,
                              text="建议设立青年科技人才科研启动经费，简化申报材料。",
                              status="solved" if rng.random() < .4 else "open",
                              solved_on=dt.date(YEAR, 11, 30)))
        if rng.random() < .43:
            solved = rng.random() < .9
            items.append(Item(contact_id=c, region_id=region_id, kind="problem", talent_id=t,
                              text="子女入学需协调学位，配偶就业需帮助对接。",
                              status="solved" if solved else "open",
                              answer="已协调相关部门解决。" if solved else "",
                              solved_on=dt.date(YEAR, 11, 30)))
    region_of = dict(Contact.objects.values_list("id", "region_id"))
    for item in items:
        item.region_id = region_of[item.contact_id]
        if item.status != "solved":
            item.solved_on = None
    Item.objects.bulk_create(items, batch_size=2000)
    refresh_statistics(Leader, Assignment, Contact, through, Item)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _duty.prepared = time.perf_counter() - start
    return office


@bench("ledger", "yearly 工作纪实台账 of the whole place as xlsx and PDF over the registry",
       1_000_000)
def ledger(size: int, emit) -> None:
    import tempfile
    from pathlib import Path

    from wutong.accounts.models import User
    from wutong.core.models import Job
    from wutong.liaison import selectors, services
    from wutong.liaison.ledger import ledger_data, ledger_spec, write_ledger_pdf, write_ledger_xlsx
    from wutong.liaison.models import Contact, Item

    office = _duty(size)
    emit("talents", size, "rows")
    emit("prepare_s", getattr(_duty, "prepared", 0.0), "s")
    emit("contacts", Contact.objects.count(), "rows")
    emit("items", Item.objects.count(), "rows")
    office = User.objects.get(pk=office.pk)
    spec = ledger_spec(user=office, params={"year": YEAR})
    out = Path(tempfile.mkdtemp())
    for fmt, writer in (("xlsx", write_ledger_xlsx), ("pdf", write_ledger_pdf)):
        start = time.perf_counter()
        data = ledger_data(user=office, spec=spec)
        read = time.perf_counter() - start
        writer(out / f"ledger.{fmt}", data)
        emit(f"{fmt}_read_s", read, "s")
        emit(f"{fmt}_total_s", time.perf_counter() - start, "s", 10)
        emit(f"{fmt}_bytes", (out / f"ledger.{fmt}").stat().st_size, "bytes")
    emit("experts_covered", data.figures["experts_covered"], "people")
    emit("suggestions", data.figures["suggestions"], "rows")
    emit("problems_solved", data.figures["problems_solved"], "rows")
    # the same through the job machinery (what the page starts), PDF
    start = time.perf_counter()
    job = services.ledger_start(user=office, fmt="pdf", params={"year": YEAR})
    job = Job.objects.get(pk=job.pk)
    if job.status == "queued":  # no on_commit outside a transaction: run it here
        services.ledger_execute(job_id=str(job.pk))
    emit("pdf_job_s", time.perf_counter() - start, "s", 10)
    from wutong.core.models import Region

    city = Region.objects.get(code="230600")
    emit("coverage_ms", _median_ms(lambda: selectors.coverage(user=office, year=YEAR), 3), "ms",
         1000)
    emit("uncovered_count_ms", _median_ms(lambda: selectors.uncovered_experts(
        user=office, region=city, year=YEAR).count(), 3), "ms", 1000)
