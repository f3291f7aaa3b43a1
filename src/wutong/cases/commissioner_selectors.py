"""Reads of the 1+1+N grid, always inside the caller's data scope (``restrict``).

The region rule (``GridPolicy``) is resolved per region of the caller's scope in Python —
regions are a few thousand at most, people never — and turned into one condition per distinct
rule (``region_id IN (…) AND category IN (…)``), which the ``(region, category)`` index of the
registry answers. The grid's lists are then single queries over ``talents_talent`` left-joined
to ``TalentCare`` (one row per talent), whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from wutong.accounts.roles import Role
from wutong.cases.commissioner_models import (
    DEFAULT_COMMISSIONER_CATEGORIES,
    DEFAULT_CONTACT_DAYS,
    DEFAULT_SECRETARY_CATEGORIES,
    AssignmentRule,
    CareChange,
    CareRole,
    Contact,
    GridPolicy,
    TalentCare,
)
from wutong.core.models import Region
from wutong.talents.models import Talent


@dataclass(frozen=True)
class Rule:
    """The grid rule that applies to a region (its own policy or the nearest above)."""

    commissioner_categories: tuple[str, ...]
    secretary_categories: tuple[str, ...]
    contact_days: int
    source_region_id: int | None = None  # None: the defaults

    @property
    def needs_commissioner(self) -> tuple[str, ...]:
        # A talent with a secretary has a commissioner too (the "1+1" of 1+1+N).
        return tuple(dict.fromkeys(self.commissioner_categories + self.secretary_categories))

    def categories(self, role: str) -> tuple[str, ...]:
        return self.secretary_categories if role == CareRole.SECRETARY \
            else self.needs_commissioner


DEFAULT_RULE = Rule(tuple(DEFAULT_COMMISSIONER_CATEGORIES), tuple(DEFAULT_SECRETARY_CATEGORIES),
                    DEFAULT_CONTACT_DAYS)


def _rule_of(policy: GridPolicy) -> Rule:
    return Rule(tuple(policy.commissioner_categories or ()),
                tuple(policy.secretary_categories or ()), policy.contact_days, policy.region_id)


def scope_region_ids(user) -> list[int]:
    scope = user.get_data_scope()
    if scope.kind == "all":
        return list(Region.objects.values_list("pk", flat=True))
    if scope.kind == "regions":
        return sorted(scope.region_ids)
    return []


def rules_by_region(region_ids) -> dict[Rule, list[int]]:
    """The regions grouped by the rule that applies to each."""
    region_ids = list(region_ids)
    if not region_ids:
        return {}
    policies = {r.region_id: r for r in GridPolicy.objects.select_related("region")}
    by_path = {p.region.path: _rule_of(p) for p in policies.values()}
    paths = sorted(by_path, key=len, reverse=True)
    groups: dict[Rule, list[int]] = {}
    for pk, path in Region.objects.filter(pk__in=region_ids).values_list("pk", "path"):
        rule = next((by_path[p] for p in paths if path.startswith(p)), DEFAULT_RULE)
        groups.setdefault(rule, []).append(pk)
    return groups


def rule_resolver():
    """A function region → Rule, with the policies loaded once (for one page of rows)."""
    by_path = {p.region.path: _rule_of(p) for p in GridPolicy.objects.select_related("region")}
    paths = sorted(by_path, key=len, reverse=True)

    def resolve(region: Region | None) -> Rule:
        if region is None:
            return DEFAULT_RULE
        return next((by_path[p] for p in paths if region.path.startswith(p)), DEFAULT_RULE)

    return resolve


def rule_for_region(region: Region | None) -> Rule:
    return rule_resolver()(region)


def need_q(user, role: str = CareRole.COMMISSIONER) -> Q:
    """Talents (of the user's scope) whose category the region's rule gives ``role``."""
    q = Q(pk__in=[])
    for rule, ids in rules_by_region(scope_region_ids(user)).items():
        cats = rule.categories(role)
        if cats:
            q |= Q(region_id__in=ids, category__in=cats)
    return q


def _field(role: str) -> str:
    return "secretary" if role == CareRole.SECRETARY else "commissioner"


def grid_talents(*, user) -> QuerySet:
    """The registry as the user may see it. Like the registry's own lists, no filter on
    ``is_active``: a column outside the ``(region, category)`` index would make every count
    read each talent's row (a million-talent city: 1 s instead of 0.15 s)."""
    return Talent.objects.restrict(user, "view")


def gaps(*, user, role: str = CareRole.COMMISSIONER) -> QuerySet:
    """Talents the rule gives a commissioner (or secretary) who have none (缺口)."""
    field = _field(role)
    return (grid_talents(user=user).filter(need_q(user, role))
            .filter(Q(**{f"care__{field}__isnull": True}))
            # In the (region, category) index's own order, related rows fetched for the page
            # only: no sort of every match, no join that leads the plan astray.
            .prefetch_related("region", "employer").order_by("region_id", "category", "pk"))


def stale(*, user, today: dt.date | None = None) -> QuerySet:
    """Talents the region's rule puts in the grid whom nobody has contacted for the rule's
    number of days (or ever). Read through the ``(region, category)`` index."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for rule, ids in rules_by_region(scope_region_ids(user)).items():
        if not rule.needs_commissioner:
            continue
        cutoff = today - dt.timedelta(days=rule.contact_days)
        q |= (Q(region_id__in=ids, category__in=rule.needs_commissioner)
              & (Q(care__last_contact_on__isnull=True) | Q(care__last_contact_on__lt=cutoff)))
    return (grid_talents(user=user).filter(q)
            .prefetch_related("region", "employer", "care__commissioner")
            .order_by("region_id", "category", "pk"))


def my_talents(*, user, stale_only: bool = False, today: dt.date | None = None) -> QuerySet:
    """The talents a commissioner or secretary looks after, least recently contacted first."""
    qs = (TalentCare.objects.restrict(user, "view")
          .filter(Q(commissioner=user) | Q(secretary=user))
          .select_related("talent", "talent__employer", "talent__region", "commissioner",
                          "secretary"))
    if stale_only:
        today = today or timezone.localdate()
        cutoff = today - dt.timedelta(days=rule_for_region(user.region).contact_days) \
            if user.region else today
        qs = qs.filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff))
    return qs.order_by(F("last_contact_on").asc(nulls_first=True), "talent_id")


def annotate_contact_age(rows, *, today: dt.date | None = None) -> list:
    """Days since the last contact and whether it is overdue, on the rows of one page
    (``TalentCare`` rows or talents with ``care`` loaded)."""
    today = today or timezone.localdate()
    resolve = rule_resolver()
    rows = list(rows)
    for row in rows:
        if isinstance(row, TalentCare):
            talent, last = row.talent, row.last_contact_on
        else:
            talent, care = row, _care(row)
            last = care.last_contact_on if care else None
        row.days_since = (today - last).days if last else None
        row.contact_overdue = last is None or row.days_since > resolve(talent.region).contact_days
    return rows


def _care(talent) -> TalentCare | None:
    try:
        return talent.care
    except TalentCare.DoesNotExist:
        return None


def care_of(*, user, talent) -> TalentCare | None:
    return (TalentCare.objects.restrict(user, "view").filter(talent=talent)
            .select_related("commissioner", "secretary", "last_contact_by").first())


def contacts_of(*, user, talent, limit: int = 5) -> list[Contact]:
    return list(Contact.objects.restrict(user, "view").filter(talent=talent)
                .select_related("by")[:limit])


def changes_of(*, user, talent, limit: int = 10) -> list[CareChange]:
    return list(CareChange.objects.restrict(user, "view").filter(talent=talent)
                .select_related("from_user", "to_user", "changed_by")[:limit])


def commissioners(*, user) -> QuerySet:
    """Commissioner accounts the user may assign talents to (in their scope)."""
    User = get_user_model()
    return (User.objects.restrict(user, "view").filter(role=Role.COMMISSIONER, is_active=True)
            .select_related("region").order_by("region__path", "full_name"))


@dataclass
class Workload:
    user: object
    commissioner_of: int = 0
    secretary_of: int = 0
    stale: int = 0
    contacts_30d: int = 0

    @property
    def total(self) -> int:
        return self.commissioner_of + self.secretary_of


def workload(*, user, today: dt.date | None = None) -> list[Workload]:
    """Per commissioner of the user's scope: talents looked after (as commissioner, as
    secretary), those not contacted within the rule's days, contacts in the last 30 days.
    A few grouped queries, whatever the number of talents."""
    today = today or timezone.localdate()
    people = list(commissioners(user=user))
    rows = {u.pk: Workload(u) for u in people}
    if not rows:
        return []
    ids = list(rows)
    resolve = rule_resolver()
    days = {u.pk: resolve(u.region).contact_days for u in people}
    for field in ("commissioner", "secretary"):
        counts = (TalentCare.objects.filter(**{f"{field}_id__in": ids})
                  .values(f"{field}_id").annotate(n=Count("pk")))
        for row in counts:
            target = rows[row[f"{field}_id"]]
            setattr(target, f"{field}_of", row["n"])
    for cutoff_days in set(days.values()):
        cutoff = today - dt.timedelta(days=cutoff_days)
        group = [pk for pk, d in days.items() if d == cutoff_days]
        counts = (TalentCare.objects.filter(Q(commissioner_id__in=group))
                  .filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff))
                  .values("commissioner_id").annotate(n=Count("pk")))
        for row in counts:
            rows[row["commissioner_id"]].stale = row["n"]
    since = today - dt.timedelta(days=30)
    for row in (Contact.objects.filter(by_id__in=ids, on__gte=since).values("by_id")
                .annotate(n=Count("pk"))):
        rows[row["by_id"]].contacts_30d = row["n"]
    return sorted(rows.values(), key=lambda w: (-w.total, w.user.full_name))


def overview(*, user, today: dt.date | None = None) -> dict:
    """The figures of the grid page: talents needing a commissioner / secretary, covered,
    gaps, nobody contacted within the rule's days; contacts in the last 30 days."""
    today = today or timezone.localdate()
    talents = grid_talents(user=user)
    n_c = talents.filter(need_q(user, CareRole.COMMISSIONER)).count()
    n_s = talents.filter(need_q(user, CareRole.SECRETARY)).count()
    gap_c = gaps(user=user, role=CareRole.COMMISSIONER).count()
    gap_s = gaps(user=user, role=CareRole.SECRETARY).count()
    return {"need_commissioner": n_c, "gap_commissioner": gap_c,
            "covered_commissioner": n_c - gap_c, "need_secretary": n_s, "gap_secretary": gap_s,
            "covered_secretary": n_s - gap_s, "stale": stale(user=user, today=today).count(),
            "contacts_30d": Contact.objects.restrict(user, "view").filter(
                on__gte=today - dt.timedelta(days=30)).count()}


def rules(*, user) -> QuerySet:
    return AssignmentRule.objects.restrict(user, "view").select_related("region", "employer",
                                                                        "user")


def policies(*, user) -> QuerySet:
    return GridPolicy.objects.restrict(user, "view").select_related("region")
