"""Policies (1+N), special funds, benefits with rules as data and dated amounts, and the
entitlements a scan finds without anyone applying (免申即享).

Money is integer fen everywhere (``fen_to_cny`` shows it as CNY with two decimals). The
application → review → public notice → payment workflow builds on ``Entitlement`` (an accepted
offer becomes an application), ``Benefit.review_units`` (the chain) and ``Fund`` (its
``committed``/``paid`` come from those later models, see ``Fund.committed_fen``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedManager, ScopeSpec


def fen_to_cny(fen: int | None) -> str:
    """12345678 → "123,456.78" (CNY with two decimals); None → "—"."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


class Policy(models.Model):
    """A policy document (政策文件) of a region: title, 文号, issuer, effective period, text.

    ``parent`` places it in a "1+N" family: the master policy (parent empty) and the N
    supporting implementation rules (实施细则) under it.
    """

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    title = models.CharField(_("政策名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发文单位"), max_length=120, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("所属主政策"))
    text = models.TextField(_("政策原文"), blank=True)
    attachment_name = models.CharField(_("附件"), max_length=150, blank=True)
    attachment_key = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-effective_from", "id"]

    def __str__(self) -> str:
        return self.title


class Fund(models.Model):
    """A special fund (专项资金) of a region for one budget year, its budget in fen.

    Committed and paid money come from the redemption workflow's payments
    (``redemption_services.fund_totals``, read once per fund object).
    """

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    name = models.CharField(_("资金名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    budget_fen = models.BigIntegerField(_("年度预算（分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("专项资金")
        verbose_name_plural = _("专项资金")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "year"], name="fund_unique_year"),
            models.CheckConstraint(condition=Q(budget_fen__gte=0), name="fund_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"

    def _totals(self) -> dict[str, int]:
        if not hasattr(self, "_payment_totals"):
            from wutong.policies.redemption_services import fund_totals

            self._payment_totals = fund_totals([self.pk])[self.pk]
        return self._payment_totals

    @property
    def committed_fen(self) -> int:
        """Money promised and not yet paid: scheduled instalments and held ones."""
        totals = self._totals()
        return totals["committed"] + totals["held"]

    @property
    def paid_fen(self) -> int:
        """Money paid out in payment batches."""
        return self._totals()["paid"]

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.committed_fen - self.paid_fen


class PaymentKind(models.TextChoices):
    ONCE = "once", _("一次性发放")
    MONTHLY = "monthly", _("按月发放")
    YEARLY = "yearly", _("按年分期")


class Benefit(models.Model):
    """A benefit (政策事项) a policy promises: who qualifies (the published rule version),
    how much (dated ``BenefitAmount`` rows by tier), how it is paid (once, monthly for N
    months, yearly over N years), its limits (per-person cap, exclusion group 就高不重复,
    the fund), and what its redemption needs (materials, review chain, public-notice days).
    """

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="benefits",
                               verbose_name=_("政策文件"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("适用地区"))
    name = models.CharField(_("事项名称"), max_length=120)
    summary = models.CharField(_("简介"), max_length=300, blank=True)
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="benefits", verbose_name=_("资金来源"))
    payment_kind = models.CharField(_("发放方式"), max_length=10, choices=PaymentKind.choices,
                                    default=PaymentKind.ONCE)
    periods = models.PositiveSmallIntegerField(
        _("期数"), default=1, help_text=_("按月发放为月数，按年分期为年数，一次性为 1。"))
    cap_fen = models.BigIntegerField(_("每人封顶（分）"), null=True, blank=True)
    exclusion_group = models.CharField(
        _("互斥组"), max_length=40, blank=True,
        help_text=_("同组事项就高不重复：同一人只享受组内金额最高的一项。"))
    materials = models.JSONField(_("申报材料"), default=list, blank=True)
    review_units = models.ManyToManyField("accounts.Unit", through="BenefitReviewStep",
                                          related_name="+", blank=True,
                                          verbose_name=_("审核单位"))
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=5)
    legal_reference = models.CharField(_("政策依据"), max_length=300, blank=True)
    current_version = models.ForeignKey("BenefitRuleVersion", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("现行规则版本"))
    is_published = models.BooleanField(_("已发布"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("政策事项")
        verbose_name_plural = _("政策事项")
        ordering = ["region__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="benefit_name_unique"),
            models.CheckConstraint(condition=Q(periods__gte=1), name="benefit_periods_min"),
        ]

    def __str__(self) -> str:
        return self.name


class BenefitReviewStep(models.Model):
    """One step of a benefit's review chain: which member unit reviews, in what order."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="review_steps")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("审核单位"))
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        ordering = ["benefit", "order"]
        constraints = [models.UniqueConstraint(fields=["benefit", "order"],
                                               name="review_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.unit}"


class BenefitRuleVersion(models.Model):
    """A published version of a benefit's rule: the JSON tree over the fact vocabulary
    (``policies.facts``), numbered; decisions and entitlements keep the version they used."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    rule = models.JSONField(_("条件"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("发布人"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["benefit", "-number"]
        constraints = [models.UniqueConstraint(fields=["benefit", "number"],
                                               name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.benefit} v{self.number}"


class BenefitAmount(models.Model):
    """A dated amount (OpenFisca-style parameter): from ``effective_from`` on, a person of
    ``tier`` (a talent category code A–E, or "" for everyone else) gets ``amount_fen`` per
    payment period. The amount in force on the decisive date is the latest one not after it."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="amounts")
    tier = models.CharField(_("人才类别"), max_length=20, blank=True)
    effective_from = models.DateField(_("起始日期"))
    amount_fen = models.BigIntegerField(_("每期金额（分）"))

    class Meta:
        verbose_name = _("事项金额")
        verbose_name_plural = _("事项金额")
        ordering = ["benefit", "tier", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "tier", "effective_from"],
                                    name="benefit_amount_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.tier or '*'} {self.effective_from}"


class TalentFactSupplement(models.Model):
    """Facts about a talent the registry does not hold (yet): months of social insurance paid
    locally, whether they own housing here. Kept by the policies side, dated by ``as_of``;
    a missing row means "unknown" (a rule needing the fact does not hold)."""

    talent = models.OneToOneField("talents.Talent", on_delete=models.CASCADE,
                                  related_name="fact_supplement")
    social_insurance_months_local = models.PositiveSmallIntegerField(
        _("本地社保缴纳月数"), null=True, blank=True)
    owns_housing_locally = models.BooleanField(_("本地有自有住房"), null=True, blank=True)
    as_of = models.DateField(_("数据日期"))
    source = models.CharField(_("数据来源"), max_length=60, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="talent__region", employer="talent__employer",
                      owner="talent__account")

    class Meta:
        verbose_name = _("补充事实")
        verbose_name_plural = _("补充事实")

    def __str__(self) -> str:
        return f"{self.talent_id} @ {self.as_of}"


class ScanRun(models.Model):
    """One scan (免申即享) of published benefits over the registry: when, who or which task,
    the decisive date, and what changed since the last run (counts; the rows themselves are
    the entitlements whose ``found_run``, ``changed_run`` or ``ended_run`` is this run)."""

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    on_date = models.DateField(_("判定日期"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("发起人"))
    trigger = models.CharField(_("触发方式"), max_length=20, default="manual")
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("范围"))
    benefits = models.PositiveIntegerField(_("事项数"), default=0)
    found = models.PositiveIntegerField(_("符合人次"), default=0)
    added = models.PositiveIntegerField(_("新增"), default=0)
    removed = models.PositiveIntegerField(_("不再符合"), default=0)
    amount_changed = models.PositiveIntegerField(_("金额变化"), default=0)
    per_benefit = models.JSONField(_("分事项统计"), default=dict, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", owner="started_by")

    class Meta:
        verbose_name = _("主动发现批次")
        verbose_name_plural = _("主动发现批次")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class EntitlementStatus(models.TextChoices):
    NEW = "new", _("新发现")
    OFFERED = "offered", _("已推送")
    ACCEPTED = "accepted", _("已确认申领")
    DISMISSED = "dismissed", _("已放弃")
    SUPERSEDED = "superseded", _("已失效")


LIVE_STATUSES = (EntitlementStatus.NEW, EntitlementStatus.OFFERED, EntitlementStatus.ACCEPTED,
                 EntitlementStatus.DISMISSED)
OPEN_STATUSES = (EntitlementStatus.NEW, EntitlementStatus.OFFERED)


class Entitlement(models.Model):
    """A benefit a scan found a talent qualifies for (免申即享): the amount over the whole
    term (after cap and exclusion), the tier and rule version it was found with, its status.

    At most one live row per talent and benefit; a row that no longer qualifies becomes
    ``superseded`` (history). ``region`` is the talent's region, copied so scoped lists of
    millions of rows read one index.

    Rows are derived (a scan writes millions in one statement), so their references carry no
    database FK constraint: checking five of them per row doubled a first scan on PostgreSQL.
    Django still applies every ``on_delete`` (a deleted talent or benefit takes its rows), and
    the scan only writes ids it has just read in the same transaction.
    """

    talent = models.ForeignKey("talents.Talent", on_delete=models.CASCADE,
                               related_name="+", db_index=False, db_constraint=False,
                               verbose_name=_("人才"))
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="entitlements",
                                db_index=False, db_constraint=False, verbose_name=_("政策事项"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False, verbose_name=_("所属地区"))
    rule_version = models.ForeignKey(BenefitRuleVersion, null=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False, db_constraint=False,
                                     verbose_name=_("规则版本"))
    tier = models.CharField(_("人才类别"), max_length=20, blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    previous_amount_fen = models.BigIntegerField(_("原金额（分）"), null=True, blank=True)
    found_on = models.DateField(_("发现日期"))
    status = models.CharField(_("状态"), max_length=12, choices=EntitlementStatus.choices,
                              default=EntitlementStatus.NEW)
    found_run = models.ForeignKey(ScanRun, null=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False, db_constraint=False)
    changed_run = models.ForeignKey(ScanRun, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False, db_constraint=False)
    ended_run = models.ForeignKey(ScanRun, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False, db_constraint=False)
    offered_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", employer="talent__employer", owner="talent__account")

    class Meta:
        verbose_name = _("待遇（免申即享）")
        verbose_name_plural = _("待遇（免申即享）")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "benefit"],
                                    condition=~Q(status="superseded"),
                                    name="entitlement_one_live"),
        ]
        indexes = [models.Index(fields=["region", "benefit", "status"],
                                name="entitlement_region_benefit")]

    def __str__(self) -> str:
        return f"{self.talent_id} · {self.benefit_id}"

    @property
    def amount_cny(self) -> str:
        return fen_to_cny(self.amount_fen)


from wutong.policies.redemption_models import *  # noqa: E402, F403
