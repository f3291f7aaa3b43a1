"""Pages of the work plan, task list and monthly dispatch. Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.accounts.models import Unit
from wutong.assessment import selectors as sel
from wutong.assessment import services as svc
from wutong.assessment.forms import (
    ChaseForm,
    CommentForm,
    PlanForm,
    ProjectCheckForm,
    ReportForm,
    RoundForm,
    TaskForm,
)
from wutong.assessment.models import ProgressReport, ProjectStage, ReportProof, Task
from wutong.core.audit import audit_log
from wutong.core.errors import AppError, NotFound
from wutong.core.models.audit import AuditAction
from wutong.core.views.base import apply_app_error, require_perm, template_download

NAV = "assessment"


def _need_region(user) -> None:
    """Plans and indicator systems belong to the user's own region."""
    if user.region_id is None:
        from wutong.core.errors import PermissionDenied

        raise PermissionDenied(_("请使用所在地区人才办的账号操作。"))


def plan_list(request):
    user = request.user
    require_perm(user, "assessment.view_task")
    plans = sel.plans_for(user=user).order_by("-year", "region__code")[:100]
    unit_user = sel.is_unit_user(user)
    return render(request, "assessment/plan_list.html", {
        "plans": plans, "nav_active": NAV, "unit_user": unit_user,
        "my_scores": sel.unit_scores(user=user)[:10] if unit_user else (),
        "can_add": user.has_perm("assessment.add_workplan")})


def plan_new(request):
    user = request.user
    require_perm(user, "assessment.add_workplan")
    _need_region(user)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = svc.plan_create(user=user, region=user.region, **form.cleaned_data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("已创建年度工作要点，请导入任务清单。"))
            return redirect("assessment:plan_detail", pk=plan.pk)
    return render(request, "assessment/form.html", {
        "form": form, "title": _("新建年度工作要点"), "nav_active": NAV,
        "back_href": reverse("assessment:plan_list")})


def plan_detail(request, pk):
    user = request.user
    require_perm(user, "assessment.view_task")
    plan = sel.plan_get(user=user, pk=pk)
    unit_id = request.GET.get("unit") or None
    unit_id = unit_id if unit_id and unit_id.isdigit() else None
    tasks = list(sel.tasks_of(user=user, plan=plan, unit_id=unit_id))
    office = not sel.is_unit_user(user)
    return render(request, "assessment/plan_detail.html", {
        "plan": plan, "tasks": tasks, "rounds": sel.rounds_of(user=user, plan=plan),
        "tally": sel.plan_tally(user=user, plan=plan) if office else None,
        "units": sel.region_units(plan.region) if office else (),
        "unit_filter": unit_id, "office": office, "round_form": RoundForm(),
        "can_change": office and user.has_perm("assessment.add_task"), "nav_active": NAV})


