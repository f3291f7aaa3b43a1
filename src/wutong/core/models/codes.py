"""Code tables (字典): national standards shipped as data, local catalogues per region."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedQuerySet, ScopeSpec


class CodeTable(models.Model):
    """One code table: a national standard (read-only) or a local catalogue (editable).

    National tables are loaded from ``core/data/codes/*.csv``, whose header names the standard
    and its year. Local catalogues (talent categories, benefit types…) hold items per region,
    optionally per year, and the talent office of each region edits its own.
    """

    key = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    standard = models.CharField(_("依据标准"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("标准年份"), null=True, blank=True)
    is_local = models.BooleanField(_("地方目录"), default=False,
                                   help_text=_("地方目录由各地人才办按地区维护"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("字典")
        verbose_name_plural = _("字典")
        ordering = ["is_local", "key"]

    def __str__(self) -> str:
        return self.name


class CodeItemQuerySet(RestrictedQuerySet):
    def of(self, table_key: str) -> CodeItemQuerySet:
        return self.filter(table__key=table_key, is_active=True)

    def for_region(self, region_ids) -> CodeItemQuerySet:
        """National items plus the local items of the given regions."""
        return self.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))


class CodeItem(models.Model):
    """One entry of a code table; local entries carry their region (and year, if versioned)."""

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("字典"))
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name=_("地区"))
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=120)
    parent_code = models.CharField(_("上级代码"), max_length=20, blank=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CodeItemQuerySet.as_manager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["table", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], condition=Q(region__isnull=True),
                                    name="codeitem_national_unique"),
            models.UniqueConstraint(fields=["table", "region", "code"],
                                    condition=Q(region__isnull=False, year__isnull=True),
                                    name="codeitem_local_unique"),
            models.UniqueConstraint(fields=["table", "region", "year", "code"],
                                    condition=Q(region__isnull=False, year__isnull=False),
                                    name="codeitem_local_year_unique"),
        ]

    def __str__(self) -> str:
        return self.name
