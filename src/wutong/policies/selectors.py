"""Reads of the policies app, always within the caller's data scope."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from wutong.core.errors import NotFound
from wutong.policies.models import (
    OPEN_STATUSES,
    Benefit,
    Entitlement,
    EntitlementStatus,
    Fund,
    Policy,
    ScanRun,
)


def benefit_list(*, user, filters: dict):
    qs = Benefit.objects.restrict(user, "view").select_related(
        "region", "policy", "fund", "current_version")
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(policy__title__icontains=filters["q"]))
    if filters.get("published") in ("1", "0"):
        qs = qs.filter(is_published=filters["published"] == "1")
    return qs


def benefit_detail(*, user, pk: int, action: str = "view") -> Benefit:
    return Benefit.objects.select_related("region", "policy", "fund", "current_version") \
        .prefetch_related("amounts", "review_steps__unit").get_restricted(user, action, pk=pk)


def policy_list(*, user):
    return Policy.objects.restrict(user, "view").select_related("region", "parent") \
        .annotate(benefit_count=Count("benefits"))


def fund_list(*, user):
    return Fund.objects.restrict(user, "view").select_related("region") \
        .annotate(benefit_count=Count("benefits"))


def entitlement_list(*, user, filters: dict):
    """Entitlements the user may see (office: region; talent: own; employer: its people)."""
    qs = Entitlement.objects.restrict(user, "view").select_related(
        "benefit", "talent", "talent__employer", "region")
    if filters.get("benefit"):
        qs = qs.filter(benefit_id=filters["benefit"])
    status = filters.get("status")
    if status in EntitlementStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.exclude(status=EntitlementStatus.SUPERSEDED)
    if filters.get("q"):
        qs = qs.filter(talent__name__startswith=filters["q"])
    return qs.order_by("benefit_id", "-amount_fen", "id")


def offer_counts(*, user):
    """Per benefit in the user's scope: new (to push), offered, accepted, and money."""
    return (Entitlement.objects.restrict(user, "view")
            .exclude(status=EntitlementStatus.SUPERSEDED)
            .values("benefit_id", "benefit__name")
            .annotate(new=Count("id", filter=Q(status=EntitlementStatus.NEW)),
                      offered=Count("id", filter=Q(status=EntitlementStatus.OFFERED)),
                      accepted=Count("id", filter=Q(status=EntitlementStatus.ACCEPTED)),
                      money=Sum("amount_fen", filter=Q(status__in=OPEN_STATUSES)))
            .order_by("benefit__name"))


def my_entitlements(*, user):
    """What a talent (their own) or an employer (its people) is offered or has accepted."""
    return Entitlement.objects.restrict(user, "view").filter(
        status__in=(EntitlementStatus.OFFERED, EntitlementStatus.ACCEPTED,
                    EntitlementStatus.DISMISSED)).select_related(
        "benefit", "benefit__region", "benefit__policy", "talent", "rule_version") \
        .order_by("status", "-amount_fen", "id")


def scan_runs(*, user):
    return ScanRun.objects.restrict(user, "view").select_related("region", "started_by")


def explain_for(*, user, talent_pk: int, benefit_pk: int | None = None, on=None):
    """One talent (in the user's scope) against every published benefit whose region covers
    them (or just one benefit the user may see): the results with their traces."""
    from wutong.policies.engine import person_results, published_specs
    from wutong.policies.facts import read_facts
    from wutong.policies.scan import today
    from wutong.talents.models import Talent

    on = on or today()
    talent = Talent.objects.select_related("region").get_restricted(user, "view", pk=talent_pk)
    benefits = Benefit.objects.filter(region__path__in=_ancestor_paths(talent.region.path))
    if benefit_pk is not None:
        if not Benefit.objects.restrict(user, "view").filter(pk=benefit_pk).exists() and \
                not Entitlement.objects.restrict(user, "view").filter(
                    talent=talent, benefit_id=benefit_pk).exists():
            raise NotFound()
        benefits = benefits.filter(pk=benefit_pk)
    specs = published_specs(benefits, on)
    facts = read_facts([talent.pk], on)[talent.pk]
    return talent, person_results(specs, facts, on=on, region_id=talent.region_id)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