def task_import(request, pk):
    """Upload a task list into the plan; the import runs as a job whose page shows the
    outcome (and the problem copy to download)."""
    from wutong.assessment.imports import import_start
    from wutong.core.imports.errors import ImportRefused

    user = request.user
    require_perm(user, "assessment.add_task")
    plan = sel.plan_get(user=user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            job = import_start(user=user, upload=request.FILES.get("file"), plan=plan)
        except ImportRefused as exc:
            error = exc.message
        else:
            return redirect("core:job_detail", pk=job.pk)
    return render(request, "assessment/task_import.html", {
        "plan": plan, "error": error, "nav_active": NAV,
        "units": sel.region_units(plan.region)})


def task_import_template(request):
    from wutong.assessment.imports import task_template

    require_perm(request.user, "assessment.add_task")
    return template_download(task_template, "任务清单导入模板.xlsx")


@require_POST
def plan_copy(request, pk):
    user = request.user
    plan = sel.plan_get(user=user, pk=pk)
    try:
        new = svc.plan_copy_forward(user=user, plan=plan)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:plan_detail", pk=plan.pk)
    messages.success(request, _("已复制为 %(year)d 年任务清单，请核对调整。") % {"year": new.year})
    return redirect("assessment:plan_detail", pk=new.pk)


@require_POST
def round_new(request, pk):
    user = request.user
    plan = sel.plan_get(user=user, pk=pk)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写 1～12 的月份。"))
        return redirect("assessment:plan_detail", pk=plan.pk)
    try:
        round_ = svc.round_open(user=user, plan=plan, **form.cleaned_data)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:plan_detail", pk=plan.pk)
    messages.success(request, _("已发起 %(m)d 月调度。") % {"m": round_.month})
    return redirect("assessment:round_detail", pk=round_.pk)


def task_edit(request, pk, task_pk=None):
    """Add a task to the plan, or correct one, without a new import."""
    user = request.user
    require_perm(user, "assessment.add_task")
    plan = sel.plan_get(user=user, pk=pk)
    if sel.is_unit_user(user):
        raise NotFound()
    task = Task.objects.get_restricted(user, "change", pk=task_pk, plan=plan) if task_pk \
        else None
    units = sel.region_units(plan.region)
    initial = {"seq": (plan.tasks.order_by("-seq").values_list("seq", flat=True).first() or 0)
               + 1, "source_document": plan.source_document}
    if task is not None:
        initial = {key: getattr(task, key) for key in svc.TASK_FIELDS}
        initial["lead_unit"] = str(task.lead_unit_id)
        initial["co_units"] = [str(u.pk) for u in task.co_units.all()]
    form = TaskForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        by_pk = {str(u.pk): u for u in units}
        lead = by_pk.get(data.pop("lead_unit"))
        co = [by_pk[x] for x in data.pop("co_units") if x in by_pk]
        try:
            saved = svc.task_save(user=user, plan=plan, task=task, lead_unit=lead, co_units=co,
                                  **data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("任务已保存。"))
            return redirect("assessment:task_detail", pk=saved.pk)
    return render(request, "assessment/form.html", {
        "form": form, "nav_active": NAV,
        "title": _("修改任务") if task else _("新增任务"),
        "back_href": reverse("assessment:task_detail", args=[task.pk]) if task
        else reverse("assessment:plan_detail", args=[plan.pk])})


def project_list(request, pk):
    """The plan's projects (项目化管理) with their start, mid-year and final checks."""
    user = request.user
    plan = sel.plan_get(user=user, pk=pk)
    tasks = list(sel.tasks_of(user=user, plan=plan).filter(is_project=True)
                 .prefetch_related("checks"))
    rows = [(t, [next((c for c in t.checks.all() if c.stage == value), None)
                 for value, _label in ProjectStage.choices]) for t in tasks]
    return render(request, "assessment/project_list.html", {
        "plan": plan, "rows": rows, "stages": ProjectStage.choices, "nav_active": NAV})


def task_detail(request, pk):
    user = request.user
    task = Task.objects.select_related("plan", "lead_unit").get_restricted(user, "view", pk=pk)
    reports = ProgressReport.objects.restrict(user, "view").filter(task=task).select_related(
        "round").prefetch_related("proofs").order_by("round__month")
    checks = {c.stage: c for c in task.checks.all()}
    office = not sel.is_unit_user(user) and user.has_perm("assessment.add_projectcheck")
    form = ProjectCheckForm(request.POST or None) if office else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            svc.project_check_save(user=user, task=task, **form.cleaned_data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("项目检查已记录。"))
            return redirect("assessment:task_detail", pk=task.pk)
    return render(request, "assessment/task_detail.html", {
        "task": task, "reports": reports, "form": form, "nav_active": NAV,
        "can_edit": office and user.has_perm("assessment.change_task"),
        "stages": [(value, label, checks.get(value)) for value, label in ProjectStage.choices]})


# --- the monthly dispatch --------------------------------------------------------------------

def round_detail(request, pk):
    user = request.user
    round_ = sel.round_get(user=user, pk=pk)
    unit_view = sel.is_unit_user(user)
    context = {"round": round_, "plan": round_.plan, "nav_active": NAV, "unit_view": unit_view,
               "overdue": timezone.localdate() > round_.due_on}
    if unit_view:
        rows = [(t, r, sel.is_expected(t, round_))
                for t, r in sel.sheet_rows(user=user, round=round_)]
        context.update(rows=rows, owed=sum(1 for _t, _r, owed in rows if owed),
                       reported=sum(1 for _t, r, owed in rows if r and owed),
                       chases=round_.chases.filter(unit_id=user.unit_id)[:5])
    else:
        unit_id = request.GET.get("unit") or None
        own = [(t, r, sel.is_expected(t, round_))
               for t, r in sel.sheet_rows(user=user, round=round_)
               if user.unit_id and t.lead_unit_id == user.unit_id]
        context.update(status=sel.round_status(user=user, round=round_), rows=own,
                       reports=sel.reports_of(user=user, round=round_,
                                              unit_id=unit_id if unit_id and unit_id.isdigit()
                                              else None),
                       can_chase=user.has_perm("assessment.add_chase"),
                       can_comment=user.has_perm("assessment.change_progressreport"),
                       chase_form=ChaseForm(), comment_form=CommentForm())
    return render(request, "assessment/round_detail.html", context)


def report_edit(request, pk, task_pk):
    """A unit reports one of its tasks for the month (value, what was done, problems, proof)."""
    user = request.user
    require_perm(user, "assessment.add_progressreport")
    round_ = sel.round_get(user=user, pk=pk)
    task = Task.objects.select_related("lead_unit").get_restricted(
        user, "view", pk=task_pk, plan_id=round_.plan_id)
    report = ProgressReport.objects.restrict(user, "view").filter(round=round_, task=task).first()
    initial = {"value_reached": report.value_reached, "done": report.done,
               "problems": report.problems} if report else {}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.report_submit(user=user, round=round_, task=task, done=data["done"],
                              problems=data["problems"], value_reached=data["value_reached"],
                              upload=data.get("proof"))
        except AppError as exc:
            apply_app_error(form, exc, {"file": "proof"})
        else:
            messages.success(request, _("已报送：%(task)s") % {"task": task.title[:30]})
            return redirect("assessment:round_detail", pk=round_.pk)
    return render(request, "assessment/report_form.html", {
        "form": form, "round": round_, "task": task, "report": report, "nav_active": NAV,
        "overdue": timezone.localdate() > round_.due_on})


@require_POST
def report_comment(request, pk):
    user = request.user
    report = ProgressReport.objects.get_restricted(user, "change", pk=pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise AppError(_("请填写意见。"))
        svc.report_comment(user=user, report=report, comment=form.cleaned_data["comment"])
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("意见已保存。"))
    return redirect("assessment:round_detail", pk=report.round_id)


@require_POST
def chase(request, pk, unit_pk):
    user = request.user
    require_perm(user, "assessment.add_chase")
    round_ = sel.round_get(user=user, pk=pk)
    unit = Unit.objects.get_restricted(user, "view", pk=unit_pk)
    try:
        item = svc.chase_send(user=user, round=round_, unit=unit,
                              note=request.POST.get("note", ""))
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已向%(unit)s催报（通知 %(n)d 人）。") % {
            "unit": unit.name, "n": item.notified})
    return redirect("assessment:round_detail", pk=round_.pk)


