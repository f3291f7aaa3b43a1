"""Redemption (政策兑现): the whole chain from application to payment, one-time correction,
rejection, data scope on every route, over-budget holds, the fund ledger, instalments and
the masked public notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.policy_helpers import make_fund
from tests.redemption_helpers import build, pdf
from wutong.core.errors import Conflict, OutOfScope, PermissionDenied, ValidationFailed
from wutong.policies import redemption_selectors as sel
from wutong.policies import redemption_services as svc
from wutong.policies.models import PaymentKind
from wutong.policies.redemption_models import (
    Application,
    ApplicationStatus,
    Payment,
    PaymentStatus,
)


@pytest.fixture
def r(world):
    return build(world)


def _ready(r, talent=None, user=None) -> Application:
    """An application of the talent account's file, materials complete, submitted."""
    user = user or r["talent"]
    app = svc.application_start(user=user, talent=talent or r["mine"], benefit=r["benefit"])
    svc.application_material_upload(user=user, application=app, name="户籍证明", upload=pdf())
    return svc.application_submit(user=user, application=app)


def _approve(user, app) -> Application:
    return svc.application_review(user=user, application=app, decision="approve",
                                  reason="同意", expected_step=app.current_step)


def _ledger(user, fund):
    return next(row for row in sel.fund_ledger(user=user) if row.fund.pk == fund.pk)


def _past_notice(r, app):
    notice = svc.notice_publish(user=r["city"], benefit=r["benefit"],
                                starts_on=timezone.localdate() - dt.timedelta(days=10))
    app.refresh_from_db()
    return notice


# --- the whole chain ------------------------------------------------------------------------

def test_whole_chain_from_application_to_payment_moves_the_fund(r, login):
    app = svc.application_start(user=r["talent"], talent=r["mine"], benefit=r["benefit"])
    assert app.status == ApplicationStatus.DRAFT and app.amount_fen == 1_000_000
    assert app.rule_version_id == r["benefit"].current_version_id
    assert app.explanation["gets"] is True
    with pytest.raises(ValidationFailed) as missing:
        svc.application_submit(user=r["talent"], application=app)
    assert "户籍证明" in missing.value.message and "劳动合同" not in missing.value.message

    svc.application_material_upload(user=r["talent"], application=app, name="户籍证明",
                                    upload=pdf("hukou.pdf"))
    app = svc.application_submit(user=r["talent"], application=app)
    assert (app.status, app.current_unit) == (ApplicationStatus.SUBMITTED, r["daqing_kjj"])

    app = _approve(r["member"], app)
    assert (app.status, app.current_unit) == (ApplicationStatus.IN_REVIEW, r["daqing_rsj"])
    app = _approve(r["member_other"], app)
    assert app.status == ApplicationStatus.APPROVED and app.current_unit is None
    steps = list(app.steps.order_by("order"))
    assert [(s.order, s.unit, s.reviewer, s.decision) for s in steps] == [
        (1, r["daqing_kjj"], r["member"], "approve"),
        (2, r["daqing_rsj"], r["member_other"], "approve")]
    assert all(s.rule_version_id == r["benefit"].current_version_id and s.explanation["lines"]
               is not None and s.decided_at for s in steps)
    row = _ledger(r["city"], r["fund"])
    assert (row.committed, row.paid, row.remaining) == (1_000_000, 0, 9_000_000)

    notice = _past_notice(r, app)
    assert app.status == ApplicationStatus.NOTICE
    svc.notice_close(user=r["city"], notice=notice)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PAYABLE

    batch = svc.payment_batch_create(user=r["city"], fund=r["fund"])
    assert (batch.count, batch.total_fen) == (1, 1_000_000)
    svc.payment_mark_paid(user=r["city"], batch=batch)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PAID
    row = _ledger(r["city"], r["fund"])
    assert (row.committed, row.paid, row.remaining) == (0, 1_000_000, 9_000_000)

    page = login(r["talent"]).get(reverse("policies:application_detail", args=[app.pk]))
    text = page.content.decode()
    assert "已全部发放" in text and "科学技术局" in text and "同意" in text


def test_a_notice_cannot_be_closed_before_its_term_ends(r):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    notice = svc.notice_publish(user=r["city"], benefit=r["benefit"])
    assert notice.ends_on == notice.starts_on + dt.timedelta(days=r["benefit"].notice_days - 1)
    with pytest.raises(Conflict):
        svc.notice_close(user=r["city"], notice=notice)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.NOTICE


def test_an_objection_on_notice_holds_the_application_and_frees_its_money(r):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    notice = _past_notice(r, app)
    svc.notice_close(user=r["city"], notice=notice, objected_ids=[app.pk])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.HELD and "异议" in app.held_reason
    assert _ledger(r["city"], r["fund"]).committed == 0


# --- correction and rejection ----------------------------------------------------------------

