"""Commissioners and the 1+1+N grid (issue 5): the region rule, assignment in bulk and by rule,
handover, workload, gaps, contacts and the stale list — each inside the caller's data scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.policy_helpers import make_talent
from wutong.accounts.roles import Role
from wutong.cases import commissioner_selectors as sel
from wutong.cases import commissioner_services as svc
from wutong.cases.commissioner_models import (
    AssignmentRule,
    CareChange,
    CareRole,
    Contact,
    GridPolicy,
    TalentCare,
)
from wutong.core.errors import NotFound, PermissionDenied, ValidationFailed
from wutong.core.models import Message, Region
from wutong.orgs.models import Employer


@pytest.fixture
def grid(world):
    """大庆 sets the rule (A–D get a commissioner, A also a secretary, 90 days); people in
    萨尔图 of each category, one in 龙凤; 辽阳 has its own people and commissioner."""
    g = dict(world)
    GridPolicy.objects.create(region=Region.objects.get(code="230600"),
                              commissioner_categories=["A", "B", "C", "D"],
                              secretary_categories=["A"], contact_days=90)
    g["employer_org"] = Employer.objects.create(uscc="91230602MA1AAAAA1X", name="萨尔图科技公司",
                                                type="enterprise",
                                                region=Region.objects.get(code="230602"))
    g["a"] = make_talent("230602", name="院士甲", category="A")
    g["c"] = make_talent("230602", name="领军乙", category="C", employer=g["employer_org"])
    g["d"] = make_talent("230602", name="博士丙", category="D")
    g["e"] = make_talent("230602", name="硕士丁", category="E")
    g["none"] = make_talent("230602", name="普通戊")
    g["lf"] = make_talent("230603", name="龙凤己", category="C")
    g["ly"] = make_talent("211000", name="辽阳庚", category="A")
    g["comm"] = make_user("comm", Role.COMMISSIONER, "230602", full_name="专员张")
    g["comm2"] = make_user("comm2", Role.COMMISSIONER, "230602", full_name="专员李")
    g["comm_city"] = make_user("comm_city", Role.COMMISSIONER, "230600", full_name="市专员")
    g["comm_ly"] = make_user("comm_ly", Role.COMMISSIONER, "211000", full_name="辽阳专员")
    return g


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_the_region_rule_decides_who_needs_a_commissioner_and_a_secretary(grid):
    city = grid["city"]
    assert _ids(sel.gaps(user=city)) == {grid["a"].pk, grid["c"].pk, grid["d"].pk, grid["lf"].pk}
    assert _ids(sel.gaps(user=city, role=CareRole.SECRETARY)) == {grid["a"].pk}
    # 辽阳 has no rule of its own: the defaults (A–C; A a secretary).
    assert _ids(sel.gaps(user=grid["other_city"])) == {grid["ly"].pk}
    # A district's own rule wins over the city's.
    svc.policy_save(user=grid["city"], region=Region.objects.get(code="230602"),
                    commissioner_categories=["A"], secretary_categories=[], contact_days=30)
    assert _ids(sel.gaps(user=city)) == {grid["a"].pk, grid["lf"].pk}
    assert sel.rule_for_region(Region.objects.get(code="230602")).contact_days == 30


def test_bulk_assignment_is_recorded_and_stays_in_the_commissioners_region(grid):
    talents = [grid["a"].pk, grid["c"].pk, grid["lf"].pk]
    result = svc.care_assign(user=grid["city"], talent_ids=talents, to_user_id=grid["comm"].pk)
    # 龙凤 is outside the 萨尔图 commissioner's region: left as it was, and said so.
    assert (result.chosen, result.changed, result.out_of_reach) == (3, 2, 1)
    care = TalentCare.objects.get(talent=grid["a"])
    assert care.commissioner == grid["comm"] and care.commissioner_since == timezone.localdate()
    assert not TalentCare.objects.filter(talent=grid["lf"]).exists()
    message = Message.objects.get(recipient=grid["comm"])  # the commissioner is told
    assert "新增 2 名" in message.title and message.url == "/cases/grid/mine/"
    change = CareChange.objects.get(talent=grid["a"])
    assert (change.from_user, change.to_user, change.via, change.changed_by) == (
        None, grid["comm"], CareChange.Via.BULK, grid["city"])
    # Again: nothing changes, nothing is recorded twice.
    again = svc.care_assign(user=grid["city"], talent_ids=talents, to_user_id=grid["comm"].pk)
    assert again.changed == 0 and CareChange.objects.count() == 2
    # Reassign one to the other commissioner: the change names both.
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm2"].pk)
    last = CareChange.objects.filter(talent=grid["a"]).first()
    assert (last.from_user, last.to_user) == (grid["comm"], grid["comm2"])
    assert _ids(sel.gaps(user=grid["city"])) == {grid["d"].pk, grid["lf"].pk}
    # A secretary is a second, separate role.
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk,
                    role=CareRole.SECRETARY)
    care.refresh_from_db()
    assert (care.commissioner, care.secretary) == (grid["comm2"], grid["comm"])
    assert not sel.gaps(user=grid["city"], role=CareRole.SECRETARY).exists()
    # Removing makes it a gap again.
    svc.care_remove(user=grid["city"], talent_ids=[grid["a"].pk])
    assert grid["a"].pk in _ids(sel.gaps(user=grid["city"]))


def test_assignment_is_refused_outside_the_callers_scope(grid):
    # 辽阳's office cannot touch 大庆's people, nor give them to a 大庆 commissioner.
    with pytest.raises(ValidationFailed, match="数据范围内的人才服务专员"):
        svc.care_assign(user=grid["other_city"], talent_ids=[grid["a"].pk],
                        to_user_id=grid["comm"].pk)
    result = svc.care_assign(user=grid["other_city"], talent_ids=[grid["a"].pk],
                             to_user_id=grid["comm_ly"].pk)
    assert result.chosen == 0 and not TalentCare.objects.exists()
    # A district office reaches only its district.
    result = svc.care_assign(user=grid["district"], talent_ids=[grid["a"].pk, grid["lf"].pk],
                             to_user_id=grid["comm"].pk)
    assert (result.chosen, result.changed) == (1, 1)
    # Commissioners and leaders do not assign.
    for user in (grid["comm"], grid["leader"], grid["member"]):
        with pytest.raises(PermissionDenied):
            svc.care_assign(user=user, talent_ids=[grid["d"].pk], to_user_id=grid["comm"].pk)


def test_handover_moves_every_talent_and_records_it(grid):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk, grid["c"].pk, grid["d"].pk],
                    to_user_id=grid["comm"].pk)
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk,
                    role=CareRole.SECRETARY)
    with pytest.raises(ValidationFailed, match="交接原因"):
        svc.care_handover(user=grid["city"], from_user_id=grid["comm"].pk,
                          to_user_id=grid["comm2"].pk, reason=" ")
    out = svc.care_handover(user=grid["city"], from_user_id=grid["comm"].pk,
                            to_user_id=grid["comm2"].pk, reason="调岗")
    assert out[CareRole.COMMISSIONER].changed == 3 and out[CareRole.SECRETARY].changed == 1
    assert not TalentCare.objects.filter(commissioner=grid["comm"]).exists()
    assert TalentCare.objects.get(talent=grid["a"]).secretary == grid["comm2"]
    handed = CareChange.objects.filter(via=CareChange.Via.HANDOVER)
    assert handed.count() == 4 and set(handed.values_list("reason", flat=True)) == {"调岗"}
    # Handing over to a commissioner of a narrower region keeps the others with the leaver.
    svc.care_assign(user=grid["city"], talent_ids=[grid["lf"].pk],
                    to_user_id=grid["comm_city"].pk)
    out = svc.care_handover(user=grid["city"], from_user_id=grid["comm_city"].pk,
                            to_user_id=grid["comm"].pk, reason="离职")
    assert out[CareRole.COMMISSIONER].out_of_reach == 1
    assert TalentCare.objects.get(talent=grid["lf"]).commissioner == grid["comm_city"]


def test_rules_assign_the_uncovered_most_specific_first(grid):
    saertu = Region.objects.get(code="230602")
    svc.rule_create(user=grid["city"], region=saertu, role=CareRole.COMMISSIONER,
                    to_user_id=grid["comm"].pk)
    svc.rule_create(user=grid["city"], region=saertu, role=CareRole.COMMISSIONER,
                    to_user_id=grid["comm2"].pk, employer=grid["employer_org"])
    svc.rule_create(user=grid["city"], region=saertu, role=CareRole.SECRETARY,
                    to_user_id=grid["comm2"].pk, category="A")
    with pytest.raises(ValidationFailed, match="地区范围"):
        svc.rule_create(user=grid["city"], region=Region.objects.get(code="230603"),
                        role=CareRole.COMMISSIONER, to_user_id=grid["comm"].pk)
    assert svc.rules_apply(user=grid["city"]) == 4
    care = {c.talent_id: c for c in TalentCare.objects.all()}
    assert care[grid["c"].pk].commissioner == grid["comm2"]  # the employer's rule
    assert care[grid["a"].pk].commissioner == grid["comm"]
    assert care[grid["a"].pk].secretary == grid["comm2"]
    assert care[grid["d"].pk].commissioner == grid["comm"]
    assert grid["e"].pk not in care  # E needs no commissioner under 大庆's rule
    assert svc.rules_apply(user=grid["city"]) == 0  # only the uncovered are filled
    assert AssignmentRule.objects.count() == 3


def test_contacts_move_the_last_contact_and_feed_the_stale_list(grid):
    today = timezone.localdate()
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk, grid["c"].pk, grid["d"].pk],
                    to_user_id=grid["comm"].pk)
    svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk, on=today - dt.timedelta(days=5),
                    form="wechat", note="微信沟通子女入学，家长电话 13912345678")
    svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk,
                    on=today - dt.timedelta(days=40), form="visit", note="补记一次走访")
    svc.contact_log(user=grid["comm"], talent_id=grid["c"].pk,
                    on=today - dt.timedelta(days=120), form="call", note="电话回访")
    care = TalentCare.objects.get(talent=grid["a"])
    assert care.last_contact_on == today - dt.timedelta(days=5)  # a late entry does not undo it
    assert care.last_contact_by == grid["comm"]
    note = Contact.objects.filter(talent=grid["a"]).first().note
    assert "13912345678" not in note and "139****5678" in note
    # Stale: 丙 never contacted, 乙 120 days ago (> 90); 甲 is fine. 龙凤 needs one too.
    assert _ids(sel.stale(user=grid["city"])) == {grid["c"].pk, grid["d"].pk, grid["lf"].pk}
    assert _ids(sel.stale(user=grid["district"])) == {grid["c"].pk, grid["d"].pk}
    mine = sel.annotate_contact_age(sel.my_talents(user=grid["comm"]))
    assert [c.talent_id for c in mine][:1] == [grid["d"].pk]  # never contacted first
    assert {c.talent_id: c.contact_overdue for c in mine} == {
        grid["a"].pk: False, grid["c"].pk: True, grid["d"].pk: True}
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk,
                        on=today + dt.timedelta(days=1), form="call", note="x")
    with pytest.raises(ValidationFailed, match="联系内容"):
        svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk, on=today, form="call",
                        note="  ")
    # Another region's talent does not exist for this commissioner.
    with pytest.raises(NotFound):
        svc.contact_log(user=grid["comm"], talent_id=grid["ly"].pk, on=today, form="call",
                        note="x")


def test_workload_counts_per_commissioner(grid):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk, grid["c"].pk, grid["d"].pk],
                    to_user_id=grid["comm"].pk)
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm2"].pk,
                    role=CareRole.SECRETARY)
    svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk, on=timezone.localdate(),
                    form="visit", note="走访")
    rows = {w.user.username: w for w in sel.workload(user=grid["city"])}
    assert (rows["comm"].commissioner_of, rows["comm"].stale, rows["comm"].contacts_30d) == \
        (3, 2, 1)
    assert (rows["comm2"].commissioner_of, rows["comm2"].secretary_of) == (0, 1)
    assert "comm_ly" not in rows
    assert [w.user.username for w in sel.workload(user=grid["other_city"])] == ["comm_ly"]


# --- Pages ------------------------------------------------------------------------------------
def test_commissioner_logs_a_contact_from_my_talents(grid, login):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk, grid["d"].pk],
                    to_user_id=grid["comm"].pk)
    client = login(grid["comm"])
    body = client.get("/cases/grid/mine/").content.decode()
    assert "院士甲" in body and "博士丙" in body and "尚未联系" in body and "领军乙" not in body
    form = client.get(f"/cases/grid/talents/{grid['a'].pk}/contact/").content.decode()
    assert 'name="note"' in form and "微信" in form
    response = client.post(f"/cases/grid/talents/{grid['a'].pk}/contact/", {
        "on": timezone.localdate().isoformat(), "form": "visit", "note": "上门走访，了解需求"})
    assert response.status_code == 302
    body = client.get("/cases/grid/mine/").content.decode()
    assert "已记录与 院士甲 的联系" in body
    assert Contact.objects.get(talent=grid["a"]).by == grid["comm"]
    stale = client.get("/cases/grid/mine/?stale=1").content.decode()
    assert "博士丙" in stale and "院士甲" not in stale
    # A bad date comes back on the form in Chinese, nothing saved.
    response = client.post(f"/cases/grid/talents/{grid['d'].pk}/contact/", {
        "on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "form": "call",
        "note": "x"})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    assert not Contact.objects.filter(talent=grid["d"]).exists()


def test_office_assigns_every_talent_of_a_filter(grid, login):
    client = login(grid["city"])
    page = client.get("/cases/grid/assign/?uncovered=commissioner").content.decode()
    assert "院士甲" in page and "硕士丁" not in page
    client.post("/cases/grid/assign/", {"uncovered": "commissioner", "all_matching": "1",
                                        "role": "commissioner", "to_user": grid["comm_city"].pk,
                                        "action": "assign"})
    assert TalentCare.objects.filter(commissioner=grid["comm_city"]).count() == 4
    body = client.get("/cases/grid/").content.decode()
    assert 'data-testid="gap-count">0 / 1<' in body
    # Ticked ones only.
    client.post("/cases/grid/assign/", {"talent": [grid["a"].pk], "role": "secretary",
                                        "to_user": grid["comm"].pk, "action": "assign"})
    assert TalentCare.objects.get(talent=grid["a"]).secretary == grid["comm"]
    response = client.post("/cases/grid/assign/", {"role": "commissioner",
                                                   "to_user": grid["comm"].pk}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_office_pages_render_and_handover_from_the_workload_page(grid, login):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk)
    client = login(grid["city"])
    for url in ("/cases/grid/", "/cases/grid/workload/", "/cases/grid/gaps/",
                "/cases/grid/gaps/?role=secretary", "/cases/grid/stale/", "/cases/grid/rules/",
                "/cases/grid/policy/", "/cases/grid/policy/?region=230602"):
        assert client.get(url).status_code == 200, url
    assert "专员张" in client.get("/cases/grid/workload/").content.decode()
    response = client.post("/cases/grid/workload/", {"from_user": grid["comm"].pk,
                                                     "to_user": grid["comm2"].pk,
                                                     "reason": "离职"}, follow=True)
    assert "已交接 1 个联系服务关系" in response.content.decode()
    assert TalentCare.objects.get(talent=grid["a"]).commissioner == grid["comm2"]
    client.post("/cases/grid/policy/", {"region": "230602", "commissioner": ["A", "B"],
                                        "secretary": ["A"], "contact_days": "45"})
    policy = GridPolicy.objects.get(region__code="230602")
    assert (policy.commissioner_categories, policy.contact_days) == (["A", "B"], 45)
    response = client.post("/cases/grid/policy/", {"region": "230602", "contact_days": "0"},
                           follow=True)
    assert "1 至 730" in response.content.decode()


def test_pages_keep_to_the_data_scope(grid, login):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk)
    svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk, on=timezone.localdate(),
                    form="call", note="电话问候")
    liaoyang = login(grid["other_city"])
    for url in ("/cases/grid/gaps/", "/cases/grid/stale/", "/cases/grid/workload/"):
        body = liaoyang.get(url).content.decode()
        assert "院士甲" not in body and "专员张" not in body, url
    assert "辽阳庚" in liaoyang.get("/cases/grid/gaps/").content.decode()
    assert liaoyang.get(f"/cases/grid/person/{grid['a'].pk}/").status_code == 404
    assert liaoyang.get("/cases/grid/policy/?region=230602").status_code == 404
    ly_comm = login(grid["comm_ly"])
    assert ly_comm.get(f"/cases/grid/talents/{grid['a'].pk}/contact/").status_code == 404
    assert "院士甲" not in ly_comm.get("/cases/grid/mine/").content.decode()
    # Member units and talents have no grid pages.
    assert login(grid["member"]).get("/cases/grid/").status_code == 403
    assert login(grid["talent"]).get("/cases/grid/mine/").status_code == 403
    # Commissioners may read the grid but not assign.
    assert login(grid["comm"]).get("/cases/grid/assign/").status_code == 403


def test_person_page_section_shows_commissioner_secretary_and_contacts(grid, login):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk)
    svc.contact_log(user=grid["comm"], talent_id=grid["a"].pk, on=timezone.localdate(),
                    form="meeting", note="参加人才座谈会")
    body = login(grid["city"]).get(f"/cases/grid/person/{grid['a'].pk}/").content.decode()
    assert "专员张" in body and "参加人才座谈会" in body and "未配备" in body  # no secretary yet
    page = login(grid["city"]).get(f"/talents/{grid['a'].pk}/").content.decode()
    assert f"/cases/grid/person/{grid['a'].pk}/" in page


def test_my_talents_page_query_count_does_not_grow(grid, login, django_assert_max_num_queries):
    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk, grid["c"].pk, grid["d"].pk],
                    to_user_id=grid["comm"].pk)
    client = login(grid["comm"])
    client.get("/cases/grid/mine/")
    with django_assert_max_num_queries(14):
        assert client.get("/cases/grid/mine/").status_code == 200


def test_gap_and_stale_exports_mask_names_and_keep_to_the_scope(
        grid, django_capture_on_commit_callbacks):
    from pathlib import Path

    from wutong.core import services
    from wutong.core.models import Job

    svc.care_assign(user=grid["city"], talent_ids=[grid["a"].pk], to_user_id=grid["comm"].pk)
    for key, user, present, absent in (
            ("grid_gaps", grid["district"], ("领*", "博*"), ("院**", "龙**", "辽**")),
            ("grid_stale", grid["city"], ("院**", "龙**", "专员张"), ("辽**", "硕**"))):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.export_start(user=user, exporter_key=key, fmt="csv")
        job = Job.objects.get(pk=job.pk)
        assert job.status == "succeeded", job.message
        text = Path(job.result_file).read_text(encoding="utf-8-sig")
        assert all(p in text for p in present) and not any(a in text for a in absent), text
        assert "院士甲" not in text  # names masked
    with pytest.raises(PermissionDenied):
        services.export_start(user=grid["comm"], exporter_key="grid_gaps", fmt="csv")