def _sheet_response(request, pk, fmt: str):
    from wutong.assessment import sheets

    user = request.user
    require_perm(user, "assessment.export_progressreport")
    round_ = sel.round_get(user=user, pk=pk)
    rows = sel.sheet_rows(user=user, round=round_, action="export")
    if fmt == "pdf":
        data, ctype = sheets.dispatch_pdf(round_, rows), "application/pdf"
    else:
        data = sheets.dispatch_xlsx(round_, rows)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit_log(actor=user, action=AuditAction.EXPORT, obj=round_,
              extra={"format": fmt, "rows": len(rows)})
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{sheets.title_of(round_)}.{fmt}")
    return response


def round_sheet_xlsx(request, pk):
    return _sheet_response(request, pk, "xlsx")


def round_sheet_pdf(request, pk):
    return _sheet_response(request, pk, "pdf")


def proof_download(request, pk):
    from wutong.talents.attachments import content_type

    user = request.user
    proof = ReportProof.objects.get_restricted(user, "view", pk=pk)
    try:
        data = svc.proof_read(user=user, proof=proof)
    except FileNotFoundError as exc:
        raise NotFound() from exc
    response = HttpResponse(data, content_type=content_type(proof.file_type))
    response["Content-Disposition"] = content_disposition_header(True, proof.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
