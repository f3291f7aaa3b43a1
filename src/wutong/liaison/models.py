"""Leaders' contact duty (领导干部联系服务专家): leaders, the local rule, who looks after whom,
the contact logs (服务日志) and the suggestions and problems raised at them.

Seed figures (shared/seeds/): Erdao — every party, congress, government and CPPCC office-holder
looks after at least 2 experts, every member-unit head at least 1, recorded in a printed
工作纪实台账 (000); Liaoyang — at least two contacts a year (003); Daqing — 1,345 experts looked
after, 1,577 suggestions gathered, 1,399 problems solved (004).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec


class LeaderBody(models.TextChoices):
    PARTY = "party", _("党委")
    CONGRESS = "congress", _("人大")
    GOVERNMENT = "government", _("政府")
    CPPCC = "cppcc", _("政协")
    UNIT = "unit", _("成员单位")


class Leader(models.Model):
    """A leader who looks after experts: an office-holder of the party committee, the
    congress (人大), the government or the CPPCC (政协), or the head of a member unit.

    Leaders often never log in: office staff record for them. ``account`` links the leader's
    own login when there is one (it then sees and writes its own logs)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    body = models.CharField(_("班子"), max_length=12, choices=LeaderBody.choices)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("成员单位"))
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("平台账号"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit", owner="account")

    class Meta:
        verbose_name = _("联系领导")
        verbose_name_plural = _("联系领导")
        ordering = ["region__code", "sort_order", "id"]
        constraints = [
            # A member-unit head names the unit; an office-holder names none.
            models.CheckConstraint(
                condition=(Q(body="unit") & Q(unit__isnull=False))
                | (~Q(body="unit") & Q(unit__isnull=True)),
                name="liaison_leader_unit_iff_unit_head"),
            models.UniqueConstraint(fields=["region", "name", "post"],
                                    name="liaison_leader_unique_post"),
        ]
        indexes = [models.Index(fields=["region", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"

    @property
    def is_unit_head(self) -> bool:
        return self.body == LeaderBody.UNIT


class DutyRule(models.Model):
    """The local rule as data, per region and year: how many experts each leader and each
    member-unit head looks after, how many contacts each expert gets a year, and who counts
    as an expert (the expert pool and the categories). A region without its own rule uses its
    nearest ancestor's, else the defaults (2, 1, 2)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"))
    year = models.PositiveIntegerField(_("年度"))
    experts_per_leader = models.PositiveSmallIntegerField(_("每位领导至少联系专家数"), default=2)
    experts_per_unit_head = models.PositiveSmallIntegerField(
        _("每位成员单位主要负责人至少联系专家数"), default=1)
    contacts_per_expert = models.PositiveSmallIntegerField(_("每位专家每年至少联系次数"),
                                                           default=2)
    expert_categories = models.JSONField(_("视为专家的人才类别"), default=list, blank=True)
    expert_pool = models.ForeignKey("talents.Pool", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("专家库"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("联系服务规则")
        verbose_name_plural = _("联系服务规则")
        constraints = [models.UniqueConstraint(fields=["region", "year"],
                                               name="liaison_rule_one_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    def required_experts(self, leader: Leader) -> int:
        return self.experts_per_unit_head if leader.is_unit_head else self.experts_per_leader


class Assignment(models.Model):
    """A leader looks after an expert (a talent) from ``started_on`` until ``ended_on``."""

    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="assignments",
                               verbose_name=_("联系领导"))
    talent = models.ForeignKey("talents.Talent", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("联系专家"))
    # The leader's region, kept on the row so coverage is one filter (set by the services).
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="leader__unit", owner="leader__account")

    class Meta:
        verbose_name = _("联系关系")
        verbose_name_plural = _("联系关系")
        constraints = [
            models.UniqueConstraint(fields=["leader", "talent"],
                                    condition=Q(ended_on__isnull=True),
                                    name="liaison_assignment_one_open"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True)
                                   | Q(ended_on__gte=models.F("started_on")),
                                   name="liaison_assignment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["region", "ended_on"]),
                   models.Index(fields=["talent", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.leader.name} · {self.talent}"


class ContactForm(models.TextChoices):
    VISIT = "visit", _("走访")
    FORUM = "forum", _("座谈")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    RESEARCH = "research", _("调研")
    OTHER = "other", _("其他")


class Contact(models.Model):
    """One entry of a leader's service log (服务日志): when, how, with which experts, what
    was discussed. Suggestions and problems raised are ``Item`` rows of it."""

    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="contacts",
                               verbose_name=_("联系领导"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    on = models.DateField(_("联系日期"))
    form = models.CharField(_("联系方式"), max_length=12, choices=ContactForm.choices)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    experts = models.ManyToManyField("talents.Talent", related_name="+",
                                     verbose_name=_("联系专家"))
    summary = models.TextField(_("交流内容"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="leader__unit", owner="leader__account")

    class Meta:
        verbose_name = _("服务日志")
        verbose_name_plural = _("服务日志")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["region", "on"]),
                   models.Index(fields=["leader", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.leader.name} {self.get_form_display()}"


class ItemKind(models.TextChoices):
    SUGGESTION = "suggestion", _("意见建议")
    PROBLEM = "problem", _("问题")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    IN_CASE = "in_case", _("已转服务事项")
    SOLVED = "solved", _("已解决")
    DECLINED = "declined", _("暂不采纳")


class Item(models.Model):
    """A suggestion (意见建议) or a problem raised at a contact, with its own status. It can
    become a service case (``core.links`` source ``liaison.problem``); the case's status and
    link come back here (``case_status``, ``case_closed``, ``case_url``) until it is answered."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("服务日志"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    text = models.TextField(_("内容"))
    talent = models.ForeignKey("talents.Talent", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("提出人"))
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)
    answer = models.TextField(_("办理情况"), blank=True)
    solved_on = models.DateField(_("解决日期"), null=True, blank=True)
    case_status = models.CharField(_("服务事项状态"), max_length=40, blank=True)
    case_closed = models.BooleanField(_("服务事项已办结"), default=False)
    case_url = models.CharField(_("服务事项链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="contact__leader__unit",
                      owner="contact__leader__account")

    class Meta:
        verbose_name = _("意见建议和问题")
        verbose_name_plural = _("意见建议和问题")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="solved") | Q(solved_on__isnull=False),
                                   name="liaison_item_solved_has_date"),
        ]
        indexes = [models.Index(fields=["region", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:30]}"

    @property
    def source_key(self) -> str:
        return f"liaison.problem:{self.pk}"
