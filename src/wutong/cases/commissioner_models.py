"""Commissioners and the "1+1+N" grid (网格化联系服务, issue 5).

Each talent of the categories a region chooses has a named service commissioner (人才专员);
academicians and strategic talents (the top categories) also a talent secretary (人才秘书).
``GridPolicy`` is that rule per region (inherited by the regions below until one has its own),
with the number of days after which a talent nobody contacted shows up. ``TalentCare`` is the
talent's row in the grid — who looks after them and when they were last contacted — so every
list (a commissioner's talents, the gaps, the stale contacts, the workload) is one indexed query
even with a million talents. ``CareChange`` records every assignment and reassignment;
``AssignmentRule`` assigns by employer, region or category; ``Contact`` is one logged contact
(走访, 电话, 微信, 会议) with its note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec

DEFAULT_COMMISSIONER_CATEGORIES = ["A", "B", "C"]
DEFAULT_SECRETARY_CATEGORIES = ["A"]
DEFAULT_CONTACT_DAYS = 90


class CareRole(models.TextChoices):
    COMMISSIONER = "commissioner", _("人才专员")
    SECRETARY = "secretary", _("人才秘书")


class GridPolicy(models.Model):
    """A region's rule of the grid: which talent categories get a commissioner, which also a
    secretary, and after how many days without contact a talent is flagged. Regions below
    without their own policy follow the nearest one above; with none, the defaults."""

    region = models.OneToOneField("core.Region", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("地区"))
    commissioner_categories = models.JSONField(_("配备人才专员的类别"),
                                               default=list, blank=True)
    secretary_categories = models.JSONField(_("配备人才秘书的类别"), default=list, blank=True)
    contact_days = models.PositiveSmallIntegerField(_("联系周期（天）"),
                                                    default=DEFAULT_CONTACT_DAYS)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("联系服务规则")
        verbose_name_plural = _("联系服务规则")
        constraints = [
            models.CheckConstraint(condition=Q(contact_days__gte=1, contact_days__lte=730),
                                   name="gridpolicy_contact_days_range"),
        ]

    def __str__(self) -> str:
        return str(self.region)


class TalentCare(models.Model):
    """A talent's place in the grid: their commissioner and secretary (either may be empty:
    a gap) and their last contact, kept in step by the services."""

    talent = models.OneToOneField("talents.Talent", on_delete=models.CASCADE,
                                  related_name="care", verbose_name=_("人才"))
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("人才专员"), db_index=False)
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("人才秘书"), db_index=False)
    commissioner_since = models.DateField(_("专员配备日期"), null=True, blank=True)
    secretary_since = models.DateField(_("秘书配备日期"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近联系"), null=True, blank=True)
    last_contact_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("最近联系人"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="talent__region")

    class Meta:
        verbose_name = _("联系服务关系")
        verbose_name_plural = _("联系服务关系")
        indexes = [
            # "我的人才" and the workload, oldest contact first.
            models.Index(fields=["commissioner", "last_contact_on"], name="care_comm_idx"),
            models.Index(fields=["secretary", "last_contact_on"], name="care_secr_idx"),
            models.Index(fields=["last_contact_on"], name="care_last_contact_idx"),
        ]

    def __str__(self) -> str:
        return str(self.talent)


class CareChange(models.Model):
    """One assignment, reassignment or removal of a commissioner or secretary, kept forever
    (who looked after whom, from when, who decided, why)."""

    class Via(models.TextChoices):
        BULK = "bulk", _("批量指定")
        RULE = "rule", _("按规则分配")
        HANDOVER = "handover", _("离岗交接")
        REMOVE = "remove", _("取消配备")

    talent = models.ForeignKey("talents.Talent", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("人才"))
    role = models.CharField(_("角色"), max_length=12, choices=CareRole.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("原专员"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("新专员"))
    via = models.CharField(_("方式"), max_length=10, choices=Via.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("操作人"))
    changed_at = models.DateTimeField(_("时间"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="talent__region")

    class Meta:
        verbose_name = _("专员变更记录")
        verbose_name_plural = _("专员变更记录")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["talent", "-changed_at"], name="carechange_talent_idx")]

    def __str__(self) -> str:
        return f"{self.talent_id} {self.role}"


class AssignmentRule(models.Model):
    """"These talents go to that commissioner": by employer, by region (subtree) and/or by
    category. Applying the rules fills only the talents still without one, the most specific
    rule first (employer, then category, then the deepest region)."""

    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("地区"))
    role = models.CharField(_("角色"), max_length=12, choices=CareRole.choices,
                            default=CareRole.COMMISSIONER)
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("用人单位"))
    category = models.CharField(_("人才类别"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("专员"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("分配规则")
        verbose_name_plural = _("分配规则")
        ordering = ["region__path", "role", "id"]

    def __str__(self) -> str:
        return f"{self.region} → {self.user}"


class ContactForm(models.TextChoices):
    VISIT = "visit", _("走访")
    CALL = "call", _("电话")
    WECHAT = "wechat", _("微信")
    MEETING = "meeting", _("会议")


class Contact(models.Model):
    """One contact with a talent by a commissioner or secretary (or the office): when, how,
    and a note of what was discussed."""

    talent = models.ForeignKey("talents.Talent", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("人才"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"), db_index=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("联系人"), db_index=False)
    on = models.DateField(_("联系日期"))
    form = models.CharField(_("联系方式"), max_length=10, choices=ContactForm.choices)
    note = models.TextField(_("联系内容"), max_length=2000)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", owner="by")

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["talent", "-on"], name="contact_talent_idx"),
            models.Index(fields=["by", "-on"], name="contact_by_idx"),
            models.Index(fields=["region", "on"], name="contact_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.talent_id} {self.on}"
