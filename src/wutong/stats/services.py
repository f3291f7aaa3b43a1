"""Writes of the stats app: refreshing the snapshots, the office's population and target."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import PermissionDenied, ValidationFailed
from wutong.core.models import Region
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region
from wutong.stats.compute import compute
from wutong.stats.models import FigureRefresh, FigureSnapshot, RegionPopulation

log = logging.getLogger(__name__)

PERIOD_SECONDS = 300  # the periodic refresh runs every five minutes while a worker runs


def scope_roots() -> set[int]:
    """Regions that are some reader's scope root (office staff and leaders): each gets a
    snapshot even when nothing lies under it yet."""
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.filter(
        is_active=True, role__in=("office", "leader"), region__isnull=False)
        .values_list("region_id", flat=True).distinct())


def snapshots_refresh(*, root: Region | None = None, trigger: str = "manual",
                      slot: int | None = None) -> FigureRefresh | None:
    """Recompute the snapshots: every region with talents, cases, funds, leaders or a
    population under it plus every reader's scope root (``root`` None), or one subtree.
    With ``slot`` the refresh first claims that slot and returns None if it is taken."""
    try:
        with transaction.atomic():
            run = FigureRefresh.objects.create(slot=slot, trigger=trigger, region=root)
    except IntegrityError:
        return None
    start = time.perf_counter()
    now = timezone.now()
    figures = compute(root=root, always=scope_roots() if root is None else None,
                      today=timezone.localdate(now))
    seconds = time.perf_counter() - start
    with transaction.atomic():
        # One upsert: two readers recomputing the same stale region at once both succeed.
        FigureSnapshot.objects.bulk_create(
            [FigureSnapshot(region_id=rid, year=data["year"], computed_at=now, seconds=seconds,
                            data=data) for rid, data in figures.items()],
            update_conflicts=True, unique_fields=["region"],
            update_fields=["year", "computed_at", "seconds", "data"], batch_size=500)
        FigureRefresh.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), snapshots=len(figures), seconds=seconds)
    run.snapshots, run.seconds = len(figures), seconds
    return run


def current_slot(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return int(now.timestamp()) // PERIOD_SECONDS


def periodic_refresh() -> dict:
    """The body of the periodic task: claim this five-minute slot, refresh everything, queue
    the next run at the start of the next slot. A second chain finds its slot claimed and
    ends, so however many kicks there were, one chain runs."""
    slot = current_slot()
    run = snapshots_refresh(trigger="periodic", slot=slot)
    if run is None:
        return {"skipped": True, "slot": slot}
    enqueue_refresh(run_after=dt.datetime.fromtimestamp((slot + 1) * PERIOD_SECONDS, tz=dt.UTC))
    # The log keeps a week (about 2,000 periodic rows): enough to see that refreshes run.
    FigureRefresh.objects.filter(started_at__lt=timezone.now() - dt.timedelta(days=7)).delete()
    return {"snapshots": run.snapshots, "seconds": round(run.seconds, 3), "slot": slot}


def enqueue_refresh(*, run_after: dt.datetime | None = None) -> bool:
    """Queue the periodic refresh (deferred when the backend can). Only for backends with a
    worker (that can defer): the in-process backend would run the whole refresh inside the
    caller's request. Never raises; the pages recompute inline whatever is too old."""
    from django.core.cache import cache

    from wutong.stats.tasks import stats_refresh_periodic

    try:
        task = stats_refresh_periodic
        if not task.get_backend().supports_defer:
            return False
        if run_after is not None and run_after > timezone.now():
            task = task.using(run_after=run_after)
        key = f"wutong:stats-refresh:{current_slot(run_after)}"
        if not cache.add(key, 1, timeout=PERIOD_SECONDS * 2):
            return False  # this process already queued one for that slot
        task.enqueue()
        return True
    except Exception:
        log.exception("stats: could not queue the refresh; pages recompute inline")
        return False


# --- population and targets ------------------------------------------------------------------
@transaction.atomic
def population_save(*, user, region: Region, year: int, population: int,
                    intake_target: int = 0, note: str = "") -> RegionPopulation:
    """Enter (or correct) a region's resident population and intake target for a year."""
    if not user.has_perm("stats.change_regionpopulation"):
        raise PermissionDenied(_("您没有维护常住人口和引进目标的权限。"))
    require_region(user, region)
    errors = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append({"field": "year", "message": _("年度应在 2000 至 2100 之间。")})
    if not isinstance(population, int) or population <= 0:
        errors.append({"field": "population", "message": _("常住人口应为大于 0 的整数。")})
    elif population > 200_000_000:
        errors.append({"field": "population",
                       "message": _("常住人口超过 2 亿，请检查单位是否为“人”。")})
    if not isinstance(intake_target, int) or intake_target < 0:
        errors.append({"field": "intake_target", "message": _("引进目标不能为负数。")})
    elif isinstance(population, int) and population > 0 and intake_target > population:
        errors.append({"field": "intake_target",
                       "message": _("引进目标不能超过常住人口。")})
    if errors:
        raise ValidationFailed(_("常住人口或引进目标填写有误。"), details=errors)
    row = RegionPopulation.objects.select_for_update().filter(region=region, year=year).first()
    before = snapshot(row) if row else None
    if row is None:
        row = RegionPopulation(region=region, year=year)
    row.population, row.intake_target, row.note = population, intake_target, note[:120]
    row.updated_by = user
    row.save()
    ensure_in_scope(user, row, "change")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=row, before=before, after=snapshot(row))
    return row
