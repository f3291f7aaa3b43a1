"""The 1+1+N grid in a browser: the office assigns every uncovered talent of a filter to a
commissioner on a desktop screen; the commissioner, on a phone, sees "我的人才", logs a WeChat
contact and the talent leaves the overdue filter; the office's inbox badge shows a message.
Screenshots go to test-artifacts (and /tmp/commissioner-shots)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from tests.conftest import make_user
from tests.policy_helpers import make_talent
from wutong.accounts.roles import Role
from wutong.cases.commissioner_models import Contact, TalentCare
from wutong.core import notify

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WUTONG_COMMISSIONER_SHOTS", "/tmp/commissioner-shots"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shot(page, name)


def test_office_assigns_and_commissioner_logs_a_contact_on_a_phone(world, live_server,
                                                                   page_factory):
    for name, category in (("院士甲", "A"), ("领军乙", "B"), ("博士丙", "C"), ("硕士丁", "E")):
        make_talent("230602", name=name, category=category)
    comm = make_user("comm", Role.COMMISSIONER, "230602", full_name="专员张")

    page = page_factory()
    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/cases/grid/")
    assert page.inner_text("[data-testid=gap-count]").startswith("3")
    _shot(page, "70-grid-overview")
    page.goto(f"{live_server.url}/cases/grid/assign/?uncovered=commissioner")
    assert "硕士丁" not in page.inner_text("[data-testid=assign-table]")
    page.select_option("[data-testid=to-user]", label="专员张（萨尔图区）")
    page.check("[data-testid=all-matching]")
    _shot(page, "71-grid-assign")
    page.click("[data-testid=assign]")
    page.wait_for_selector("text=已为 3 名人才配备人才专员")
    assert TalentCare.objects.filter(commissioner=comm).count() == 3
    page.goto(f"{live_server.url}/cases/grid/workload/")
    assert "专员张" in page.inner_text("[data-testid=workload]")
    _shot(page, "72-grid-workload")

    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "comm")
    phone.goto(f"{live_server.url}/cases/grid/mine/")
    assert phone.locator("[data-testid=my-talent]").count() == 3
    _shot(phone, "73-my-talents-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.locator("[data-testid=my-talent]", has_text="院士甲").locator(
        "[data-testid=log-contact]").click()
    phone.click("label:has-text('微信')")
    phone.fill("#id_note", "微信沟通人才公寓申请材料")
    _shot(phone, "74-log-contact-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.click("[data-testid=contact-save]")
    phone.wait_for_selector("text=已记录与 院士甲 的联系")
    assert Contact.objects.get().form == "wechat"
    phone.goto(f"{live_server.url}/cases/grid/mine/?stale=1")
    assert "院士甲" not in phone.inner_text("[data-testid=my-talents]")
    assert phone.locator("[data-testid=my-talent]").count() == 2
    assert not phone.csp_errors and not page.csp_errors

    # The inbox: a message shows in the top bar's badge and opens its record.
    notify.notify(recipients=[world["district"]], kind="grid.gap", title="3 名人才待配备专员",
                  url="/cases/grid/gaps/")
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("[data-testid=inbox-unread]")
    assert page.inner_text("[data-testid=inbox-unread]") == "1"
    page.click("[data-testid=inbox-link]")
    _shot(page, "75-inbox")
    page.click("text=3 名人才待配备专员")
    page.wait_for_url(f"{live_server.url}/cases/grid/gaps/")
    assert page.locator("[data-testid=inbox-unread]").count() == 0
