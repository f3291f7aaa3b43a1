"""Reads of the core app, with the caller's data scope applied."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from wutong.core.models import AuditRecord, CodeItem, CodeTable, Job, Region
from wutong.core.models.lists import ListPreference, SavedFilter


def _parse_date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def audit_records(*, user, action: str = "view", filters: dict | None = None) -> QuerySet:
    """Audit records the user may see, filtered by object, actor, action and time."""
    filters = filters or {}
    qs = AuditRecord.objects.restrict(user, action)
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=str(filters["object_id"]))
    if filters.get("actor"):
        qs = qs.filter(actor_name__icontains=str(filters["actor"])[:50])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    start, end = _parse_date(filters.get("start")), _parse_date(filters.get("end"))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min,
                                                          tzinfo=tz))
    return qs.order_by("-id")


def region_children(*, parent_code: str | None) -> QuerySet:
    """Regions directly under a code (provinces when none): the region picker's options."""
    qs = Region.objects.filter(is_active=True)
    if not parent_code:
        return qs.filter(parent__isnull=True)
    return qs.filter(parent__code=parent_code)


def regions_in_scope(*, user) -> QuerySet:
    return Region.objects.restrict(user, "view")


def code_tables() -> QuerySet:
    return CodeTable.objects.all()


def code_items(*, user, table: CodeTable) -> QuerySet:
    """Items of one table: all national items; local items of the user's regions."""
    qs = table.items.all()
    if table.is_local:
        qs = qs.filter(pk__in=CodeItem.objects.restrict(user, "view").values("pk"))
    return qs.select_related("region").order_by("region__code", "year", "sort_order", "code")


def jobs_for(*, user) -> QuerySet:
    return Job.objects.restrict(user, "view").order_by("-created_at")


def saved_filters_for(*, user, list_key: str) -> QuerySet:
    """Saved filters of one list the user may apply: their own and those shared in their unit."""
    return (SavedFilter.objects.visible_to(user).filter(list_key=list_key)
            .select_related("owner").order_by("name", "id"))


def saved_filter_get(*, user, list_key: str, pk) -> SavedFilter:
    """One saved filter the user may apply, or ``NotFound`` (another user's id is a 404)."""
    return SavedFilter.objects.get_visible(user, list_key=list_key, pk=pk)


def list_columns_chosen(*, user, list_key: str) -> list[str]:
    """The column keys the user chose for a list, as stored ([] when they kept the default)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return (ListPreference.objects.filter(owner_id=user.pk, list_key=list_key)
            .values_list("columns", flat=True).first()) or []
