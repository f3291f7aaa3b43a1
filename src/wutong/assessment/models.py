"""Accountability (党管人才): the year's work plan and task list (年度工作要点、任务清单), the
monthly dispatch (每月调度) with its reports, chases and proofs, project-based management
(项目化管理), the target-responsibility indicator system (目标责任制考核指标体系) with its
year-end scores and the office's adjustments, and the leaders' reports (述职).

Everything carries its region (the office's scope); what a member unit reports carries the
unit, so member-unit staff reach their own unit's tasks and reports only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec

VALUE = {"max_digits": 14, "decimal_places": 2}
POINTS = {"max_digits": 7, "decimal_places": 2}


class WorkPlan(models.Model):
    """The year's work points of a region (年度工作要点) and the task list split from them."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    source_document = models.CharField(_("来源文件"), max_length=200, blank=True)
    report_day = models.PositiveSmallIntegerField(
        _("每月报送日"), default=25,
        help_text=_("成员单位每月在此日（含）前报送当月进展；遇月末不足按月末计。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("年度工作要点")
        verbose_name_plural = _("年度工作要点")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="workplan_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="workplan_year_sane"),
            models.CheckConstraint(condition=Q(report_day__gte=1, report_day__lte=31),
                                   name="workplan_report_day_in_month"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """One task of the list (任务清单): what, which member unit leads and which help, the
    measurable target (a number with its measure, or words), the deadline and the document
    it comes from. ``is_project`` marks a project of project-based management (项目化管理)."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks",
                             verbose_name=_("年度工作要点"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    seq = models.PositiveIntegerField(_("序号"))
    point = models.CharField(_("工作要点"), max_length=200, blank=True)
    title = models.CharField(_("任务内容"), max_length=500)
    lead_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField("accounts.Unit", blank=True, related_name="+",
                                      verbose_name=_("配合单位"))
    target_value = models.DecimalField(_("目标值"), null=True, blank=True, **VALUE)
    target_measure = models.CharField(_("计量单位"), max_length=20, blank=True)
    target_text = models.CharField(_("目标要求"), max_length=300, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限说明"), max_length=40, blank=True)
    source_document = models.CharField(_("来源文件"), max_length=200, blank=True)
    is_project = models.BooleanField(_("项目化管理"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="lead_unit")

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务清单")
        ordering = ["plan", "seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="task_seq_unique"),
            models.CheckConstraint(condition=Q(target_value__isnull=True)
                                   | Q(target_value__gte=0), name="task_target_positive"),
        ]
        indexes = [models.Index(fields=["lead_unit", "plan"], name="task_unit_plan")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.title[:40]}"

    @property
    def target_display(self) -> str:
        if self.target_value is not None:
            number = f"{self.target_value.normalize():f}"
            return f"{number}{self.target_measure}"
        return self.target_text


class ProjectStage(models.TextChoices):
    START = "start", _("年初确定")
    MIDYEAR = "midyear", _("年中检查")
    FINAL = "final", _("年终结果")


class ProjectCheck(models.Model):
    """One stage of a project's year (项目化管理): the plan set at the start, the mid-year
    inspection (拉练检查) and the end-of-year result, each with a rating by the office."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checks",
                             verbose_name=_("项目"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("牵头单位"))
    stage = models.CharField(_("阶段"), max_length=8, choices=ProjectStage.choices)
    content = models.TextField(_("内容"))
    score = models.DecimalField(_("评分"), null=True, blank=True, **POINTS)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("记录人"))
    checked_on = models.DateField(_("日期"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("项目检查")
        verbose_name_plural = _("项目检查")
        ordering = ["task", "checked_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "stage"], name="project_check_once"),
            models.CheckConstraint(condition=Q(score__isnull=True)
                                   | Q(score__gte=0, score__lte=100),
                                   name="project_check_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.stage}"


class DispatchRound(models.Model):
    """One month's dispatch (每月调度) of a plan: by which day units report."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="rounds",
                             verbose_name=_("年度工作要点"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("月份"))
    due_on = models.DateField(_("报送截止"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("发起人"))
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("月度调度")
        verbose_name_plural = _("月度调度")
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="dispatch_round_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12),
                                   name="dispatch_round_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年{self.month}月调度"


class ProgressReport(models.Model):
    """A unit's report on one task for one month: the value reached so far, what was done,
    the problems, the proof; whether it came after the due day; the office's comment."""

    round = models.ForeignKey(DispatchRound, on_delete=models.CASCADE, related_name="reports",
                              verbose_name=_("月度调度"))
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports",
                             verbose_name=_("任务"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("报送单位"))
    value_reached = models.DecimalField(_("累计完成值"), null=True, blank=True, **VALUE)
    done = models.TextField(_("工作进展"))
    problems = models.TextField(_("存在问题"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"))
    is_late = models.BooleanField(_("逾期报送"), default=False)
    comment = models.TextField(_("人才办意见"), blank=True)
    commented_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("批注人"))
    commented_at = models.DateTimeField(_("批注时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["round", "task__seq"]
        constraints = [
            models.UniqueConstraint(fields=["round", "task"], name="report_once_per_month"),
            models.CheckConstraint(condition=Q(value_reached__isnull=True)
                                   | Q(value_reached__gte=0), name="report_value_positive"),
        ]
        indexes = [models.Index(fields=["unit", "round"], name="report_unit_round")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.task_id}"


class ReportProof(models.Model):
    """A proof attached to a report (佐证材料): sealed at rest like a person's attachments."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="proofs")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("文件名"), max_length=150)
    file_type = models.CharField(_("文件格式"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64, editable=False)
    storage_key = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class Chase(models.Model):
    """A chase (催报) of a unit that has not reported for a month: who, when, what was said."""

    round = models.ForeignKey(DispatchRound, on_delete=models.CASCADE, related_name="chases")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("被催报单位"))
    note = models.CharField(_("催报说明"), max_length=300, blank=True)
    chased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("催报人"))
    chased_at = models.DateTimeField(_("催报时间"), auto_now_add=True)
    notified = models.PositiveSmallIntegerField(_("已通知人数"), default=0)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-chased_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.unit_id}"


# --- indicators and scoring ------------------------------------------------------------------

class IndicatorPart(models.TextChoices):
    BASIC = "basic", _("基础指标")
    KEY = "key", _("重点任务")
    BONUS = "bonus", _("加分项")
    DEDUCTION = "deduction", _("减分项")


class Scoring(models.TextChoices):
    RATIO = "ratio", _("按完成比例（达到目标值得满分）")
    PER_ITEM = "per_item", _("按件计分（每件分值，封顶为分值）")


class IndicatorSystem(models.Model):
    """A region's indicator system for one year (目标责任制考核指标体系): the points of each
    part (e.g. basic 80 + key tasks 20, bonus up to 5) and the units it assesses."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    basic_points = models.DecimalField(_("基础指标分值"), default=80, **POINTS)
    key_points = models.DecimalField(_("重点任务分值"), default=20, **POINTS)
    bonus_cap = models.DecimalField(_("加分上限"), default=5, **POINTS)
    deduction_cap = models.DecimalField(_("减分上限"), default=10, **POINTS)
    units = models.ManyToManyField("accounts.Unit", related_name="+",
                                   verbose_name=_("被考核单位"))
    scored_at = models.DateTimeField(_("最近计分时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="indicator_system_per_year"),
            models.CheckConstraint(condition=Q(basic_points__gte=0, key_points__gte=0,
                                               bonus_cap__gte=0, deduction_cap__gte=0),
                                   name="indicator_system_points_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class MeasureMethod(models.TextChoices):
    MANUAL = "manual", _("人工录入（附佐证）")
    COMPUTED = "computed", _("平台数据自动计算")


class Indicator(models.Model):
    """One indicator: its part, points (weight), how its value is measured (entered by hand
    with proof, or a registered measure of ``assessment.measures``), how the value becomes
    points (ratio to the target, or points per item) and the units it applies to (none
    listed: every unit of the system)."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE,
                               related_name="indicators", verbose_name=_("指标体系"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    part = models.CharField(_("类别"), max_length=10, choices=IndicatorPart.choices)
    name = models.CharField(_("指标名称"), max_length=120)
    description = models.CharField(_("评分标准"), max_length=300, blank=True)
    points = models.DecimalField(_("分值"), **POINTS)
    method = models.CharField(_("计量方式"), max_length=10, choices=MeasureMethod.choices,
                              default=MeasureMethod.MANUAL)
    measure_key = models.CharField(_("计算口径"), max_length=40, blank=True)
    scoring = models.CharField(_("计分方法"), max_length=10, choices=Scoring.choices,
                               default=Scoring.RATIO)
    target = models.DecimalField(_("目标值"), null=True, blank=True, **VALUE)
    per_item = models.DecimalField(_("每件分值"), null=True, blank=True, **POINTS)
    units = models.ManyToManyField("accounts.Unit", blank=True, related_name="+",
                                   verbose_name=_("适用单位"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["system", "seq", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="indicator_points_positive"),
            models.CheckConstraint(condition=~Q(method="computed") | ~Q(measure_key=""),
                                   name="indicator_computed_has_measure"),
            models.CheckConstraint(condition=~Q(scoring="ratio") | Q(target__gt=0),
                                   name="indicator_ratio_has_target"),
            models.CheckConstraint(condition=~Q(scoring="per_item") | Q(per_item__gt=0),
                                   name="indicator_per_item_has_points"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorEntry(models.Model):
    """A value entered by hand for one unit on a manual indicator, with its proof."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"))
    value = models.DecimalField(_("完成值"), **VALUE)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    proof_name = models.CharField(_("佐证文件"), max_length=150, blank=True)
    proof_type = models.CharField(max_length=8, blank=True)
    proof_key = models.CharField(max_length=80, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("指标录入")
        verbose_name_plural = _("指标录入")
        ordering = ["indicator", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="indicator_entry_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_entry_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}"


class UnitScore(models.Model):
    """A unit's year-end score on a system: the parts, the office's adjustments (summed from
    ``ScoreAdjustment``), the total and the rank. Rewritten by each scoring run."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE,
                               related_name="scores")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"))
    basic = models.DecimalField(_("基础指标"), default=0, **POINTS)
    key = models.DecimalField(_("重点任务"), default=0, **POINTS)
    bonus = models.DecimalField(_("加分"), default=0, **POINTS)
    deduction = models.DecimalField(_("减分"), default=0, **POINTS)
    adjustment = models.DecimalField(_("调整"), default=0, **POINTS)
    total = models.DecimalField(_("总分"), default=0, **POINTS)
    rank = models.PositiveSmallIntegerField(_("排名"), default=0)
    computed_at = models.DateTimeField(_("计分时间"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("单位得分")
        verbose_name_plural = _("单位得分")
        ordering = ["system", "rank", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["system", "unit"],
                                               name="unit_score_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.total}"


class IndicatorScore(models.Model):
    """One indicator's value and points for one unit in the latest scoring run; ``source``
    says where the value came from (computed, entered, or nothing yet)."""

    score = models.ForeignKey(UnitScore, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("完成值"), null=True, **VALUE)
    points = models.DecimalField(_("得分"), default=0, **POINTS)
    source = models.CharField(_("来源"), max_length=10)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["score", "indicator__seq"]
        constraints = [models.UniqueConstraint(fields=["score", "indicator"],
                                               name="indicator_score_once")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


class ScoreAdjustment(models.Model):
    """An adjustment by the office to a unit's score, with the reason (recorded, never
    edited: a correction is another adjustment)."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE,
                               related_name="adjustments")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"))
    points = models.DecimalField(_("调整分值"), **POINTS)
    reason = models.CharField(_("调整理由"), max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("调整人"))
    made_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="unit")

    class Meta:
        verbose_name = _("得分调整")
        verbose_name_plural = _("得分调整")
        ordering = ["system", "-made_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="adjustment_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.points}"


class LeaderReport(models.Model):
    """A leader's report on talent work (抓人才工作述职): who (a county secretary or a unit's
    head), the report, the score and the comments (点评)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    leader_name = models.CharField(_("述职人"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("所在单位"))
    report = models.TextField(_("述职报告"))
    score = models.DecimalField(_("评议得分"), null=True, blank=True, **POINTS)
    comments = models.TextField(_("点评意见"), blank=True)
    reported_on = models.DateField(_("述职日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("记录人"))

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("述职记录")
        verbose_name_plural = _("述职记录")
        ordering = ["-year", "-reported_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "leader_name", "post"],
                                    name="leader_report_once"),
            models.CheckConstraint(condition=Q(score__isnull=True)
                                   | Q(score__gte=0, score__lte=100),
                                   name="leader_report_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.leader_name}"
