"""Pages of the redemption workflow: the applicant's "where is my application and why", the
reviewer's queue per unit, the office's overview, public notices, funds and payment batches.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core.errors import AppError, NotFound
from wutong.core.views.base import apply_app_error, require_perm
from wutong.policies import redemption_selectors as sel
from wutong.policies import redemption_services as svc
from wutong.policies.models import Benefit, Entitlement, Fund
from wutong.policies.redemption_basis import material_states
from wutong.policies.redemption_forms import (
    BatchForm,
    NoticeForm,
    ReviewForm,
    StartForm,
    UploadForm,
)
from wutong.policies.redemption_models import (
    EDITABLE,
    REVIEWABLE,
    ApplicationMaterial,
    ApplicationStatus,
    ApplicationStep,
    PaymentBatchStatus,
    PublicNotice,
)

# --- the applicant ---------------------------------------------------------------------------


def application_mine(request):
    """A talent's (or an employer's people's) applications and offers to start."""
    user = request.user
    require_perm(user, "policies.add_application")
    apps = sel.application_list(user=user)[:200]
    return render(request, "policies/redemption/mine.html", {
        "applications": apps, "offers": sel.startable_offers(user=user)[:50],
        "is_employer": user.get_data_scope().kind == "employer", "nav_active":
        "redemption_mine"})


def _own_talent(user):
    from wutong.talents.models import Talent

    return Talent.objects.select_related("region").restrict(user, "view").filter(
        account_id=user.pk).first()


