"""Writes of the policies app: policies, funds, benefits, their rules and amounts, supplement
facts, scans and offers. Each is keyword-only, inside a transaction, checks the writer's scope
before and after, and writes the audit log."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region
from wutong.policies.models import (
    Benefit,
    BenefitAmount,
    BenefitReviewStep,
    BenefitRuleVersion,
    Entitlement,
    EntitlementStatus,
    Fund,
    PaymentKind,
    Policy,
    TalentFactSupplement,
)
from wutong.policies.rules import validate_rule


def _need(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


@transaction.atomic
def policy_save(*, user, region: Region, title: str, effective_from: dt.date,
                policy: Policy | None = None, doc_number: str = "", issuer: str = "",
                effective_to: dt.date | None = None, parent: Policy | None = None,
                text: str = "") -> Policy:
    """Create or change a policy document; a supporting policy names its master (1+N)."""
    _need(user, "policies.change_policy" if policy else "policies.add_policy")
    details = []
    if not (title or "").strip():
        details.append({"field": "title", "message": _("请填写政策名称。")})
    if effective_to and effective_to < effective_from:
        details.append({"field": "effective_to", "message": _("失效日期不能早于生效日期。")})
    if parent is not None and (parent.parent_id or (policy and parent.pk == policy.pk)):
        details.append({"field": "parent",
                        "message": _("主政策应为“1+N”中的“1”（本身没有上级）。")})
    if details:
        raise ValidationFailed(details=details)
    require_region(user, region, current=policy.region if policy else None)
    before = None
    if policy is not None:
        ensure_in_scope(user, policy, "change")
        before = snapshot(policy)
    else:
        policy = Policy()
    if parent is not None:
        ensure_in_scope(user, parent, "view")
    for name, value in {"region": region, "title": title.strip(), "doc_number": doc_number,
                        "issuer": issuer, "effective_from": effective_from,
                        "effective_to": effective_to, "parent": parent, "text": text}.items():
        setattr(policy, name, value)
    policy.save()
    ensure_in_scope(user, policy, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=policy, before=before, after=snapshot(policy))
    return policy


@transaction.atomic
def fund_save(*, user, region: Region, name: str, year: int, budget_fen: int,
              fund: Fund | None = None, note: str = "") -> Fund:
    """Create or change a special fund's yearly budget."""
    _need(user, "policies.change_fund" if fund else "policies.add_fund")
    if budget_fen is None or budget_fen < 0:
        raise ValidationFailed(details=[{"field": "budget_fen",
                                         "message": _("预算金额不能为负数。")}])
    require_region(user, region, current=fund.region if fund else None)
    before = None
    if fund is not None:
        ensure_in_scope(user, fund, "change")
        before = snapshot(fund)
    else:
        fund = Fund()
    fund.region, fund.name, fund.year, fund.budget_fen, fund.note = (
        region, name.strip(), year, budget_fen, note)
    try:
        with transaction.atomic():
            fund.save()
    except IntegrityError as exc:
        raise Conflict(_("该年度已有同名专项资金。")) from exc
    ensure_in_scope(user, fund, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=fund, before=before, after=snapshot(fund))
    return fund


BENEFIT_FIELDS = ("name", "summary", "payment_kind", "periods", "cap_fen", "exclusion_group",
                  "materials", "notice_days", "legal_reference")


