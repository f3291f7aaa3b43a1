"""Writes of the redemption workflow (政策兑现): applications, the review chain, one-time
corrections, public notices, payment batches. Each is keyword-only, runs in a transaction,
checks the writer's scope and writes the audit log; each decision stores the rule version and
the explanation it was made on.

Nobody is paid twice: the application row is locked (``select_for_update``) while a step is
decided, fund rows are locked while money is committed, and the database refuses a second
approval of a step and a second payment of the same talent, benefit and period.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope
from wutong.policies import redemption_basis as basis
from wutong.policies.models import Benefit, Entitlement, EntitlementStatus, Fund
from wutong.policies.redemption_models import (
    COMMITTED_PAYMENTS,
    EDITABLE,
    REVIEWABLE,
    Application,
    ApplicationMaterial,
    ApplicationSource,
    ApplicationStatus,
    ApplicationStep,
    NoticeStatus,
    Payment,
    PaymentBatch,
    PaymentBatchStatus,
    PaymentStatus,
    PublicNotice,
    ReturnRequest,
    StepDecision,
)

MAX_ITEMS = 30


def _need(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def _today() -> dt.date:
    return timezone.localdate()


def _applicant_kind(user) -> str:
    kind = user.get_data_scope().kind
    if kind not in ("self", "employer", "all"):
        raise PermissionDenied(_("兑现申请由人才本人或其用人单位提交。"))
    return kind


def _locked(application: Application) -> Application:
    """The application re-read under a row lock (two reviewers, one decision)."""
    return Application.objects.select_for_update(of=("self",)).select_related(
        "benefit", "benefit__region", "benefit__current_version", "benefit__fund",
        "talent", "talent__region").get(pk=application.pk)


# --- applications -----------------------------------------------------------------------------


@transaction.atomic
def application_start(*, user, talent, benefit: Benefit, note: str = "",
                      entitlement: Entitlement | None = None) -> Application:
    """Open a draft application of a talent for a benefit: the talent for themself, an
    employer for its people. It is pre-filled with the rule version, explanation, tier and
    amount of today; an accepted offer passes its entitlement."""
    _need(user, "policies.add_application")
    kind = _applicant_kind(user)
    ensure_in_scope(user, talent, "view")
    if not Benefit.objects.filter(pk=benefit.pk, is_published=True).exists():
        raise ValidationFailed(_("该事项未发布，暂不能申领。"))
    on = _today()
    found = basis.decision_basis(talent, benefit, on)
    if found.amount_fen is None:
        raise ValidationFailed(_("本事项对您的人才类别未设金额，无法申领。"))
    if len(note or "") > 2000:
        raise ValidationFailed(details=[{"field": "note", "message": _("说明最多 2000 字。")}])
    source = (ApplicationSource.OFFER if entitlement is not None else
              ApplicationSource.EMPLOYER if kind == "employer" else ApplicationSource.TALENT)
    application = Application(
        talent=talent, benefit=benefit, region_id=talent.region_id, source=source,
        employer_id=talent.employer_id if kind == "employer" else None,
        entitlement=entitlement, applicant=user, note=(note or "").strip(),
        rule_version_id=found.version_id, explanation=found.snapshot, decisive_date=on,
        tier=found.tier, amount_fen=found.amount_fen)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise Conflict(_("该人才已有此事项的申请（在办或已通过），不能重复申领。")) from exc
    ensure_in_scope(user, application, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=application,
              after=snapshot(application),
              extra={"rule_version": found.snapshot.get("version")})
    return application


@transaction.atomic
def application_from_entitlement(*, user, entitlement: Entitlement) -> Application:
    """Accepting an offer (免申即享) opens an application pre-filled from it; accepting the
    same offer again returns the application it opened."""
    from wutong.policies import services as offer_services

    ensure_in_scope(user, entitlement, "view")
    existing = Application.objects.filter(entitlement=entitlement).exclude(
        status=ApplicationStatus.REJECTED).first()
    if existing is not None:
        return existing
    if entitlement.status == EntitlementStatus.OFFERED:
        offer_services.entitlement_decide(user=user, entitlement=entitlement, accept=True)
    elif entitlement.status != EntitlementStatus.ACCEPTED:
        raise Conflict(_("该待遇当前不能申领（状态：%(s)s）。") % {
            "s": entitlement.get_status_display()})
    return application_start(user=user, talent=entitlement.talent,
                             benefit=entitlement.benefit, entitlement=entitlement)


def applications_start_batch(*, user, talents, benefit: Benefit) -> tuple[list, list]:
    """An employer files for several of its people at once. Each talent is its own
    transaction; the answer is (applications opened, [(talent, Chinese reason)] refused)."""
    opened, refused = [], []
    for talent in talents:
        try:
            opened.append(application_start(user=user, talent=talent, benefit=benefit))
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            refused.append((talent, exc.message))
    return opened, refused


@transaction.atomic
def application_material_upload(*, user, application: Application, name: str,
                                upload) -> ApplicationMaterial:
    """Upload one required (or asked-for) material, sealed at rest; only while the
    application is with the applicant (draft or returned for correction)."""
    from wutong.talents import attachments

    _need(user, "policies.add_applicationmaterial")
    _applicant_kind(user)
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    if application.status not in EDITABLE:
        raise Conflict(_("申请已提交，当前不能上传材料。"))
    open_request = application.return_requests.filter(answered_at__isnull=True).first()
    allowed = set(application.benefit.materials or [])
    if open_request is not None:
        allowed |= {i.get("material") or i.get("text") for i in open_request.items}
    if name not in allowed:
        raise ValidationFailed(details=[{"field": "name", "message": _("请选择要上传的材料。")}])
    data, file_type, filename = attachments.read_upload(upload)
    key = attachments.blob_store(data)
    try:
        item = ApplicationMaterial.objects.create(
            application=application, name=name, return_request=open_request,
            filename=filename, file_type=file_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), storage_key=key, uploaded_by=user)
        ensure_in_scope(user, item, "add")
        audit_log(actor=user, action=AuditAction.UPDATE, obj=application,
                  extra={"material_uploaded": {"name": name, "filename": filename,
                                               "size": len(data)}})
    except BaseException:
        attachments.blob_delete(key)
        raise
    return item


def material_read(*, user, material: ApplicationMaterial) -> bytes:
    """The clear bytes of an uploaded material for a user who may see the application; the
    read is audited (a material can show an ID card)."""
    from wutong.talents import attachments

    ensure_in_scope(user, material, "view")
    data = attachments.blob_load(material.storage_key)
    with transaction.atomic():
        audit_log(actor=user, action=AuditAction.REVEAL, obj=material.application,
                  extra={"material_downloaded": {"id": material.pk, "name": material.name}})
    return data


def on_file_read(*, user, application: Application, attachment) -> bytes:
    """A document of the talent's file that covers a required material, read by someone who
    may see the application (a member-unit reviewer cannot open the person file itself)."""
    from wutong.talents import attachments

    ensure_in_scope(user, application, "view")
    covering = {a.pk for s in basis.material_states(application) for a in s.on_file}
    if attachment.talent_id != application.talent_id or attachment.pk not in covering:
        raise PermissionDenied()
    data = attachments.blob_load(attachment.storage_key)
    with transaction.atomic():
        audit_log(actor=user, action=AuditAction.REVEAL, obj=application,
                  extra={"attachment_downloaded": {"id": attachment.pk,
                                                   "kind": attachment.kind}})
    return data


def _missing_materials(application: Application) -> list[str]:
    return [s.name for s in basis.material_states(application) if s.missing]


@transaction.atomic
def application_submit(*, user, application: Application) -> Application:
    """Send a draft to the first unit of the benefit's chain. Every required material not
    already on file must be uploaded: all missing ones are named at once."""
    _need(user, "policies.change_application")
    _applicant_kind(user)
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict(_("该申请已提交，不能重复提交。"))
    missing = _missing_materials(application)
    if missing:
        raise ValidationFailed(
            _("还缺少以下材料：%(m)s。请全部上传后再提交。") % {"m": "、".join(missing)},
            details=[{"field": "materials", "message": m} for m in missing])
    before = snapshot(application)
    first = basis.review_chain(application.benefit)[0]
    application.status = ApplicationStatus.SUBMITTED
    application.current_step, application.current_unit = first.order, first.unit
    application.submitted_at = timezone.now()
    application.save()
    ensure_in_scope(user, application, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=application, before=before,
              after=snapshot(application))
    return application


@transaction.atomic
def application_withdraw(*, user, application: Application) -> None:
    """The applicant deletes a draft they have not submitted yet."""
    _need(user, "policies.change_application")
    _applicant_kind(user)
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict(_("只能撤回尚未提交的申请。"))
    audit_log(actor=user, action=AuditAction.DELETE, obj=application,
              before=snapshot(application))
    for item in application.materials.all():
        key = item.storage_key
        transaction.on_commit(lambda key=key: _blob_delete(key))
    application.delete()


def _blob_delete(key: str) -> None:
    from wutong.talents import attachments

    attachments.blob_delete(key)


def _clean_items(items) -> list[dict]:
    out = []
    for item in items or []:
        if isinstance(item, str):
            item = {"text": item}
        text = str(item.get("text") or "").strip()[:300]
        material = str(item.get("material") or "").strip()[:120]
        if text or material:
            out.append({"text": text or material, "material": material})
    return out


@transaction.atomic
def application_review(*, user, application: Application, decision: str, reason: str = "",
                       items=None, expected_step: int | None = None) -> Application:
    """Decide the step the application waits at: approve (on to the next unit; after the
    last, money is committed or the application is held), return for correction with every
    missing item listed at once, or reject. The reviewer must belong to the step's unit; each
    decision records reviewer, unit, reason and time with the rule version and explanation of
    today. ``expected_step`` is the step the reviewer saw: a decision on a step someone else
    has decided meanwhile is refused, never applied twice.

    An approval hands the application to the next unit, which takes it out of a member-unit
    reviewer's scope by design; the region (what puts it in an office's scope) is never
    written here."""
    _need(user, "policies.add_applicationstep")
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    if application.status not in REVIEWABLE or (
            expected_step is not None and application.current_step != expected_step):
        raise Conflict(_("该申请已由他人处理，请刷新后查看。"))
    if user.unit_id is None or user.unit_id != application.current_unit_id:
        raise PermissionDenied(_("只有当前审核环节（%(u)s）的工作人员可以审核。") % {
            "u": application.current_unit})
    reason = (reason or "").strip()
    items = _clean_items(items)
    if decision not in StepDecision.values:
        raise ValidationFailed(details=[{"field": "decision", "message": _("请选择审核意见。")}])
    if decision == StepDecision.REJECT and not reason:
        raise ValidationFailed(details=[{"field": "reason",
                                         "message": _("不予通过时请写明理由。")}])
    if decision == StepDecision.RETURN and not items:
        raise ValidationFailed(details=[{"field": "items", "message": _(
            "退回补正时请一次列出全部需要补正的事项。")}])
    if len(items) > MAX_ITEMS or len(reason) > 2000:
        raise ValidationFailed(_("补正事项最多 %(n)s 项，理由最多 2000 字。") % {"n": MAX_ITEMS})
    before = snapshot(application)
    found = basis.decision_basis(application.talent, application.benefit, _today())
    try:
        with transaction.atomic():
            step = ApplicationStep.objects.create(
                application=application, order=application.current_step,
                unit_id=application.current_unit_id, reviewer=user,
                reviewer_name=user.get_full_name() or user.get_username(), decision=decision,
                reason=reason, rule_version_id=found.version_id, explanation=found.snapshot)
    except IntegrityError as exc:
        raise Conflict(_("该申请已由他人处理，请刷新后查看。")) from exc
    application.rule_version_id, application.explanation = found.version_id, found.snapshot
    if decision == StepDecision.RETURN:
        ReturnRequest.objects.create(application=application, step=step, items=items)
        application.status = ApplicationStatus.RETURNED
    elif decision == StepDecision.REJECT:
        application.status = ApplicationStatus.REJECTED
        application.current_unit, application.decided_at = None, timezone.now()
    else:
        following = basis.next_step(basis.review_chain(application.benefit),
                                    application.current_step)
        if following is not None:
            application.status = ApplicationStatus.IN_REVIEW
            application.current_step, application.current_unit = following.order, following.unit
        else:
            application.current_unit, application.decided_at = None, timezone.now()
            try:
                with transaction.atomic():
                    _commit_or_hold(application)
            except IntegrityError as exc:
                raise Conflict(_("该人才此事项的这一期已有发放记录，不能重复发放。")) from exc
    application.save()
    audit_log(actor=user, action=AuditAction.UPDATE, obj=application, before=before,
              after=snapshot(application),
              extra={"step": step.order, "unit": step.unit_id, "decision": decision,
                     "reason": reason, "items": items, "rule_version":
                     found.snapshot.get("version")})
    return application


@transaction.atomic
def application_resubmit(*, user, application: Application, answers=None) -> Application:
    """The applicant answers every item of the open return request together (a text per
    item; uploads were made before) and the application goes back to the unit that returned
    it. Items asking for a material need that material uploaded since the return."""
    _need(user, "policies.change_application")
    _applicant_kind(user)
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    request = application.return_requests.filter(answered_at__isnull=True).first()
    if application.status != ApplicationStatus.RETURNED or request is None:
        raise Conflict(_("该申请当前不需要补正。"))
    answers = [str(a or "").strip()[:1000] for a in (answers or [])]
    answers += [""] * (len(request.items) - len(answers))
    uploaded = set(request.materials.values_list("name", flat=True))
    problems = []
    for i, item in enumerate(request.items):
        name = item.get("material")
        if name and name not in uploaded:
            problems.append({"field": f"item_{i}",
                             "message": _("“%(m)s”尚未重新上传。") % {"m": name}})
        elif not name and not answers[i]:
            problems.append({"field": f"item_{i}", "message": _("请说明“%(t)s”的补正情况。") % {
                "t": item.get("text")}})
    if problems:
        raise ValidationFailed(_("还有 %(n)s 项未补正，请一次补齐后再提交。") % {
            "n": len(problems)}, details=problems)
    before = snapshot(application)
    request.answers, request.answered_at = answers[:len(request.items)], timezone.now()
    request.save(update_fields=["answers", "answered_at"])
    application.status = (ApplicationStatus.SUBMITTED if application.current_step == 1 and
                          not application.steps.filter(decision=StepDecision.APPROVE).exists()
                          else ApplicationStatus.IN_REVIEW)
    application.save()
    ensure_in_scope(user, application, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=application, before=before,
              after=snapshot(application), extra={"answers": request.answers})
    return application


# --- money: commitment, hold, ledger ---------------------------------------------------------


def fund_totals(fund_ids) -> dict[int, dict[str, int]]:
    """{fund id: {"committed", "paid", "held"}} in fen, from the payments (one query)."""
    from django.db.models import Q

    rows = Payment.objects.filter(fund_id__in=list(fund_ids)).values("fund_id").annotate(
        committed=Sum("amount_fen", filter=Q(status__in=COMMITTED_PAYMENTS)),
        paid=Sum("amount_fen", filter=Q(status=PaymentStatus.PAID)),
        held=Sum("amount_fen", filter=Q(status=PaymentStatus.HELD)))
    out = {fid: {"committed": 0, "paid": 0, "held": 0} for fid in fund_ids}
    for row in rows:
        out[row["fund_id"]] = {k: row[k] or 0 for k in ("committed", "paid", "held")}
    return out


def remaining_fen(fund: Fund, totals: dict[str, int]) -> int:
    """Budget less what is promised (committed and held instalments) and what is paid."""
    return fund.budget_fen - totals["committed"] - totals["held"] - totals["paid"]


def _commit_or_hold(application: Application) -> None:
    """After the last step: schedule the instalments against each year's fund, or hold the
    application (visible to the office) when a fund's remaining budget is too small."""
    benefit = application.benefit
    if benefit.fund_id is None:
        application.status = ApplicationStatus.HELD
        application.held_reason = _("该事项未设置资金来源")
        return
    plan = basis.instalments(benefit, application.amount_fen, _today())
    funds = {}
    for item in plan:
        fund = basis.fund_for_year(benefit.fund, item.due_on.year)
        funds[item.seq] = fund
    # Lock the funds (in id order, so two approvals never wait on each other crosswise):
    # committing money is serialized per fund.
    locked = {f.pk: f for f in Fund.objects.select_for_update(of=("self",)).filter(
        pk__in={f.pk for f in funds.values()}).order_by("pk")}
    totals = fund_totals(locked)
    need: dict[int, int] = {}
    for item in plan:
        need[funds[item.seq].pk] = need.get(funds[item.seq].pk, 0) + item.amount_fen
    short = [locked[fid] for fid, amount in need.items()
             if remaining_fen(locked[fid], totals[fid]) < amount]
    if short:
        application.status = ApplicationStatus.HELD
        application.held_reason = _("%(f)s 剩余预算不足") % {"f": "、".join(str(f) for f in short)}
        return
    Payment.objects.bulk_create([Payment(
        application=application, talent_id=application.talent_id, benefit_id=benefit.pk,
        fund=funds[i.seq], region_id=application.region_id, period=i.period, seq=i.seq,
        due_on=i.due_on, amount_fen=i.amount_fen) for i in plan])
    application.status = ApplicationStatus.APPROVED
    application.held_reason = ""


