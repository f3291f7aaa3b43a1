"""Regions (GB/T 2260 tree, zones, picker), code tables, validators and demo generators."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from django.core.management import call_command

from wutong.core import services
from wutong.core.demo import generators
from wutong.core.errors import AppError, OutOfScope
from wutong.core.models import CodeItem, CodeTable, Region
from wutong.core.validators import (
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
    upgrade_id_number,
)


def test_region_tree_has_the_seed_places(db):
    daqing = Region.objects.get(code="230600")
    assert daqing.name == "大庆市" and daqing.level == "prefecture"
    assert daqing.parent.name == "黑龙江省"
    assert set(Region.objects.filter(parent=daqing).values_list("name", flat=True)) >= {
        "萨尔图区", "龙凤区", "让胡路区", "红岗区", "大同区", "肇州县", "肇源县", "林甸县",
        "杜尔伯特蒙古族自治县"}
    assert Region.objects.get(code="220105").full_name == "吉林省长春市二道区"
    assert Region.objects.get(code="511702").full_name == "四川省达州市通川区"
    assert Region.objects.get(code="230111").name == "呼兰区"
    # Municipalities: districts directly under the province, at county level.
    assert Region.objects.get(code="110101").level == "county"
    assert Region.objects.get(code="110101").parent.code == "110000"


def test_reference_load_is_idempotent(db):
    before = Region.objects.count(), CodeItem.objects.count()
    call_command("reference_load", verbosity=0)
    assert (Region.objects.count(), CodeItem.objects.count()) == before


def test_zone_under_city_is_in_the_city_scope(world):
    zone = services.zone_create(user=world["city"], parent=Region.objects.get(code="230600"),
                                name="大庆高新技术产业开发区")
    assert zone.code == "230600Z01" and zone.level == "zone"
    assert Region.objects.restrict(world["city"]).filter(pk=zone.pk).exists()
    assert not Region.objects.restrict(world["district"]).filter(pk=zone.pk).exists()
    with pytest.raises(AppError, match="同名"):
        services.zone_create(user=world["city"], parent=Region.objects.get(code="230600"),
                             name="大庆高新技术产业开发区")


def test_district_cannot_add_a_zone_to_the_city(world):
    with pytest.raises(OutOfScope):
        services.zone_create(user=world["district"], parent=Region.objects.get(code="230600"),
                             name="越权区")
    assert not Region.objects.filter(name="越权区").exists()


def test_region_picker_cascades_and_is_rooted_at_the_users_region(world, login):
    client = login(world["city"])
    body = client.get("/regions/picker/", {"name": "region", "root": "230600",
                                           "level_0": "230600", "level_1": "230602",
                                           "changed": "level_1"}).content.decode()
    assert 'value="230602" selected' in body and "黑龙江省" not in body
    assert 'name="region" value="230602"' in body


@pytest.mark.parametrize("key,count,standard", [
    ("education", 30, "GB/T 4658"), ("degree", 4, "GB/T 6864"), ("title_level", 4, ""),
    ("skill_level", 5, ""), ("political_status", 13, "GB/T 4762"),
    ("ethnic_group", 56, "3304"), ("industry", 117, "GB/T 4754-2017"),
])
def test_national_code_tables_are_loaded_with_their_standard(db, key, count, standard):
    table = CodeTable.objects.get(key=key)
    assert table.items.count() >= count
    assert standard in table.standard
    assert not table.is_local


def test_industry_divisions_hang_under_sections(db):
    item = CodeItem.objects.get(table__key="industry", code="65")
    assert item.parent_code == "I" and "软件" in item.name


def test_local_catalogue_is_editable_per_region(world, login):
    table = CodeTable.objects.get(key="talent_category")
    item = services.code_item_save(user=world["district"], table=table, year=2026,
                                   region=Region.objects.get(code="230602"), code="A",
                                   name="A类（顶尖人才）")
    page = login(world["district"]).get("/codes/talent_category/").content.decode()
    assert "A类（顶尖人才）" in page
    other = login(world["longfeng"]).get("/codes/talent_category/").content.decode()
    assert "A类（顶尖人才）" not in other
    with pytest.raises(OutOfScope):
        services.code_item_save(user=world["longfeng"], table=table, item=item,
                                region=Region.objects.get(code="230603"), code="A", name="改")
    with pytest.raises(AppError, match="国家标准字典不能修改"):
        services.code_item_save(user=world["city"], table=CodeTable.objects.get(key="degree"),
                                region=Region.objects.get(code="230600"), code="9", name="x")


def test_generated_identifiers_are_valid():
    rng = random.Random(1)
    for _ in range(300):
        assert is_valid_id_number(generators.id_number(rng, "230602"))
        assert is_valid_mobile(generators.mobile(rng))
        assert is_valid_uscc(generators.uscc(rng, "230602"))
    men = [generators.id_number(rng, "230602", sex="M") for _ in range(20)]
    assert all(int(n[16]) % 2 == 1 for n in men)


def test_validators_never_raise_on_garbage():
    for junk in ("", "abc", "2306021990130112345", "23060219901301123X", "１２３", None):
        assert is_valid_id_number(junk) is False
        assert is_valid_uscc(junk) is False
    assert is_valid_mobile("12345678901") is False
    assert is_valid_mobile("+86 139 1234 5678") is True


def test_old_fifteen_digit_id_numbers_are_upgraded():
    upgraded = upgrade_id_number("230602900101123")
    assert upgraded.startswith("23060219900101123") and is_valid_id_number(upgraded)


def test_production_refuses_demo_keys():
    env = {"WUTONG_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import wutong.settings"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "拒绝启动" in result.stderr and "WUTONG_SECRET_KEY" in result.stderr


def test_production_starts_with_real_keys():
    from wutong.core.security.crypto import generate_key

    env = {"WUTONG_ENV": "production", "PATH": "/usr/bin:/bin",
           "WUTONG_SECRET_KEY": "x" * 50, "WUTONG_DATA_KEY": f"p1:{generate_key()}",
           "WUTONG_INDEX_KEY": generate_key(), "WUTONG_HOME": "/tmp/wutong-prod-check"}
    result = subprocess.run([sys.executable, "-c", "import wutong.settings as s; print(s.DEBUG)"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
