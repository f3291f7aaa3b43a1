"""Reads of the accounts app, with the caller's data scope applied."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wutong.accounts.models import ApiToken, Unit, User
from wutong.core.models import Region
from wutong.core.pii import personal_lookup


def unit_list(*, user, action: str = "view", filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = Unit.objects.restrict(user, action).select_related("region")
    if filters.get("q"):
        q = str(filters["q"]).strip()[:50]
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("region"):
        region = Region.objects.filter(code=str(filters["region"])[:12]).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return qs


def user_list(*, user, action: str = "view", filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = User.objects.restrict(user, action).select_related("region", "unit")
    if filters.get("q"):
        q = str(filters["q"]).strip()[:50]
        match = Q(username__icontains=q) | Q(full_name__icontains=q)
        digits = q.replace(" ", "")
        if digits.isdigit() and len(digits) == 11:
            match |= Q(**personal_lookup(User, "phone", digits))
        qs = qs.filter(match)
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("unit"):
        qs = qs.filter(unit_id=filters["unit"]) if str(filters["unit"]).isdigit() else qs.none()
    return qs


def tokens_of(*, user) -> QuerySet:
    return ApiToken.objects.restrict(user, "view").order_by("-created_at")