@transaction.atomic
def application_release(*, user, application: Application) -> Application:
    """The office tries a held application again (after a budget increase): it is committed
    now, or stays held with the reason."""
    _need(user, "policies.add_paymentbatch")
    ensure_in_scope(user, application, "change")
    application = _locked(application)
    if application.status != ApplicationStatus.HELD:
        raise Conflict(_("该申请没有暂缓。"))
    before = snapshot(application)
    try:
        with transaction.atomic():
            _commit_or_hold(application)
            application.save()
    except IntegrityError as exc:
        raise Conflict(_("该人才此事项的这一期已有发放记录，不能重复发放。")) from exc
    ensure_in_scope(user, application, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=application, before=before,
              after=snapshot(application))
    return application


# --- public notice ---------------------------------------------------------------------------


@transaction.atomic
def notice_publish(*, user, benefit: Benefit, starts_on: dt.date | None = None,
                   application_ids=None) -> PublicNotice:
    """Put the approved applications of a benefit (in the user's scope; or the ticked ones)
    on public notice for the benefit's notice days, names and ID numbers masked."""
    _need(user, "policies.add_publicnotice")
    ensure_in_scope(user, benefit, "view")
    qs = Application.objects.restrict(user, "change").select_for_update(of=("self",)).filter(
        benefit=benefit, status=ApplicationStatus.APPROVED)
    if application_ids is not None:
        qs = qs.filter(pk__in=list(application_ids))
    chosen = list(qs)
    if not chosen:
        raise ValidationFailed(_("没有待公示的审核通过申请。"))
    starts_on = starts_on or _today()
    notice = PublicNotice.objects.create(
        benefit=benefit, region_id=benefit.region_id, starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=max(benefit.notice_days, 1) - 1),
        title=_("%(b)s拟兑现人员名单公示") % {"b": benefit.name}, published_by=user)
    notice.applications.set(chosen)
    Application.objects.filter(pk__in=[a.pk for a in chosen]).update(
        status=ApplicationStatus.NOTICE, updated_at=timezone.now())
    ensure_in_scope(user, notice, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=notice, after=snapshot(notice),
              extra={"applications": [a.pk for a in chosen]})
    return notice


