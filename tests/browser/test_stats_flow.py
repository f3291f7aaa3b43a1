"""Issue 6's figures in a browser: the city office opens the dashboard at 1920×1080 — charts
drawn (canvas), no CSP complaint — clicks a number and lands on the list behind it with the
same count; the figures page on a 375px phone has no horizontal scroll."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_browser import log_in
from tests.stats_world import build_small
from wutong.stats import assets, services

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WUTONG_STATS_SHOTS", "/tmp/stats-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_dashboard_draws_charts_and_numbers_open_their_lists(world, live_server,
                                                            page_factory):
    if assets.echarts_url() is None:
        pytest.skip("ECHARTS NOT INSTALLED: run `.venv/bin/wutong install_assets`")
    build_small(world)
    services.snapshots_refresh()

    screen = page_factory(width=1920, height=1080)
    log_in(screen, live_server, "city")
    screen.goto(f"{live_server.url}/stats/dashboard/")
    screen.wait_for_selector("[data-testid=chart-region] canvas")
    for chart in ("region", "intake", "category", "education", "age", "industry", "cases",
                  "funds"):
        assert screen.locator(f"[data-testid=chart-{chart}] canvas").count() >= 1, chart
    assert screen.locator("[data-testid=stats-stamp]").inner_text().startswith("数据时间")
    # laid out for the screen: nothing below the fold, nothing to the side
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
    assert screen.evaluate("document.documentElement.scrollWidth") <= 1920
    screen.wait_for_timeout(600)  # the charts' entry animation
    shot(screen, "dashboard-1920x1080")
    assert screen.csp_errors == []

    total = screen.locator("[data-testid=kpi-total]").inner_text().replace(",", "")
    screen.click("[data-testid=kpi-total]")
    screen.wait_for_url("**/talents/?**")
    assert "active=1" in screen.url
    assert total in screen.locator("body").inner_text()
    shot(screen, "dashboard-click-list")

    # a click on a bar (the districts) opens that district's list
    screen.goto(f"{live_server.url}/stats/dashboard/")
    screen.wait_for_selector("[data-testid=chart-region] canvas")
    screen.wait_for_timeout(600)
    box = screen.locator("[data-testid=chart-region]").bounding_box()
    x, y = screen.evaluate("""() => {
        const el = document.querySelector('[data-testid=chart-region]');
        const chart = echarts.getInstanceByDom(el);
        const first = chart.getOption().series[0].data[0];
        return chart.convertToPixel({seriesIndex: 0}, [0, first / 2]);
    }""")  # the middle of the first bar (萨尔图区)
    screen.mouse.click(box["x"] + x, box["y"] + y)
    screen.wait_for_url("**/talents/?**", timeout=5000)
    assert "region=230602" in screen.url


def test_figures_page_on_a_phone_has_no_horizontal_scroll(world, live_server, page_factory):
    build_small(world)
    services.snapshots_refresh()
    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "city")
    phone.goto(f"{live_server.url}/stats/")
    phone.wait_for_selector("[data-testid=stats-kpis]")
    phone.wait_for_timeout(600)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "figures-375")
    assert phone.csp_errors == []

    desk = page_factory(width=1366, height=768)
    log_in(desk, live_server, "district")
    desk.goto(f"{live_server.url}/stats/")
    assert desk.locator("[data-testid=stats-region]").inner_text() == "萨尔图区"
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(desk, "figures-1366-district")
    assert desk.csp_errors == []
