"""Issue 4's "Done when", the office's part, in a browser: office staff create a benefit,
give it a rule in the form (no code) and dated amounts, publish it, run a scan, and see the
new offer; the benefit's explanation names the clause that held."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from tests.policy_helpers import make_talent
from wutong.core.models import Region
from wutong.policies.models import Benefit, Entitlement, Policy

pytestmark = pytest.mark.browser


def test_office_creates_a_benefit_with_a_rule_and_amounts_and_scans(world, live_server,
                                                                   page_factory):
    doctor = make_talent("230602", name="钱博士", education="11")
    make_talent("230602", name="孙硕士", education="14")
    Policy.objects.create(region=Region.objects.get(code="230600"),
                          title="大庆市人才新政（测试）", effective_from=dt.date(2022, 1, 1))
    page = page_factory()
    log_in(page, live_server, "city")

    page.goto(f"{live_server.url}/policies/benefits/new/")
    page.fill("#id_name", "博士安家补贴（测试）")
    page.select_option("#id_policy", label="大庆市人才新政（测试）")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=rule-editor]")
    benefit = Benefit.objects.get(name="博士安家补贴（测试）")

    # The rule, built row by row: 最高学历 in {博士研究生}.
    page.click("[data-testid=rule-add]")
    page.wait_for_selector("[data-testid=rule-row]")
    page.select_option("[data-testid=row-fact]", "education")
    page.wait_for_timeout(300)  # the row redraws for the fact's operators and values
    page.select_option("[data-testid=row-op]", "in")
    page.wait_for_timeout(300)
    page.select_option("[data-testid=row-value]", ["11"])
    page.fill("#row-0-ref", "第五条")
    page.click("[data-testid=rule-publish]")
    page.wait_for_selector("[data-testid=rule-notice]")
    benefit.refresh_from_db()
    assert benefit.current_version.rule == {"all": [
        {"fact": "education", "op": "in", "value": ["11"], "ref": "第五条"}]}

    # A dated amount, then publish the benefit.
    form = page.locator("[data-testid=amount-form]")
    form.locator("input[name=effective_from]").fill("2024-01-01")
    form.locator("input[name=amount]").fill("50000")
    form.locator("button").click()
    page.wait_for_selector("[data-testid=amount-table] >> text=50,000.00")
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=已发布")
    shot(page, "50-office-benefit")

    # Scan now (the test server runs the job at once) and see the new offer.
    page.goto(f"{live_server.url}/policies/offers/")
    page.click("text=立即扫描")
    page.goto(f"{live_server.url}/policies/offers/")
    assert page.locator("text=钱博士").count() >= 1
    assert page.locator("text=孙硕士").count() == 0
    shot(page, "51-office-offers")
    offer = Entitlement.objects.get(talent=doctor, benefit=benefit)
    assert offer.amount_fen == 5_000_000
    page.goto(f"{live_server.url}/policies/explain/{doctor.pk}/{benefit.pk}/")
    assert "第五条" in page.content()
    assert not page.csp_errors