@transaction.atomic
def notice_close(*, user, notice: PublicNotice, objected_ids=()) -> PublicNotice:
    """End a notice whose term has run: its applications become payable, except those with
    an objection found valid (``objected_ids``), which go back to the office's review."""
    _need(user, "policies.change_publicnotice")
    ensure_in_scope(user, notice, "change")
    notice = PublicNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    if notice.status != NoticeStatus.OPEN:
        raise Conflict(_("该公示已结束。"))
    if _today() <= notice.ends_on:
        raise Conflict(_("公示期至 %(d)s，期满后才能结束。") % {"d": f"{notice.ends_on:%Y-%m-%d}"})
    ids = list(notice.applications.values_list("pk", flat=True))
    objected = [i for i in objected_ids if i in ids]
    before = snapshot(notice)
    notice.status, notice.closed_at = NoticeStatus.CLOSED, timezone.now()
    notice.save(update_fields=["status", "closed_at"])
    live = Application.objects.filter(pk__in=ids, status=ApplicationStatus.NOTICE)
    live.exclude(pk__in=objected).update(status=ApplicationStatus.PAYABLE,
                                         updated_at=timezone.now())
    if objected:
        # A valid objection: the application is held for the office, its money released.
        Payment.objects.filter(application_id__in=objected,
                               status=PaymentStatus.SCHEDULED).delete()
        live.filter(pk__in=objected).update(status=ApplicationStatus.HELD,
                                            held_reason=_("公示期间有异议"),
                                            updated_at=timezone.now())
    audit_log(actor=user, action=AuditAction.UPDATE, obj=notice, before=before,
              after=snapshot(notice), extra={"objected": objected})
    return notice


