"""Service cases (人才服务诉求): the local catalogue of case types with their responsible unit
and deadline, the case with its loop (raised → accepted → assigned → handled → answered →
confirmed and rated → closed, or reopened), every step of it, co-handling units, escalations
of overdue cases, and the local working-day overrides of the deadline calendar.

Deadlines are dates counted in working days (``cases.workdays``); while the case waits for
the requester (补充材料, 待确认) the clock is stopped and the working days left are kept in
``remaining_days``. The sweep (``cases.sweep``) escalates overdue cases level by level, each
level once per case (a database constraint), and these records feed the member units'
assessment later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec


class CaseType(models.Model):
    """One entry of a region's case catalogue (子女入学, 配偶就业, 一事一议…): the member unit
    that answers for it, the deadline in working days and how many working days before it
    the handler is warned. A case takes the type of the talent's region or of a region above."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    name = models.CharField(_("诉求类型"), max_length=40)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("责任单位"))
    deadline_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=10)
    warn_days = models.PositiveSmallIntegerField(_("提前预警（工作日）"), default=2)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("诉求类型")
        verbose_name_plural = _("诉求类型")
        ordering = ["region__code", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="casetype_name_unique"),
            models.CheckConstraint(condition=Q(deadline_days__gte=1, deadline_days__lte=120),
                                   name="casetype_deadline_range",
                                   violation_error_message=_("办理时限须在 1–120 个工作日之间。")),
            models.CheckConstraint(condition=Q(warn_days__lt=models.F("deadline_days")),
                                   name="casetype_warn_before_deadline",
                                   violation_error_message=_("预警天数须少于办理时限。")),
        ]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    RAISED = "raised", _("已提交，待受理")
    ACCEPTED = "accepted", _("已受理，待交办")
    ASSIGNED = "assigned", _("已交办，待办理")
    HANDLING = "handling", _("办理中")
    WAITING = "waiting", _("待补充材料")
    ANSWERED = "answered", _("已答复，待确认")
    CLOSED = "closed", _("已办结")
    DECLINED = "declined", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# The clock runs in these; it is stopped while the case waits for the requester.
RUNNING = (CaseStatus.RAISED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.HANDLING)
PAUSED = (CaseStatus.WAITING, CaseStatus.ANSWERED)
OPEN = RUNNING + PAUSED
FINAL = (CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.WITHDRAWN)
# Plain strings for queries (``status__in``).
RUNNING_VALUES = [str(s.value) for s in RUNNING]
OPEN_VALUES = [str(s.value) for s in OPEN]


class RequesterKind(models.TextChoices):
    TALENT = "talent", _("人才本人")
    EMPLOYER = "employer", _("用人单位")
    COMMISSIONER = "commissioner", _("人才专员代提")
    LEADER = "leader", _("联系领导代提")
    OFFICE = "office", _("人才办代提")