def application_new(request):
    """Apply for a benefit: a talent for themself; an employer for several of its people."""
    from wutong.talents.models import Talent

    user = request.user
    require_perm(user, "policies.add_application")
    employer = user.get_data_scope().kind == "employer"
    people = None
    if employer:
        people = Talent.objects.restrict(user, "view").filter(is_active=True).order_by(
            "name_sort", "id")
        region_paths = {p.region.path for p in people.select_related("region")[:500]}
        benefits = Benefit.objects.filter(is_published=True, current_version__isnull=False)
        benefits = benefits.filter(pk__in=[b.pk for b in benefits.select_related("region")
                                           if any(p.startswith(b.region.path)
                                                  for p in region_paths)])
    else:
        talent = _own_talent(user)
        if talent is None:
            messages.error(request, _("您的账号尚未关联人才档案，请联系人才办。"))
            return redirect("policies:application_mine")
        benefits = sel.applicable_benefits(talent=talent)
    form = StartForm(request.POST or None, benefits=benefits, people=people)
    if request.method == "POST" and form.is_valid():
        benefit = form.cleaned_data["benefit"]
        if employer:
            opened, refused = svc.applications_start_batch(
                user=user, talents=form.cleaned_data["talents"], benefit=benefit)
            if opened:
                messages.success(request, _("已为 %(n)s 人建立申请，请逐一上传材料后提交。") % {
                    "n": len(opened)})
            for talent, reason in refused:
                messages.error(request, f"{talent.name}：{reason}")
            return redirect("policies:application_mine")
        try:
            application = svc.application_start(user=user, talent=talent, benefit=benefit,
                                                note=form.cleaned_data["note"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return redirect("policies:application_detail", pk=application.pk)
    return render(request, "policies/redemption/new.html", {
        "form": form, "employer": employer, "nav_active": "redemption_mine"},
        status=422 if form.errors else 200)


@require_POST
def offer_apply(request, pk: int):
    """Accept an offer and open its application, pre-filled."""
    entitlement = Entitlement.objects.select_related("talent", "benefit").get_restricted(
        request.user, "view", pk=pk)
    try:
        application = svc.application_from_entitlement(user=request.user,
                                                        entitlement=entitlement)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("policies:application_mine")
    return redirect("policies:application_detail", pk=application.pk)


# --- one application -------------------------------------------------------------------------


def _detail_context(request, application, **extra) -> dict:
    user = request.user
    from wutong.talents.models import Attachment

    attachments = list(Attachment.objects.filter(talent_id=application.talent_id))
    uploads = list(application.materials.all())
    states = material_states(application, attachments, uploads)
    open_request = next((r for r in application.return_requests.all() if r.is_open), None)
    is_applicant = user.get_data_scope().kind in ("self", "employer") and \
        user.has_perm("policies.change_application")
    can_review = (application.status in REVIEWABLE and user.unit_id is not None
                  and user.unit_id == application.current_unit_id
                  and user.has_perm("policies.add_applicationstep"))
    upload_names = [s.name for s in states]
    if open_request is not None:
        upload_names += [i["material"] for i in open_request.items
                         if i.get("material") and i["material"] not in upload_names]
    context = {
        "a": application, "chain": sel.chain_view(application), "states": states,
        "explanation": application.explanation or {}, "open_request": open_request,
        "requests": list(application.return_requests.all()),
        "payments": list(application.payments.all()),
        "missing": [s.name for s in states if s.missing],
        "can_edit": is_applicant and application.status in EDITABLE,
        "is_applicant": is_applicant, "can_review": can_review,
        "can_release": application.status == ApplicationStatus.HELD and
        user.has_perm("policies.add_paymentbatch"),
        "upload_form": UploadForm(names=upload_names) if upload_names else None,
        "review_form": ReviewForm(initial={"step": application.current_step},
                                  material_names=[s.name for s in states]),
        "nav_active": "redemption_mine" if is_applicant else "redemption_queue",
    }
    context.update(extra)
    return context


def application_detail(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk)
    return render(request, "policies/redemption/detail.html",
                  _detail_context(request, application))


def _back(pk: int, anchor: str = ""):
    return redirect(reverse("policies:application_detail", args=[pk]) +
                    (f"#{anchor}" if anchor else ""))


@require_POST
def application_upload(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk, action="change")
    names = [s.name for s in material_states(application)]
    open_request = application.return_requests.filter(answered_at__isnull=True).first()
    if open_request is not None:
        names += [i["material"] for i in open_request.items if i.get("material")]
    form = UploadForm(request.POST, request.FILES, names=names)
    if form.is_valid():
        try:
            svc.application_material_upload(user=request.user, application=application,
                                            name=form.cleaned_data["name"],
                                            upload=form.cleaned_data["file"])
        except AppError as exc:
            apply_app_error(form, exc, {"file": "file", "name": "name"})
        else:
            messages.success(request, _("已上传：%(n)s") % {"n": form.cleaned_data["name"]})
            return _back(pk, "materials")
    application = sel.application_detail(user=request.user, pk=pk)
    return render(request, "policies/redemption/detail.html",
                  _detail_context(request, application, upload_form=form), status=422)


@require_POST
def application_submit(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk, action="change")
    try:
        svc.application_submit(user=request.user, application=application)
    except AppError as exc:
        messages.error(request, exc.message)
        return _back(pk, "materials")
    messages.success(request, _("已提交，请留意审核进度。"))
    return _back(pk)


@require_POST
def application_withdraw(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk, action="change")
    try:
        svc.application_withdraw(user=request.user, application=application)
    except AppError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, _("已撤回该申请。"))
    return redirect("policies:application_mine")


@require_POST
def application_resubmit(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk, action="change")
    open_request = application.return_requests.filter(answered_at__isnull=True).first()
    count = len(open_request.items) if open_request else 0
    answers = [request.POST.get(f"answer_{i}", "") for i in range(count)]
    try:
        svc.application_resubmit(user=request.user, application=application, answers=answers)
    except AppError as exc:
        application = sel.application_detail(user=request.user, pk=pk)
        return render(request, "policies/redemption/detail.html", _detail_context(
            request, application, resubmit_error=exc, answers=answers,
            problem_fields={d.get("field") for d in exc.details}), status=422)
    messages.success(request, _("补正材料已提交，申请回到审核环节。"))
    return _back(pk)


@require_POST
def application_review(request, pk: int):
    user = request.user
    try:
        application = sel.application_detail(user=user, pk=pk, action="change")
    except NotFound:
        if not user.unit_id or not ApplicationStep.objects.filter(
                application_id=pk, unit_id=user.unit_id).exists():
            raise
        # A reviewer whose step was decided meanwhile: the application has moved on.
        messages.error(request, _("该申请已不在您的审核环节（可能已由他人处理）。"))
        return redirect("policies:review_queue")
    form = ReviewForm(request.POST, material_names=[s.name for s in
                                                    material_states(application)])
    if form.is_valid():
        try:
            svc.application_review(user=user, application=application,
                                   decision=form.cleaned_data["decision"],
                                   reason=form.cleaned_data["reason"], items=form.items(),
                                   expected_step=form.cleaned_data["step"])
        except AppError as exc:
            apply_app_error(form, exc, {"items": "other_items"})
        else:
            messages.success(request, _("审核意见已保存。"))
            return redirect("policies:review_queue")
    try:
        application = sel.application_detail(user=user, pk=pk)
    except NotFound:
        messages.error(request, _("该申请已由他人处理，请刷新后查看。"))
        return redirect("policies:review_queue")
    return render(request, "policies/redemption/detail.html",
                  _detail_context(request, application, review_form=form), status=422)


@require_POST
def application_release(request, pk: int):
    application = sel.application_detail(user=request.user, pk=pk, action="change")
    try:
        application = svc.application_release(user=request.user, application=application)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        if application.status == ApplicationStatus.HELD:
            messages.error(request, _("仍然暂缓：%(r)s") % {"r": application.held_reason})
        else:
            messages.success(request, _("资金已落实，申请转入待公示。"))
    return _back(pk)


def _file_response(data: bytes, filename: str, file_type: str) -> HttpResponse:
    from wutong.talents.attachments import content_type

    response = HttpResponse(data, content_type=content_type(file_type))
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def material_download(request, pk: int, material_pk: int):
    application = sel.application_detail(user=request.user, pk=pk)
    material = ApplicationMaterial.objects.get_restricted(
        request.user, "view", pk=material_pk, application=application)
    data = svc.material_read(user=request.user, material=material)
    return _file_response(data, material.filename, material.file_type)


def on_file_download(request, pk: int, attachment_pk: int):
    from wutong.talents.models import Attachment

    application = sel.application_detail(user=request.user, pk=pk)
    attachment = Attachment.objects.filter(pk=attachment_pk,
                                           talent_id=application.talent_id).first()
    if attachment is None:
        raise NotFound()
    try:
        data = svc.on_file_read(user=request.user, application=application,
                                attachment=attachment)
    except AppError as exc:
        raise NotFound() from exc
    return _file_response(data, attachment.filename, attachment.file_type)


# --- reviewers and the office ----------------------------------------------------------------


def review_queue(request):
    user = request.user
    require_perm(user, "policies.add_applicationstep")
    return render(request, "policies/redemption/queue.html", {
        "applications": sel.review_queue(user=user)[:200], "nav_active": "redemption_queue"})


def redemption_overview(request):
    user = request.user
    require_perm(user, "policies.view_paymentbatch")
    filters = {k: request.GET.get(k, "") for k in ("status", "benefit", "q")}
    apps = sel.application_list(user=user, filters=filters)
    return render(request, "policies/redemption/overview.html", {
        "applications": apps[:200], "total": apps.count(), "filters": filters,
        "counts": sel.status_counts(user=user), "statuses": ApplicationStatus.choices,
        "benefits": Benefit.objects.restrict(user, "view").order_by("name"),
        "nav_active": "redemption_overview"})


def notice_list(request):
    user = request.user
    require_perm(user, "policies.view_publicnotice")
    return render(request, "policies/redemption/notices.html", {
        "notices": sel.notice_list(user=user)[:100],
        "waiting": sel.benefits_to_notice(user=user),
        "can_publish": user.has_perm("policies.add_publicnotice"),
        "form": NoticeForm(), "nav_active": "redemption_notices"})


@require_POST
def notice_publish(request):
    user = request.user
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写正确的公示开始日期。"))
        return redirect("policies:notice_list")
    benefit = Benefit.objects.get_restricted(user, "view", pk=form.cleaned_data["benefit"])
    try:
        notice = svc.notice_publish(user=user, benefit=benefit,
                                    starts_on=form.cleaned_data["starts_on"])
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("policies:notice_list")
    messages.success(request, _("公示已发布。"))
    return redirect("policies:notice_detail", pk=notice.pk)


def notice_detail(request, pk: int):
    user = request.user
    notice = sel.notice_detail(user=user, pk=pk)
    return render(request, "policies/redemption/notice_detail.html", {
        "notice": notice, "rows": sel.notice_rows(notice), "public": False,
        "can_close": notice.status == "open" and user.has_perm("policies.change_publicnotice"),
        "nav_active": "redemption_notices"})


@require_POST
def notice_close(request, pk: int):
    user = request.user
    notice = sel.notice_detail(user=user, pk=pk)
    objected = [int(x) for x in request.POST.getlist("objected") if x.isdigit()]
    try:
        svc.notice_close(user=user, notice=notice, objected_ids=objected)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公示已结束，名单中的申请转入待发放。"))
    return redirect("policies:notice_detail", pk=pk)


def notice_board(request):
    """The public notice board (no login): masked names and ID numbers only."""
    return render(request, "policies/redemption/notice_board.html",
                  {"notices": sel.public_notices()[:50]})


def notice_public(request, pk: int):
    notice = PublicNotice.objects.select_related("benefit", "region").filter(pk=pk).first()
    if notice is None:
        raise NotFound()
    return render(request, "policies/redemption/notice_public.html",
                  {"notice": notice, "rows": sel.notice_rows(notice), "public": True})


# --- funds and payments ----------------------------------------------------------------------


def fund_ledger(request):
    user = request.user
    require_perm(user, "policies.view_paymentbatch")
    return render(request, "policies/redemption/funds.html", {
        "rows": sel.fund_ledger(user=user), "batches": sel.batch_list(user=user)[:50],
        "can_batch": user.has_perm("policies.add_paymentbatch"), "form": BatchForm(),
        "nav_active": "redemption_funds"})


@require_POST
def batch_create(request):
    user = request.user
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写正确的截至日期。"))
        return redirect("policies:fund_ledger")
    fund = Fund.objects.get_restricted(user, "view", pk=form.cleaned_data["fund"])
    try:
        batch = svc.payment_batch_create(user=user, fund=fund,
                                         due_by=form.cleaned_data["due_by"])
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("policies:fund_ledger")
    if batch.held_count:
        messages.warning(request, _("%(n)s 笔超出预算，已暂缓，未列入发放。") % {
            "n": batch.held_count})
    return redirect("policies:batch_detail", pk=batch.pk)


def batch_detail(request, pk: int):
    user = request.user
    batch = sel.batch_detail(user=user, pk=pk)
    return render(request, "policies/redemption/batch_detail.html", {
        "batch": batch, "payments": sel.batch_payments(batch),
        "can_pay": batch.status == PaymentBatchStatus.DRAFT and
        user.has_perm("policies.change_paymentbatch"), "nav_active": "redemption_funds"})


@require_POST
def batch_paid(request, pk: int):
    user = request.user
    batch = sel.batch_detail(user=user, pk=pk)
    try:
        svc.payment_mark_paid(user=user, batch=batch)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认发放。"))
    return redirect("policies:batch_detail", pk=pk)