# --- payment batches -------------------------------------------------------------------------


@transaction.atomic
def payment_batch_create(*, user, fund: Fund, due_by: dt.date | None = None) -> PaymentBatch:
    """Gather a fund's instalments due by ``due_by`` of payable applications into a batch.
    Instalments the fund's budget can no longer cover (it was cut after the approvals) are
    held, listed on the batch, never paid silently; the next batch tries them again."""
    _need(user, "policies.add_paymentbatch")
    ensure_in_scope(user, fund, "view")
    due_by = due_by or _today()
    fund = Fund.objects.select_for_update(of=("self",)).get(pk=fund.pk)
    due = list(Payment.objects.select_for_update(of=("self",)).filter(
        fund=fund, status__in=(PaymentStatus.SCHEDULED, PaymentStatus.HELD),
        due_on__lte=due_by,
        application__status__in=(ApplicationStatus.PAYABLE, ApplicationStatus.PAID))
        .order_by("due_on", "id"))
    if not due:
        raise ValidationFailed(_("截至 %(d)s 没有应发放的款项。") % {"d": f"{due_by:%Y-%m-%d}"})
    totals = fund_totals([fund.pk])[fund.pk]
    room = fund.budget_fen - totals["paid"] - sum(
        Payment.objects.filter(fund=fund, status=PaymentStatus.IN_BATCH)
        .values_list("amount_fen", flat=True))
    batch = PaymentBatch.objects.create(
        fund=fund, region_id=fund.region_id, due_by=due_by, created_by=user,
        title=_("%(f)s %(d)s 发放批次") % {"f": fund.name, "d": f"{due_by:%Y-%m}"})
    taken, held = [], []
    for payment in due:
        if payment.amount_fen <= room:
            room -= payment.amount_fen
            taken.append(payment.pk)
        else:
            held.append(payment.pk)
    Payment.objects.filter(pk__in=taken).update(status=PaymentStatus.IN_BATCH, batch=batch)
    Payment.objects.filter(pk__in=held).update(status=PaymentStatus.HELD, batch=batch)
    batch.count = len(taken)
    batch.held_count = len(held)
    batch.total_fen = sum(p.amount_fen for p in due if p.pk in set(taken))
    batch.save(update_fields=["count", "held_count", "total_fen"])
    ensure_in_scope(user, batch, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=batch, after=snapshot(batch),
              extra={"payments": taken, "held": held})
    return batch


