"""Issue 4's "Done when", the redemption part, in a browser: a scan finds a talent, the office
pushes the offer; the talent sees it with its explanation, accepts, uploads the one missing
document and submits; 科技局 then 人社局 approve; the office publishes the public notice
(masked), closes it, makes the payment batch and marks it paid; the fund's balance moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from tests.redemption_helpers import PDF, build
from wutong.policies import services as policy_services
from wutong.policies.redemption_models import Application, ApplicationStatus
from wutong.policies.scan import scan_run

pytestmark = pytest.mark.browser


def _log_out(page, live_server) -> None:
    page.click("text=退出")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")


# Who qualifies, as an office would write it: the talent's tier, with its clause.
TIERS_A_TO_C = {"all": [{"fact": "category", "op": "in", "value": ["A", "B", "C"],
                         "ref": "第三条"}]}


def test_offer_to_payment_along_the_chain(world, live_server, page_factory, tmp_path):
    r = build(world, rule=TIERS_A_TO_C)
    scan_run(trigger="test")
    assert policy_services.entitlements_offer(user=r["city"], benefit=r["benefit"]) >= 1
    hukou = tmp_path / "户籍证明.pdf"
    hukou.write_bytes(PDF)

    # The talent: the offer with why, accept, then the application with what is missing.
    page = page_factory()
    log_in(page, live_server, "talent")
    page.goto(f"{live_server.url}/policies/mine/")
    offer = page.locator("[data-testid=my-offer]", has_text="博士安家补贴")
    offer.locator("summary").click()
    why = offer.locator("[data-testid=trace]")
    assert why.is_visible()
    # Clause by clause, with the value read and the clause it rests on.
    assert "人才类别" in why.inner_text() and "C" in why.inner_text()
    assert "第三条" in why.inner_text()
    shot(page, "40-talent-offer")
    offer.locator("[data-testid=offer-accept]").click()  # opens the application itself
    page.wait_for_selector("[data-testid=where-now]")
    assert "户籍证明" in page.inner_text("[data-testid=where-now]")
    assert page.locator("[data-testid=materials]").inner_text().count("档案中已有") == 1
    page.click("[data-testid=submit]")  # too early: every missing item is named
    assert "户籍证明" in page.inner_text(".alert-danger")
    page.select_option("#id_name", "户籍证明")
    page.set_input_files("#id_file", str(hukou))
    page.click("[data-testid=upload]")
    page.wait_for_selector("text=已上传：户籍证明")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已提交，请留意审核进度。")
    assert "科学技术局" in page.inner_text("[data-testid=where-now]")
    shot(page, "41-talent-submitted")
    app = Application.objects.get()
    phone = page_factory(width=390, height=844, mobile=True)
    log_in(phone, live_server, "talent")
    phone.goto(f"{live_server.url}/policies/applications/{app.pk}/")
    assert phone.locator("[data-testid=chain-step]").count() == 2
    shot(phone, "42-talent-application-phone")
    _log_out(page, live_server)

    # The review chain: 科技局, then 人社局, each from its own queue.
    for reviewer, unit in (("member", "科学技术局"), ("member_other", "人力资源和社会保障局")):
        log_in(page, live_server, reviewer)
        page.goto(f"{live_server.url}/policies/review/")
        page.click("[data-testid=application-item]:has-text('张明华')")
        assert unit in page.inner_text("[data-testid=review-form]")
        page.click("label[for=id_decision_0]")
        page.fill("#id_reason", f"{unit}：材料齐全，同意")
        shot(page, f"43-review-{reviewer}")
        page.click("[data-testid=review-submit]")
        page.wait_for_selector("text=审核意见已保存。")
        assert "张明华" not in page.inner_text("[data-testid=review-queue]")
        _log_out(page, live_server)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED

    # The office: the notice (it ran ten days ago on the office's board), then the money.
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/policies/ledger/")
    assert page.inner_text("[data-testid=fund-committed]") == "10,000.00"
    page.goto(f"{live_server.url}/policies/notices/")
    start = timezone.localdate() - dt.timedelta(days=10)
    page.fill("input[name=starts_on]", start.isoformat())
    page.click("[data-testid=notice-publish]")
    page.wait_for_selector("[data-testid=notice-rows]")
    assert page.inner_text("[data-testid=masked-name]") == "张*华"
    shot(page, "44-notice")
    public = page_factory(width=390, height=844, mobile=True)
    public.goto(f"{live_server.url}/policies/notice-board/")
    public.click("text=博士安家补贴拟兑现人员名单公示")
    full_id = app.talent.id_number.reveal()
    text = public.inner_text("main")
    assert "张*华" in text and full_id not in text and full_id[-4:] in text
    shot(public, "45-public-notice-phone")
    page.click("[data-testid=notice-close]")
    page.wait_for_selector("text=公示已结束")
    page.goto(f"{live_server.url}/policies/ledger/")
    page.click("[data-testid=batch-create]")
    page.wait_for_selector("[data-testid=batch-payments]")
    assert "张明华" in page.inner_text("[data-testid=batch-payments]")
    shot(page, "46-payment-batch")
    page.click("[data-testid=batch-paid]")
    page.wait_for_selector("text=已确认发放。")
    page.goto(f"{live_server.url}/policies/ledger/")
    assert page.inner_text("[data-testid=fund-paid]") == "10,000.00"
    assert page.inner_text("[data-testid=fund-committed]") == "0.00"
    assert page.inner_text("[data-testid=fund-remaining]") == "90,000.00"
    shot(page, "47-fund-ledger")
    assert not page.csp_errors and not phone.csp_errors and not public.csp_errors
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PAID
