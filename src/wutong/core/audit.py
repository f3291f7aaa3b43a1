"""Writing the audit log. Services call ``audit_log`` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from wutong.core.context import current_ip, current_request_id
from wutong.core.models.audit import AuditAction, AuditRecord
from wutong.core.pii import PersonalValue

GENESIS_HASH = "0" * 64
# A fixed key for PostgreSQL's transaction-level advisory lock that serializes chain appends.
_CHAIN_LOCK_KEY = 7_411_2026


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, PersonalValue):
        return value.masked
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


SKIP_FIELDS = {"password", "last_login"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field values of a row, JSON-ready, personal data masked, secrets left out."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP_FIELDS or field.name.endswith("_bidx"):
            continue
        data[field.name] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> dict[str, Any]:
    """Only what changed: {"before": {...}, "after": {...}}."""
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    return {"before": {k: before.get(k) for k in changed if k in before},
            "after": {k: after.get(k) for k in changed if k in after}}


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: the settings open every transaction IMMEDIATE, which already serializes writers.


def _object_region_id(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if obj._meta.label == "core.Region":
        return obj.pk
    return getattr(obj, "region_id", None)


@transaction.atomic
def audit_log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    extra: dict | None = None,
    region_id: int | None = None,
) -> AuditRecord:
    """Append one record to the chain; call inside the service's transaction."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action}")
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        changes = diff(before, after) if action == AuditAction.UPDATE else {
            "before": before or {}, "after": after or {}}
    if extra:
        changes["extra"] = _jsonable(extra)
    _lock_chain()
    last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    record = AuditRecord(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_name=(actor_obj.get_full_name() or actor_obj.get_username()) if actor_obj else
        (str(actor) if actor else "系统"),
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region_id=region_id if region_id is not None else _object_region_id(obj),
        changes=_jsonable(changes),
        request_id=current_request_id(),
        ip_address=current_ip(),
        prev_hash=last or GENESIS_HASH,
    )
    record.hash = record.compute_hash()
    record.save()
    return record


def audit_verify(*, batch_size: int = 5000) -> tuple[int, AuditRecord | None, str]:
    """Walk the chain in order; return (records checked, first broken record, reason)."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None, ""
        for record in batch:
            if record.prev_hash != expected_prev:
                return checked, record, "prev_hash"
            if record.compute_hash() != record.hash:
                return checked, record, "hash"
            expected_prev = record.hash
            checked += 1
            last_id = record.id
