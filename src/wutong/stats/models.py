"""Figures of the stats app: precomputed snapshots per region, the resident population and
intake target the office enters, and the log of refreshes (which also keeps two refresh
chains from running side by side)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec


class FigureSnapshot(models.Model):
    """The figures of one region's subtree as computed at ``computed_at`` (``data`` is the
    JSON the pages render: totals, breakdowns, intake, funds, cases, liaison, unit scores).
    One row per region, rewritten by each refresh; never shown when older than
    ``stats.selectors.MAX_AGE`` without being recomputed first."""

    region = models.OneToOneField("core.Region", on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("地区"))
    year = models.PositiveSmallIntegerField(_("统计年度"))
    computed_at = models.DateTimeField(_("数据时间"))
    seconds = models.FloatField(_("计算耗时（秒）"), default=0)
    data = models.JSONField(_("数据"), default=dict)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("数据快照")
        verbose_name_plural = _("数据快照")
        ordering = ["region__code"]
        permissions = [("export_figuresnapshot", "Can export figures")]

    def __str__(self) -> str:
        return f"{self.region_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class RegionPopulation(models.Model):
    """A region's resident population (常住人口) and its intake target (年度引进目标,
    people to bring in during the year), entered by the office for each year."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    population = models.PositiveIntegerField(_("常住人口（人）"))
    intake_target = models.PositiveIntegerField(_("年度引进目标（人）"), default=0)
    note = models.CharField(_("数据来源"), max_length=120, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("常住人口与引进目标")
        verbose_name_plural = _("常住人口与引进目标")
        ordering = ["region__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="population_once_a_year"),
            models.CheckConstraint(condition=Q(population__gt=0), name="population_positive"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="population_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.population}"


class FigureRefresh(models.Model):
    """One refresh of the snapshots. ``slot`` (the five-minute slot a periodic refresh runs
    in, unique) is claimed by inserting the row: a second chain of the periodic task finding
    its slot taken stops, so chains never multiply; inline and manual refreshes leave it
    empty."""

    slot = models.BigIntegerField(null=True, blank=True, unique=True)
    trigger = models.CharField(_("触发方式"), max_length=12)
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("地区"))
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    snapshots = models.PositiveIntegerField(_("快照数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("数据刷新")
        verbose_name_plural = _("数据刷新")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.trigger} {self.started_at:%Y-%m-%d %H:%M}"
