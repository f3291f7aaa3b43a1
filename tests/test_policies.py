"""Policies: data scope on every route, rule validation, dated amounts, exclusion groups,
caps, the scan (idempotent, tracking changes), offers, and the public calculator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.policy_helpers import make_benefit, make_fund, make_talent
from wutong.core.errors import ValidationFailed
from wutong.core.models import Region
from wutong.orgs.models import Employer, EmployerAccount
from wutong.policies.engine import amounts_in_force
from wutong.policies.models import (
    BenefitAmount,
    BenefitRuleVersion,
    Entitlement,
    EntitlementStatus,
    PaymentKind,
    ScanRun,
)
from wutong.policies.rules import validate_rule
from wutong.policies.scan import scan_run
from wutong.talents.models import Talent

ON = dt.date(2026, 6, 1)
PHD = {"all": [{"fact": "education", "op": "eq", "value": "11"}]}


@pytest.fixture
def setup(world):
    """大庆 (city) benefit for PhDs; a PhD in 萨尔图 owned by the ``talent`` account and
    employed by the ``employer`` account's employer; another PhD in 龙凤; 辽阳 its own."""
    employer = Employer.objects.create(uscc="91230602MA1AAAAA1X", name="萨尔图科技公司",
                                       type="enterprise",
                                       region=Region.objects.get(code="230602"))
    EmployerAccount.objects.create(user=world["employer"], employer=employer)
    mine = make_talent("230602", name="张博士", education="11", employer=employer,
                       category="C")
    mine.account = world["talent"]
    mine.save()
    other = make_talent("230603", name="李博士", education="11")
    liaoyang_person = make_talent("211002", name="王博士", education="11")
    benefit = make_benefit("230600", name="博士安家补贴", rule=PHD,
                           amounts=(("", "2020-01-01", 5_000_000),))
    liaoyang = make_benefit("211000", name="辽阳博士补贴", rule=PHD)
    return {"benefit": benefit, "liaoyang": liaoyang, "mine": mine, "other": other,
            "liaoyang_person": liaoyang_person, "employer": employer, **world}


def _offer_all():
    Entitlement.objects.filter(status=EntitlementStatus.NEW).update(
        status=EntitlementStatus.OFFERED)


# --- data scope -------------------------------------------------------------------------

def test_another_region_gets_404_on_every_route(setup, login):
    scan_run(on=ON)
    liaoyang = login(setup["other_city"])
    b, t = setup["benefit"], setup["mine"]
    ent = Entitlement.objects.get(talent=t)
    for url in (f"/policies/benefits/{b.pk}/", f"/policies/benefits/{b.pk}/edit/",
                f"/policies/benefits/{b.pk}/rule/", f"/policies/benefits/{b.pk}/simulate/",
                f"/policies/explain/{t.pk}/", f"/policies/explain/{t.pk}/{b.pk}/",
                f"/api/policies/explain/{t.pk}"):
        assert liaoyang.get(url).status_code == 404, url
    for url in (f"/policies/benefits/{b.pk}/amounts/", f"/policies/benefits/{b.pk}/publish/",
                f"/policies/benefits/{b.pk}/rule/", f"/policies/mine/{ent.pk}/decide/"):
        assert liaoyang.post(url, {"published": "0", "accept": "1"}).status_code == 404, url
    page = liaoyang.get("/policies/offers/")
    assert "张博士" not in page.content.decode()
    assert b.name not in liaoyang.get("/policies/").content.decode()
    assert liaoyang.get("/api/policies/entitlements").json()["items"] == [
        {"id": e.pk, "talent_id": e.talent_id, "benefit_id": e.benefit_id,
         "benefit_name": "辽阳博士补贴", "tier": "", "amount_fen": 100_000, "status": "new",
         "found_on": ON.isoformat()}
        for e in Entitlement.objects.filter(benefit=setup["liaoyang"])]
    setup["benefit"].refresh_from_db()
    assert setup["benefit"].is_published


def test_district_office_sees_its_district_only(setup, login):
    scan_run(on=ON)
    page = login(setup["district"]).get("/policies/offers/").content.decode()
    assert "张博士" in page and "李博士" not in page