class Case(models.Model):
    """A need raised for a talent (服务诉求): by the talent, their employer, or a commissioner,
    leader or the office on their behalf. ``region`` is the talent's region (the office's
    scope); ``unit`` the unit answering for it now (the member unit's scope), ``handler``
    its officer. ``due_on`` is the deadline (a date, end of that working day); while paused
    it is kept but ``remaining_days`` holds the working days left when the clock stopped.
    ``employer`` is set only when an employer raised the case for one of its people: an
    employer sees those, never the cases a talent raised for themself.
    ``source_key`` links the record it came from (``core.links``, e.g. a problem a leader
    heard), told of every status change."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("诉求类型"))
    talent = models.ForeignKey("talents.Talent", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("人才"))
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("代提单位"))
    title = models.CharField(_("诉求标题"), max_length=100)
    content = models.TextField(_("诉求内容"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("提出人"))
    requester_kind = models.CharField(_("提出方式"), max_length=12,
                                      choices=RequesterKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.RAISED)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("承办单位"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("经办人"))
    raised_at = models.DateTimeField(_("提出时间"))
    due_on = models.DateField(_("办理期限"))
    remaining_days = models.SmallIntegerField(_("暂停时剩余工作日"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("答复意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    is_supervised = models.BooleanField(_("督办"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("超期升级层级"), default=0)
    source_key = models.CharField(_("来源"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit", owner="talent__account",
                      employer="employer")

    class Meta:
        verbose_name = _("服务诉求")
        verbose_name_plural = _("服务诉求")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1,
                                                           satisfaction__lte=5),
                name="case_satisfaction_1_5"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="case_closed_has_time"),
            models.CheckConstraint(
                condition=Q(status__in=["raised", "accepted", "declined", "withdrawn"]) |
                Q(unit__isnull=False), name="case_assigned_has_unit"),
            models.CheckConstraint(condition=Q(escalation_level__lte=4),
                                   name="case_escalation_level_range"),
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key="") & ~Q(status__in=["declined", "withdrawn"]),
                name="case_one_per_source"),
        ]
        indexes = [
            # The office's lists and counts over its regions (covering: status, deadline
            # and unit inside, so counts and the overdue figures per unit read the index).
            models.Index(fields=["region", "status", "due_on", "unit"],
                         name="case_region_status"),
            # A unit's queue and its overdue list, nearest deadline first.
            models.Index(fields=["unit", "status", "due_on"], name="case_unit_queue"),
            # The daily sweep: running cases past a date, whatever the region.
            models.Index(fields=["status", "due_on"], name="case_status_due"),
            # The office's list, newest first: the ids of one page come from this index
            # alone, whatever the planner's statistics say.
            models.Index(fields=["region", "raised_at"], name="case_region_raised"),
            models.Index(fields=["talent", "raised_at"], name="case_talent"),
            models.Index(fields=["requester", "raised_at"], name="case_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        """"SQ2026-000123": the year it was raised and its number."""
        year = self.raised_at.year if self.raised_at else ""
        return f"SQ{year}-{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED


class StepKind(models.TextChoices):
    RAISE = "raise", _("提出诉求")
    ACCEPT = "accept", _("受理")
    DECLINE = "decline", _("不予受理")
    ASSIGN = "assign", _("交办")
    CLAIM = "claim", _("接办")
    NOTE = "note", _("办理记录")
    REQUEST_INFO = "request_info", _("请补充材料")
    SUPPLY = "supply", _("补充材料")
    ANSWER = "answer", _("答复")
    CONFIRM = "confirm", _("确认评价")
    REOPEN = "reopen", _("重新办理")
    TRANSFER = "transfer", _("转办")
    COHANDLE = "cohandle", _("协办")
    SUPERVISE = "supervise", _("督办")
    WITHDRAW = "withdraw", _("撤回")
    ESCALATE = "escalate", _("超期升级")


class CaseStep(models.Model):
    """One recorded step of a case: who (and for which unit), when, what, the status before
    and after. Internal notes (``is_internal``) are for the units and the office only; the
    requester sees the rest as the case's progress."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=12, choices=StepKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人姓名"), max_length=60, blank=True)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("单位"))
    text = models.TextField(_("内容"), blank=True)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    is_internal = models.BooleanField(_("仅内部可见"), default=False)
    at = models.DateTimeField(_("时间"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="case__region", unit="case__unit", owner="case__talent__account",
                      employer="case__employer")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casestep_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseCoUnit(models.Model):
    """A unit that helps handle a case (协办单位): it sees the case and adds notes; the
    answering unit stays ``Case.unit``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_units")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("协办单位"))
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="case__region", unit="unit")

    class Meta:
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")
        constraints = [models.UniqueConstraint(fields=["case", "unit"],
                                               name="casecounit_unique")]
        indexes = [models.Index(fields=["unit", "case"], name="casecounit_unit")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.unit_id}"


class Escalation(models.Model):
    """One escalation of an overdue case to a level of the hierarchy: 1 the handler, 2 the
    unit, 3 the talent office of the case's region, 4 the office of the region above. Each
    level is recorded once per case (and again only after a reopen, with a new round)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("层级"))
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("承办单位"))
    due_on = models.DateField(_("办理期限"))
    at = models.DateTimeField(_("升级时间"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="case__region", unit="unit")

    class Meta:
        verbose_name = _("超期升级")
        verbose_name_plural = _("超期升级")
        ordering = ["case", "round", "level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round", "level"],
                                    name="escalation_once_per_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4),
                                   name="escalation_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} L{self.level}"


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class WorkdayOverride(models.Model):
    """A day the office enters itself: a holiday or a make-up working day (调休) of a year the
    calendar package does not know yet, or a local correction. It wins over the package."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=OverrideKind.choices)
    note = models.CharField(_("说明"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


from wutong.cases import commissioner_models  # noqa: E402,F401  (the 1+1+N grid's models)
