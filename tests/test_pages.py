"""Pages every role reaches, query counts of lists pinned, catalogue complete, demo build."""

from __future__ import annotations

import io

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import make_user
from wutong.accounts.models import Unit, User
from wutong.accounts.roles import Role


@pytest.mark.parametrize("who", ["admin", "city", "district", "member", "leader", "talent",
                                 "employer"])
def test_every_role_gets_a_home_page_and_the_pages_in_its_menu(world, login, who):
    client = login(world[who])
    home = client.get("/")
    assert home.status_code == 200
    for url in home.context["nav_items"]:
        assert client.get(url["url"]).status_code == 200, url


@pytest.mark.parametrize("url", ["/accounts/units/", "/accounts/users/", "/audit/",
                                 "/api/accounts/users?limit=50"])
def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries,
                                                  url):
    client = login(world["city"])
    client.get(url)  # warm up (session, content types)
    for i in range(30):
        make_user(f"extra{i}", Role.TALENT, "230602", phone=f"1391234{i:04d}")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_english_catalogue_is_complete():
    path = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    assert len(catalogue) > 200
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_bad_page_number_and_junk_filters_do_not_500(world, login):
    client = login(world["city"])
    for url in ("/audit/?page=abc", "/audit/?start=not-a-date&end=2026-13-45",
                "/accounts/units/?page=999&sort=nonexistent", "/accounts/users/?unit=abc",
                "/accounts/units/?region=%00%27"):
        assert client.get(url).status_code in (200, 400, 404), url


def test_demo_seed_builds_the_five_places_and_is_idempotent(db):
    out = io.StringIO()
    call_command("demo_seed", "--talents-per-place", "30", stdout=out)
    first = (User.objects.count(), Unit.objects.count())
    call_command("demo_seed", "--talents-per-place", "30", stdout=io.StringIO())
    assert (User.objects.count(), Unit.objects.count()) == first
    text = out.getvalue()
    for username in ("admin", "daqing.office", "liaoyang.unit", "erdao.leader",
                     "tongchuan.commissioner", "hulan.talent", "hulan.employer",
                     "daqing-saertu.office"):
        assert username in text
    assert Unit.objects.filter(name="中共大庆市委组织部（人才办）").exists()
    assert Unit.objects.filter(name="辽阳市人力资源和社会保障局").exists()
    assert Unit.objects.filter(region__name="辽阳高新技术产业开发区",
                               kind="talent_office").exists()
    talent = User.objects.get(username="hulan.talent")
    from wutong.core.validators import is_valid_id_number

    assert is_valid_id_number(talent.id_number.reveal())


def test_nul_characters_are_refused_with_a_clear_message(world, login):
    client = login(world["city"])
    page = client.get("/accounts/units/", {"q": "a\x00b"})
    assert page.status_code == 400 and "非法字符" in page.content.decode()
    api = client.post("/api/accounts/units", '{"name": "a\\u0000", "kind": "member_unit", '
                      '"region_code": "230600"}', content_type="application/json")
    assert api.status_code == 400 and "非法字符" in api.json()["error"]["message"]
