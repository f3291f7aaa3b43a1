"""Reads of the stats app, within the caller's data scope: which region a user may look at,
and its figures — never older than ``MAX_AGE``: a snapshot found older is recomputed for that
region's subtree before the page shows it (and the periodic refresh is kicked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from wutong.core.errors import NotFound, PermissionDenied
from wutong.core.models import Region
from wutong.stats.models import FigureSnapshot, RegionPopulation

MAX_AGE = dt.timedelta(minutes=10)   # the issue: precomputed figures never older than this
KICK_AGE = dt.timedelta(minutes=5)   # older than one period: the periodic refresh is not running


@dataclass
class Figures:
    region: Region
    data: dict
    computed_at: dt.datetime
    recomputed: bool = False   # computed for this request (the snapshot was missing or old)


def region_for(*, user, code: str | None = None) -> Region:
    """The region whose figures the user asked for: their own scope root by default, or a
    region inside their scope (a city user comparing its districts). Anything else is a 404
    that never says whether the region has figures."""
    if not user.has_perm("stats.view_figuresnapshot"):
        raise PermissionDenied()
    regions = Region.objects.restrict(user, "view")
    if code:
        region = regions.filter(code=str(code)[:12]).first()
    elif user.region_id and user.get_data_scope().kind == "regions":
        region = user.region
    else:  # the system administrator: the first place that has figures, or the first root
        snap = FigureSnapshot.objects.select_related("region").order_by(
            "region__path").first()
        region = snap.region if snap else regions.filter(parent__isnull=True).order_by(
            "code").first()
    if region is None:
        raise NotFound()
    return region


def figures_for(*, user, region: Region, now: dt.datetime | None = None) -> Figures:
    from wutong.stats import services

    now = now or timezone.now()
    snap = FigureSnapshot.objects.restrict(user, "view").filter(region=region).first()
    year = timezone.localdate(now).year
    if snap is None and not Region.objects.restrict(user, "view").filter(pk=region.pk).exists():
        raise NotFound()
    if snap is None or now - snap.computed_at > MAX_AGE or snap.year != year:
        services.snapshots_refresh(root=region, trigger="inline")
        snap = FigureSnapshot.objects.get(region=region)
        recomputed = True
    else:
        recomputed = False
        if now - snap.computed_at > KICK_AGE:
            services.enqueue_refresh()
    return Figures(region=region, data=snap.data, computed_at=snap.computed_at,
                   recomputed=recomputed)


def breadcrumbs(*, user, region: Region) -> list[Region]:
    """The chain from the user's own scope root down to ``region`` (for the way back up)."""
    chain = region.ancestors()
    scope = user.get_data_scope()
    if scope.kind == "regions":
        chain = [r for r in chain if r.pk in scope.region_ids]
    return chain


def population_list(*, user):
    return RegionPopulation.objects.restrict(user, "view").select_related(
        "region", "updated_by").order_by("-year", "region__code")