def test_return_lists_every_missing_item_at_once_and_is_answered_together(r, login):
    app = _ready(r)
    app = svc.application_review(
        user=r["member"], application=app, decision="return", reason="材料不全",
        items=[{"text": "请重新提交：户籍证明", "material": "户籍证明"},
               {"text": "请说明社保缴纳单位"}, {"text": "请补充工作证明"}],
        expected_step=1)
    assert app.status == ApplicationStatus.RETURNED
    page = login(r["talent"]).get(reverse("policies:application_detail", args=[app.pk]))
    text = page.content.decode()
    assert text.count('data-testid="return-item"') == 3
    assert "请说明社保缴纳单位" in text and "请补充工作证明" in text

    client = login(r["talent"])
    refused = client.post(reverse("policies:application_resubmit", args=[app.pk]),
                          {"answer_1": "大庆某公司", "answer_2": ""})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "还有 2 项未补正" in body and "户籍证明" in body and "大庆某公司" in body
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED

    svc.application_material_upload(user=r["talent"], application=app, name="户籍证明",
                                    upload=pdf("hukou2.pdf"))
    done = client.post(reverse("policies:application_resubmit", args=[app.pk]),
                       {"answer_1": "大庆某公司", "answer_2": "已附在户籍证明后"})
    assert done.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.current_unit) == (ApplicationStatus.SUBMITTED, r["daqing_kjj"])
    request = app.return_requests.get()
    assert request.answers == ["", "大庆某公司", "已附在户籍证明后"]
    assert request.materials.count() == 1


def test_return_without_items_and_reject_without_reason_are_refused(r):
    app = _ready(r)
    with pytest.raises(ValidationFailed):
        svc.application_review(user=r["member"], application=app, decision="return", items=[])
    with pytest.raises(ValidationFailed):
        svc.application_review(user=r["member"], application=app, decision="reject")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and not app.steps.exists()


def test_rejection_ends_the_application_and_a_new_one_may_follow(r):
    app = _ready(r)
    with pytest.raises(Conflict):
        svc.application_start(user=r["talent"], talent=r["mine"], benefit=r["benefit"])
    app = svc.application_review(user=r["member"], application=app, decision="reject",
                                 reason="不符合引进时间要求")
    assert app.status == ApplicationStatus.REJECTED and app.current_unit is None
    assert app.steps.get().reason == "不符合引进时间要求"
    again = svc.application_start(user=r["talent"], talent=r["mine"], benefit=r["benefit"])
    assert again.pk != app.pk


def test_a_stale_decision_is_refused_not_applied_twice(r):
    app = _ready(r)
    stale = Application.objects.get(pk=app.pk)
    _approve(r["member"], app)
    with pytest.raises((Conflict, OutOfScope)):  # it has left 科技局's step (and scope)
        svc.application_review(user=r["member_peer"], application=stale, decision="approve",
                               expected_step=1)
    with pytest.raises(Conflict):  # a stale form at the step that is now current
        svc.application_review(user=r["member_other"], application=stale, decision="approve",
                               expected_step=1)
    assert Application.objects.get(pk=app.pk).steps.count() == 1


def test_database_refuses_a_second_payment_of_the_same_period(r):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    payment = app.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(application=app, talent=app.talent, benefit=app.benefit,
                               fund=payment.fund, region=app.region, period=payment.period,
                               seq=2, due_on=payment.due_on, amount_fen=1)


# --- who may review ------------------------------------------------------------------------

def test_reviewer_must_belong_to_the_step_unit(r, login):
    app = _ready(r)
    with pytest.raises(PermissionDenied):  # the city office sees it but is not 科技局
        svc.application_review(user=r["city"], application=app, decision="approve")
    response = login(r["member_other"]).post(
        reverse("policies:application_review", args=[app.pk]),
        {"decision": "approve", "step": 1})
    assert response.status_code == 404  # 人社局 does not see it before its step
    with pytest.raises(PermissionDenied):
        svc.application_review(user=r["talent"], application=app, decision="approve")


def test_member_unit_sees_only_applications_at_its_step(r, login):
    app = _ready(r)
    kjj, rsj = login(r["member"]), login(r["member_other"])
    url = reverse("policies:application_detail", args=[app.pk])
    assert kjj.get(url).status_code == 200
    assert rsj.get(url).status_code == 404
    assert "张明华" in kjj.get(reverse("policies:review_queue")).content.decode()
    _approve(r["member"], app)
    assert kjj.get(url).status_code == 404
    assert rsj.get(url).status_code == 200
    assert "张明华" not in kjj.get(reverse("policies:review_queue")).content.decode()
    assert "张明华" in rsj.get(reverse("policies:review_queue")).content.decode()


# --- data scope --------------------------------------------------------------------------------

