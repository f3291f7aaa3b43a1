"""Leaders' contact duty (issue 5): coverage against the local rule, service logs, a problem
tracked to its answer through core.links, the work ledger (xlsx and PDF) and the data scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.liaison_helpers import (
    ON,
    YEAR,
    WithCases,
    WithoutCases,
    allow_raising_cases,
    build,
    pdf_pages,
    pdf_text,
)
from wutong.core import links
from wutong.core.errors import NotFound, PermissionDenied, ValidationFailed
from wutong.core.models import Job, Region
from wutong.liaison import selectors, services
from wutong.liaison.models import Contact, Item, ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(world):
    return build(world)


def _by_name(rows):
    return {c.leader.name: c for c in rows}


# --- the rule and coverage -------------------------------------------------------------------
def test_coverage_names_who_falls_short_and_why(duty, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        rows = _by_name(selectors.coverage(user=duty["city"], year=YEAR))
    assert set(rows) == {"张书记", "李市长", "王局长", "赵主席"}  # not the Liaoyang leader
    assert not rows["张书记"].falls_short
    assert (rows["张书记"].experts, rows["张书记"].contacts) == (2, 4)
    assert rows["李市长"].short_of_experts == 1 and rows["李市长"].thin == 1  # never contacted
    head = rows["王局长"]
    assert (head.required, head.short_of_experts, head.thin) == (1, 0, 1)  # contacted once
    assert rows["赵主席"].short_of_experts == 2
    short = selectors.coverage(user=duty["city"], year=YEAR, filters={"short": "1"})
    assert {c.leader.name for c in short} == {"李市长", "王局长", "赵主席"}


def test_the_rule_is_data_per_region_and_year(duty):
    city, daqing = duty["city"], Region.objects.get(code="230600")
    services.rule_save(user=city, region=daqing, year=YEAR, experts_per_leader=3,
                       experts_per_unit_head=1, contacts_per_expert=4)
    rows = _by_name(selectors.coverage(user=city, year=YEAR))
    assert rows["张书记"].short_of_experts == 1 and rows["张书记"].thin == 2
    # a district without its own rule follows the city's; the next year too
    saertu = Region.objects.get(code="230602")
    assert selectors.rule_for(region=saertu, year=YEAR + 1).experts_per_leader == 3
    assert selectors.rule_for(region=saertu, year=YEAR - 1).experts_per_leader == 2  # default
    with pytest.raises(PermissionDenied):
        services.rule_save(user=city, region=Region.objects.get(code="211000"), year=YEAR,
                           experts_per_leader=1, experts_per_unit_head=1,
                           contacts_per_expert=1)


def test_uncovered_experts_are_the_ones_nobody_looks_after(duty):
    from wutong.talents.models import Pool, PoolMembership

    daqing = Region.objects.get(code="230600")
    found = set(selectors.uncovered_experts(user=duty["city"], region=daqing, year=YEAR)
                .values_list("name", flat=True))
    assert found == {"刘专家"}  # 周普通 (category E) is no expert
    pool = Pool.objects.create(region=daqing, name="专家库")
    PoolMembership.objects.create(pool=pool, talent=duty["plain"])
    found = set(selectors.uncovered_experts(user=duty["city"], region=daqing, year=YEAR)
                .values_list("name", flat=True))
    assert found == {"刘专家", "周普通"}  # a pool member is an expert whatever the category
    added, skipped = services.assignments_add_bulk(user=duty["city"], leader=duty["cppcc"],
                                                   talents=[duty["t5"], duty["plain"]])
    assert (added, skipped) == (2, 0)
    assert not selectors.uncovered_experts(user=duty["city"], region=daqing, year=YEAR).exists()
    added, skipped = services.assignments_add_bulk(user=duty["city"], leader=duty["cppcc"],
                                                   talents=[duty["t5"]])
    assert (added, skipped) == (0, 1)


def test_ending_an_assignment_uncovers_the_expert(duty):
    from wutong.core.errors import Conflict

    a = duty["mayor"].assignments.get()
    with pytest.raises(Conflict):
        services.assignment_add(user=duty["city"], leader=duty["mayor"], talent=duty["t3"])
    services.assignment_end(user=duty["city"], assignment=a, reason="调任")
    daqing = Region.objects.get(code="230600")
    assert "吴专家" in set(selectors.uncovered_experts(user=duty["city"], region=daqing,
                                                       year=YEAR).values_list("name",
                                                                              flat=True))
    assert _by_name(selectors.coverage(user=duty["city"], year=YEAR))["李市长"].experts == 0
    services.assignment_add(user=duty["city"], leader=duty["mayor"], talent=duty["t3"])


# --- service logs ----------------------------------------------------------------------------
def _log(client, leader, **data):
    form = {"on": ON.isoformat(), "form": "visit", "experts": [], "summary": "走访",
            "suggestions": "", "problems": "", **data}
    return client.post(f"/liaison/leaders/{leader.pk}/log/", form)


def test_a_leader_logs_a_visit_with_a_problem(duty, world, login):
    client = login(world["leader"])
    response = _log(client, duty["party"], experts=[duty["t1"].pk, duty["t2"].pk],
                    summary="走访实验室", suggestions="建议一\n\n建议二",
                    problems="配偶就业暂无着落")
    assert response.status_code == 302
    contact = Contact.objects.get(summary="走访实验室")
    assert contact.recorded_by == world["leader"]
    assert set(contact.experts.values_list("name", flat=True)) == {"陈专家", "黄专家"}
    assert sorted(contact.items.values_list("kind", "text")) == [
        ("problem", "配偶就业暂无着落"), ("suggestion", "建议一"), ("suggestion", "建议二")]
    page = client.get(response["Location"]).content.decode()
    assert "配偶就业暂无着落" in page
    # the leader logs only for themself; the office for any leader in its place
    assert _log(client, duty["mayor"], experts=[duty["t3"].pk]).status_code == 302
    assert not Contact.objects.filter(leader=duty["mayor"]).exists()


def test_a_clerk_logs_for_the_head_of_their_unit_only(duty, world, login):
    client = login(world["member"])  # 科技局 staff
    assert _log(client, duty["head"], experts=[duty["t4"].pk],
                summary="电话问候").status_code == 302
    assert Contact.objects.filter(leader=duty["head"], summary="电话问候").exists()
    assert _log(client, duty["party"], experts=[duty["t1"].pk]).status_code == 404


def test_unhappy_contacts_lose_nothing_and_say_why(duty, world, login):
    client = login(world["city"])
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = _log(client, duty["party"], on=tomorrow, experts=[duty["t1"].pk],
                    summary="写好的内容", problems="问题甲")
    assert response.status_code == 422
    text = response.content.decode()
    assert "联系日期不能晚于今天" in text and "写好的内容" in text and "问题甲" in text
    response = _log(client, duty["party"], summary="无专家")
    assert "请至少选择一位联系的专家" in response.content.decode()
    with pytest.raises(ValidationFailed):
        services.contact_log(user=world["city"], leader=duty["party"], on=ON, form="visit",
                             summary=" ", experts=[duty["t1"]])


# --- a problem becomes a case and is tracked to its answer -----------------------------------
def test_problem_describe_and_outcome_through_core_links(duty, world):
    key = duty["problem"].source_key
    info = links.describe_source(world["city"], key)
    assert info.title == "子女入学需协调学位"
    assert info.talent_id == duty["t4"].pk and info.region_id == duty["problem"].region_id
    assert "王局长" in info.text and info.url == f"/liaison/items/{duty['problem'].pk}/"
    with pytest.raises(NotFound):
        links.describe_source(world["other_city"], key)
    with pytest.raises(NotFound):
        links.describe_source(world["member_other"], key)  # 人社局 staff: not their head
    links.report_outcome(key, status="办理中", closed=False, url="/cases/7/")
    item = Item.objects.get(pk=duty["problem"].pk)
    assert (item.status, item.case_status, item.case_url) == (ItemStatus.IN_CASE, "办理中",
                                                              "/cases/7/")
    links.report_outcome(key, status="已办结", closed=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.SOLVED and item.case_closed and item.solved_on
    assert item.case_url == "/cases/7/"  # kept when the later call names no URL
    spec_figures = selectors.figures(
        leaders=selectors.leader_list(user=world["city"]), start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31), contacts=Contact.objects.all(), items=Item.objects.all())
    assert spec_figures["problems_solved"] == 1
    links.report_outcome(key, status="重新办理", closed=False)  # the case was reopened
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_CASE and item.solved_on is None


def test_an_item_in_a_case_is_answered_there_not_here(duty, world):
    from wutong.core.errors import Conflict

    links.report_outcome(duty["problem"].source_key, status="办理中", closed=False,
                         url="/cases/7/")
    item = Item.objects.get(pk=duty["problem"].pk)
    with pytest.raises(Conflict):
        services.item_resolve(user=world["city"], item=item, status="solved", answer="好了")
    suggestion = duty["contact"].items.filter(kind="suggestion").first()
    services.item_resolve(user=world["city"], item=suggestion, status="solved",
                          answer="已采纳")
    suggestion.refresh_from_db()
    assert suggestion.status == ItemStatus.SOLVED and suggestion.solved_on


def test_the_to_case_button_links_the_case_form(duty, world, login, settings, monkeypatch):
    settings.ROOT_URLCONF = WithCases
    allow_raising_cases(monkeypatch)
    page = login(world["city"]).get(f"/liaison/items/{duty['problem'].pk}/").content.decode()
    assert f'href="/cases/new/?source=liaison.problem%3A{duty["problem"].pk}"' in page
    links.report_outcome(duty["problem"].source_key, status="办理中", closed=False,
                         url="/cases/7/")
    page = login(world["city"]).get(f"/liaison/items/{duty['problem'].pk}/").content.decode()
    assert 'data-testid="to-case"' not in page and 'href="/cases/7/"' in page


def test_without_a_case_app_there_is_no_button(duty, world, login, settings, monkeypatch):
    settings.ROOT_URLCONF = WithoutCases
    allow_raising_cases(monkeypatch)
    client = login(world["city"])
    for url in (f"/liaison/items/{duty['problem'].pk}/", "/liaison/items/",
                f"/liaison/contacts/{duty['contact'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'data-testid="to-case"' not in response.content.decode()


# --- the ledger ------------------------------------------------------------------------------
@pytest.fixture
def ledger(django_capture_on_commit_callbacks):
    def make(user, fmt, **params) -> bytes:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.ledger_start(user=user, fmt=fmt, params=params)
        return _read(job)

    return make


def _read(job) -> bytes:
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", job.message
    with open(job.result_file, "rb") as fh:
        return fh.read()


def test_ledger_xlsx_carries_the_figures_as_text_never_formulas(duty, world, ledger):
    import openpyxl

    data = ledger(world["city"], "xlsx", year=YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["汇总", "服务日志", "意见建议和问题"]
    ws = wb["汇总"]
    figures = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(6, 12)}
    assert figures == {"联系领导（人）": 4, "联系服务专家（人）": 4, "联系服务（次）": 5,
                       "征集意见建议（条）": 2, "反映问题（个）": 1, "解决问题（个）": 0}
    assert "中共" not in str(ws["A4"].value) or "组织部" in str(ws["A4"].value)
    assert ws["A4"].value == "填报单位：大庆市人才办"
    leaders = [ws.cell(r, 2).value for r in range(14, 18)]
    assert leaders == ["张书记", "李市长", "王局长", "赵主席"]
    log = wb["服务日志"]
    summary = next(log.cell(r, 8) for r in range(2, log.max_row + 1)
                   if "=1+1" in str(log.cell(r, 8).value))
    assert summary.data_type == "s"  # text, not a formula
    cells = " ".join(str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row)
    assert "13800138000" not in cells and "1380013" not in cells  # no phones, not even masked


def test_ledger_xlsx_of_one_leader_and_of_a_unit(duty, world, ledger):
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(ledger(
        world["city"], "xlsx", leader=duty["party"].pk, year=YEAR)))["汇总"]
    assert ws["A2"].value == "范围：张书记（市委书记）"
    assert ws.cell(7, 2).value == 2 and ws.cell(8, 2).value == 4
    ws = openpyxl.load_workbook(io.BytesIO(ledger(
        world["member"], "xlsx", unit=world["daqing_kjj"].pk, year=YEAR)))["汇总"]
    assert ws.cell(14, 2).value == "王局长" and ws.cell(15, 2).value is None


def test_ledger_pdf_opens_with_title_period_office_and_pages(duty, world, ledger):
    data = ledger(world["city"], "pdf", year=YEAR)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    assert "领导干部联系服务专家工作纪实台账" in text
    assert f"{YEAR}年1月1日至{YEAR}年12月31日" in text
    assert "大庆市人才办" in text and "子女入学需协调学位" in text
    assert "第 1 页" in text and f"共 {pdf_pages(data)} 页" in text
    assert "13800138000" not in text


def test_a_big_pdf_ledger_repeats_headers_and_numbers_pages(duty, world, ledger):
    for n in range(70):
        services.contact_log(user=world["city"], leader=duty["party"], on=ON, form="phone",
                             summary=f"电话沟通第{n}次，" + "了解情况" * 20,
                             experts=[duty["t1"]])
    data = ledger(world["city"], "pdf", year=YEAR)
    pages = pdf_pages(data)
    assert pages >= 4
    text = pdf_text(data)
    assert text.count("问题及办理情况") >= pages - 1  # the header on every page of the log
    assert f"第 {pages} 页  共 {pages} 页" in text


# --- data scope ------------------------------------------------------------------------------
def test_another_city_reaches_nothing(duty, world, login):
    client = login(world["other_city"])
    for url in (f"/liaison/leaders/{duty['party'].pk}/", f"/liaison/items/{duty['problem'].pk}/",
                f"/liaison/contacts/{duty['contact'].pk}/", f"/liaison/person/{duty['t1'].pk}/",
                f"/liaison/leaders/{duty['party'].pk}/log/"):
        assert client.get(url).status_code == 404, url
    assert "张书记" not in client.get("/liaison/").content.decode()
    assert "子女入学" not in client.get("/liaison/items/").content.decode()
    with pytest.raises(NotFound):
        services.ledger_start(user=world["other_city"], fmt="xlsx",
                              params={"leader": duty["party"].pk})
    with pytest.raises(NotFound):
        services.ledger_start(user=world["other_city"], fmt="xlsx", params={"region": "230600"})


def test_member_unit_staff_see_their_head_only(duty, world, login):
    client = login(world["member_other"])  # 人社局
    assert client.get(f"/liaison/leaders/{duty['head'].pk}/").status_code == 404
    assert "王局长" in login(world["member"]).get("/liaison/").content.decode()
    rows = selectors.coverage(user=world["member"], year=YEAR)
    assert [c.leader.name for c in rows] == ["王局长"]


def test_a_talent_sees_no_liaison_page(duty, world, login):
    client = login(world["talent"])
    assert client.get("/liaison/").status_code == 403
    assert client.get(f"/liaison/contacts/{duty['contact'].pk}/").status_code == 404


# --- pages -----------------------------------------------------------------------------------
def test_office_pages_render_with_coverage_and_person_section(duty, world, login):
    client = login(world["city"])
    page = client.get("/liaison/").content.decode()
    assert "缺 1 名专家" in page and "1 名专家无人联系" in page
    page = client.get(f"/liaison/leaders/{duty['head'].pk}/").content.decode()
    assert "孙专家" in page and "不足 2 次" in page and "子女入学需协调学位" in page
    assert "刘专家" in client.get("/liaison/uncovered/").content.decode()
    assert client.get("/liaison/ledger/").status_code == 200
    assert client.get("/liaison/rule/").status_code == 200
    assert client.get(f"/liaison/leaders/{duty['head'].pk}/log/").status_code == 200
    section = client.get(f"/liaison/person/{duty['t4'].pk}/").content.decode()
    assert "王局长" in section and "座谈" in section
    response = client.post("/liaison/ledger/", {"scope": "place", "start": f"{YEAR}-01-01",
                                                "end": f"{YEAR}-12-31", "format": "pdf"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]


def test_office_adds_a_leader_and_assigns_one_by_one(duty, world, login):
    from wutong.liaison.models import Leader

    client = login(world["city"])
    response = client.post("/liaison/leaders/new/", {
        "region": "230600", "name": "钱主任", "post": "市人大常委会主任", "body": "congress",
        "sort_order": "1"})
    assert response.status_code == 302
    leader = Leader.objects.get(name="钱主任")
    response = client.post("/liaison/leaders/new/", {
        "region": "230600", "name": "孙局长", "post": "局长", "body": "unit"})
    assert response.status_code == 422 and "须选择其单位" in response.content.decode()
    client.post(f"/liaison/leaders/{leader.pk}/assign/", {"talent": duty["t5"].pk})
    assert leader.assignments.filter(talent=duty["t5"], ended_on__isnull=True).exists()
    response = client.post(f"/liaison/leaders/{leader.pk}/assign/", {"talent": duty["t5"].pk},
                           follow=True)
    assert "已在该领导的联系名单中" in response.content.decode()


def test_a_leader_answers_items_of_their_own_log_only(duty, world):
    other = duty["problem"]  # raised at 王局长's contact
    with pytest.raises(PermissionDenied):
        services.item_resolve(user=world["leader"], item=other, status="solved",
                              answer="已解决")
    mine = services.contact_log(user=world["leader"], leader=duty["party"], on=ON,
                                form="phone", summary="电话", experts=[duty["t1"]],
                                problems="科研用房紧张").items.get()
    services.item_resolve(user=world["leader"], item=mine, status="solved", answer="已调剂")
    mine.refresh_from_db()
    assert mine.status == ItemStatus.SOLVED


def test_list_pages_keep_their_query_count(duty, world, login, django_assert_max_num_queries):
    from wutong.liaison.models import LeaderBody

    client = login(world["city"])
    client.get("/liaison/")
    daqing = Region.objects.get(code="230600")
    for n in range(30):  # more leaders, contacts and items: no query per row
        leader = services.leader_create(user=world["city"], region=daqing, name=f"领导{n}",
                                        post="副市长", body=LeaderBody.GOVERNMENT)
        services.assignment_add(user=world["city"], leader=leader, talent=duty["t5"])
        services.contact_log(user=world["city"], leader=leader, on=ON, form="visit",
                             summary="走访", experts=[duty["t5"]], problems="问题")
    for url, most in (("/liaison/", 25), ("/liaison/items/", 20),
                      (f"/liaison/leaders/{duty['party'].pk}/", 24)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_no_button_for_who_may_not_raise_a_case(duty, world, login, settings):
    settings.ROOT_URLCONF = WithCases
    if world["member"].has_perm("cases.add_case"):
        pytest.skip("member units raise cases here")
    page = login(world["member"]).get(f"/liaison/items/{duty['problem'].pk}/")
    assert page.status_code == 200 and 'data-testid="to-case"' not in page.content.decode()


def test_items_export_as_the_user_sees_them(duty, world, login, django_capture_on_commit_callbacks):
    import openpyxl

    from wutong.core import services as core_services

    with django_capture_on_commit_callbacks(execute=True):
        job = core_services.export_start(user=world["city"], exporter_key="liaison_items",
                                         fmt="xlsx", params={"kind": "problem"})
    ws = openpyxl.load_workbook(io.BytesIO(_read(job))).active
    assert [c.value for c in ws[2]][3:5] == ["问题", "子女入学需协调学位"]
    assert ws.max_row == 2
    with django_capture_on_commit_callbacks(execute=True):
        job = core_services.export_start(user=world["other_city"], exporter_key="liaison_items",
                                         fmt="xlsx", params={})
    assert openpyxl.load_workbook(io.BytesIO(_read(job))).active.max_row == 1  # headers only


def test_candidates_by_name_and_the_rule_page(duty, world, login):
    client = login(world["city"])
    found = client.get(f"/liaison/leaders/{duty['cppcc'].pk}/candidates/", {"q": "刘专"})
    assert "刘专家" in found.content.decode()
    taken = client.get(f"/liaison/leaders/{duty['party'].pk}/candidates/", {"q": "陈专"})
    assert "陈专家" not in taken.content.decode()  # already looked after by this leader
    response = client.post("/liaison/rule/", {
        "year": YEAR, "experts_per_leader": 1, "experts_per_unit_head": 1,
        "contacts_per_expert": 1, "expert_categories": "a，b",
        "basis": "辽阳市：每位市级领导1至2名"})
    assert response.status_code == 302
    rule = selectors.rule_for(region=Region.objects.get(code="230600"), year=YEAR)
    assert (rule.experts_per_leader, rule.expert_categories) == (1, ["A", "B"])
    rows = _by_name(selectors.coverage(user=world["city"], year=YEAR))
    assert not rows["李市长"].short_of_experts and rows["李市长"].thin == 1
    assert login(world["member"]).get("/liaison/rule/").status_code == 403


# --- API -------------------------------------------------------------------------------------
def _bearer(user) -> dict:
    from wutong.accounts import services as account_services

    _token, key = account_services.api_token_create(user=user, name="小程序")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_coverage_items_and_logging_a_contact(duty, world, client):
    import json

    office = _bearer(world["city"])
    rows = client.get("/api/liaison/coverage", {"short": "1"}, **office).json()
    assert {r["name"] for r in rows} == {"李市长", "王局长", "赵主席"}
    items = client.get("/api/liaison/items", {"kind": "problem"}, **office).json()
    assert [i["text"] for i in items["items"]] == ["子女入学需协调学位"]
    payload = {"leader_id": duty["party"].pk, "on": ON.isoformat(), "form": "wechat",
               "summary": "微信沟通", "expert_ids": [duty["t1"].pk], "problems": ["科研用房紧张"]}
    leader = _bearer(world["leader"])
    response = client.post("/api/liaison/contacts", json.dumps(payload),
                           content_type="application/json", **leader)
    assert response.status_code == 201, response.content
    assert [i["text"] for i in response.json()["items"]] == ["科研用房紧张"]
    payload["leader_id"] = duty["mayor"].pk  # not the leader's own log
    response = client.post("/api/liaison/contacts", json.dumps(payload),
                           content_type="application/json", **leader)
    assert response.status_code == 403 and "不能为该领导" in response.json()["error"]["message"]
    other = _bearer(world["other_city"])
    assert [r["name"] for r in client.get("/api/liaison/coverage", **other).json()] == [
        "辽阳领导"]
    payload["leader_id"] = duty["party"].pk
    response = client.post("/api/liaison/contacts", json.dumps(payload),
                           content_type="application/json", **other)
    assert response.status_code == 404


def test_pdf_prints_what_its_font_has_and_xlsx_keeps_every_character(duty, world, ledger):
    import openpyxl

    from tests.policy_helpers import make_talent

    rare = make_talent("230602", name="买买提·艾力", category="B")
    ext_b = make_talent("230602", name="王\U00020000", category="B")
    services.assignment_add(user=world["city"], leader=duty["cppcc"], talent=rare)
    services.assignment_add(user=world["city"], leader=duty["cppcc"], talent=ext_b)
    text = pdf_text(ledger(world["city"], "pdf", year=YEAR))
    assert "买买提・艾力" in text and "王□" in text
    ws = openpyxl.load_workbook(io.BytesIO(ledger(world["city"], "xlsx", year=YEAR)))["汇总"]
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert "买买提·艾力" in cells and "王\U00020000" in cells


def test_problems_tell_the_office_and_the_answer_tells_the_leader(duty, world):
    from wutong.core.models import Message

    contact = services.contact_log(user=world["leader"], leader=duty["party"], on=ON,
                                   form="visit", summary="走访", experts=[duty["t1"]],
                                   problems="实验室用电增容\n人才公寓报修")
    note = Message.objects.get(kind="liaison.problem", object_id=str(contact.pk))
    assert note.recipient == world["city"] and "2 个问题" in note.title  # not 萨尔图区's office
    assert note.url == f"/liaison/contacts/{contact.pk}/"
    item = contact.items.first()
    links.report_outcome(item.source_key, status="办理中", closed=False, url="/cases/8/")
    assert not Message.objects.filter(kind="liaison.solved").exists()
    links.report_outcome(item.source_key, status="已办结", closed=True)
    done = Message.objects.get(kind="liaison.solved")
    assert done.recipient == world["leader"] and item.text[:6] in done.title
    links.report_outcome(item.source_key, status="已办结", closed=True)  # told once
    assert Message.objects.filter(kind="liaison.solved").count() == 1


def test_a_leader_leaving_office_uncovers_their_experts(duty, world, login):
    client = login(world["city"])
    response = client.post(f"/liaison/leaders/{duty['party'].pk}/retire/", follow=True)
    assert "2 位专家待重新分配" in response.content.decode()
    daqing = Region.objects.get(code="230600")
    uncovered = set(selectors.uncovered_experts(user=world["city"], region=daqing, year=YEAR)
                    .values_list("name", flat=True))
    assert {"陈专家", "黄专家"} <= uncovered
    assert "张书记" not in {c.leader.name for c in selectors.coverage(user=world["city"],
                                                                   year=YEAR)}
    duty["party"].refresh_from_db()
    assert not services.may_log_for(world["leader"], duty["party"])
    # the ledger of the year still has their contacts
    figures = selectors.place_figures(user=world["city"], region=daqing, year=YEAR)
    assert figures["contacts"] == 5 and figures["experts_covered"] == 4
    assert login(world["member"]).post(
        f"/liaison/leaders/{duty['head'].pk}/retire/").status_code == 403


def test_a_member_unit_ledger_of_the_place_is_its_own_heads(duty, world, ledger):
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(ledger(world["member"], "xlsx",
                                                  year=YEAR)))["汇总"]
    assert ws["A2"].value == "范围：大庆市科学技术局"
    assert ws.cell(14, 2).value == "王局长" and ws.cell(15, 2).value is None


def test_pages_in_english(duty, world, login):
    client = login(world["city"])
    client.cookies["django_language"] = "en"
    page = client.get("/liaison/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Leaders looking after experts" in page and "experts missing" in page
    page = client.get(f"/liaison/leaders/{duty['head'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "fewer than 2" in page.content.decode()


# --- the roster import -----------------------------------------------------------------------
def _roster(rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年领导干部联系服务专家名单"])
    ws.append(["联系领导", "职务", "班子", "成员单位", "专家姓名", "身份证号", "工作单位"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(client, capture, content) -> Job:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post("/liaison/import/", {
            "file": SimpleUploadedFile("联系名单.xlsx", content), "region": "230600"})
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.filter(kind="import").order_by("-created_at").first()


def test_roster_import_checks_every_row_then_writes_all(duty, world, login,
                                                        django_capture_on_commit_callbacks):
    from wutong.liaison.models import Assignment, Leader

    client = login(world["city"])
    t1_id = duty["t1"].id_number.reveal()
    rows = [["钱主任", "市人大常委会主任", "", "", "刘专家", "", ""],
            ["钱主任", "市人大常委会主任", "", "", "", t1_id, ""],
            ["王局长", "科学技术局局长", "成员单位", "科学技术局", "孙专家", "", ""],
            ["孙局长", "局长", "成员单位", "", "吴专家", "", ""],
            ["冯副市长", "副市长", "", "", "不存在", "", ""]]
    job = _import(client, django_capture_on_commit_callbacks, _roster(rows))
    assert job.status == "failed" and "2 处问题" in job.message
    assert not Leader.objects.filter(name="钱主任").exists()  # nothing written
    job = _import(client, django_capture_on_commit_callbacks, _roster(rows[:3]))
    assert job.status == "succeeded", job.message
    assert "新增 1 位领导" in job.message and "新分配 2 对" in job.message
    qian = Leader.objects.get(name="钱主任")
    assert qian.body == "congress"  # read from the post
    assert set(Assignment.objects.filter(leader=qian).values_list("talent__name", flat=True)) \
        == {"刘专家", "陈专家"}
    job = _import(client, django_capture_on_commit_callbacks, _roster(rows[:3]))
    assert "新增 0 位领导" in job.message and "新分配 0 对" in job.message
    assert login(world["member"]).get("/liaison/import/").status_code == 403
    assert client.get("/liaison/import/template/").status_code == 200


def test_the_monthly_reminder_tells_who_falls_short(duty, world):
    from django.core.management import call_command

    from wutong.core.models import Message
    from wutong.liaison.models import Leader

    Leader.objects.filter(pk=duty["mayor"].pk).update(account=world["leader"])
    Leader.objects.filter(pk=duty["party"].pk).update(account=None)
    out = io.StringIO()
    call_command("liaison_remind", year=YEAR, stdout=out)
    assert "未达要求 4 位" in out.getvalue()  # 3 in 大庆, the 辽阳 leader without experts
    mine = Message.objects.get(recipient=world["leader"], kind="liaison.duty")
    assert "尚差 1 名联系专家" in mine.title and "1 名专家本年联系不足 2 次" in mine.title
    office = Message.objects.get(recipient=world["city"], kind="liaison.duty_summary")
    assert "3 位领导" in office.title and office.url == "/liaison/?short=1"
    other = Message.objects.get(recipient=world["other_city"], kind="liaison.duty_summary")
    assert "1 位领导" in other.title  # each office hears of its own leaders only


def test_a_contact_logged_by_mistake_can_be_withdrawn(duty, world, login):
    from wutong.core.models import AuditRecord

    client = login(world["leader"])
    _log(client, duty["party"], experts=[duty["t1"].pk], summary="记错的领导",
         problems="问题乙")
    contact = Contact.objects.get(summary="记错的领导")
    response = client.post(f"/liaison/contacts/{contact.pk}/withdraw/", {"reason": ""},
                           follow=True)
    assert "请填写撤销原因" in response.content.decode()
    assert login(world["member"]).post(f"/liaison/contacts/{contact.pk}/withdraw/",
                                       {"reason": "x"}).status_code == 404
    client.post(f"/liaison/contacts/{contact.pk}/withdraw/", {"reason": "记到了别的领导名下"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    record = AuditRecord.objects.filter(object_type="liaison.Contact", action="delete").get()
    assert record.changes["extra"]["reason"] == "记到了别的领导名下"
    # an item already in a case keeps its contact
    links.report_outcome(duty["problem"].source_key, status="办理中", closed=False, url="/x/")
    with pytest.raises(Exception, match="已转为服务事项"):
        services.contact_withdraw(user=world["city"], contact=duty["contact"], reason="错")
