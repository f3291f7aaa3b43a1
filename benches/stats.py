"""Benchmark of the figures (issue 6): with the shared registry (``benches.talents._registry``,
1,000,000 talents over 大庆), 200,000 cases (``benches.cases._prepare``) and 500,000 payments
(``benches.assessment._payments_sql``), the snapshot refresh of every region, the inline
recompute of the city's subtree (what a reader waits for when no worker has refreshed for ten
minutes), and the dashboard and figures pages through Django's test client for a logged-in
city office user — against the issue's 300 ms for the dashboard.
"""

from __future__ import annotations

import time

from benches.registry import bench


def _median_ms(func, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


@bench("dashboard", "figures snapshot refresh, dashboard and figures pages (1M talents, "
       "200k cases, 500k payments)", 1_000_000)
def dashboard(size: int, emit) -> None:
    from django.db import connection
    from django.test import Client

    from benches.assessment import _payments_sql
    from benches.cases import _prepare
    from wutong.accounts.models import Unit, UnitKind
    from wutong.cases.models import Case
    from wutong.core.bulk import refresh_statistics
    from wutong.core.models import Region
    from wutong.policies.redemption_models import Application, Payment
    from wutong.stats import services
    from wutong.stats.models import FigureSnapshot, RegionPopulation
    from wutong.talents.models import Talent

    office, _member, _generated, n_cases = _prepare(size, max(size // 5, 1))
    city = Region.objects.get(code="230600")
    if not Payment.objects.exists():
        units = [Unit.objects.get_or_create(region=city, name=f"大庆市统计测试单位{i}",
                                            defaults={"kind": UnitKind.MEMBER_UNIT})[0]
                 for i in range(3)]
        _payments_sql(city, units)
        refresh_statistics(Application, Payment)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    for region in [city, *Region.objects.filter(parent=city)]:
        RegionPopulation.objects.get_or_create(region=region, year=2026, defaults={
            "population": 2_780_000 if region.pk == city.pk else 300_000,
            "intake_target": 50_000 if region.pk == city.pk else 5_000})
    emit("talents", Talent.objects.count(), "rows")
    emit("cases", n_cases, "rows")
    emit("payments", Payment.objects.count(), "rows")

    start = time.perf_counter()
    run = services.snapshots_refresh(trigger="bench")
    emit("refresh_all_s", time.perf_counter() - start, "s")
    emit("snapshots", run.snapshots, "rows")
    start = time.perf_counter()
    services.snapshots_refresh(root=city, trigger="bench")
    emit("recompute_city_inline_s", time.perf_counter() - start, "s")
    snap = FigureSnapshot.objects.get(region=city)
    assert snap.data["talents"]["total"] == Talent.objects.filter(is_active=True).count()

    client = Client()
    client.force_login(office)
    for url in ("/stats/dashboard/", "/stats/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "stats-recomputed" not in page and "刚刚更新" not in page, "not fresh"
    emit("dashboard_http_page_ms", _median_ms(lambda: client.get("/stats/dashboard/")), "ms",
         300)
    emit("figures_http_page_ms", _median_ms(lambda: client.get("/stats/")), "ms", 300)
    district = Region.objects.get(code="230602")
    emit("district_figures_http_page_ms",
         _median_ms(lambda: client.get(f"/stats/?region={district.code}")), "ms", 300)
    emit("cases_in_city", Case.objects.filter(region__path__startswith=city.path).count(),
         "rows")
