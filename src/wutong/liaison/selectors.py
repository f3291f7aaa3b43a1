"""Reads of leaders' contact duty, always within the caller's data scope.

Coverage is set-based: the counts per leader are subqueries of one query over the leaders
(hundreds to a few thousand rows in a place), and the experts nobody looks after are one
anti-join over the registry (``NOT EXISTS`` an open assignment), never a loop over people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from wutong.core.models import Region
from wutong.liaison.models import (
    Assignment,
    Contact,
    DutyRule,
    Item,
    ItemKind,
    ItemStatus,
    Leader,
)

DEFAULT_EXPERT_CATEGORIES = ["A", "B", "C"]


# --- the rule --------------------------------------------------------------------------------
def rule_for(*, region: Region, year: int) -> DutyRule:
    """The rule that holds in ``region`` for ``year``: its own, else the nearest ancestor's
    (the latest year not after ``year``), else the defaults (an unsaved rule)."""
    chain = region.ancestors()  # root first
    rules = {(r.region_id, r.year): r for r in DutyRule.objects.filter(
        region__in=chain, year__lte=year).select_related("expert_pool")}
    for place in reversed(chain):
        years = sorted((y for (rid, y) in rules if rid == place.pk), reverse=True)
        if years:
            return rules[(place.pk, years[0])]
    return DutyRule(region=region, year=year)


def expert_categories(rule: DutyRule) -> list[str]:
    return list(rule.expert_categories or DEFAULT_EXPERT_CATEGORIES)


def expert_condition(rule: DutyRule, region: Region) -> Q:
    """Who counts as an expert: the rule's categories, or membership of the expert pool
    (the rule's, else any pool named 专家… of the place or the places above it)."""
    from wutong.talents.models import Pool, PoolMembership

    if rule.expert_pool_id:
        pools = [rule.expert_pool_id]
    else:
        pools = list(Pool.objects.filter(region__in=region.ancestors(),
                                         name__contains="专家").values_list("pk", flat=True))
    q = Q(category__in=expert_categories(rule))
    if pools:
        q |= Q(Exists(PoolMembership.objects.filter(pool_id__in=pools, talent_id=OuterRef("pk"))))
    return q


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- leaders and coverage --------------------------------------------------------------------
def leader_list(*, user, filters: dict | None = None) -> QuerySet[Leader]:
    filters = filters or {}
    qs = Leader.objects.restrict(user, "view").select_related("region", "unit", "account")
    region = _region(filters.get("region"))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if filters.get("body"):
        qs = qs.filter(body=str(filters["body"])[:12])
    if filters.get("q"):
        text = str(filters["q"])[:30]
        qs = qs.filter(Q(name__contains=text) | Q(post__contains=text))
    if str(filters.get("inactive", "")) != "1":
        qs = qs.filter(is_active=True)
    return qs


def leader_get(*, user, pk: int, action: str = "view") -> Leader:
    return Leader.objects.select_related("region", "unit", "account").get_restricted(
        user, action, pk=pk)


def own_leaders(*, user) -> list[Leader]:
    """The leader records linked to a leader's own login (their duty, first on the page)."""
    if user.role != "leader":
        return []
    return list(Leader.objects.restrict(user, "view").filter(account_id=user.pk,
                                                              is_active=True))


@dataclass
class Coverage:
    """One leader against the rule of their place for a year."""

    leader: Leader
    experts: int
    required: int
    contacts: int
    thin: int            # experts looked after with fewer contacts this year than the rule
    per_expert: int

    @property
    def short_of_experts(self) -> int:
        return max(self.required - self.experts, 0)

    @property
    def falls_short(self) -> bool:
        return self.short_of_experts > 0 or self.thin > 0


def coverage(*, user, year: int, filters: dict | None = None) -> list[Coverage]:
    """Every leader in scope with experts looked after, contacts in ``year`` and the number of
    their experts contacted fewer times than the rule asks; one query (plus the rules)."""
    out = coverage_of(leaders=leader_list(user=user, filters=filters), year=year)
    if str((filters or {}).get("short", "")) == "1":
        out = [c for c in out if c.falls_short]
    return out


def coverage_of(*, leaders: QuerySet, year: int) -> list[Coverage]:
    """Coverage of a given set of leaders (already restricted by the caller, or all of them
    for the system's reminders)."""
    start, end = year_bounds(year)
    region_ids = set(leaders.values_list("region_id", flat=True).distinct())
    rules = {rid: rule_for(region=r, year=year)
             for rid, r in Region.objects.in_bulk(region_ids).items()}
    per_expert = Case(*(When(region_id=rid, then=Value(rule.contacts_per_expert))
                        for rid, rule in rules.items()), default=Value(2),
                      output_field=IntegerField())
    through = Contact.experts.through
    contacts_with = (through.objects.filter(
        contact__leader_id=OuterRef("leader_id"), talent_id=OuterRef("talent_id"),
        contact__on__range=(start, end)).order_by().values("contact__leader_id")
        .annotate(n=Count("id")).values("n"))
    thin = (Assignment.objects.filter(leader_id=OuterRef("pk"), ended_on__isnull=True)
            .annotate(n=Coalesce(Subquery(contacts_with, output_field=IntegerField()), 0))
            .filter(n__lt=OuterRef("_per_expert")).order_by().values("leader_id")
            .annotate(c=Count("id")).values("c"))
    experts = (Assignment.objects.filter(leader_id=OuterRef("pk"), ended_on__isnull=True)
               .order_by().values("leader_id").annotate(c=Count("id")).values("c"))
    contacts = (Contact.objects.filter(leader_id=OuterRef("pk"), on__range=(start, end))
                .order_by().values("leader_id").annotate(c=Count("id")).values("c"))
    rows = leaders.annotate(
        _per_expert=per_expert,
        n_experts=Coalesce(Subquery(experts, output_field=IntegerField()), 0),
        n_contacts=Coalesce(Subquery(contacts, output_field=IntegerField()), 0),
        n_thin=Coalesce(Subquery(thin, output_field=IntegerField()), 0))
    out = []
    for leader in rows:
        rule = rules.get(leader.region_id) or DutyRule(year=year)
        out.append(Coverage(leader=leader, experts=leader.n_experts,
                            required=rule.required_experts(leader),
                            contacts=leader.n_contacts, thin=leader.n_thin,
                            per_expert=rule.contacts_per_expert))
    return out


def leader_experts(*, user, leader: Leader, year: int) -> list[dict]:
    """The leader's open assignments with each expert's contacts (with this leader) in ``year``."""
    start, end = year_bounds(year)
    through = Contact.experts.through
    contacts_with = (through.objects.filter(
        contact__leader_id=leader.pk, talent_id=OuterRef("talent_id"),
        contact__on__range=(start, end)).order_by().values("talent_id")
        .annotate(n=Count("id")).values("n"))
    qs = (Assignment.objects.restrict(user, "view").filter(leader=leader, ended_on__isnull=True)
          .select_related("talent", "talent__employer")
          .annotate(n_contacts=Coalesce(Subquery(contacts_with, output_field=IntegerField()), 0))
          .order_by("started_on", "id"))
    return list(qs)


def log_experts(*, user, leader: Leader) -> QuerySet:
    """The experts a contact of this leader can name: the leader's own, as the writer sees
    the assignments (a member unit's clerk reads their head's experts, not the registry)."""
    from wutong.talents.models import Talent

    assigned = Assignment.objects.restrict(user, "view").filter(
        leader=leader, ended_on__isnull=True).values("talent_id")
    return Talent.objects.filter(pk__in=assigned).select_related("employer").order_by(
        "name_sort", "id")


def uncovered_experts(*, user, region: Region, year: int) -> QuerySet:
    """Experts of the place (by the rule) whom no leader looks after."""
    from wutong.talents.models import Talent

    rule = rule_for(region=region, year=year)
    return (Talent.objects.restrict(user, "view")
            .filter(region__path__startswith=region.path, is_active=True)
            .filter(expert_condition(rule, region))
            .filter(~Exists(Assignment.objects.filter(talent_id=OuterRef("pk"),
                                                      ended_on__isnull=True)))
            .select_related("employer", "region")
            .order_by(Case(When(category="", then=Value(1)), default=Value(0)), "category",
                      "name_sort", "id"))  # A, B, C first; pool members without a category


def expert_candidates(*, user, leader: Leader, text: str, limit: int = 20) -> list:
    """Talents of the leader's place matching a name (characters, pinyin or initials), the
    ones already looked after by this leader left out."""
    from wutong.talents.selectors import talent_list

    if not text.strip():
        return []
    taken = Assignment.objects.filter(leader=leader, ended_on__isnull=True).values("talent_id")
    qs = (talent_list(user=user, filters={"q": text.strip()[:30]})
          .filter(region__path__startswith=leader.region.path, is_active=True)
          .exclude(pk__in=taken))
    return list(qs.order_by("name_sort", "id")[:limit])


# --- contacts and items ----------------------------------------------------------------------
def contact_list(*, user, leader: Leader | None = None, year: int | None = None) -> QuerySet:
    qs = Contact.objects.restrict(user, "view").select_related("leader", "recorded_by")
    if leader is not None:
        qs = qs.filter(leader=leader)
    if year:
        qs = qs.filter(on__range=year_bounds(year))
    return qs.prefetch_related("experts", "items")


def contact_get(*, user, pk: int) -> Contact:
    return Contact.objects.select_related("leader", "leader__region").get_restricted(
        user, "view", pk=pk)


ITEM_FILTERS = ("kind", "status", "leader", "q", "region", "year")


def item_list(*, user, filters: dict | None = None, action: str = "view") -> QuerySet[Item]:
    filters = {k: v for k, v in (filters or {}).items() if k in ITEM_FILTERS and v}
    qs = Item.objects.restrict(user, action).select_related(
        "contact", "contact__leader", "talent")
    if filters.get("kind") in ItemKind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status") in ItemStatus.values:
        qs = qs.filter(status=filters["status"])
    if str(filters.get("leader", "")).isdigit():
        qs = qs.filter(contact__leader_id=int(filters["leader"]))
    if filters.get("q"):
        qs = qs.filter(text__contains=str(filters["q"])[:50])
    region = _region(filters.get("region"))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if str(filters.get("year", "")).isdigit():
        qs = qs.filter(contact__on__range=year_bounds(int(filters["year"])))
    return qs.order_by("-contact__on", "-id")


def item_get(*, user, pk: int, action: str = "view") -> Item:
    return Item.objects.select_related("contact", "contact__leader", "talent").get_restricted(
        user, action, pk=pk)


def person_liaison(*, user, talent) -> dict:
    """The person page's section: who looks after this talent, and the contacts with them."""
    assignments = list(Assignment.objects.restrict(user, "view").filter(talent=talent)
                       .select_related("leader").order_by("ended_on", "-started_on")[:20])
    contacts = list(Contact.objects.restrict(user, "view").filter(experts=talent)
                    .select_related("leader").prefetch_related("items").order_by("-on")[:20])
    return {"assignments": assignments, "contacts": contacts}


# --- figures ---------------------------------------------------------------------------------
def figures(*, leaders: QuerySet, start: dt.date, end: dt.date, contacts: QuerySet,
            items: QuerySet) -> dict:
    """The figures the seeds quote, over a set of leaders and a period: leaders, experts
    looked after, contacts, experts contacted, suggestions gathered, problems raised and
    solved. Each is one aggregate query."""
    assignments = Assignment.objects.filter(leader__in=leaders, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    through = Contact.experts.through
    item_counts = items.order_by().aggregate(
        suggestions=Count("id", filter=Q(kind=ItemKind.SUGGESTION)),
        suggestions_adopted=Count("id", filter=Q(kind=ItemKind.SUGGESTION,
                                                 status=ItemStatus.SOLVED)),
        problems=Count("id", filter=Q(kind=ItemKind.PROBLEM)),
        problems_solved=Count("id", filter=Q(kind=ItemKind.PROBLEM, status=ItemStatus.SOLVED)),
        in_case=Count("id", filter=Q(status=ItemStatus.IN_CASE)))
    return {
        "leaders": leaders.count(),
        "experts_covered": assignments.values("talent_id").distinct().count(),
        "contacts": contacts.count(),
        "experts_contacted": through.objects.filter(contact__in=contacts)
        .values("talent_id").distinct().count(),
        **item_counts,
    }


def place_figures(*, user, region: Region, year: int) -> dict:
    """The ledger's figures for a place and a year, as the user sees it (the ledger page)."""
    start, end = year_bounds(year)
    leaders = leader_list(user=user, filters={"region": region.code, "inactive": "1"})
    contacts = Contact.objects.restrict(user, "view").filter(
        leader__in=leaders.values("pk"), on__range=(start, end))
    return figures(leaders=leaders.values("pk"), start=start, end=end, contacts=contacts,
                   items=Item.objects.filter(contact__in=contacts.values("pk")))


def _region(code) -> Region | None:
    if not code:
        return None
    return Region.objects.filter(code=str(code)[:12]).first()