def test_talent_sees_only_own_offers_and_employer_only_its_people(setup, login):
    scan_run(on=ON)
    _offer_all()
    mine = login(setup["talent"]).get("/policies/mine/").content.decode()
    assert "博士安家补贴" in mine and "50,000.00" in mine
    assert "为什么我符合" in mine and "最高学历为 博士研究生毕业" in mine
    assert login(setup["talent2"]).get("/policies/mine/").content.decode().count(
        'data-testid="my-offer"') == 0
    employer = login(setup["employer"]).get("/policies/mine/").content.decode()
    assert "张博士" in employer and "李博士" not in employer
    other = Entitlement.objects.get(talent=setup["other"])
    assert login(setup["talent"]).post(f"/policies/mine/{other.pk}/decide/",
                                       {"accept": "1"}).status_code == 404
    assert login(setup["talent"]).get("/policies/offers/").status_code == 403
    # the office's explanation page is not a talent's (their own page explains their offers)
    assert login(setup["talent"]).get(
        f"/policies/explain/{setup['other'].pk}/").status_code == 403


def test_talent_accepts_an_offer_and_a_rescan_keeps_it(setup, login):
    scan_run(on=ON)
    _offer_all()
    ent = Entitlement.objects.get(talent=setup["mine"])
    client = login(setup["talent"])
    assert client.post(f"/policies/mine/{ent.pk}/decide/", {"accept": "1"}).status_code == 302
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.ACCEPTED
    # the rule changes so that nobody qualifies: the accepted one stays, the open ones go
    BenefitRuleVersion.objects.filter(benefit=setup["benefit"]).update(
        rule={"all": [{"fact": "education", "op": "eq", "value": "14"}]})
    run = scan_run(on=ON)
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.ACCEPTED
    assert Entitlement.objects.get(talent=setup["other"]).status == EntitlementStatus.SUPERSEDED
    assert run.removed == 1
    assert "已确认申领" in client.get("/policies/mine/").content.decode()
    # deciding twice is refused in Chinese
    client.post(f"/policies/mine/{ent.pk}/decide/", {"accept": "0"})
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.ACCEPTED


# --- rules -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "message"), [
    ({"all": [{"fact": "salary", "op": "eq", "value": 1}]}, "没有“salary”这一项事实"),
    ({"all": [{"fact": "age", "op": "contains", "value": [1]}]}, "不能使用运算“包含任一”"),
    ({"all": [{"fact": "age", "op": "gte", "value": "三十"}]}, "请填写整数"),
    ({"all": [{"fact": "education", "op": "in", "value": []}]}, "请至少选择一个值"),
    ({"all": [{"fact": "education", "op": "eq", "value": "99"}]}, "“99”不是有效的取值"),
    ({"all": [{"fact": "age", "op": "between", "value": [40, 30]}]}, "下限不能大于上限"),
    ({"some": []}, "条件组须是"),
    ({"all": [{"fact": "age", "op": "gte", "value": 1, "code": "x"}]}, "不认识的字段"),
    ("import os", "应为一个条件或条件组"),
])
def test_bad_rules_are_refused_in_chinese(world, rule, message):
    with pytest.raises(ValidationFailed) as err:
        validate_rule(rule)
    assert message in " ".join(d["message"] for d in err.value.details)


