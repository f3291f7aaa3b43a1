"""Saved filters (保存的筛选) and column choice (列设置) of registry lists (issue 3): saving,
applying, renaming and deleting, sharing within a unit, other users' filters a 404, the chosen
columns on the page and in the export, refusals in Chinese that change nothing."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import make_user
from wutong.accounts.roles import Role
from wutong.core.demo.generators import id_number, uscc
from wutong.core.models import AuditRecord, Job, ListPreference, Region, SavedFilter
from wutong.orgs import services as org_services
from wutong.talents import services

RNG = random.Random(11)
CREATE = "/lists/talents/filters/"
COLUMNS = "/lists/talents/columns/"


@pytest.fixture
def people(world):
    saertu, longfeng = Region.objects.get(code="230602"), Region.objects.get(code="230603")
    oil = org_services.employer_save(user=world["city"], region=saertu, uscc=uscc(RNG, "230602"),
                                     name="大庆华鑫石化有限公司", type="enterprise")
    made = {}
    for key, name, region, education, phone in (
            ("zhang", "张三", saertu, "11", "13912340001"),
            ("wang", "王五", saertu, "21", "13912340002"),
            ("li", "李四", longfeng, "11", "13912340003")):
        made[key] = services.talent_save(user=world["city"], region=region, data={
            "name": name, "id_number": id_number(RNG, region.code), "phone": phone,
            "education": education, "employer": oil if region == saertu else None})
    return made


def save_filter(client, name, **filters):
    data = {"name": name, "next": "/talents/", **{f"f_{k}": v for k, v in filters.items()}}
    return client.post(CREATE, data, follow=True)


def read_csv(path: str) -> list[list[str]]:
    return list(csv.reader(Path(path).read_text(encoding="utf-8-sig").splitlines()))


def names_on(page) -> set[str]:
    return {n for n in ("张三", "王五", "李四") if f">{n}</a>" in page}


def header_cells(page: str) -> list[str]:
    head = page[page.index("<thead"):page.index("</thead>")]
    cells = [re.sub(r"<[^>]+>|\s+", "", th) for th in re.findall(r"<th[^>]*>(.*?)</th>", head,
                                                                  flags=re.S)]
    return [c for c in cells if c]


# --- Saved filters ----------------------------------------------------------------------------
def test_save_apply_rename_delete(world, people, login):
    client = login(world["city"])
    response = save_filter(client, "博士·萨尔图区", education="11", region="230602",
                           junk="x", ids="1,2")
    saved = SavedFilter.objects.get()
    assert response.redirect_chain[-1][0] == f"/talents/?saved={saved.pk}"
    assert saved.filter_params == {"education": "11", "region": "230602"}  # known keys only
    page = response.content.decode()
    assert "已保存筛选「博士·萨尔图区」" in page
    assert names_on(page) == {"张三"}
    assert "博士·萨尔图区" in page and 'aria-current="true"' in page
    # One click applies it from anywhere on the list.
    page = client.get(f"/talents/?saved={saved.pk}").content.decode()
    assert names_on(page) == {"张三"}
    # A field the form sends empty clears that condition of the saved filter.
    assert names_on(client.get(f"/talents/?saved={saved.pk}&education=").content.decode()) \
        == {"张三", "王五"}

    page = client.post(f"/lists/filters/{saved.pk}/", {"name": "萨尔图博士", "next": "/talents/"},
                       follow=True).content.decode()
    saved.refresh_from_db()
    assert saved.name == "萨尔图博士" and "已更新筛选「萨尔图博士」" in page
    page = client.post(f"/lists/filters/{saved.pk}/delete/", {"next": "/talents/"},
                       follow=True).content.decode()
    assert not SavedFilter.objects.exists() and "已删除筛选「萨尔图博士」" in page
    actions = list(AuditRecord.objects.filter(object_type="core.SavedFilter").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_a_searched_phone_is_kept_encrypted_and_masked_in_the_audit(world, people, login):
    client = login(world["city"])
    save_filter(client, "找人", q="13912340002")
    saved = SavedFilter.objects.get()
    assert saved.filter_params == {"q": "13912340002"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT params, name FROM core_savedfilter")
        assert "13912340002" not in str(cursor.fetchall())
    record = AuditRecord.objects.get(object_type="core.SavedFilter")
    assert "13912340002" not in str(record.changes)
    assert names_on(client.get(f"/talents/?saved={saved.pk}").content.decode()) == {"王五"}


@pytest.mark.parametrize(("name", "filters", "message"), [
    ("", {"education": "11"}, "请填写筛选名称。"),
    ("   ", {"education": "11"}, "请填写筛选名称。"),
    ("长" * 41, {"education": "11"}, "筛选名称不能超过 40 个字。"),
    ("无条件", {}, "当前没有筛选条件"),
    ("只有未知条件", {"junk": "1"}, "当前没有筛选条件"),
])
def test_bad_filter_input_is_refused_in_chinese_and_saves_nothing(world, people, login, name,
                                                                  filters, message):
    response = save_filter(login(world["city"]), name, **filters)
    page = response.content.decode()
    assert message in page and "alert-danger" in page
    assert not SavedFilter.objects.exists()
    assert 'id="wt-saved-panel"' in page and "collapse show" in page  # the panel stays open


def test_a_duplicate_or_bad_rename_changes_nothing(world, people, login):
    client = login(world["city"])
    save_filter(client, "甲", education="11")
    save_filter(client, "乙", education="21")
    second = SavedFilter.objects.get(name="乙")
    for bad, message in (("甲", "您已有名为「甲」的筛选"), ("", "请填写筛选名称。"),
                         ("长" * 41, "不能超过 40 个字")):
        page = client.post(f"/lists/filters/{second.pk}/", {"name": bad},
                           follow=True).content.decode()
        assert message in page
        second.refresh_from_db()
        assert second.name == "乙"
    page = save_filter(client, "甲", education="14").content.decode()
    assert "您已有名为「甲」的筛选" in page
    assert SavedFilter.objects.get(name="甲").filter_params == {"education": "11"}


def test_at_most_fifty_filters_per_list(world, people, login):
    SavedFilter.objects.bulk_create(
        SavedFilter(owner=world["city"], list_key="talents", name=f"f{i}", params="{}")
        for i in range(50))
    page = save_filter(login(world["city"]), "再一个", education="11").content.decode()
    assert "每个列表最多保存 50 个筛选" in page
    assert SavedFilter.objects.count() == 50


def test_another_users_filter_is_a_404_everywhere(world, people, login):
    save_filter(login(world["city"]), "市里的", education="11")
    saved = SavedFilter.objects.get()
    for who in ("district", "other_city", "leader"):
        client = login(world[who])
        assert client.get(f"/talents/?saved={saved.pk}").status_code == 404, who
        assert client.post(f"/lists/filters/{saved.pk}/", {"name": "我的"}).status_code == 404
        assert client.post(f"/lists/filters/{saved.pk}/delete/").status_code == 404
        assert "市里的" not in client.get("/talents/").content.decode()
    assert client.get("/talents/?saved=abc").status_code == 404
    saved.refresh_from_db()
    assert saved.name == "市里的"
    # Someone who may not open the registry cannot save filters of it.
    member = login(world["member"])
    assert member.post(CREATE, {"name": "x", "f_education": "11"}).status_code == 404
    assert member.post(COLUMNS, {"columns": ["name", "sex"]}).status_code == 404
    assert login(world["city"]).post("/lists/nosuchlist/filters/",
                                     {"name": "x", "f_q": "1"}).status_code == 404


def test_shared_filters_are_read_only_to_colleagues_of_the_same_unit(world, people, login):
    colleague = make_user("city2", Role.OFFICE, "230600", world["daqing_office"],
                          full_name="赵同事")
    owner = login(world["city"])
    owner.post(CREATE, {"name": "全市博士", "f_education": "11", "shared": "on"})
    saved = SavedFilter.objects.get()
    assert saved.shared

    other = login(colleague)
    page = other.get("/talents/").content.decode()
    assert "全市博士" in page and "王市 共享" in page
    assert names_on(other.get(f"/talents/?saved={saved.pk}").content.decode()) == {"张三", "李四"}
    assert other.post(f"/lists/filters/{saved.pk}/", {"name": "改掉"}).status_code == 404
    assert other.post(f"/lists/filters/{saved.pk}/delete/").status_code == 404
    # Not shared: the colleague no longer sees it. Another unit never does.
    owner.post(f"/lists/filters/{saved.pk}/", {"name": "全市博士"})
    assert other.get(f"/talents/?saved={saved.pk}").status_code == 404
    saved.refresh_from_db()
    assert saved.name == "全市博士" and not saved.shared
    SavedFilter.objects.filter(pk=saved.pk).update(shared=True)
    assert login(world["district"]).get(f"/talents/?saved={saved.pk}").status_code == 404


def test_a_saved_filter_never_widens_the_scope(world, people, login):
    """A district clerk saving (or being handed) a filter for another district finds nobody."""
    client = login(world["district"])
    save_filter(client, "龙凤区", region="230603")
    saved = SavedFilter.objects.get()
    assert names_on(client.get(f"/talents/?saved={saved.pk}").content.decode()) == set()


# --- Columns ----------------------------------------------------------------------------------
def test_column_choice_changes_the_page_and_the_export(world, people, login,
                                                       django_capture_on_commit_callbacks):
    client = login(world["city"])
    assert header_cells(client.get("/talents/").content.decode()) == [
        "姓名", "性别", "出生年月", "学历", "职称", "工作单位", "人才类别", "地区"]
    page = client.post(COLUMNS, {"order": ["phone", "education", "sex"],
                                 "columns": ["education", "phone"], "next": "/talents/"},
                       follow=True).content.decode()
    assert "列设置已保存" in page
    assert header_cells(page) == ["姓名", "手机号码", "学历"]
    assert "139****0001" in page and "13912340001" not in page  # masked
    assert "大庆华鑫石化有限公司" not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "talents", "format": "csv", "education": "11"})
    rows = read_csv(Job.objects.get().result_file)
    assert rows[0] == ["姓名", "手机号码", "最高学历"]
    assert sorted(r[1] for r in rows[1:]) == ["139****0001", "139****0003"]

    # Back to the default: the page and the export are as before.
    page = client.post(COLUMNS, {"action": "reset", "next": "/talents/"},
                       follow=True).content.decode()
    assert "已恢复默认列" in page and "工作单位" in header_cells(page)
    assert not ListPreference.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "talents", "format": "csv"})
    job = Job.objects.order_by("-created_at").first()
    header = read_csv(job.result_file)[0]
    assert len(header) == 12 and "证件号码" in header


@pytest.mark.parametrize(("who", "columns", "message"), [
    ("city", ["education", "password"], "这些列不存在或您无权查看：password"),
    ("city", [], "请至少选择一列"),
    ("city", ["name"], "请至少选择一列"),
    # Masked ID numbers of many people: not for a role that may not export them.
    ("leader", ["education", "id_number"], "这些列不存在或您无权查看：id_number"),
])
def test_bad_column_choices_are_refused_and_change_nothing(world, people, login, who, columns,
                                                           message):
    client = login(world[who])
    client.post(COLUMNS, {"columns": ["sex", "region"]})
    page = client.post(COLUMNS, {"columns": columns, "next": "/talents/"},
                       follow=True).content.decode()
    assert message in page and "alert-danger" in page
    assert ListPreference.objects.get(owner=world[who]).columns == ["sex", "region"]
    assert header_cells(client.get("/talents/").content.decode()) == ["姓名", "性别", "地区"]


def test_leader_is_not_offered_personal_data_columns(world, people, login):
    page = login(world["leader"]).get("/talents/?panel=columns").content.decode()
    assert 'data-testid="column-education"' in page
    assert 'data-testid="column-phone"' not in page and 'data-testid="column-id_number"' not in page


def test_moving_a_column_redraws_the_form_without_saving(world, people, login):
    client = login(world["city"])
    response = client.post(COLUMNS, {"order": ["name", "sex", "education"],
                                     "columns": ["name", "sex", "education"],
                                     "move": "up:education"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.index('value="education"') < fragment.index('value="sex"')
    assert "顺序已调整" in fragment
    assert not ListPreference.objects.exists()
    # The name column (always shown) keeps the first place.
    fragment = client.post(COLUMNS, {"order": ["name", "sex"], "columns": ["name", "sex"],
                                     "move": "up:sex"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.index('value="name"') < fragment.index('value="sex"')
    # Without HTMX the move is saved with the ticks.
    client.post(COLUMNS, {"order": ["sex", "education"], "columns": ["sex", "education"],
                          "move": "up:education"})
    assert ListPreference.objects.get().columns == ["education", "sex"]


def test_every_list_column_is_a_table_column_and_an_export_column():
    from wutong.core.exports import get_exporter
    from wutong.core.lists import get_list
    from wutong.talents.tables import TalentTable

    spec = get_list("talents")
    exporter = get_exporter(spec.exporter)
    keys = [c.key for c in spec.columns]
    assert set(keys) <= set(TalentTable.base_columns)
    assert set(keys) == {c.key for c in exporter.columns}


def test_list_query_count_with_preferences(world, people, login, django_assert_max_num_queries):
    client = login(world["city"])
    for i in range(5):
        save_filter(client, f"筛选{i}", education="11")
    client.post(COLUMNS, {"columns": ["education", "phone", "employer", "region"]})
    saved = SavedFilter.objects.first()
    client.get(f"/talents/?saved={saved.pk}")
    for _ in range(20):
        services.talent_save(user=world["city"], region=Region.objects.get(code="230602"), data={
            "name": "欧阳长乐", "id_number": id_number(RNG, "230602"), "education": "11"})
    for i in range(20):
        save_filter(client, f"更多{i}", education="21")
    with django_assert_max_num_queries(19):
        page = client.get(f"/talents/?saved={saved.pk}").content.decode()
    assert "欧阳长乐" in page and "更多19" in page
