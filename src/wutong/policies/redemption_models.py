"""Policy redemption (政策兑现): applications, their review chain, one-time corrections
(一次性补正), uploaded materials, public notices (公示), payments and payment batches.

Money is integer fen. The guarantees against double payment are in the database: one open
application per talent and benefit (a new one only after a rejection), one approval per
step, and one payment per talent, benefit and period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec
from wutong.policies.models import Benefit, BenefitRuleVersion, Entitlement, Fund, fen_to_cny

__all__ = [
    "Application", "ApplicationMaterial", "ApplicationSource", "ApplicationStatus",
    "ApplicationStep", "NoticeStatus", "Payment", "PaymentBatch", "PaymentBatchStatus",
    "PaymentStatus", "PublicNotice", "ReturnRequest", "StepDecision",
]


class ApplicationSource(models.TextChoices):
    TALENT = "talent", _("本人申报")
    EMPLOYER = "employer", _("单位代报")
    OFFER = "offer", _("免申即享确认")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("待提交")
    SUBMITTED = "submitted", _("已提交，待审核")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("不予通过")
    HELD = "held", _("资金不足，暂缓")
    APPROVED = "approved", _("审核通过，待公示")
    NOTICE = "notice", _("公示中")
    PAYABLE = "payable", _("公示期满，待发放")
    PAID = "paid", _("已发放完毕")


# An applicant may change and upload in these; reviewers decide in REVIEWABLE.
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
REVIEWABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


class Application(models.Model):
    """One talent's application for one benefit (申领): who filed it (the talent, their
    employer in a batch, or an accepted offer), where it stands in the benefit's review chain
    (``current_step``/``current_unit``), and what it was decided on: the rule version, the
    explanation (a JSON snapshot of ``engine.person_results``), the tier and the amount in fen
    over the whole term.

    ``region`` is the talent's region (the office's scope); member-unit staff reach the
    application only while it waits at their unit's step (``current_unit``).
    """

    talent = models.ForeignKey("talents.Talent", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("人才"))
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("政策事项"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("代报单位"))
    entitlement = models.ForeignKey(Entitlement, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="applications",
                                    verbose_name=_("来源待遇"))
    source = models.CharField(_("申报方式"), max_length=10, choices=ApplicationSource.choices)
    status = models.CharField(_("状态"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("申报人"))
    note = models.TextField(_("申报说明"), blank=True)
    current_step = models.PositiveSmallIntegerField(_("当前环节"), default=0)
    current_unit = models.ForeignKey("accounts.Unit", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("当前审核单位"))
    rule_version = models.ForeignKey(BenefitRuleVersion, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("规则版本"))
    explanation = models.JSONField(_("判定依据"), default=dict, blank=True)
    decisive_date = models.DateField(_("判定日期"), null=True, blank=True)
    tier = models.CharField(_("人才类别"), max_length=20, blank=True)
    amount_fen = models.BigIntegerField(_("申领金额（分）"), default=0)
    held_reason = models.CharField(_("暂缓原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="current_unit", owner="talent__account",
                      employer="talent__employer")

    class Meta:
        verbose_name = _("兑现申请")
        verbose_name_plural = _("兑现申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "benefit"],
                                    condition=~Q(status="rejected"),
                                    name="application_one_open"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0),
                                   name="application_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["current_unit", "status"], name="application_unit_queue"),
            models.Index(fields=["region", "status"], name="application_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.benefit_id}-{self.pk}"

    @property
    def amount_cny(self) -> str:
        return fen_to_cny(self.amount_fen)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class StepDecision(models.TextChoices):
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回补正")
    REJECT = "reject", _("不予通过")


class ApplicationStep(models.Model):
    """One decision of one review step: the unit, its order in the chain, the reviewer,
    approve / return for correction / reject, the reason and the time, and the rule version
    and explanation the decision was made on. A step is approved at most once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="steps")
    order = models.PositiveSmallIntegerField(_("环节"))
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("审核单位"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("审核人"))
    reviewer_name = models.CharField(_("审核人姓名"), max_length=60, blank=True)
    decision = models.CharField(_("审核意见"), max_length=8, choices=StepDecision.choices)
    reason = models.TextField(_("理由"), blank=True)
    rule_version = models.ForeignKey(BenefitRuleVersion, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("规则版本"))
    explanation = models.JSONField(_("判定依据"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="application__region", unit="application__current_unit",
                      owner="application__talent__account",
                      employer="application__talent__employer")

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["application", "decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"],
                                    condition=Q(decision="approve"),
                                    name="application_step_approved_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.order} {self.decision}"


class ReturnRequest(models.Model):
    """A return for correction (一次性补正): every missing or wrong item listed at once
    (``items``: [{"text": …, "material": name or ""}]), answered together by the applicant
    (``answers``: one text per item, uploads as ``ApplicationMaterial`` rows pointing here).
    At most one open request per application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="return_requests")
    step = models.OneToOneField(ApplicationStep, on_delete=models.CASCADE, related_name="+")
    items = models.JSONField(_("补正事项"), default=list)
    answers = models.JSONField(_("补正说明"), default=list, blank=True)
    requested_at = models.DateTimeField(_("退回时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="application__region", unit="application__current_unit",
                      owner="application__talent__account",
                      employer="application__talent__employer")

    class Meta:
        verbose_name = _("补正通知")
        verbose_name_plural = _("补正通知")
        ordering = ["application", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application"],
                                    condition=Q(answered_at__isnull=True),
                                    name="return_request_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ({len(self.items)})"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ApplicationMaterial(models.Model):
    """A document uploaded for an application: one of the benefit's required materials that
    is not already in the talent's file, or one asked for by a return request. Sealed at rest
    (``core.security.crypto`` through ``talents.attachments.blob_store``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="materials")
    name = models.CharField(_("材料名称"), max_length=120)
    return_request = models.ForeignKey(ReturnRequest, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="materials")
    filename = models.CharField(_("文件名"), max_length=150)
    file_type = models.CharField(_("文件格式"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64, editable=False)
    storage_key = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="application__region", unit="application__current_unit",
                      owner="application__talent__account",
                      employer="application__talent__employer")

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "name", "-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("已结束")


class PublicNotice(models.Model):
    """A public notice (公示) of the applications of one benefit approved along its chain:
    from ``starts_on`` for the benefit's ``notice_days``. Names and ID numbers are shown
    masked; closing it makes its applications payable."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="notices",
                                verbose_name=_("政策事项"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    title = models.CharField(_("公示标题"), max_length=200)
    applications = models.ManyToManyField(Application, related_name="notices",
                                          verbose_name=_("公示名单"))
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    status = models.CharField(_("状态"), max_length=8, choices=NoticeStatus.choices,
                              default=NoticeStatus.OPEN)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("发布人"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", owner="published_by")

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="notice_dates_ordered")]

    def __str__(self) -> str:
        return self.title


class PaymentBatchStatus(models.TextChoices):
    DRAFT = "draft", _("待发放")
    PAID = "paid", _("已发放")


class PaymentBatch(models.Model):
    """A payment batch (发放批次) of one fund: the instalments due up to ``due_by`` of payable
    applications, their total, and whether the money has gone out."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payment_batches",
                             verbose_name=_("资金来源"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    title = models.CharField(_("批次名称"), max_length=120)
    due_by = models.DateField(_("截至应发日期"))
    status = models.CharField(_("状态"), max_length=8, choices=PaymentBatchStatus.choices,
                              default=PaymentBatchStatus.DRAFT)
    total_fen = models.BigIntegerField(_("合计（分）"), default=0)
    count = models.PositiveIntegerField(_("笔数"), default=0)
    held_count = models.PositiveIntegerField(_("暂缓笔数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("确认人"))
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", owner="created_by")

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def total_cny(self) -> str:
        return fen_to_cny(self.total_fen)


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待发放")
    IN_BATCH = "in_batch", _("已列入批次")
    HELD = "held", _("超出预算，暂缓")
    PAID = "paid", _("已发放")


COMMITTED_PAYMENTS = (PaymentStatus.SCHEDULED, PaymentStatus.IN_BATCH)


class Payment(models.Model):
    """One instalment of an approved application: the period it pays for ("once", a month
    "2026-03" or a year "2026"), when it is due, the amount and the fund (the fund of the
    benefit for that year). A talent is paid once per benefit and period: the database
    refuses a second row."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="payments")
    talent = models.ForeignKey("talents.Talent", on_delete=models.PROTECT, related_name="+")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payments",
                             verbose_name=_("资金来源"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("期间"), max_length=10)
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("应发日期"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.SCHEDULED)
    batch = models.ForeignKey(PaymentBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="payments", verbose_name=_("发放批次"))
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", owner="talent__account", employer="talent__employer")

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "benefit", "period"],
                                    name="payment_once_per_period"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0),
                                   name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["fund", "status", "due_on"],
                                name="payment_fund_due")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.period}"

    @property
    def amount_cny(self) -> str:
        return fen_to_cny(self.amount_fen)
