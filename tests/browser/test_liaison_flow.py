"""Issue 5's "Done when", the leaders' part, in a browser: a leader logs a visit with a problem
on a phone and turns the problem into a service case with "转为服务事项"; the office sees
coverage against the rule and downloads the ledger PDF, which carries the visit and the case."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_browser import log_in
from tests.cases_helpers import build as build_catalogue
from tests.liaison_helpers import build, pdf_text
from wutong.cases.models import Case
from wutong.liaison.models import Item

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WUTONG_LIAISON_SHOTS", "/tmp/liaison-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_leader_logs_a_visit_and_the_ledger_pdf_shows_it(world, live_server, page_factory):
    build_catalogue(world, days=10)
    r = build(world)

    # The leader, on a phone: their own page, log a visit with a problem.
    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "leader")
    phone.goto(f"{live_server.url}/liaison/")
    shot(phone, "50-leader-coverage-phone")
    phone.click("[data-testid=my-log]")  # their own duty, first on the page
    phone.get_by_label("走访").check()
    phone.get_by_label("陈专家").check()
    phone.fill("#id_place", "油田研究院")
    phone.fill("#id_summary", "走访实验室，了解页岩油攻关项目进展")
    phone.fill("#id_suggestions", "建议设立青年科研启动经费")
    phone.fill("#id_problems", "配偶随迁后就业暂无着落")
    shot(phone, "51-log-visit-phone")
    phone.click("[data-testid=contact-save]")
    phone.wait_for_selector("text=服务日志已保存。")
    problem = Item.objects.get(text="配偶随迁后就业暂无着落")
    link = phone.locator("[data-testid=item]", has_text="配偶随迁后就业").locator(
        "[data-testid=to-case]")
    assert link.inner_text() == "转为服务事项"
    assert link.get_attribute("href") == f"/cases/new/?source=liaison.problem%3A{problem.pk}"
    shot(phone, "52-visit-saved-phone")
    assert not phone.csp_errors
    # The case form opens pre-filled with what the expert said; the leader files it.
    link.click()
    phone.wait_for_selector("#id_content")
    assert "配偶随迁后就业暂无着落" in phone.input_value("#id_content")
    phone.select_option("#id_case_type", index=1)
    shot(phone, "52b-case-form-phone")
    phone.click("[data-testid=case-submit]")
    phone.wait_for_selector("[data-testid=where-now]")
    case = Case.objects.get(source_key=problem.source_key)
    assert case.talent == r["t1"]
    problem.refresh_from_db()
    assert problem.case_url and problem.case_status == case.get_status_display()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # The office at its desk: coverage, the leader's page, then the ledger PDF.
    page = page_factory()
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/liaison/")
    assert page.locator("[data-testid=coverage-state] [data-testid=short]").count() == 3
    shot(page, "53-office-coverage")
    page.click("text=赵主席")  # no expert yet: find one by name and assign
    page.fill("[data-testid=expert-search]", "刘专")
    page.click("[data-testid=candidates] [data-testid=assign]")
    page.wait_for_selector("text=已将 刘专家 列为联系专家。")
    assert "刘专家" in page.inner_text("[data-testid=experts]")
    page.goto(f"{live_server.url}/liaison/")
    page.click("text=张书记")
    page.wait_for_selector("text=配偶随迁后就业暂无着落")
    shot(page, "54-office-leader")
    page.goto(f"{live_server.url}/liaison/items/")
    shot(page, "55-office-items")
    page.goto(f"{live_server.url}/liaison/ledger/")
    page.get_by_label("PDF（打印）").check()
    shot(page, "56-ledger-form")
    page.click("[data-testid=ledger-start]")
    page.wait_for_selector("[data-testid=job-download]")
    with page.expect_download() as info:
        page.click("[data-testid=job-download]")
    target = SHOTS / "ledger.pdf"
    info.value.save_as(str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "领导干部联系服务专家工作纪实台账" in text and "配偶随迁后就业暂无着落" in text
    assert "配偶随迁后就业暂无着落【已转服务事项】" in text  # the problem, now a case
    assert not page.csp_errors
    assert r["party"].contacts.count() == 5