@transaction.atomic
def benefit_save(*, user, policy: Policy, region: Region, name: str,
                 benefit: Benefit | None = None, fund: Fund | None = None,
                 payment_kind: str = PaymentKind.ONCE, periods: int = 1,
                 cap_fen: int | None = None, exclusion_group: str = "",
                 materials: list[str] | None = None, review_units=(), notice_days: int = 5,
                 legal_reference: str = "", summary: str = "") -> Benefit:
    """Create or change a benefit's description, limits and review chain (not its rule)."""
    _need(user, "policies.change_benefit" if benefit else "policies.add_benefit")
    details = []
    if not (name or "").strip():
        details.append({"field": "name", "message": _("请填写事项名称。")})
    if payment_kind not in PaymentKind.values:
        details.append({"field": "payment_kind", "message": _("发放方式无效。")})
    if payment_kind == PaymentKind.ONCE:
        periods = 1
    elif not periods or periods < 1 or periods > 120:
        details.append({"field": "periods", "message": _("期数应为 1 至 120 之间的整数。")})
    if cap_fen is not None and cap_fen < 0:
        details.append({"field": "cap_fen", "message": _("封顶金额不能为负数。")})
    if fund is not None and not region.path.startswith(fund.region.path):
        details.append({"field": "fund", "message": _("资金来源应为本地区或上级地区的专项资金。")})
    if details:
        raise ValidationFailed(details=details)
    ensure_in_scope(user, policy, "view")
    require_region(user, region, current=benefit.region if benefit else None)
    before = None
    if benefit is not None:
        ensure_in_scope(user, benefit, "change")
        before = snapshot(benefit) | {"review_units": [s.unit_id for s in
                                                       benefit.review_steps.all()]}
    else:
        benefit = Benefit()
    values = {"policy": policy, "region": region, "name": name.strip(), "fund": fund,
              "payment_kind": payment_kind, "periods": periods, "cap_fen": cap_fen,
              "exclusion_group": (exclusion_group or "").strip(),
              "materials": [m.strip() for m in materials or [] if m.strip()],
              "notice_days": notice_days, "legal_reference": legal_reference,
              "summary": summary}
    for key, value in values.items():
        setattr(benefit, key, value)
    try:
        with transaction.atomic():
            benefit.save()
    except IntegrityError as exc:
        raise Conflict(_("本地区已有同名政策事项。")) from exc
    BenefitReviewStep.objects.filter(benefit=benefit).delete()
    BenefitReviewStep.objects.bulk_create([BenefitReviewStep(benefit=benefit, unit=u, order=i + 1)
                                           for i, u in enumerate(review_units)])
    ensure_in_scope(user, benefit, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=benefit, before=before,
              after=snapshot(benefit) | {"review_units": [u.pk for u in review_units]})
    return benefit


@transaction.atomic
def benefit_rule_publish(*, user, benefit: Benefit, rule: dict,
                         note: str = "") -> BenefitRuleVersion:
    """Validate a rule and publish it as the benefit's next version (decisions made later
    keep the version they were made on)."""
    _need(user, "policies.change_benefit")
    ensure_in_scope(user, benefit, "change")
    rule = validate_rule(rule)
    last = benefit.versions.order_by("-number").first()
    if last is not None and last.rule == rule:
        return last
    version = BenefitRuleVersion.objects.create(
        benefit=benefit, number=(last.number + 1) if last else 1, rule=rule, note=note,
        published_by=user)
    Benefit.objects.filter(pk=benefit.pk).update(current_version=version)
    benefit.current_version = version
    audit_log(actor=user, action=AuditAction.UPDATE, obj=benefit,
              extra={"rule_version": version.number, "rule": rule})
    return version


@transaction.atomic
def benefit_set_published(*, user, benefit: Benefit, published: bool) -> Benefit:
    """Publish a benefit (the scan and the calculator use it) or withdraw it."""
    _need(user, "policies.change_benefit")
    ensure_in_scope(user, benefit, "change")
    if published and benefit.current_version_id is None:
        raise ValidationFailed(_("请先设置并发布申领条件。"))
    if published and not benefit.amounts.exists():
        raise ValidationFailed(_("请先设置金额。"))
    before = snapshot(benefit)
    benefit.is_published = published
    benefit.save(update_fields=["is_published", "updated_at"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=benefit, before=before,
              after=snapshot(benefit))
    return benefit


@transaction.atomic
def benefit_amount_add(*, user, benefit: Benefit, tier: str, effective_from: dt.date,
                       amount_fen: int) -> BenefitAmount:
    """Add a dated amount of a tier (the amount in force from that date on)."""
    _need(user, "policies.change_benefit")
    ensure_in_scope(user, benefit, "change")
    details = []
    if amount_fen is None or amount_fen < 0:
        details.append({"field": "amount", "message": _("金额不能为负数。")})
    if tier and tier not in {c for c, _n in _tiers()}:
        details.append({"field": "tier", "message": _("人才类别无效。")})
    if details:
        raise ValidationFailed(details=details)
    try:
        with transaction.atomic():
            amount = BenefitAmount.objects.create(benefit=benefit, tier=tier or "",
                                                  effective_from=effective_from,
                                                  amount_fen=amount_fen)
    except IntegrityError as exc:
        raise Conflict(_("该类别在这一日期已有金额，请先删除原金额。")) from exc
    audit_log(actor=user, action=AuditAction.UPDATE, obj=benefit,
              extra={"amount_added": {"tier": tier, "from": effective_from.isoformat(),
                                      "fen": amount_fen}})
    return amount


def _tiers():
    from wutong.policies.facts import get_fact

    return get_fact("category").choices()


@transaction.atomic
def benefit_amount_delete(*, user, amount: BenefitAmount) -> None:
    _need(user, "policies.change_benefit")
    ensure_in_scope(user, amount.benefit, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=amount.benefit,
              extra={"amount_deleted": {"tier": amount.tier,
                                        "from": amount.effective_from.isoformat(),
                                        "fen": amount.amount_fen}})
    amount.delete()


@transaction.atomic
def fact_supplement_save(*, user, talent, as_of: dt.date,
                         social_insurance_months_local: int | None = None,
                         owns_housing_locally: bool | None = None,
                         source: str = "") -> TalentFactSupplement:
    """Record the facts the registry does not hold for one talent."""
    _need(user, "policies.change_talentfactsupplement")
    ensure_in_scope(user, talent, "change")
    row, _created = TalentFactSupplement.objects.update_or_create(
        talent=talent, defaults={"as_of": as_of, "source": source,
                                 "social_insurance_months_local": social_insurance_months_local,
                                 "owns_housing_locally": owns_housing_locally})
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"fact_supplement": {"social_insurance_months_local":
                                         social_insurance_months_local,
                                         "owns_housing_locally": owns_housing_locally,
                                         "as_of": as_of.isoformat()}})
    return row


