"""Innovation platforms (平台载体): pages within the data scope, the form's Chinese errors,
deactivation, export, and the member fragment served by talents (add/remove audited)."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest

from wutong.core.demo.generators import id_number, uscc
from wutong.core.models import AuditRecord, Job, Region
from wutong.orgs import services as org_services
from wutong.orgs.models import EmployerAccount, Platform, PlatformKind, PlatformLevel
from wutong.talents import services as talent_services
from wutong.talents.models import PlatformMembership

RNG = random.Random(23)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def place(world):
    city, other = world["city"], world["other_city"]
    oil = org_services.employer_save(user=city, region=region("230602"),
                                     uscc=uscc(RNG, "230602"), name="大庆华鑫石化有限公司",
                                     type="enterprise")
    farm = org_services.employer_save(user=city, region=region("230603"),
                                      uscc=uscc(RNG, "230603"), name="龙凤农业科技有限公司",
                                      type="enterprise")
    steel = org_services.employer_save(user=other, region=region("211000"),
                                       uscc=uscc(RNG, "211000"), name="辽阳恒通钢铁有限公司",
                                       type="enterprise")
    station = org_services.platform_save(user=city, name="华鑫石化院士工作站",
                                         kind=PlatformKind.ACADEMICIAN,
                                         level=PlatformLevel.PROVINCIAL, host=oil,
                                         partners="东北石油大学",
                                         recognised_on=dt.date(2020, 6, 1))
    farm_lab = org_services.platform_save(user=city, name="龙凤农业重点实验室",
                                          kind=PlatformKind.KEY_LAB,
                                          level=PlatformLevel.MUNICIPAL, host=farm)
    steel_post = org_services.platform_save(user=other, name="恒通钢铁博士后科研工作站",
                                            kind=PlatformKind.POSTDOC,
                                            level=PlatformLevel.NATIONAL, host=steel)
    people = {}
    for key, name, code, employer, user in (("zhang", "张三", "230602", oil, city),
                                            ("li", "李四", "230603", farm, city),
                                            ("wang", "王五", "211000", steel, other)):
        people[key] = talent_services.talent_save(user=user, region=region(code), data={
            "name": name, "id_number": id_number(RNG, code), "employer": employer})
    return {"oil": oil, "farm": farm, "steel": steel, "station": station,
            "farm_lab": farm_lab, "steel_post": steel_post, **people}


def test_list_filters_and_counts(world, login, place):
    client = login(world["city"])
    page = client.get("/employers/platforms/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "华鑫石化院士工作站" in text and "龙凤农业重点实验室" in text
    assert "恒通钢铁" not in text  # another city's platform
    assert page.context["count"] == 2

    def names(**params):
        response = client.get("/employers/platforms/", params)
        assert response.status_code == 200
        return {p.name for p in response.context["table"].data}

    assert names(kind="key_lab") == {"龙凤农业重点实验室"}
    assert names(level="provincial") == {"华鑫石化院士工作站"}
    assert names(region="230603") == {"龙凤农业重点实验室"}
    assert names(host=str(place["oil"].pk)) == {"华鑫石化院士工作站"}
    assert names(q="院士") == {"华鑫石化院士工作站"}
    assert names(q="华鑫石化有限") == {"华鑫石化院士工作站"}  # by the host's name
    assert names(host="abc") == set()
    assert names(host=str(place["steel"].pk)) == set()


def test_list_is_in_the_navigation_and_paginates(world, login, place):
    client = login(world["city"])
    assert any(i["key"] == "platforms" for i in client.get("/").context["nav_items"])
    for i in range(30):
        org_services.platform_save(user=world["city"], name=f"人才工作站{i:02d}",
                                   kind=PlatformKind.TALENT_STATION,
                                   level=PlatformLevel.DISTRICT, host=place["oil"])
    page = client.get("/employers/platforms/")
    assert page.context["count"] == 32
    assert len(page.context["table"].page.object_list) == 25
    assert client.get("/employers/platforms/", {"page": 2}).status_code == 200


def test_list_query_count_is_pinned(world, login, place, django_assert_max_num_queries):
    client = login(world["city"])
    client.get("/employers/platforms/")
    for i in range(40):
        org_services.platform_save(user=world["city"], name=f"企业技术中心{i:02d}",
                                   kind=PlatformKind.TECH_CENTER,
                                   level=PlatformLevel.MUNICIPAL,
                                   host=place["oil" if i % 2 else "farm"])
    # Session, user, the region picker of the filter bar, two counts, the page of rows.
    with django_assert_max_num_queries(14):
        assert client.get("/employers/platforms/").status_code == 200


def test_other_region_gets_404_on_every_route(world, login, place):
    steel_post = place["steel_post"]
    client = login(world["city"])
    for url in (f"/employers/platforms/{steel_post.pk}/",
                f"/employers/platforms/{steel_post.pk}/edit/",
                f"/talents/platforms/{steel_post.pk}/members/",
                f"/talents/platforms/{steel_post.pk}/members/candidates/?q=王"):
        assert client.get(url).status_code == 404, url
    for url in (f"/employers/platforms/{steel_post.pk}/active/",
                f"/talents/platforms/{steel_post.pk}/members/add/"):
        assert client.post(url, {"active": "0", "talent": place["wang"].pk}).status_code \
            == 404, url
    steel_post.refresh_from_db()
    assert steel_post.is_active
    assert not PlatformMembership.objects.exists()
    # A district office does not reach the other district's platform either.
    district = login(world["district"])
    assert district.get(f"/employers/platforms/{place['farm_lab'].pk}/").status_code == 404
    assert district.get(f"/employers/platforms/{place['station'].pk}/").status_code == 200


def test_export_holds_only_platforms_in_scope(world, login, place,
                                              django_capture_on_commit_callbacks):
    client = login(world["city"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/", {"exporter": "platforms", "format": "xlsx",
                                            "host": str(place["steel"].pk)})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "succeeded" and "共导出 0 条" in job.message
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "platforms", "format": "xlsx"})
    job = Job.objects.order_by("-created_at").first()
    download = client.get(f"/jobs/{job.pk}/download/")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
                .active.iter_rows(values_only=True))
    assert rows[0][:4] == ("平台名称", "平台类型", "级别", "依托单位")
    assert {r[0] for r in rows[1:]} == {"华鑫石化院士工作站", "龙凤农业重点实验室"}
    assert ("华鑫石化院士工作站", "院士工作站", "省级", "大庆华鑫石化有限公司") in \
        {r[:4] for r in rows[1:]}
    # A leader may read platforms but not export them.
    refused = login(world["leader"]).post("/exports/", {"exporter": "platforms",
                                                       "format": "csv"})
    assert refused.status_code == 403


def test_employer_account_sees_only_its_own_platforms(world, login, place):
    EmployerAccount.objects.create(user=world["employer"], employer=place["oil"])
    client = login(world["employer"])
    page = client.get("/employers/platforms/")
    assert {p.name for p in page.context["table"].data} == {"华鑫石化院士工作站"}
    assert client.get(f"/employers/platforms/{place['station'].pk}/").status_code == 200
    assert client.get(f"/employers/platforms/{place['farm_lab'].pk}/").status_code == 404
    # Reading only: no form, no member changes.
    assert client.get(f"/employers/platforms/{place['station'].pk}/edit/").status_code == 404
    fragment = client.get(f"/talents/platforms/{place['station'].pk}/members/")
    assert fragment.status_code == 200 and "添加成员" not in fragment.content.decode()
    assert client.post(f"/talents/platforms/{place['station'].pk}/members/add/",
                       {"talent": place["zhang"].pk}).status_code == 404


def test_create_with_errors_in_chinese_then_save(world, login, place):
    client = login(world["district"])
    page = client.post("/employers/platforms/new/", {
        "name": "", "kind": "", "level": "galaxy", "host": place["farm"].pk,
        "recognised_on": "2099-01-01"})
    assert page.status_code == 200
    errors = {name: [str(e) for e in errs] for name, errs in page.context["form"].errors.items()}
    assert errors["name"] == ["请填写平台名称。"] and errors["kind"] == ["请选择平台类型。"]
    assert errors["recognised_on"] == ["认定时间不能晚于今天。"]  # all at once
    assert "依托单位" in errors["host"][0]  # another district's employer cannot be chosen
    assert "level" in errors
    assert not Platform.objects.filter(host=place["oil"]).exclude(pk=place["station"].pk)
    page = client.post("/employers/platforms/new/", {
        "name": "华鑫石化博士工作站", "kind": "doctor", "level": "municipal",
        "host": place["oil"].pk, "recognised_on": "2099-01-01"})
    assert "认定时间不能晚于今天" in str(page.context["form"].errors["recognised_on"])
    page = client.post("/employers/platforms/new/", {
        "name": "华鑫石化院士工作站", "kind": "academician", "level": "municipal",
        "host": place["oil"].pk})
    assert "已有名为「华鑫石化院士工作站」的平台" in str(page.context["form"].errors["name"])
    assert "已有名为" in page.content.decode()
    response = client.post("/employers/platforms/new/", {
        "name": " 华鑫石化  博士工作站 ", "kind": "doctor", "level": "municipal",
        "host": place["oil"].pk, "partners": "哈尔滨工业大学", "recognised_on": "2021-03-01"})
    assert response.status_code == 302
    platform = Platform.objects.get(name="华鑫石化 博士工作站")
    assert platform.region.code == "230602"  # the host's region when none is chosen
    assert AuditRecord.objects.filter(object_type="orgs.Platform", object_id=str(platform.pk),
                                      action="create").exists()
    detail = client.get(response["Location"]).content.decode()
    assert "哈尔滨工业大学" in detail and "大庆华鑫石化有限公司" in detail
    assert f"/talents/platforms/{platform.pk}/members/" in detail  # members load by hx-get


def test_region_outside_scope_is_refused_on_the_form(world, login, place):
    client = login(world["district"])
    page = client.post(f"/employers/platforms/{place['station'].pk}/edit/", {
        "name": "华鑫石化院士工作站", "kind": "academician", "level": "provincial",
        "host": place["oil"].pk, "region": "230603"})
    assert page.status_code == 200
    assert "region" in page.context["form"].errors
    place["station"].refresh_from_db()
    assert place["station"].region.code == "230602"


def test_deactivate_and_reactivate(world, login, place):
    client = login(world["city"])
    station = place["station"]
    response = client.post(f"/employers/platforms/{station.pk}/active/", {"active": "0"},
                           HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == f"/employers/platforms/{station.pk}/"
    station.refresh_from_db()
    assert not station.is_active
    listed = client.get("/employers/platforms/").context["table"].data
    assert station not in list(listed)
    inactive = client.get("/employers/platforms/", {"status": "inactive"}).context["table"].data
    assert list(inactive) == [station]
    assert "已撤销" in client.get(f"/employers/platforms/{station.pk}/").content.decode()
    assert AuditRecord.objects.filter(object_type="orgs.Platform", object_id=str(station.pk),
                                      action="update").count() == 1
    client.post(f"/employers/platforms/{station.pk}/active/", {"active": "1"})
    station.refresh_from_db()
    assert station.is_active
    assert login(world["leader"]).post(f"/employers/platforms/{station.pk}/active/",
                                       {"active": "0"}).status_code == 404


def test_members_add_search_and_remove_are_audited(world, login, place):
    client = login(world["city"])
    station = place["station"]
    base = f"/talents/platforms/{station.pk}/members/"
    fragment = client.get(base).content.decode()
    assert "暂无成员" in fragment and "添加成员" in fragment
    found = client.get(base + "candidates/", {"q": "张三"}).content.decode()
    assert "张三" in found and "李四" not in found
    by_number = client.get(base + "candidates/", {"q": str(place["li"].pk)}).content.decode()
    assert "李四" in by_number
    other_city = client.get(base + "candidates/", {"q": "王五"}).content.decode()
    assert "王五" not in other_city and "没有找到" in other_city
    added = client.post(base + "add/", {"talent": place["zhang"].pk, "role": "首席专家",
                                        "joined_on": "2021-05-01"})
    text = added.content.decode()
    assert "已将 张三 加入本平台" in text and "首席专家" in text
    membership = PlatformMembership.objects.get(platform=station)
    assert membership.role == "首席专家" and membership.joined_on == dt.date(2021, 5, 1)
    record = AuditRecord.objects.get(object_type="talents.PlatformMembership", action="create")
    assert record.region_id == station.region_id and "张三" in record.object_repr
    again = client.post(base + "add/", {"talent": place["zhang"].pk}).content.decode()
    assert "已是本平台成员" in again
    assert "张三" not in client.get(base + "candidates/", {"q": "张三"}).content.decode()
    removed = client.post(base + f"{membership.pk}/remove/").content.decode()
    assert "已将 张三 移出本平台" in removed and "暂无成员" in removed
    assert not PlatformMembership.objects.exists()
    record = AuditRecord.objects.get(object_type="talents.PlatformMembership", action="delete")
    assert record.changes["before"]["role"] == "首席专家"


def test_member_add_refuses_talents_outside_scope_and_bad_input(world, login, place):
    client = login(world["district"])
    station = place["station"]
    base = f"/talents/platforms/{station.pk}/members/"
    for data, message in (({"talent": place["li"].pk}, "不在您的数据范围内"),
                          ({"talent": place["wang"].pk}, "不在您的数据范围内"),
                          ({}, "请先搜索并选择一名人才"),
                          ({"talent": place["zhang"].pk, "joined_on": "2099-01-01"},
                           "加入时间不能晚于今天"),
                          ({"talent": place["zhang"].pk, "joined_on": "昨天"},
                           "加入时间格式不正确")):
        response = client.post(base + "add/", data)
        assert response.status_code == 200 and message in response.content.decode(), data
    assert not PlatformMembership.objects.exists()
    # A member the district cannot see is neither listed nor removable by it.
    hidden = PlatformMembership.objects.create(platform=station, talent=place["li"])
    assert "李四" not in client.get(base).content.decode()
    assert client.post(base + f"{hidden.pk}/remove/").status_code == 404
    assert PlatformMembership.objects.filter(pk=hidden.pk).exists()


def test_members_cannot_be_added_to_a_deactivated_platform(world, login, place):
    client = login(world["city"])
    station = place["station"]
    org_services.platform_set_active(user=world["city"], platform=station, active=False)
    base = f"/talents/platforms/{station.pk}/members/"
    assert "添加成员" not in client.get(base).content.decode()
    text = client.post(base + "add/", {"talent": place["zhang"].pk}).content.decode()
    assert "平台已撤销" in text
    assert not PlatformMembership.objects.exists()


def test_service_refuses_a_host_outside_scope(world, place):
    from wutong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        org_services.platform_save(user=world["district"], name="越权平台",
                                   kind=PlatformKind.OTHER, level=PlatformLevel.DISTRICT,
                                   host=place["farm"])
    assert info.value.details[0]["field"] == "host"
    assert not Platform.objects.filter(name="越权平台").exists()
