"""Regions: the GB/T 2260 tree plus the functional zones an office adds."""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedQuerySet, ScopeSpec


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    ZONE = "zone", _("功能区")


class RegionQuerySet(RestrictedQuerySet):
    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """A place: province, prefecture, county (GB/T 2260 code) or a functional zone.

    ``path`` is the chain of codes from the root ("210000/211000/211003/"), so a subtree is one
    indexed prefix match. Functional zones (高新区, 开发区) have no national code; they get a
    local one, the parent's code followed by "Z" and a number (e.g. "211000Z01").
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=200, db_index=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = RegionQuerySet.as_manager()
    scope = ScopeSpec(region="pk")

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def full_name(self) -> str:
        """"黑龙江省大庆市萨尔图区": the names along the path, in one query."""
        return "".join(r.name for r in self.ancestors())

    @property
    def is_zone(self) -> bool:
        return self.level == RegionLevel.ZONE

    def subtree_ids(self) -> frozenset[int]:
        return frozenset(Region.objects.filter(path__startswith=self.path).values_list("pk",
                                                                                       flat=True))

    def ancestors(self) -> list[Region]:
        codes = [c for c in self.path.strip("/").split("/") if c]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]