@transaction.atomic
def entitlements_offer(*, user, benefit: Benefit | None = None, ids=None) -> int:
    """Push new entitlements (in the user's scope) to the talents and employers: they become
    offers. Either all new ones of a benefit, or the ticked ones."""
    _need(user, "policies.change_entitlement")
    qs = Entitlement.objects.restrict(user, "change").filter(status=EntitlementStatus.NEW)
    if benefit is not None:
        qs = qs.filter(benefit=benefit)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    count = qs.update(status=EntitlementStatus.OFFERED, offered_at=timezone.now())
    audit_log(actor=user, action=AuditAction.UPDATE, object_type="policies.entitlement",
              object_repr=_("推送待遇 %(n)s 条") % {"n": count},
              region_id=getattr(user, "region_id", None),
              extra={"benefit": benefit.pk if benefit else None, "count": count})
    return count


@transaction.atomic
def entitlement_decide(*, user, entitlement: Entitlement, accept: bool) -> Entitlement:
    """The talent (or their employer, for its people) accepts an offer or declines it."""
    if user.get_data_scope().kind not in ("self", "employer", "all"):
        raise PermissionDenied(_("只有人才本人或其用人单位可以确认或放弃。"))
    ensure_in_scope(user, entitlement, "view")
    if entitlement.status != EntitlementStatus.OFFERED:
        raise Conflict(_("该待遇当前不能确认或放弃（状态：%(s)s）。") % {
            "s": entitlement.get_status_display()})
    before = snapshot(entitlement)
    entitlement.status = EntitlementStatus.ACCEPTED if accept else EntitlementStatus.DISMISSED
    entitlement.decided_at = timezone.now()
    entitlement.save(update_fields=["status", "decided_at"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=entitlement, before=before,
              after=snapshot(entitlement))
    return entitlement


def scan_start(*, user, region: Region | None = None) -> Job:
    """Queue a scan of the user's region as a background job with progress."""
    from wutong.policies.tasks import policy_scan_job

    _need(user, "policies.add_scanrun")
    region = region or user.region
    if region is None and user.get_data_scope().kind != "all":
        raise PermissionDenied()
    if region is not None:
        require_region(user, region)
    job = Job.objects.create(kind="policy_scan", title=_("免申即享扫描：%(r)s") % {
        "r": region.name if region else _("全部地区")}, created_by=user, region=region,
        params={"region": region.pk if region else None})

    def _enqueue():
        result = policy_scan_job.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=result.id)

    transaction.on_commit(_enqueue)
    return job


def scan_execute(*, job_id: str) -> str:
    """Run a queued scan job: the starter's region, progress per benefit, a summary."""
    from wutong.core.models.jobs import JobStatus
    from wutong.policies.scan import scan_run

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    region = Region.objects.filter(pk=job.params.get("region")).first()
    total = Benefit.objects.filter(is_published=True,
                                   **({"region__path__startswith": region.path}
                                      if region else {})).count()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(),
                                         total=total)
    try:
        run = scan_run(region=region, user=job.created_by, trigger="job",
                       progress=lambda done: Job.objects.filter(pk=job.pk).update(done=done))
    except Exception:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED,
                                             finished_at=timezone.now(),
                                             message=_("扫描失败，请稍后重试或联系管理员。"))
        raise
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, finished_at=timezone.now(), done=total,
        message=_("扫描完成：%(b)s 个事项，符合 %(f)s 人次；新增 %(a)s，不再符合 %(r)s，"
                  "金额变化 %(c)s。") % {"b": run.benefits, "f": run.found, "a": run.added,
                                      "r": run.removed, "c": run.amount_changed})
    return JobStatus.SUCCEEDED
