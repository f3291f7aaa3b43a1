"""Reads of the talents app: the registry list with its filters and search, the person file."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wutong.core.dates import shift_years
from wutong.core.models import Region
from wutong.core.pii import personal_lookup
from wutong.core.validators import upgrade_id_number
from wutong.talents.models import Talent, TalentNameKey
from wutong.talents.names import normalize_query

_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dX]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")
FILTER_KEYS = ("q", "ids", "category", "education", "title_level", "industry", "region", "employer",
               "pool", "min_age", "max_age", "introduced_year", "introduction_mode", "sex",
               "active", "introduced_month")


def _prefix_range(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, in the form each database answers from its index:
    PostgreSQL's LIKE 'p%' with a pattern-ops index (migration 0002), SQLite's binary range."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def search_q(text: str, region_ids: frozenset[int] | None = None) -> Q | None:
    """Name (characters, full pinyin or initials, any reading), exact ID number or phone,
    or employer name.

    With ``region_ids`` (a region-scoped user) each name column is one index range per
    region and the few matching ids are collected first; without, the conditions go on the
    restricted queryset as they are (its rows are few: a unit's, an employer's, one's own).
    """
    q = normalize_query(text)[:60]
    if not q:
        return None
    upper = q.upper()
    if _ID_LIKE.match(upper):
        return Q(**personal_lookup(Talent, "id_number", upgrade_id_number(upper)))
    if _PHONE_LIKE.match(q):
        return Q(**personal_lookup(Talent, "phone", q))
    from django.apps import apps

    fields = ("name_pinyin", "name_initials") if q.isascii() else ("name",)
    if region_ids is None:
        condition = Q()
        for field in fields:
            condition |= _prefix_range(field, q)
        if q.isascii():
            condition |= Q(Exists(TalentNameKey.objects.filter(
                _prefix_range("key", q), talent=OuterRef("pk"))))
    else:
        in_regions = Talent.objects.filter(region_id__in=region_ids)
        sources = [in_regions.filter(_prefix_range(f, q)).values_list("pk", flat=True)
                   for f in fields]
        if q.isascii():
            sources.append(TalentNameKey.objects.filter(
                _prefix_range("key", q), region_id__in=region_ids)
                .values_list("talent_id", flat=True))
        condition = _ids_or_subqueries("pk", sources)
    if len(q) >= 2:  # an employer name: two characters at least, or every person matches
        employers = apps.get_model("orgs", "Employer").objects.filter(
            _prefix_range("name", text.strip()[:60])).values_list("pk", flat=True)
        condition |= _ids_or_subqueries("employer_id", [employers])
    return condition


MAX_LISTED_IDS = 5000


def _ids_or_subqueries(field: str, sources: list) -> Q:
    """Matches as a list of ids when there are few (the database then starts from them rather
    than from every row of the user's regions), else as subqueries."""
    found: set[int] = set()
    for ids_qs in sources:
        found.update(ids_qs[:MAX_LISTED_IDS + 1])
        if len(found) > MAX_LISTED_IDS:
            condition = Q()
            for qs in sources:
                condition |= Q(**{f"{field}__in": qs})
            return condition
    return Q(**{f"{field}__in": found})


def _search_regions(scope) -> frozenset[int] | None:
    """The regions a search ranges over: the user's, or every region for the administrator
    (one index range each is far cheaper than a scan of the whole registry)."""
    if scope.kind == "regions":
        return scope.region_ids
    if scope.kind == "all":
        return frozenset(Region.objects.values_list("pk", flat=True))
    return None


def talent_list(*, user, action: str = "view", filters: dict | None = None) -> QuerySet:
    filters = {k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v not in ("",
                                                                                         None)}
    qs = Talent.objects.restrict(user, action).select_related("region", "employer")
    if "q" in filters:
        scope = user.get_data_scope()
        condition = search_q(str(filters["q"]), _search_regions(scope))
        if condition is not None:
            qs = qs.filter(condition)
    if "ids" in filters:
        ids = [int(x) for x in str(filters["ids"]).split(",")[:5000] if x.strip().isdigit()]
        qs = qs.filter(pk__in=ids)
    for field in ("category", "education", "title_level", "introduction_mode", "sex"):
        if field in filters:
            qs = qs.filter(**{field: str(filters[field])[:20]})
    if "industry" in filters:
        qs = qs.filter(industry__startswith=str(filters["industry"])[:8])
    if "region" in filters:
        region = Region.objects.filter(code=str(filters["region"])[:12]).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if "employer" in filters:
        value = str(filters["employer"])
        qs = qs.filter(employer_id=int(value)) if value.isdigit() else qs.none()
    if "pool" in filters:
        value = str(filters["pool"])
        qs = qs.filter(pools__id=int(value)) if value.isdigit() else qs.none()
    today = timezone.localdate()
    for key, older in (("min_age", True), ("max_age", False)):
        value = str(filters.get(key, ""))
        if value.isdigit() and int(value) < 130:
            years = int(value)
            if older:   # at least N years old: born on or before today − N years
                qs = qs.filter(birth_date__lte=shift_years(today, -years))
            else:       # at most N years old: born after today − (N+1) years
                qs = qs.filter(birth_date__gt=shift_years(today, -years - 1))
    year = str(filters.get("introduced_year", ""))
    if year.isdigit() and 1949 <= int(year) <= 2100:
        qs = qs.filter(introduced_on__year=int(year))
    # The figures (stats) click through with these: files in the registry (在册) only, and
    # people brought in during one month ("2026-03").
    if str(filters.get("active", "")) == "1":
        qs = qs.filter(is_active=True)
    month = re.fullmatch(r"(\d{4})-(\d{2})", str(filters.get("introduced_month", "")))
    if month and 1949 <= int(month[1]) <= 2100 and 1 <= int(month[2]) <= 12:
        first = dt.date(int(month[1]), int(month[2]), 1)
        after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        qs = qs.filter(introduced_on__gte=first, introduced_on__lt=after)
    return qs


def talent_file(*, user, pk: int) -> Talent:
    """The person page's talent, with what the page shows loaded in few queries."""
    from django.db.models import Prefetch

    from wutong.talents.models import CategoryRecognition, PlatformMembership, PoolMembership

    return (Talent.objects.select_related("region", "employer", "account")
            .prefetch_related(
                "educations", "titles", "skills", "employments", "honour_list", "attachments",
                Prefetch("recognitions", CategoryRecognition.objects.select_related(
                    "category", "approved_by")),
                Prefetch("poolmembership_set", PoolMembership.objects.select_related("pool")),
                Prefetch("platform_memberships",
                         PlatformMembership.objects.select_related("platform")))
            .get_restricted(user, "view", pk=pk))


def duplicate_groups(*, user) -> list[dict]:
    """Files that look like the same person: same name and birth date, in the user's scope."""
    from django.db.models import Count

    rows = (Talent.objects.restrict(user, "view").exclude(birth_date__isnull=True)
            .values("name", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
            .order_by("name")[:200])
    return list(rows)