def _routes(app, material, notice, batch, attachment_pk):
    return [
        ("get", reverse("policies:application_detail", args=[app.pk])),
        ("post", reverse("policies:application_upload", args=[app.pk])),
        ("post", reverse("policies:application_submit", args=[app.pk])),
        ("post", reverse("policies:application_withdraw", args=[app.pk])),
        ("post", reverse("policies:application_resubmit", args=[app.pk])),
        ("post", reverse("policies:application_review", args=[app.pk])),
        ("post", reverse("policies:application_release", args=[app.pk])),
        ("get", reverse("policies:material_download", args=[app.pk, material.pk])),
        ("get", reverse("policies:on_file_download", args=[app.pk, attachment_pk])),
        ("get", reverse("policies:notice_detail", args=[notice.pk])),
        ("post", reverse("policies:notice_close", args=[notice.pk])),
        ("get", reverse("policies:batch_detail", args=[batch.pk])),
        ("post", reverse("policies:batch_paid", args=[batch.pk])),
    ]


def test_another_region_gets_404_on_every_route(r, login):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    notice = _past_notice(r, app)
    svc.notice_close(user=r["city"], notice=notice)
    batch = svc.payment_batch_create(user=r["city"], fund=r["fund"])
    material = app.materials.get()
    attachment = r["mine"].attachments.get()
    routes = _routes(app, material, notice, batch, attachment.pk)
    for user_key in ("other_city", "longfeng"):
        client = login(r[user_key])
        for method, url in routes:
            assert getattr(client, method)(url).status_code == 404, (user_key, url)
    for user_key in ("talent2",):
        client = login(r[user_key])
        for method, url in routes[:9]:
            assert getattr(client, method)(url).status_code == 404, (user_key, url)
    city = login(r["city"])
    for method, url in routes:
        if method == "get":
            assert city.get(url).status_code == 200, url
    # Another region's office does not see this city's notice, fund or batch in its lists.
    other = login(r["other_city"])
    assert "博士安家补贴" not in other.get(reverse("policies:notice_list")).content.decode()
    assert "人才专项资金" not in other.get(reverse("policies:fund_ledger")).content.decode()
    assert "张明华" not in other.get(reverse("policies:redemption_overview")).content.decode()


def test_talent_sees_own_and_employer_sees_only_its_people(r, login):
    mine = _ready(r)
    colleague = svc.application_start(user=r["employer"], talent=r["colleague"],
                                      benefit=r["benefit"])
    assert colleague.source == "employer" and colleague.employer == r["employer_org"]
    stranger = svc.application_start(user=r["talent2"], talent=r["stranger"],
                                     benefit=r["benefit"])
    emp = login(r["employer"])
    listing = emp.get(reverse("policies:application_mine")).content.decode()
    assert "张明华" in listing and "李四" in listing and "王五" not in listing
    assert emp.get(reverse("policies:application_detail", args=[stranger.pk])).status_code \
        == 404
    me = login(r["talent"])
    assert me.get(reverse("policies:application_detail", args=[mine.pk])).status_code == 200
    assert me.get(reverse("policies:application_detail", args=[colleague.pk])).status_code \
        == 404
    with pytest.raises(Exception):  # noqa: B017 - scope error of either kind
        svc.application_start(user=r["employer"], talent=r["stranger"], benefit=r["benefit"])


def test_employer_files_a_batch_for_its_people(r, login):
    response = login(r["employer"]).post(reverse("policies:application_new"), {
        "benefit": r["benefit"].pk, "talents": [r["mine"].pk, r["colleague"].pk]})
    assert response.status_code == 302
    assert set(Application.objects.values_list("talent__name", flat=True)) == {"张明华", "李四"}
    assert set(Application.objects.values_list("source", flat=True)) == {"employer"}


def test_list_pages_query_counts_are_pinned(r, login, django_assert_max_num_queries):
    for talent in (r["mine"], r["colleague"]):
        _ready(r, talent=talent, user=r["employer"])
    pages = [(r["member"], "policies:review_queue"), (r["city"], "policies:redemption_overview"),
             (r["employer"], "policies:application_mine"), (r["city"], "policies:fund_ledger"),
             (r["city"], "policies:notice_list")]
    for user, name in pages:
        client = login(user)
        client.get(reverse(name))
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200


# --- money: holds, instalments ---------------------------------------------------------------

def test_approval_over_budget_is_held_visible_and_released_after_a_raise(world, login):
    r = build(world, budget_fen=1_500_000)
    first = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    assert first.status == ApplicationStatus.APPROVED
    second = _ready(r, talent=r["colleague"], user=r["employer"])
    second = _approve(r["member_other"], _approve(r["member"], second))
    assert second.status == ApplicationStatus.HELD and "剩余预算不足" in second.held_reason
    assert not second.payments.exists()
    row = _ledger(r["city"], r["fund"])
    assert (row.committed, row.remaining, row.held_applications) == (1_000_000, 500_000, 1)
    page = login(r["city"]).get(reverse("policies:fund_ledger")).content.decode()
    assert "1 件申请因资金不足暂缓" in page

    r["fund"].budget_fen = 3_000_000
    r["fund"].save()
    second = svc.application_release(user=r["city"], application=second)
    assert second.status == ApplicationStatus.APPROVED
    assert _ledger(r["city"], r["fund"]).remaining == 1_000_000


