"""The registry (一人一档) and employers: validation, search, scope on every list, detail,
export and API."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import make_user
from wutong.accounts.roles import Role
from wutong.core.demo.generators import id_number, uscc
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import Job, Region
from wutong.orgs import services as org_services
from wutong.orgs.models import Employer, EmployerAccount
from wutong.talents import services
from wutong.talents.models import Talent

RNG = random.Random(3)


@pytest.fixture
def registry(world):
    saertu, longfeng = Region.objects.get(code="230602"), Region.objects.get(code="230603")
    oil = org_services.employer_save(user=world["city"], region=saertu, uscc=uscc(RNG, "230602"),
                                     name="大庆华鑫石化有限公司", type="enterprise",
                                     industry="25", labels=["high_tech"])
    farm = org_services.employer_save(user=world["city"], region=longfeng,
                                      uscc=uscc(RNG, "230603"), name="龙凤农业科技有限公司",
                                      type="enterprise")
    people = {}
    for key, name, region, employer in (("zhang", "张三", saertu, oil),
                                        ("shan", "单田芳", saertu, oil),
                                        ("li", "李四", longfeng, farm)):
        people[key] = services.talent_save(user=world["city"], region=region, data={
            "name": name, "id_number": id_number(RNG, region.code), "phone":
            f"1391234{len(people):04d}", "education": "11", "employer": employer})
    return {"oil": oil, "farm": farm, **people}


def test_birth_date_and_sex_come_from_the_id_number(registry):
    t = registry["zhang"]
    number = t.id_number.reveal()
    assert t.birth_date.strftime("%Y%m%d") == number[6:14]
    assert t.sex == ("M" if int(number[16]) % 2 else "F")


def test_bad_input_is_refused_field_by_field_in_chinese(world):
    with pytest.raises(ValidationFailed) as info:
        services.talent_save(user=world["city"], region=Region.objects.get(code="230602"),
                             data={"name": "", "id_number": "230602199001011230",
                                   "phone": "123", "education": "99"})
    fields = {d["field"]: d["message"] for d in info.value.details}
    assert fields["name"] == "请填写姓名。"
    assert "身份证号码不正确" in fields["id_number"]
    assert "手机号码不正确" in fields["phone"]
    assert "不在字典中" in fields["education"]
    assert not Talent.objects.exists()


def test_same_person_twice_is_a_conflict_even_typed_differently(world, registry):
    number = registry["zhang"].id_number.reveal()
    with pytest.raises(Conflict, match="已建档"):
        services.talent_save(user=world["city"], region=Region.objects.get(code="230602"),
                             data={"name": "张三", "id_number": number.lower() + " "})
    old = number[:6] + number[8:17]  # the 15-digit first-generation form
    with pytest.raises(Conflict):
        services.talent_save(user=world["city"], region=Region.objects.get(code="230602"),
                             data={"name": "张三", "id_number": old})
    assert Talent.objects.count() == 3


@pytest.mark.parametrize("query,expected", [
    ("张", {"张三"}), ("zhangsan", {"张三"}), ("zs", {"张三"}), ("ZS", {"张三"}),
    ("shantianfang", {"单田芳"}), ("dantianfang", {"单田芳"}), ("stf", {"单田芳"}),
    ("大庆华鑫", {"张三", "单田芳"}), ("nobody", set()),
])
def test_search_by_characters_pinyin_initials_and_employer(world, registry, login, query,
                                                          expected):
    data = login(world["city"]).get("/api/talents/", {"q": query}).json()
    assert {t["name"] for t in data["items"]} == expected


@pytest.mark.parametrize("who", ["admin", "employer", "district"])
@pytest.mark.parametrize("query,expected", [
    ("张三", {"张三"}), ("zhangs", {"张三"}), ("zs", {"张三"}), ("chantian", {"单田芳"}),
    ("ctf", {"单田芳"}), ("dtf", {"单田芳"}), ("lis", {"李四"}), ("李", {"李四"}),
])
def test_every_kind_of_scope_searches_every_reading_within_its_scope(world, registry, login,
                                                                     who, query, expected):
    """The administrator (every region), an employer account (its people) and a district
    office (its regions) each find names by characters, first and other readings."""
    EmployerAccount.objects.create(user=world["employer"], employer=registry["oil"])
    data = login(world[who]).get("/api/talents/", {"q": query}).json()
    if "李四" in expected and who != "admin":  # 李四 is in 龙凤区, with another employer
        expected = set()
    assert {t["name"] for t in data["items"]} == expected


def test_renamed_file_is_found_by_its_new_name_only(world, registry, login):
    services.talent_save(user=world["city"], region=registry["shan"].region,
                         talent=registry["shan"], data={"name": "乐嘉"})
    client = login(world["city"])
    found = {q: {t["name"] for t in client.get("/api/talents/", {"q": q}).json()["items"]}
             for q in ("stf", "dantianfang", "lj", "yuejia", "lejia")}
    assert found == {"stf": set(), "dantianfang": set(), "lj": {"乐嘉"}, "yuejia": {"乐嘉"},
                     "lejia": {"乐嘉"}}


def test_search_by_id_number_and_phone_is_exact(world, registry, login):
    client = login(world["city"])
    number = registry["li"].id_number.reveal()
    assert [t["name"] for t in client.get("/api/talents/", {"q": number}).json()["items"]] == [
        "李四"]
    assert client.get("/api/talents/", {"q": number[:-1]}).json()["items"] == []
    phone = registry["li"].phone.reveal()
    assert [t["name"] for t in client.get("/api/talents/", {"q": phone}).json()["items"]] == [
        "李四"]


def test_district_sees_only_its_people_everywhere(world, registry, login,
                                                  django_capture_on_commit_callbacks):
    client = login(world["district"])
    page = client.get("/talents/").content.decode()
    assert "张三" in page and "李四" not in page
    assert client.get(f"/talents/{registry['li'].pk}/").status_code == 404
    assert client.get(f"/api/talents/{registry['li'].pk}").status_code == 404
    assert {t["name"] for t in client.get("/api/talents/").json()["items"]} == {"张三", "单田芳"}
    assert client.get(f"/employers/{registry['farm'].pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "talents", "format": "csv"})
    text = Path(Job.objects.get().result_file).read_text(encoding="utf-8-sig")
    assert "张三" in text and "李四" not in text
    assert registry["zhang"].id_number.reveal() not in text  # masked


def test_employer_account_sees_its_own_people_only(world, registry, login):
    EmployerAccount.objects.create(user=world["employer"], employer=registry["oil"])
    client = login(world["employer"])
    names = {t["name"] for t in client.get("/api/talents/").json()["items"]}
    assert names == {"张三", "单田芳"}
    assert client.get(f"/talents/{registry['li'].pk}/").status_code == 404
    assert client.get(f"/employers/{registry['oil'].pk}/").status_code == 200
    assert client.get(f"/employers/{registry['farm'].pk}/").status_code == 404


def test_talent_sees_only_own_file(world, registry, login):
    Talent.objects.filter(pk=registry["zhang"].pk).update(account=world["talent"])
    client = login(world["talent"])
    assert client.get(f"/talents/{registry['zhang'].pk}/").status_code == 200
    assert client.get(f"/talents/{registry['shan'].pk}/").status_code == 404


def test_person_page_masks_and_reveals_with_a_log(world, registry, login):
    from wutong.core.models import AuditRecord

    t = registry["zhang"]
    client = login(world["district"])
    page = client.get(f"/talents/{t.pk}/").content.decode()
    assert t.id_number.masked in page and t.id_number.reveal() not in page
    assert "大庆华鑫石化有限公司" in page
    revealed = client.post(f"/talents/{t.pk}/reveal/id_number/").content.decode()
    assert t.id_number.reveal() in revealed
    assert AuditRecord.objects.filter(action="reveal", object_type="talents.Talent").exists()
    # A leader may read the file but not reveal.
    leader = login(world["leader"])
    assert leader.get(f"/talents/{t.pk}/").status_code == 200
    assert leader.post(f"/talents/{t.pk}/reveal/id_number/").status_code == 403


def test_person_page_query_count(world, registry, login, django_assert_max_num_queries):
    client = login(world["city"])
    client.get(f"/talents/{registry['zhang'].pk}/")
    # 19: the person file's histories, memberships, honours and attachments, one query each
    # (tests/test_person_file.py pins a full file).
    with django_assert_max_num_queries(20):
        assert client.get(f"/talents/{registry['zhang'].pk}/").status_code == 200


def test_list_filters(world, registry, login):
    client = login(world["city"])

    def names(**params):
        return {t["name"] for t in client.get("/api/talents/", params).json()["items"]}

    assert names(education="11") == {"张三", "单田芳", "李四"}
    assert names(education="14") == set()
    assert names(region="230603") == {"李四"}
    assert names(employer=str(registry["farm"].pk)) == {"李四"}
    assert names(employer="abc") == set()
    assert names(min_age="200") == {"张三", "单田芳", "李四"}  # ignored, not an error


def test_age_filters_count_full_years_on_a_leap_day(world, registry, login, monkeypatch):
    """On 29 February the age filters still answer (they used to fail: no 29 February in
    the year of birth) and count full years: born 29 Feb 2000 is 28 on 29 Feb 2028."""
    import datetime as dt
    from types import SimpleNamespace

    from wutong.talents import selectors

    monkeypatch.setattr(selectors, "timezone",
                        SimpleNamespace(localdate=lambda: dt.date(2028, 2, 29)))
    for key, born in (("zhang", dt.date(2000, 2, 29)), ("shan", dt.date(2000, 3, 1)),
                      ("li", dt.date(1999, 2, 28))):
        Talent.objects.filter(pk=registry[key].pk).update(birth_date=born)
    client = login(world["city"])

    def names(**params):
        response = client.get("/api/talents/", params)
        assert response.status_code == 200
        return {t["name"] for t in response.json()["items"]}

    assert names(min_age="28") == {"张三", "李四"}
    assert names(max_age="27") == {"单田芳"}
    assert names(min_age="29") == {"李四"}


def test_employer_validation_and_uniqueness(world, registry):
    region = Region.objects.get(code="230602")
    with pytest.raises(ValidationFailed) as info:
        org_services.employer_save(user=world["city"], region=region, uscc="91230602MA1XXXXXX1",
                                   name="", type="alien")
    fields = {d["field"] for d in info.value.details}
    assert {"uscc", "name", "type"} <= fields
    with pytest.raises(Conflict, match="已登记"):
        org_services.employer_save(user=world["city"], region=region,
                                   uscc=registry["oil"].uscc, name="重复", type="enterprise")
    with pytest.raises(PermissionDenied):
        org_services.employer_save(user=world["district"], region=Region.objects.get(
            code="230603"), uscc=uscc(RNG, "230603"), name="越权", type="enterprise")
    assert not Employer.objects.filter(name="越权").exists()


def test_other_district_cannot_pick_an_employer_outside_its_scope(world, registry):
    with pytest.raises(ValidationFailed) as info:
        services.talent_save(user=world["district"], region=Region.objects.get(code="230602"),
                             data={"name": "王五", "employer": registry["farm"]})
    assert info.value.details[0]["field"] == "employer"


def test_forms_show_errors_and_keep_input(world, login):
    client = login(world["city"])
    response = client.post("/talents/new/", {"region": "230602", "name": "赵六",
                                             "id_type": "resident", "id_number": "123"})
    body = response.content.decode()
    assert response.status_code == 200 and "身份证号码不正确" in body and "赵六" in body
    ok = client.post("/talents/new/", {"region": "230602", "name": "赵六", "id_type": "resident",
                                       "id_number": id_number(RNG, "230602"),
                                       "nationality": "中国"})
    assert ok.status_code == 302
    assert Talent.objects.get(name="赵六").region.code == "230602"


def test_member_unit_reads_the_registry_but_cannot_add(world, registry, login):
    member = make_user("kjj2", Role.MEMBER_UNIT, "230600", world["daqing_kjj"])
    client = login(member)
    assert client.get("/talents/new/").status_code == 403


def test_bulk_add_to_pool_and_category(world, registry, login):
    from wutong.core.models import CodeItem, CodeTable
    from wutong.talents.models import Pool

    pool = Pool.objects.create(region=Region.objects.get(code="230600"), name="专家库")
    category = CodeItem.objects.create(table=CodeTable.objects.get(key="talent_category"),
                                       region=Region.objects.get(code="230600"), year=2026,
                                       code="C", name="C类（省级领军人才）")
    client = login(world["city"])
    ids = [registry["zhang"].pk, registry["li"].pk]
    done = client.post("/talents/bulk/", {"selected": ids, "action": "pool", "pool": pool.pk,
                                          "back": "/talents/?q=张"})
    assert done.url == "/talents/?q=%E5%BC%A0"  # back to the filtered list it came from
    for outside in ("https://evil.example/", "//evil.example/talents/"):
        bounced = client.post("/talents/bulk/", {"selected": ids, "action": "pool",
                                                 "pool": pool.pk, "back": outside})
        assert bounced.url == "/talents/"  # never to another site
    assert set(pool.members.values_list("name", flat=True)) == {"张三", "李四"}
    client.post("/talents/bulk/", {"selected": ids, "action": "category",
                                   "category": category.pk})
    assert set(Talent.objects.filter(category="C").values_list("name", flat=True)) == {
        "张三", "李四"}
    # A district cannot act on people outside its scope, even by posting their ids.
    district = login(world["district"])
    district.post("/talents/bulk/", {"selected": [registry["li"].pk], "action": "pool",
                                     "pool": pool.pk})
    assert pool.members.count() == 2


def test_merge_keeps_everything_and_is_audited(world, registry, login):
    from wutong.core.models import AuditRecord
    from wutong.talents.models import Education

    zhang = registry["zhang"]
    copy = services.talent_save(user=world["city"], region=zhang.region, data={
        "name": "张三", "birth_date": zhang.birth_date, "position": "总工程师"})
    services.education_add(user=world["city"], talent=copy, level="14", school="吉林大学")
    page = login(world["city"]).get("/talents/duplicates/").content.decode()
    assert "张三" in page and f"#{copy.pk}" in page
    login(world["city"]).post("/talents/merge/", {"keep": zhang.pk, "drop": copy.pk})
    assert not Talent.objects.filter(pk=copy.pk).exists()
    zhang.refresh_from_db()
    assert zhang.position == "总工程师"
    assert Education.objects.filter(talent=zhang, school="吉林大学").exists()
    record = AuditRecord.objects.filter(object_id=str(zhang.pk), action="update").last()
    assert record.changes["extra"]["merged_from"] == copy.pk


def test_different_people_are_not_merged(world, registry):
    with pytest.raises(ValidationFailed, match="不是同一个人"):
        services.talent_merge(user=world["city"], keep=registry["zhang"], drop=registry["li"])
    assert Talent.objects.filter(pk=registry["li"].pk).exists()
