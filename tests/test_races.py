"""Concurrent writers: the audit chain stays intact, a unique name cannot be taken twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from wutong.accounts import services
from wutong.accounts.models import Unit, UnitKind
from wutong.core.audit import audit_log, audit_verify
from wutong.core.errors import AppError
from wutong.core.models import AuditRecord, Region


def run_threads(n: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i):
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_audit_appends_keep_the_chain(world):
    start = AuditRecord.objects.count()

    def write(i):
        for j in range(10):
            audit_log(actor=None, action="other", object_type="race", object_id=f"{i}-{j}")

    assert run_threads(6, write) == []
    assert AuditRecord.objects.count() == start + 60
    _checked, broken, _ = audit_verify()
    assert broken is None


@pytest.mark.django_db(transaction=True)
def test_same_unit_created_twice_at_once_gives_one_unit_and_a_clear_error(world):
    region = Region.objects.get(code="230600")
    outcomes = []

    def create(i):
        try:
            services.unit_save(user=world["city"], region=region, name="并发测试局",
                               kind=UnitKind.MEMBER_UNIT)
            outcomes.append("ok")
        except AppError as exc:
            outcomes.append(exc.message)

    assert run_threads(4, create) == []
    assert Unit.objects.filter(name="并发测试局").count() == 1
    assert outcomes.count("ok") == 1
    assert all("同名" in o for o in outcomes if o != "ok")
