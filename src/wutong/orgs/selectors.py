"""Reads of the orgs app, with the caller's data scope applied."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from wutong.core.models import Region
from wutong.orgs.models import Employer, Platform


def employer_list(*, user, action: str = "view", filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = Employer.objects.restrict(user, action).select_related("region")
    q = str(filters.get("q") or "").strip()[:60]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(uscc=q.upper()))
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("industry"):
        qs = qs.filter(industry__startswith=str(filters["industry"])[:8])
    if filters.get("label"):
        qs = qs.filter(labels__contains=[filters["label"]]) if _json_contains() else qs.filter(
            labels__icontains=f'"{filters["label"]}"')
    if filters.get("region"):
        region = Region.objects.filter(code=str(filters["region"])[:12]).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return qs


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def employer_detail(*, user, pk: int) -> Employer:
    return (Employer.objects.select_related("region")
            .annotate(talent_count=Count("talents", distinct=True))
            .get_restricted(user, "view", pk=pk))


PLATFORM_FILTERS = ("q", "kind", "level", "region", "host", "status")


def platform_list(*, user, action: str = "view", filters: dict | None = None,
                  employer: Employer | None = None) -> QuerySet:
    """Platforms in the user's scope; active ones unless ``status`` is ``inactive``/``all``."""
    filters = {k: v for k, v in (filters or {}).items() if k in PLATFORM_FILTERS and v}
    qs = Platform.objects.restrict(user, action).select_related("host", "region")
    if employer is not None:
        return qs.filter(host=employer)
    status = filters.get("status")
    if status == "inactive":
        qs = qs.filter(is_active=False)
    elif status != "all":
        qs = qs.filter(is_active=True)
    q = str(filters.get("q") or "").strip()[:60]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(host__name__icontains=q))
    if filters.get("kind"):
        qs = qs.filter(kind=str(filters["kind"])[:20])
    if filters.get("level"):
        qs = qs.filter(level=str(filters["level"])[:12])
    if filters.get("host"):
        host = str(filters["host"])
        qs = qs.filter(host_id=int(host)) if host.isdigit() else qs.none()
    if filters.get("region"):
        region = Region.objects.filter(code=str(filters["region"])[:12]).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return qs


def platform_detail(*, user, pk: int) -> Platform:
    return Platform.objects.select_related("host", "region").get_restricted(user, "view", pk=pk)


def platform_hosts(*, user) -> QuerySet:
    """The employers a user may put a platform on: active ones in their scope."""
    return Employer.objects.restrict(user, "view").filter(is_active=True).only(
        "pk", "name", "region_id")