def test_a_budget_cut_after_approval_holds_instalments_in_the_batch(r):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    svc.notice_close(user=r["city"], notice=_past_notice(r, app))
    r["fund"].budget_fen = 500_000
    r["fund"].save()
    batch = svc.payment_batch_create(user=r["city"], fund=r["fund"])
    assert (batch.count, batch.held_count, batch.total_fen) == (0, 1, 0)
    assert app.payments.get().status == PaymentStatus.HELD


def test_monthly_and_yearly_instalments_schedule_themselves(world):
    r = build(world, payment_kind=PaymentKind.MONTHLY, periods=12, cap_fen=1_000_000,
              amounts=(("", "2020-01-01", 100_001),))
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    assert app.amount_fen == 1_000_000  # 12 × 1,000.01 CNY, capped at 10,000 CNY
    payments = list(app.payments.order_by("seq"))
    today = timezone.localdate()
    assert len(payments) == 12 and sum(p.amount_fen for p in payments) == 1_000_000
    assert payments[0].period == f"{today:%Y-%m}" and payments[0].amount_fen == 83_337
    assert {p.amount_fen for p in payments[1:]} == {83_333}
    assert payments[1].due_on.day == 1 and len({p.period for p in payments}) == 12


def test_yearly_instalments_charge_each_years_fund(world):
    r = build(world, payment_kind=PaymentKind.YEARLY, periods=3,
              amounts=(("", "2020-01-01", 300_000),))
    year = timezone.localdate().year
    next_year = make_fund("230600", year=year + 1, budget_fen=10_000_000)
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    payments = list(app.payments.order_by("seq"))
    assert [p.period for p in payments] == [str(year), str(year + 1), str(year + 2)]
    assert [p.fund for p in payments] == [r["fund"], next_year, r["fund"]]
    assert _ledger(r["city"], next_year).committed == 300_000


# --- the public notice -------------------------------------------------------------------------

def test_public_notice_shows_names_and_id_numbers_masked_without_login(r):
    app = _approve(r["member_other"], _approve(r["member"], _ready(r)))
    notice = svc.notice_publish(user=r["city"], benefit=r["benefit"])
    full_id = app.talent.id_number.reveal()
    anonymous = Client()
    board = anonymous.get(reverse("policies:notice_board"))
    assert board.status_code == 200 and notice.title in board.content.decode()
    page = anonymous.get(reverse("policies:notice_public", args=[notice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "张*华" in text and "张明华" not in text
    assert full_id not in text and full_id[:6] in text and full_id[-4:] in text
    assert anonymous.get(reverse("policies:notice_public", args=[999999])).status_code == 404
    # Other pages of the workflow still need a login.
    assert anonymous.get(reverse("policies:notice_list")).status_code == 302


def test_accepting_an_offer_opens_a_prefilled_application(r, login):
    from wutong.policies.models import Entitlement, EntitlementStatus

    offer = Entitlement.objects.create(
        talent=r["mine"], benefit=r["benefit"], region=r["mine"].region, amount_fen=1_000_000,
        found_on=timezone.localdate(), status=EntitlementStatus.OFFERED,
        rule_version=r["benefit"].current_version)
    client = login(r["talent"])
    assert "确认并申领" in client.get(reverse("policies:application_mine")).content.decode()
    response = client.post(reverse("policies:offer_apply", args=[offer.pk]))
    app = Application.objects.get()
    assert response.url == reverse("policies:application_detail", args=[app.pk])
    offer.refresh_from_db()
    assert offer.status == EntitlementStatus.ACCEPTED
    assert (app.source, app.entitlement, app.status) == ("offer", offer, "draft")
    page = client.get(response.url).content.decode()
    assert "户籍证明" in page and "档案中已有" in page and 'data-testid="explanation"' in page
    # Accepting again lands on the same application.
    client.post(reverse("policies:offer_apply", args=[offer.pk]))
    assert Application.objects.count() == 1


def test_upload_refuses_a_fake_file_with_a_chinese_message(r, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = svc.application_start(user=r["talent"], talent=r["mine"], benefit=r["benefit"])
    response = login(r["talent"]).post(
        reverse("policies:application_upload", args=[app.pk]),
        {"name": "户籍证明", "file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 422
    assert "文件内容与扩展名" in response.content.decode()
    assert not app.materials.exists()
