"""Data scope: lists, detail pages, exports and API never show a row outside the caller's
scope, and writes outside it are refused."""

from __future__ import annotations

import openpyxl
import pytest

from wutong.accounts import services
from wutong.accounts.models import Unit, UnitKind, User
from wutong.core.errors import OutOfScope, PermissionDenied
from wutong.core.models import AuditRecord, Job, Region


def names(qs):
    return set(qs.values_list("username", flat=True))


def test_city_office_sees_its_districts_but_not_another_city(world):
    visible = set(Unit.objects.restrict(world["city"]).values_list("name", flat=True))
    assert {"大庆市人才办", "萨尔图区人才办", "龙凤区人才办", "大庆市科学技术局"} <= visible
    assert "辽阳市人才办" not in visible and "辽阳市科学技术局" not in visible


def test_district_office_sees_only_its_district(world):
    visible = set(Unit.objects.restrict(world["district"]).values_list("name", flat=True))
    assert visible == {"萨尔图区人才办", "萨尔图区科学技术局"}
    assert names(User.objects.restrict(world["district"])) == {
        "district", "talent", "talent2", "employer"}


def test_member_unit_sees_only_its_unit(world):
    assert list(Unit.objects.restrict(world["member"])) == [world["daqing_kjj"]]
    assert names(User.objects.restrict(world["member"])) == {"member", "member_peer"}


def test_talent_and_employer_see_only_themselves(world):
    assert names(User.objects.restrict(world["talent"])) == {"talent"}
    assert names(User.objects.restrict(world["employer"])) == {"employer"}
    assert not Unit.objects.restrict(world["talent"]).exists()


def test_leader_reads_but_cannot_write(world):
    assert Unit.objects.restrict(world["leader"]).filter(name="萨尔图区人才办").exists()
    assert not Unit.objects.restrict(world["leader"], "change").exists()


def test_inactive_user_sees_nothing(world):
    world["city"].is_active = False
    assert not Unit.objects.restrict(world["city"]).exists()


@pytest.mark.parametrize("url", ["/accounts/units/{pk}/", "/accounts/units/{pk}/edit/"])
def test_detail_of_other_district_is_404_without_details(world, login, url):
    other = world["longfeng_office"]
    response = login(world["district"]).get(url.format(pk=other.pk))
    assert response.status_code == 404
    body = response.content.decode()
    assert "龙凤区" not in body
    assert "不在您的数据范围内" in body


def test_user_detail_of_other_city_is_404(world, login):
    response = login(world["city"]).get(f"/accounts/users/{world['other_city'].pk}/")
    assert response.status_code == 404


def test_list_page_shows_only_scope(world, login):
    body = login(world["district"]).get("/accounts/units/").content.decode()
    assert "萨尔图区科学技术局" in body
    assert "大庆市科学技术局" not in body and "龙凤区" not in body


def test_export_contains_only_scope_and_masks_phones(world, login,
                                                     django_capture_on_commit_callbacks):
    world["saertu_kjj"].contact_phone = "13800138000"
    world["saertu_kjj"].save()
    client = login(world["district"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/", {"exporter": "units", "format": "xlsx"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "succeeded", job.message
    rows = list(openpyxl.load_workbook(job.result_file).active.iter_rows(values_only=True))
    assert rows[0][0] == "单位名称"
    assert {r[0] for r in rows[1:]} == {"萨尔图区人才办", "萨尔图区科学技术局"}
    assert "138****8000" in {r[5] for r in rows[1:]}
    assert "13800138000" not in str(rows)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    # Someone else cannot fetch the file by its URL.
    assert login(world["city"]).get(f"/jobs/{job.pk}/download/").status_code == 404
    assert AuditRecord.objects.filter(action="export", actor=world["district"]).exists()


def test_api_lists_and_details_respect_scope(world, login):
    client = login(world["district"])
    data = client.get("/api/accounts/units").json()
    assert {u["name"] for u in data["items"]} == {"萨尔图区人才办", "萨尔图区科学技术局"}
    response = client.get(f"/api/accounts/units/{world['daqing_kjj'].pk}")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "记录不存在，或不在您的数据范围内。"
    users = client.get("/api/accounts/users").json()
    assert "other_city" not in {u["username"] for u in users["items"]}


def test_write_outside_scope_is_refused(world):
    longfeng = Region.objects.get(code="230603")
    with pytest.raises(PermissionDenied):
        services.unit_save(user=world["district"], region=longfeng, name="越权单位",
                           kind=UnitKind.MEMBER_UNIT)
    assert not Unit.objects.filter(name="越权单位").exists()
    with pytest.raises(OutOfScope):
        services.user_update(actor=world["district"], user=world["longfeng"], full_name="改名",
                             role="office", region=longfeng, unit=None)
    world["longfeng"].refresh_from_db()
    assert world["longfeng"].full_name == "longfeng"


def test_moving_a_record_out_of_scope_is_refused(world):
    """The re-check after the save: a district office cannot move its unit to another city."""
    liaoyang = Region.objects.get(code="211000")
    with pytest.raises(PermissionDenied):
        services.unit_save(user=world["district"], unit=world["saertu_kjj"], region=liaoyang,
                           name="萨尔图区科学技术局", kind=UnitKind.MEMBER_UNIT)
    world["saertu_kjj"].refresh_from_db()
    assert world["saertu_kjj"].region.code == "230602"


def test_api_write_outside_scope_is_refused(world, login):
    client = login(world["district"])
    response = client.post("/api/accounts/units", {"name": "越权", "kind": "member_unit",
                                                   "region_code": "230603"},
                           content_type="application/json")
    assert response.status_code == 403
    assert "数据范围" in response.json()["error"]["message"]
    assert not Unit.objects.filter(name="越权").exists()


def test_form_rejects_region_outside_scope(world, login):
    client = login(world["district"])
    response = client.post("/accounts/units/new/", {"name": "越权单位", "kind": "member_unit",
                                                     "region": "230603"})
    assert response.status_code == 200
    assert "请选择您数据范围内的有效地区" in response.content.decode()
    assert not Unit.objects.filter(name="越权单位").exists()


def test_member_unit_cannot_open_user_admin(world, login):
    assert login(world["member"]).get("/accounts/users/new/").status_code == 403


def test_own_rows_outside_the_region_stay_reachable_and_none_are_invented(world):
    """A district clerk who is also a talent on file in another district reaches that one
    file, and nothing else there; a clerk with no file of their own reaches none."""
    from wutong.talents.models import Talent

    longfeng = Region.objects.get(code="230603")
    mine = Talent.objects.create(region=longfeng, name="办事员本人", account=world["district"])
    other = Talent.objects.create(region=longfeng, name="别人")
    district_view = set(Talent.objects.restrict(world["district"]).values_list("pk", flat=True))
    assert mine.pk in district_view and other.pk not in district_view
    city_view = set(Talent.objects.restrict(world["city"]).values_list("pk", flat=True))
    assert {mine.pk, other.pk} <= city_view
    assert not Talent.objects.restrict(world["other_city"]).filter(
        pk__in=[mine.pk, other.pk]).exists()