def test_rule_editor_builds_the_tree_row_by_row_and_publishes(setup, login):
    b = setup["benefit"]
    client = login(setup["city"])
    page = client.post(f"/policies/benefits/{b.pk}/rule/", {
        "top": "all", "rows": "1", "row-0-fact": "education", "row-0-op": "eq",
        "row-0-value": "11", "action": "add"}, HTTP_HX_REQUEST="true").content.decode()
    assert page.count('data-testid="rule-row"') == 2
    # a new row asks for social insurance months; a wrong value keeps the input
    data = {"top": "all", "rows": "2", "row-0-fact": "education", "row-0-op": "eq",
            "row-0-value": "11", "row-1-fact": "social_insurance_months", "row-1-op": "gte",
            "row-1-value": "十二", "row-1-ref": "第五条", "action": "publish"}
    page = client.post(f"/policies/benefits/{b.pk}/rule/", data,
                       HTTP_HX_REQUEST="true").content.decode()
    assert "请填写整数" in page and "十二" in page
    assert b.versions.count() == 1
    data["row-1-value"] = "12"
    page = client.post(f"/policies/benefits/{b.pk}/rule/", data,
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已发布第 2 版规则" in page
    b.refresh_from_db()
    assert b.current_version.rule == {"all": [
        {"fact": "education", "op": "eq", "value": "11"},
        {"fact": "social_insurance_months", "op": "gte", "value": 12, "ref": "第五条"}]}
    assert b.current_version.published_by == setup["city"]
    # grouped rows become a nested "any of" under "all of"
    data = {"top": "all", "rows": "2", "row-0-group": "1", "row-0-fact": "education",
            "row-0-op": "eq", "row-0-value": "11", "row-1-group": "1", "row-1-not": "1",
            "row-1-fact": "title_level", "row-1-op": "in", "row-1-value": ["1", "2"],
            "action": "publish"}
    client.post(f"/policies/benefits/{b.pk}/rule/", data, HTTP_HX_REQUEST="true")
    b.refresh_from_db()
    assert b.current_version.number == 3
    assert b.current_version.rule == {"all": [{"any": [
        {"fact": "education", "op": "eq", "value": "11"},
        {"not": {"fact": "title_level", "op": "in", "value": ["1", "2"]}}]}]}
    # leaders may read a benefit, not change its rule
    assert login(setup["leader"]).post(f"/policies/benefits/{b.pk}/rule/",
                                       data).status_code == 404


def test_explanation_says_why_not(setup, login):
    make_benefit("230600", name="社保补贴", rule={"all": [
        {"fact": "social_insurance_months", "op": "gte", "value": 12, "ref": "第五条"}]})
    t = make_talent("230602", name="赵六", si_months=8)
    page = login(setup["city"]).get(f"/policies/explain/{t.pk}/").content.decode()
    assert "不符合：本地社保缴纳月数为 8 个月，需满 12 个月" in page
    assert "〔第五条〕" in page


# --- amounts, exclusion, cap, scan --------------------------------------------------------

def test_amount_in_force_on_the_decisive_date(world):
    rows = [("", dt.date(2022, 1, 1), 100), ("", dt.date(2025, 7, 1), 200),
            ("C", dt.date(2024, 1, 1), 500)]
    assert amounts_in_force(rows, dt.date(2021, 12, 31)) == {}
    assert amounts_in_force(rows, dt.date(2025, 6, 30)) == {"": 100, "C": 500}
    assert amounts_in_force(rows, dt.date(2025, 7, 1)) == {"": 200, "C": 500}


def test_scan_applies_amounts_by_date_and_tier_and_tracks_changes(world):
    c = make_talent(education="11", category="C")
    plain = make_talent(education="11")
    make_benefit(rule=PHD, amounts=(("", "2022-01-01", 100), ("", "2026-07-01", 300),
                                    ("C", "2022-01-01", 500)))
    first = scan_run(on=ON)
    assert (first.found, first.added, first.removed, first.amount_changed) == (2, 2, 0, 0)
    assert dict(Entitlement.objects.values_list("talent_id", "amount_fen")) == {
        c.pk: 500, plain.pk: 100}
    again = scan_run(on=ON)
    assert (again.added, again.removed, again.amount_changed) == (0, 0, 0)
    later = scan_run(on=dt.date(2026, 7, 1))
    assert (later.added, later.removed, later.amount_changed) == (0, 0, 1)
    e = Entitlement.objects.get(talent=plain)
    assert (e.amount_fen, e.previous_amount_fen, e.changed_run_id) == (300, 100, later.pk)
    plain.education = "14"
    plain.save()
    gone = scan_run(on=dt.date(2026, 7, 1))
    assert (gone.added, gone.removed) == (0, 1)
    assert Entitlement.objects.get(talent=plain).status == EntitlementStatus.SUPERSEDED
    plain.education = "11"
    plain.save()
    back = scan_run(on=dt.date(2026, 7, 1))
    assert back.added == 1
    assert Entitlement.objects.filter(talent=plain).count() == 2  # history kept
    assert ScanRun.objects.count() == 5


def test_only_the_highest_of_an_exclusion_group_applies(world):
    t = make_talent(education="11")
    low = make_benefit(name="公寓", rule=PHD, exclusion_group="housing",
                       amounts=(("", "2020-01-01", 1000),), payment_kind=PaymentKind.MONTHLY,
                       periods=36)
    high = make_benefit(name="购房", rule=PHD, exclusion_group="housing",
                        amounts=(("", "2020-01-01", 30_000),))
    other = make_benefit(name="津贴", rule=PHD, amounts=(("", "2020-01-01", 10),))
    scan_run(on=ON)
    # 1,000 × 36 = 36,000 beats 30,000 once: only the apartment and the unrelated allowance
    assert set(Entitlement.objects.filter(talent=t).values_list("benefit_id", flat=True)) == {
        low.pk, other.pk}
    assert Entitlement.objects.get(benefit=low).amount_fen == 36_000
    high.amounts.update(amount_fen=50_000)
    run = scan_run(on=ON)
    assert (run.added, run.removed) == (1, 1)
    assert set(Entitlement.objects.filter(talent=t).exclude(status="superseded")
               .values_list("benefit_id", flat=True)) == {high.pk, other.pk}


def test_per_person_cap_limits_the_term_total(world):
    make_talent(education="11")
    make_benefit(rule=PHD, amounts=(("", "2020-01-01", 150_000),),
                 payment_kind=PaymentKind.MONTHLY, periods=36, cap_fen=3_000_000)
    scan_run(on=ON)
    assert Entitlement.objects.get().amount_fen == 3_000_000


def test_unpublished_benefit_finds_nobody_and_withdraws_open_offers(world):
    make_talent(education="11")
    b = make_benefit(rule=PHD)
    scan_run(on=ON)
    b.is_published = False
    b.save()
    run = scan_run(on=ON)
    assert run.removed == 1 and not Entitlement.objects.exclude(status="superseded").exists()


# --- pages of the office ----------------------------------------------------------------

def test_office_scans_from_the_page_and_pushes_offers(setup, login,
                                                      django_capture_on_commit_callbacks):
    client = login(setup["city"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/policies/offers/scan/")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_page = client.get(response["Location"]).content.decode()
    assert "扫描完成" in job_page
    assert Entitlement.objects.filter(benefit=setup["benefit"]).count() == 2
    assert not Entitlement.objects.filter(benefit=setup["liaoyang"]).exists()
    page = client.get("/policies/offers/").content.decode()
    assert 'data-testid="offer-counts"' in page and "博士安家补贴" in page
    client.post("/policies/offers/push/", {"benefit": setup["benefit"].pk})
    assert set(Entitlement.objects.filter(benefit=setup["benefit"])
               .values_list("status", flat=True)) == {"offered"}
    assert "博士安家补贴" in login(setup["talent"]).get("/policies/mine/").content.decode()


def test_lists_keep_their_query_count(setup, login, django_assert_max_num_queries):
    for i in range(30):
        make_talent("230602", education="11", name=f"批量{i}")
    scan_run(on=ON)
    client = login(setup["city"])
    with django_assert_max_num_queries(16):  # session, user, scope, counts, 25 rows
        assert client.get("/policies/offers/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/policies/").status_code == 200


def test_amounts_are_edited_on_the_benefit_page(setup, login):
    b = setup["benefit"]
    client = login(setup["city"])
    bad = client.post(f"/policies/benefits/{b.pk}/amounts/",
                      {"tier": "C", "effective_from": "2026-07-01", "amount": "12.345"})
    assert bad.status_code == 422 and "最多两位小数" in bad.content.decode()
    client.post(f"/policies/benefits/{b.pk}/amounts/",
                {"tier": "C", "effective_from": "2026-07-01", "amount": "1,200.50"})
    assert b.amounts.get(tier="C").amount_fen == 120_050
    dup = client.post(f"/policies/benefits/{b.pk}/amounts/",
                      {"tier": "C", "effective_from": "2026-07-01", "amount": "1"})
    assert "该类别在这一日期已有金额" in dup.content.decode()


def test_benefit_form_saves_review_chain_in_order(setup, login):
    from wutong.accounts.models import Unit

    b = setup["benefit"]
    fund = make_fund()
    units = [setup["daqing_rsj"], setup["daqing_kjj"]]
    client = login(setup["city"])
    response = client.post(f"/policies/benefits/{b.pk}/edit/", {
        "name": "博士安家补贴", "policy": b.policy_id, "region": "230600", "fund": fund.pk,
        "payment_kind": "yearly", "periods": "3", "cap": "", "exclusion_group": "",
        "materials": "学位证书\n劳动合同", "review_units": [u.pk for u in units],
        "notice_days": "7", "legal_reference": "第三条", "summary": ""})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.materials == ["学位证书", "劳动合同"] and b.periods == 3 and b.fund == fund
    assert [s.unit for s in b.review_steps.all()] == units  # in the order sent
    assert "1. 大庆市人力资源和社会保障局 → 2. 大庆市科学技术局" in client.get(
        f"/policies/benefits/{b.pk}/").content.decode()
    assert Unit.objects.filter(pk__in=[u.pk for u in units]).count() == 2


def test_simulation_shows_people_and_money_without_writing(setup, login):
    scan_run(on=ON)
    before = list(Entitlement.objects.values_list("pk", "amount_fen", "status"))
    client = login(setup["city"])
    page = client.get(f"/policies/benefits/{setup['benefit'].pk}/simulate/",
                      {"amount": "80000", "date": "2026-06-01"}).content.decode()
    assert 'data-testid="simulation-result"' in page
    assert "160,000.00" in page  # two PhDs at 80,000
    page = client.get(f"/policies/benefits/{setup['benefit'].pk}/simulate/", {
        "rule_json": '{"all": [{"fact": "talent_region", "op": "in", "value": ["230602"]}]}',
        "date": "2026-06-01"}).content.decode()
    assert "不再符合 1 人" in page
    assert list(Entitlement.objects.values_list("pk", "amount_fen", "status")) == before
    bad = client.get(f"/policies/benefits/{setup['benefit'].pk}/simulate/",
                     {"rule_json": "{"}).content.decode()
    assert "JSON 格式不正确" in bad


# --- calculator ---------------------------------------------------------------------------

def test_calculator_needs_no_login_and_writes_nothing(setup):
    from wutong.policies.calculator import clear_cache

    clear_cache()
    client = Client()
    assert client.get("/policies/calculator/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/policies/calculator/", {
            "region": "230602", "education": "11"}).content.decode()
    assert "博士安家补贴" in page and "50,000.00" in page
    assert "张博士" not in page and "李博士" not in page
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert client.get("/policies/offers/").status_code == 302  # the rest still needs login
    page = client.get("/policies/calculator/", {"region": "230602", "age": "abc"})
    assert page.status_code == 200 and 'data-testid="field-error"' in page.content.decode()


def test_calculator_refuses_a_region_without_benefits(setup):
    page = Client().get("/policies/calculator/", {"region": "110000"}).content.decode()
    assert 'data-testid="field-error"' in page


def test_nightly_scan_runs_once_per_place_and_offices_see_their_run(setup, login):
    from django.core.management import call_command

    from wutong.policies.tasks import policy_scan_nightly

    result = policy_scan_nightly.call()
    assert len(result["runs"]) == 2 and result["added"] == 3  # 大庆 2 PhDs, 辽阳 1
    runs = login(setup["city"]).get("/policies/offers/runs/").content.decode()
    assert runs.count("<tr>") == 2  # header + 大庆's run, not 辽阳's
    call_command("policy_scan", "--region", "230600", "--date", "2026-06-01")
    assert ScanRun.objects.filter(region__code="230600").count() == 2
    assert ScanRun.objects.filter(region__code="230600").first().added == 0


def test_api_lists_entitlements_in_scope_and_explains(setup, login):
    scan_run(on=ON)
    client = login(setup["district"])
    items = client.get("/api/policies/entitlements").json()["items"]
    assert [i["talent_id"] for i in items] == [setup["mine"].pk]
    explained = client.get(f"/api/policies/explain/{setup['mine'].pk}").json()
    assert [(e["benefit_name"], e["gets"], e["amount_fen"]) for e in explained] == [
        ("博士安家补贴", True, 5_000_000)]
    assert explained[0]["clauses"][1]["text"].startswith("符合：最高学历为 博士研究生毕业")
    assert client.get(f"/api/policies/explain/{setup['other'].pk}").status_code == 404
    # benefits belong to their region: the city's are listed for the city office (a district
    # office still sees its people's entitlements and explanations of them)
    assert client.get("/api/policies/benefits").json()["items"] == []
    assert [b["name"] for b in login(setup["city"]).get("/api/policies/benefits").json()[
        "items"]] == ["博士安家补贴"]


def test_person_page_section_lists_the_talents_entitlements(setup, login):
    scan_run(on=ON)
    t = setup["mine"]
    page = login(setup["city"]).get(f"/talents/{t.pk}/").content.decode()
    assert f"/policies/person/{t.pk}/entitlements/" in page
    section = login(setup["city"]).get(f"/policies/person/{t.pk}/entitlements/").content.decode()
    assert "博士安家补贴" in section and "50,000.00" in section
    assert login(setup["other_city"]).get(
        f"/policies/person/{t.pk}/entitlements/").status_code == 404


def test_deleting_a_talent_or_a_benefit_takes_its_entitlements(world):
    """Entitlement references have no FK constraint in the database (derived rows written by
    the million); Django's on_delete must still leave no orphan behind."""
    gone = make_talent(education="11")
    kept = make_talent(education="11")
    benefit = make_benefit(rule=PHD)
    other = make_benefit(name="博士津贴", rule=PHD)
    scan_run(on=ON)
    assert Entitlement.objects.count() == 4
    gone.delete()
    assert set(Entitlement.objects.values_list("talent_id", flat=True)) == {kept.pk}
    other.delete()
    assert list(Entitlement.objects.values_list("benefit_id", flat=True)) == [benefit.pk]
    run = scan_run(on=ON)
    assert (run.found, run.added, run.removed) == (1, 0, 0)


def test_benefits_evaluated_in_one_pass_do_not_disturb_each_other(world):
    """The scan reads the registry once for many benefits: a rule over the employer must not
    drop people without one from the other benefits, nor its negation catch them wrongly."""
    employer = Employer.objects.create(uscc="91230602MA1AAAAB2X", name="萨尔图研究院",
                                       type="institute",
                                       region=Region.objects.get(code="230602"))
    loner = make_talent(education="11")
    staff = make_talent(education="11", employer=employer)
    phd = make_benefit(name="博士补贴", rule=PHD)
    institute = make_benefit(name="院所补贴", rule={"all": [
        {"fact": "employer_type", "op": "eq", "value": "institute"}]})
    not_institute = make_benefit(name="非院所补贴", rule={"not": {"all": [
        {"fact": "employer_type", "op": "eq", "value": "institute"}]}})
    scan_run(on=ON)
    held = set(Entitlement.objects.values_list("talent_id", "benefit_id"))
    assert held == {(loner.pk, phd.pk), (staff.pk, phd.pk), (staff.pk, institute.pk),
                    (loner.pk, not_institute.pk)}


def _live_entitlements():
    return set(Entitlement.objects.exclude(status="superseded").values_list(
        "talent_id", "benefit_id", "tier", "amount_fen"))


def _scan_both_ways(monkeypatch):
    """Scan with the candidates as bit masks, then (entitlements cleared) as rows in chunks
    of one benefit; return what each found and the two runs."""
    from wutong.policies import candidates, maskscan

    with monkeypatch.context() as m:
        m.setattr(maskscan, "VENDORS", {"sqlite", "postgresql"})
        by_masks = scan_run(on=ON)
    masks = _live_entitlements()
    Entitlement.objects.all().delete()
    with monkeypatch.context() as m:
        m.setattr(candidates, "MASK_BITS", 1)
        by_rows = scan_run(on=ON)
    return masks, _live_entitlements(), by_masks, by_rows


def test_bit_masks_and_candidate_rows_give_the_same_entitlements(world, monkeypatch):
    """The scan keeps candidates as bit masks when the benefits fit in one (the usual case)
    and writes them as rows otherwise: both find the same people, tiers and amounts,
    including an exclusion group whose winner depends on the talent's tier."""
    tiers = (("A", "2020-01-01", 50_000), ("B", "2020-01-01", 10_000),
             ("", "2020-01-01", 20_000))
    for i, (category, education) in enumerate((("A", "11"), ("B", "11"), ("", "11"),
                                                ("C", "11"), ("A", "14"), ("B", "21"))):
        make_talent(name=f"人{i}", category=category, education=education)
    make_talent("211002", name="辽阳人", category="A", education="11")
    # 住房 group: 安家 pays A 50,000 / B 10,000 / others 20,000; 购房 15,000 to everyone:
    # B gets 购房 (15,000 beats 10,000); A, C and the uncategorised keep 安家.
    settle = make_benefit(name="安家", rule=PHD, exclusion_group="housing", amounts=tiers)
    buy = make_benefit(name="购房", rule=PHD, exclusion_group="housing",
                       amounts=(("", "2020-01-01", 15_000),))
    only_tiers = make_benefit(name="只限A", amounts=(("A", "2020-01-01", 7),))
    everyone = make_benefit(name="普惠", amounts=(("", "2020-01-01", 3),))
    masks, rows, by_masks, by_rows = _scan_both_ways(monkeypatch)
    assert masks == rows
    assert (by_masks.found, by_masks.per_benefit) == (by_rows.found, by_rows.per_benefit)
    won = {(t, b) for t, b, _tier, _a in masks}
    names = dict(Talent.objects.values_list("pk", "name"))
    assert {names[t] for t, b in won if b == settle.pk} == {"人0", "人2", "人3"}
    assert {names[t] for t, b in won if b == buy.pk} == {"人1"}
    assert {names[t] for t, b in won if b == only_tiers.pk} == {"人0", "人4"}
    assert len({t for t, b in won if b == everyone.pk}) == 6  # not the Liaoyang talent
    # A second night after a change, by masks: the group's winners move.
    from wutong.policies import maskscan

    monkeypatch.setattr(maskscan, "VENDORS", {"sqlite", "postgresql"})
    Entitlement.objects.all().delete()
    scan_run(on=ON)
    BenefitAmount.objects.filter(benefit=buy).update(amount_fen=60_000)
    changed = scan_run(on=ON)
    after = _live_entitlements()
    assert {(names[t], b) for t, b, _x, _y in after if b in (settle.pk, buy.pk)} == {
        (f"人{i}", buy.pk) for i in range(4)}
    assert (changed.added, changed.removed) == (3, 3)


def test_a_first_scan_loaded_in_bulk_keeps_one_live_entitlement_per_person(world,
                                                                            monkeypatch):
    """A scan that at least doubles the entitlements drops their secondary indexes on
    PostgreSQL and builds them again before it commits: the same entitlements, and the
    database still refuses a second live one for the same person and benefit."""
    from django.db import IntegrityError, transaction

    from wutong.policies import scan

    monkeypatch.setattr(scan, "BULK_LOAD_MIN_ROWS", 1)
    people = [make_talent(name=f"博士{i}", education="11") for i in range(3)]
    make_talent(name="硕士", education="14")
    benefit = make_benefit(rule=PHD)
    with CaptureQueriesContext(connection) as queries:
        first = scan_run(on=ON)
    dropped = [q["sql"] for q in queries if q["sql"].startswith("DROP INDEX")]
    assert len(dropped) == (2 if connection.vendor == "postgresql" else 0)
    assert first.added == 3
    assert set(Entitlement.objects.values_list("talent_id", flat=True)) == {
        p.pk for p in people}
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor,
                                                           Entitlement._meta.db_table)
    assert indexes["entitlement_one_live"]["unique"]
    assert indexes["entitlement_region_benefit"]["columns"] == [
        "region_id", "benefit_id", "status"]
    live = Entitlement.objects.get(talent=people[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(talent=live.talent, benefit=benefit, region=live.region,
                                   amount_fen=1, found_on=ON)
    with CaptureQueriesContext(connection) as queries:
        again = scan_run(on=ON)  # the table already holds them: no bulk load
    assert not [q for q in queries if q["sql"].startswith("DROP INDEX")]
    assert (again.added, again.removed, again.amount_changed) == (0, 0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load is PostgreSQL's")
def test_a_bulk_load_waits_briefly_for_a_busy_table_then_inserts_row_by_row(world,
                                                                             monkeypatch):
    """Someone reading the entitlements (an export, a long report) must neither block the
    scan nor be queued behind it: the scan gives up the bulk load and still finds them."""
    import psycopg

    from wutong.policies import scan

    monkeypatch.setattr(scan, "BULK_LOAD_MIN_ROWS", 1)
    monkeypatch.setattr(scan, "BULK_LOAD_LOCK_TIMEOUT", "200ms")
    people = [make_talent(name=f"博士{i}", education="11") for i in range(2)]
    make_benefit(rule=PHD)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"]) as reader:
        reader.execute("SELECT count(*) FROM policies_entitlement").fetchone()
        # the reader's transaction stays open, holding its lock on the table
        with CaptureQueriesContext(connection) as queries:
            run = scan_run(on=ON)
        reader.rollback()
    assert run.added == 2
    assert set(Entitlement.objects.values_list("talent_id", flat=True)) == {
        p.pk for p in people}
    dropped = [q["sql"] for q in queries if q["sql"].startswith("DROP INDEX")]
    assert dropped  # it tried, and the savepoint took the attempt back
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor,
                                                           Entitlement._meta.db_table)
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"
    assert {"entitlement_one_live", "entitlement_region_benefit"} <= set(indexes)
