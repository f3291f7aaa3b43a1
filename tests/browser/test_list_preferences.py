"""A clerk saves the filters they use every week and picks the columns they need, in a browser:
filter, save under a name, apply it again with one click, move a column, see the new table."""

from __future__ import annotations

import random

import pytest

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from wutong.core.demo.generators import id_number
from wutong.core.models import Region, SavedFilter
from wutong.talents import services

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768},
                                      {"width": 390, "height": 844, "mobile": True}],
                         ids=["desktop", "phone"])
def test_save_apply_filter_and_choose_columns(world, live_server, page_factory, viewport):
    rng = random.Random(5)
    saertu = Region.objects.get(code="230602")
    for name, education in (("欧阳长乐", "11"), ("钱多多", "21")):
        services.talent_save(user=world["district"], region=saertu, data={
            "name": name, "id_number": id_number(rng, "230602"), "phone": "13912345678",
            "education": education})

    page = page_factory(**viewport)
    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/talents/?education=11")
    page.click("[data-testid=saved-toggle]")
    page.fill("[data-testid=save-filter-name]", "博士")
    page.locator("[data-testid=save-filter-form] button").click()
    page.wait_for_load_state()
    assert "已保存筛选「博士」" in page.content()
    saved = SavedFilter.objects.get()

    page.goto(f"{live_server.url}/talents/")
    assert page.locator("tbody a", has_text="钱多多").count() == 1
    page.locator("[data-testid=saved-filters] a", has_text="博士").click()
    page.wait_for_url(f"**/talents/?saved={saved.pk}")
    assert page.locator("tbody a", has_text="欧阳长乐").count() == 1
    assert page.locator("tbody a", has_text="钱多多").count() == 0

    page.click("[data-testid=columns-toggle]")
    page.check("[data-testid=column-phone]")
    page.uncheck("[data-testid=column-sex]")
    page.click("[data-testid=move-up-education]")  # redrawn by HTMX, not saved yet
    page.wait_for_selector("[data-testid=columns-moved]")
    shot(page, f"30-columns-{'phone' if viewport.get('mobile') else 'desktop'}")
    page.click("[data-testid=columns-save]")
    page.wait_for_load_state()
    headers = [h.strip() for h in page.locator("thead th").all_inner_texts() if h.strip()]
    assert headers[:2] == ["姓名", "学历"] and "手机号码" in headers and "性别" not in headers
    assert page.locator("tbody td", has_text="139****5678").first.is_visible()  # even on a phone
    assert "13912345678" not in page.content()
    shot(page, f"31-chosen-columns-{'phone' if viewport.get('mobile') else 'desktop'}")
    assert page.csp_errors == []