@transaction.atomic
def payment_mark_paid(*, user, batch: PaymentBatch) -> PaymentBatch:
    """Record that a batch's money has gone out: its instalments are paid; an application
    whose every instalment is paid is finished."""
    _need(user, "policies.change_paymentbatch")
    ensure_in_scope(user, batch, "change")
    batch = PaymentBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
    if batch.status != PaymentBatchStatus.DRAFT:
        raise Conflict(_("该批次已确认发放。"))
    now = timezone.now()
    before = snapshot(batch)
    app_ids = set(batch.payments.filter(status=PaymentStatus.IN_BATCH)
                  .values_list("application_id", flat=True))
    batch.payments.filter(status=PaymentStatus.IN_BATCH).update(status=PaymentStatus.PAID,
                                                                paid_at=now)
    batch.status, batch.paid_by, batch.paid_at = PaymentBatchStatus.PAID, user, now
    batch.save(update_fields=["status", "paid_by", "paid_at"])
    unpaid = set(Payment.objects.filter(application_id__in=app_ids).exclude(
        status=PaymentStatus.PAID).values_list("application_id", flat=True))
    done = sorted(app_ids - unpaid)
    Application.objects.filter(pk__in=done).update(status=ApplicationStatus.PAID,
                                                   updated_at=now)
    ensure_in_scope(user, batch, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=batch, before=before,
              after=snapshot(batch), extra={"applications_finished": done})
    return batch
