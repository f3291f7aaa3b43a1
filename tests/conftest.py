"""Shared fixtures: places, units and users of every role, on a real database."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from wutong.accounts.models import Unit, UnitKind, User
from wutong.accounts.roles import Role
from wutong.core.demo.generators import id_number
from wutong.core.models import Region

PASSWORD = "Test-pass-2026!"
TALENT_ID = id_number(random.Random(7), "230602")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is asserted in test_auth; elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Simplified Chinese). The test client runs a
    request in the test's own thread and Django's LocaleMiddleware leaves the request's
    language active afterwards: an English page in one test made the next one's messages
    English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_server_errors():
    """Any unhandled exception in a view (a 500 for the user) fails the test that caused it."""
    from django.core.signals import got_request_exception

    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(getattr(request, "path", "?"))

    got_request_exception.connect(record, weak=False)
    yield
    got_request_exception.disconnect(record)
    assert not errors, f"server error (500) on {errors}"


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request):
    """SQLite's flush (after transactional tests) is a DELETE, which the append-only trigger
    refuses; drop the triggers just before the flush and put them back for the next test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = ("transactional_db" in request.fixturenames
                     or "live_server" in request.fixturenames
                     or bool(marker and marker.kwargs.get("transaction")))
    if not transactional:
        yield
        return
    from wutong.core.triggers import install_triggers, remove_triggers

    request.getfixturevalue("transactional_db")
    install_triggers()
    yield
    remove_triggers()


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_office(code: str) -> Unit:
    r = region(code)
    return Unit.objects.get_or_create(region=r, kind=UnitKind.TALENT_OFFICE,
                                      defaults={"name": f"{r.name}人才办"})[0]


def make_unit(code: str, name: str) -> Unit:
    r = region(code)
    return Unit.objects.get_or_create(region=r, name=f"{r.name}{name}",
                                      defaults={"kind": UnitKind.MEMBER_UNIT})[0]


def make_user(username: str, role: str, code: str | None = None, unit: Unit | None = None,
              **extra) -> User:
    user = User(username=username, full_name=extra.pop("full_name", username), role=role,
                region=region(code) if code else None, unit=unit, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def ensure_reference_data() -> None:
    """Transactional tests (the live server) flush the tables the migrations filled."""
    if Region.objects.exists():
        return
    from wutong.core.models import CodeItem, CodeTable
    from wutong.core.reference import ensure_local_catalogues, load_code_tables, load_regions

    load_regions(Region)
    load_code_tables(CodeTable, CodeItem)
    ensure_local_catalogues(CodeTable)


@pytest.fixture
def world(db):
    """Two cities (大庆 with 萨尔图区 and 龙凤区; 辽阳) with offices, units and users."""
    ensure_reference_data()
    w = {}
    w["daqing_office"] = make_office("230600")
    w["saertu_office"] = make_office("230602")
    w["longfeng_office"] = make_office("230603")
    w["liaoyang_office"] = make_office("211000")
    w["daqing_kjj"] = make_unit("230600", "科学技术局")
    w["daqing_rsj"] = make_unit("230600", "人力资源和社会保障局")
    w["saertu_kjj"] = make_unit("230602", "科学技术局")
    w["liaoyang_kjj"] = make_unit("211000", "科学技术局")
    w["admin"] = make_user("admin", Role.SYSADMIN)
    w["city"] = make_user("city", Role.OFFICE, "230600", w["daqing_office"], full_name="王市")
    w["district"] = make_user("district", Role.OFFICE, "230602", w["saertu_office"],
                              full_name="李区")
    w["longfeng"] = make_user("longfeng", Role.OFFICE, "230603", w["longfeng_office"])
    w["other_city"] = make_user("other_city", Role.OFFICE, "211000", w["liaoyang_office"])
    w["member"] = make_user("member", Role.MEMBER_UNIT, "230600", w["daqing_kjj"])
    w["member_peer"] = make_user("member_peer", Role.MEMBER_UNIT, "230600", w["daqing_kjj"])
    w["member_other"] = make_user("member_other", Role.MEMBER_UNIT, "230600", w["daqing_rsj"])
    w["leader"] = make_user("leader", Role.LEADER, "230600")
    w["talent"] = make_user("talent", Role.TALENT, "230602", phone="13912345678",
                            id_number=TALENT_ID)
    w["talent2"] = make_user("talent2", Role.TALENT, "230602")
    w["employer"] = make_user("employer", Role.EMPLOYER, "230602")
    return w


@pytest.fixture
def login():
    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login
