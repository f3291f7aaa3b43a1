"""Issue 5's "Done when", the service-case part, in a browser: a talent on a phone-sized
screen raises a school-place case (子女入学); the office assigns it to 科技局 (the type's
unit in the test catalogue); the unit takes it, notes a step and answers; the talent
confirms and rates it on the phone. Screenshots go to /tmp/cases-shots (and test-artifacts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from tests.cases_helpers import build
from wutong.cases.models import Case, CaseStatus
from wutong.core.models import Message

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WUTONG_CASES_SHOTS", "/tmp/cases-shots"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shot(page, name)


def _log_out(page, live_server) -> None:
    page.click("text=退出")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")


def test_school_place_case_from_phone_to_rating(world, live_server, page_factory):
    w = build(world, days=10)

    # The talent, on a phone: "我的诉求" → raise a 子女入学 case.
    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "talent")
    phone.goto(f"{live_server.url}/cases/mine/")
    assert "还没有诉求" in phone.inner_text("[data-testid=my-cases]")
    phone.click("[data-testid=case-new]")
    phone.select_option("#id_case_type", label="子女入学/转学（10个工作日）")
    phone.fill("#id_title", "孩子转学到实验小学")
    phone.fill("#id_content", "孩子今年四年级，随我全职引进来大庆，希望转入实验小学。")
    _shot(phone, "50-talent-raise-phone")
    phone.click("[data-testid=case-submit]")
    phone.wait_for_selector("[data-testid=where-now]")
    assert "等待人才办受理" in phone.inner_text("[data-testid=where-now]")
    case = Case.objects.get()
    assert phone.inner_text("[data-testid=case-due]") == case.due_on.isoformat()
    _shot(phone, "51-talent-raised-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # The office: the new case in its list, assigned to the type's unit.
    page = page_factory()
    log_in(page, live_server, "district")
    assert Message.objects.filter(recipient=w["district"], kind="cases.raised").exists()
    page.goto(f"{live_server.url}/cases/?status=raised")
    _shot(page, "52-office-list")
    page.click("[data-testid=case-item]:has-text('孩子转学到实验小学')")
    assert page.locator("#assign_unit").input_value() == str(w["daqing_kjj"].pk)
    page.fill("#assign_note", "请一周内落实学位。")
    _shot(page, "53-office-assign")
    page.click("[data-testid=case-assign]")
    page.wait_for_selector("text=已交办。")
    assert "科学技术局" in page.inner_text("[data-testid=where-now]")
    _log_out(page, live_server)

    # The unit: its queue, take the case, note a step, answer.
    log_in(page, live_server, "member")
    page.goto(f"{live_server.url}/cases/queue/")
    _shot(page, "54-unit-queue")
    page.click("[data-testid=case-item]:has-text('孩子转学到实验小学')")
    page.click("[data-testid=case-claim]")
    page.wait_for_selector("text=您已接办此诉求。")
    page.fill("[data-testid=case-note-form] textarea", "已与实验小学联系，四年级有学位。")
    page.click("[data-testid=case-note]")
    page.wait_for_selector("text=已记录办理情况。")
    answer = page.locator("[data-testid=case-answer-form] textarea")
    page.click("[data-testid=case-answer]")  # empty: the browser asks for the text first
    assert answer.evaluate("e => e.validity.valueMissing")
    assert Case.objects.get().status == CaseStatus.HANDLING
    answer.fill("已落实实验小学四年级学位，请于下周一携带户口簿和学籍证明办理入学。")
    page.click("[data-testid=case-answer]")
    page.wait_for_selector("text=已答复，等待诉求人确认。")
    _shot(page, "55-unit-answered")
    _log_out(page, live_server)

    # The talent, on the phone again: the answer, confirm and rate.
    phone.goto(f"{live_server.url}/cases/mine/")
    assert "请点开确认并评价" in phone.inner_text("[data-testid=my-cases]")
    phone.click("[data-testid=case-item]")
    assert "实验小学四年级学位" in phone.inner_text("[data-testid=case-answer]")
    phone.click("[data-testid=case-confirm]")  # no rating yet: refused, asked for one
    phone.wait_for_selector("text=请选择满意度。")
    phone.check("[data-testid=rate-5]")
    phone.fill("[data-testid=rate-comment]", "办理很快，谢谢！")
    _shot(phone, "56-talent-rate-phone")
    phone.click("[data-testid=case-confirm]")
    phone.wait_for_selector("text=感谢您的评价，诉求已办结。")
    assert "★★★★★" in phone.inner_text("[data-testid=case-rating]")
    steps = phone.inner_text("[data-testid=case-steps]")
    for label in ("提出诉求", "受理", "交办", "接办", "办理记录", "答复", "确认评价"):
        assert label in steps
    _shot(phone, "57-talent-closed-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.satisfaction == 5
    assert not phone.csp_errors and not page.csp_errors


def test_the_deadline_shown_skips_national_day_and_counts_the_make_up_saturday(
        world, live_server, page_factory, monkeypatch):
    """Raised on Tue 29 Sep 2026 with 5 working days: 30 Sep, (1–7 Oct off), 8, 9, Sat 10
    Oct (调休上班), Mon 12 Oct — as the talent sees it on the phone."""
    import datetime as dt

    from django.utils import timezone

    build(world, days=5)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 9, 29))
    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "talent")
    phone.goto(f"{live_server.url}/cases/new/")
    phone.select_option("#id_case_type", label="子女入学/转学（5个工作日）")
    phone.fill("#id_title", "国庆前提出的转学诉求")
    phone.fill("#id_content", "希望十月中旬前落实学位。")
    phone.click("[data-testid=case-submit]")
    phone.wait_for_selector("[data-testid=case-due]")
    assert phone.inner_text("[data-testid=case-due]") == "2026-10-12"
    assert "还剩 5 个工作日" in phone.inner_text("[data-testid=case-left]")
    _shot(phone, "58-talent-deadline-national-day-phone")
