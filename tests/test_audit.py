"""Audit: every service write records who, when, what, before/after (masked) and the request
id; the log is append-only and hash-chained, and the verifier names the first broken record."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from wutong.accounts import services
from wutong.accounts.models import UnitKind
from wutong.core.audit import audit_verify
from wutong.core.models import AuditRecord, Region
from wutong.core.triggers import install_triggers, remove_triggers


def test_service_write_records_before_after_and_request_id(world, login):
    client = login(world["district"])
    response = client.post(f"/accounts/units/{world['saertu_kjj'].pk}/edit/", {
        "name": "萨尔图区科技局", "kind": "member_unit", "region": "230602",
        "contact_phone": "13800138000", "is_active": "on"}, HTTP_X_REQUEST_ID="req-test-123456")
    assert response.status_code == 302
    record = AuditRecord.objects.filter(action="update", object_type="accounts.Unit").get()
    assert record.actor == world["district"]
    assert record.request_id == "req-test-123456"
    assert record.changes["before"]["name"] == "萨尔图区科学技术局"
    assert record.changes["after"]["name"] == "萨尔图区科技局"
    # Personal data only masked in the log.
    assert record.changes["after"]["contact_phone"] == "138****8000"
    assert "13800138000" not in str(record.changes)
    assert record.region.code == "230602"


def test_failed_write_leaves_no_audit_and_no_change(world):
    before = AuditRecord.objects.count()
    with pytest.raises(Exception):  # noqa: B017
        services.unit_save(user=world["district"], region=Region.objects.get(code="230603"),
                           name="越权", kind=UnitKind.MEMBER_UNIT)
    assert AuditRecord.objects.count() == before


def _write_some(world, n=3):
    for i in range(n):
        services.unit_save(user=world["city"], region=Region.objects.get(code="230600"),
                           name=f"测试单位{i}", kind=UnitKind.MEMBER_UNIT)


def test_chain_verifies(world):
    _write_some(world)
    checked, broken, _reason = audit_verify()
    assert checked == AuditRecord.objects.count() >= 3
    assert broken is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "完整" in out.getvalue()


def test_database_refuses_update_and_delete(world):
    _write_some(world, 1)
    record = AuditRecord.objects.order_by("id").first()
    for sql in ("UPDATE core_auditrecord SET actor_name = 'x' WHERE id = %s",
                "DELETE FROM core_auditrecord WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [record.pk])
    with pytest.raises(RuntimeError):
        record.delete()
    record.actor_name = "x"
    with pytest.raises(RuntimeError):
        record.save()


def test_tampering_is_found_and_named(world):
    _write_some(world, 4)
    ids = list(AuditRecord.objects.order_by("id").values_list("id", flat=True))
    target = ids[2]
    remove_triggers()
    try:
        with connection.cursor() as c:
            c.execute("UPDATE core_auditrecord SET object_repr = '篡改' WHERE id = %s", [target])
    finally:
        install_triggers()
    _checked, broken, reason = audit_verify()
    assert broken.pk == target and reason == "hash"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit_verify", stdout=out, stderr=err)
    assert f"#{target}" in err.getvalue()


def test_deleted_record_breaks_the_chain_at_the_next(world):
    _write_some(world, 4)
    ids = list(AuditRecord.objects.order_by("id").values_list("id", flat=True))
    remove_triggers()
    try:
        with connection.cursor() as c:
            c.execute("DELETE FROM core_auditrecord WHERE id = %s", [ids[1]])
    finally:
        install_triggers()
    _checked, broken, reason = audit_verify()
    assert broken.pk == ids[2] and reason == "prev_hash"


def test_audit_page_filters_and_scope(world, login):
    _write_some(world, 2)
    services.unit_save(user=world["other_city"], region=Region.objects.get(code="211000"),
                       name="辽阳测试单位", kind=UnitKind.MEMBER_UNIT)
    body = login(world["city"]).get("/audit/", {"object_type": "accounts.Unit"}).content.decode()
    assert "测试单位0" in body and "辽阳测试单位" not in body
    assert login(world["member"]).get("/audit/").status_code == 403
