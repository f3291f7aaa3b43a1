"""Benchmark of the 1+1+N grid (issue 5): with the shared registry (``benches.talents``,
1,000,000 talents over 大庆) the city's rule gives categories A–D a commissioner; the
district's are assigned to 60 commissioners set-based, a third get contacts; then the office's
gaps and stale lists (first page with count), a commissioner's "我的人才", the workload, the
overview and a handover are timed."""

from __future__ import annotations

import datetime as dt
import time

from benches.registry import bench


def _median_ms(func, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


@bench("grid", "commissioners: assign, gaps, stale, my talents, workload at scale", 1_000_000)
def grid(size: int, emit) -> None:
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from benches.talents import _registry
    from wutong.accounts.models import User
    from wutong.cases import commissioner_selectors as sel
    from wutong.cases import commissioner_services as svc
    from wutong.cases.commissioner_models import Contact, GridPolicy, TalentCare
    from wutong.core.models import Region
    from wutong.talents.models import Talent

    viewer, _ = _registry(size)  # a 萨尔图 district office
    city = Region.objects.get(code="230600")
    GridPolicy.objects.get_or_create(region=city, defaults={
        "commissioner_categories": ["A", "B", "C", "D"], "secretary_categories": ["A", "B"],
        "contact_days": 90})
    district = viewer.region
    people = [User.objects.get_or_create(username=f"bench.comm{i:02d}", defaults={
        "full_name": f"专员{i:02d}", "role": "commissioner", "region": district})[0]
        for i in range(60)]
    need = sel.grid_talents(user=viewer).filter(sel.need_q(viewer))
    emit("district_needing", need.count(), "talents")
    start = time.perf_counter()
    for i, person in enumerate(people):
        part = need.annotate(_m=F("pk") % len(people)).filter(_m=i)
        svc.care_assign(user=viewer, talents=part, to_user_id=person.pk)
    emit("assign_all_s", time.perf_counter() - start, "s")
    today = timezone.localdate()
    care, contact = TalentCare._meta.db_table, Contact._meta.db_table
    with connection.cursor() as cursor:  # a third contacted, spread over 200 days
        cursor.execute(
            f'INSERT INTO {contact} (talent_id, region_id, by_id, "on", form, note, created_at) '  # noqa: S608
            f"SELECT c.talent_id, t.region_id, c.commissioner_id, %s, 'wechat', '微信联系', %s "
            f"FROM {care} c JOIN {Talent._meta.db_table} t ON t.id = c.talent_id "
            f"WHERE c.talent_id %% 3 = 0",
            [today - dt.timedelta(days=45), timezone.now()])
        cursor.execute(f"UPDATE {care} SET last_contact_on = %s WHERE talent_id %% 3 = 0",  # noqa: S608
                       [today - dt.timedelta(days=45)])
    viewer = type(viewer).objects.get(pk=viewer.pk)
    one = people[0]

    def first_page(qs):
        qs.count()
        list(qs[:25])

    emit("gaps_page_ms", _median_ms(lambda: first_page(sel.gaps(user=viewer))), "ms", 100)
    emit("stale_page_ms", _median_ms(lambda: first_page(sel.stale(user=viewer))), "ms", 100)
    office = User.objects.get_or_create(username="bench.city", defaults={
        "full_name": "市", "role": "office", "region": city})[0]
    emit("city_gaps_page_ms", _median_ms(lambda: first_page(sel.gaps(user=office))), "ms")
    emit("city_stale_page_ms", _median_ms(lambda: first_page(sel.stale(user=office))), "ms")
    emit("my_talents_ms", _median_ms(lambda: first_page(sel.my_talents(
        user=User.objects.get(pk=one.pk)))), "ms", 100)
    emit("workload_ms", _median_ms(lambda: sel.workload(user=viewer)), "ms")
    emit("overview_ms", _median_ms(lambda: sel.overview(user=viewer)), "ms")
    start = time.perf_counter()
    svc.care_handover(user=viewer, from_user_id=people[1].pk, to_user_id=people[2].pk,
                      reason="调岗")
    emit("handover_ms", (time.perf_counter() - start) * 1000, "ms")
