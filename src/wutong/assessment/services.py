"""Writes of the assessment app: plans and tasks, the monthly dispatch (reports, proofs,
comments, chases), project checks and leaders' reports. Scoring is in ``scoring.py``."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.models import Unit, User
from wutong.assessment.models import (
    Chase,
    DispatchRound,
    LeaderReport,
    ProgressReport,
    ProjectCheck,
    ProjectStage,
    ReportProof,
    Task,
    WorkPlan,
)
from wutong.core.audit import audit_log, snapshot
from wutong.core.dates import shift_years
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region


class Problems:
    """Field problems collected before anything is written; raised together."""

    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, field: str, message) -> None:
        self.details.append({"field": field, "message": str(message)})

    def text(self, field: str, value: str, limit: int, *, required: bool = False) -> str:
        value = (value or "").strip()
        if required and not value:
            self.add(field, _("请填写。"))
        elif len(value) > limit:
            self.add(field, _("不能超过 %(n)d 个字。") % {"n": limit})
        return value

    def number(self, field: str, value, *, required: bool = False) -> Decimal | None:
        if value in (None, ""):
            if required:
                self.add(field, _("请填写。"))
            return None
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            self.add(field, _("请填写数字。"))
            return None
        if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
            self.add(field, _("请填写不小于 0 的数字。"))
            return None
        return number.quantize(Decimal("0.01"))

    def raise_if_any(self) -> None:
        if self.details:
            raise ValidationFailed(details=self.details)


def _need(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def month_due_on(year: int, month: int, day: int) -> dt.date:
    """The report day of a month, or the month's last day when it has fewer days."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


# --- plans and tasks -------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, user, region, year: int, title: str, source_document: str = "",
                report_day: int = 25) -> WorkPlan:
    """A region's work plan for a year (one per region and year)."""
    _need(user, "assessment.add_workplan")
    require_region(user, region)
    problems = Problems()
    title = problems.text("title", title, 120, required=True)
    source_document = problems.text("source_document", source_document, 200)
    if not 2000 <= int(year or 0) <= 2100:
        problems.add("year", _("年度不正确。"))
    if not 1 <= int(report_day or 0) <= 31:
        problems.add("report_day", _("报送日须在 1～31 之间。"))
    problems.raise_if_any()
    if WorkPlan.objects.filter(region=region, year=year).exists():
        raise ValidationFailed(details=[{"field": "year", "message": _(
            "%(region)s %(year)d 年的工作要点已存在。") % {"region": region.name, "year": year}}])
    plan = WorkPlan.objects.create(region=region, year=year, title=title,
                                   source_document=source_document, report_day=report_day,
                                   created_by=user)
    ensure_in_scope(user, plan, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_copy_forward(*, user, plan: WorkPlan, year: int | None = None) -> WorkPlan:
    """Copy a plan's task list into the next year (or ``year``): the same tasks, units,
    targets and sources, deadlines moved by the years between; no reports, no checks."""
    _need(user, "assessment.add_workplan")
    ensure_in_scope(user, plan, "view")
    year = year or plan.year + 1
    if year <= plan.year:
        raise ValidationFailed(_("只能复制到以后的年度。"))
    if WorkPlan.objects.filter(region=plan.region_id, year=year).exists():
        raise Conflict(_("%(year)d 年的工作要点已存在，未复制。") % {"year": year})
    title = plan.title.replace(str(plan.year), str(year))
    if title == plan.title:
        title = f"{year}年{plan.title}"[:120]
    new = WorkPlan.objects.create(region=plan.region, year=year, title=title[:120],
                                  source_document=plan.source_document,
                                  report_day=plan.report_day, created_by=user)
    ensure_in_scope(user, new, "add")
    years = year - plan.year
    tasks = list(plan.tasks.prefetch_related("co_units"))
    copies = Task.objects.bulk_create([
        Task(plan=new, region=new.region, seq=t.seq, point=t.point, title=t.title,
             lead_unit_id=t.lead_unit_id, target_value=t.target_value,
             target_measure=t.target_measure, target_text=t.target_text,
             deadline=t.deadline and shift_years(t.deadline, years), deadline_text=t.deadline_text,
             source_document=t.source_document, is_project=t.is_project) for t in tasks])
    links = [Task.co_units.through(task_id=copy.pk, unit_id=unit.pk)
             for original, copy in zip(tasks, copies, strict=True)
             for unit in original.co_units.all()]
    Task.co_units.through.objects.bulk_create(links)
    audit_log(actor=user, action=AuditAction.CREATE, obj=new, after=snapshot(new),
              extra={"copied_from": plan.pk, "tasks": len(copies)})
    return new


TASK_FIELDS = ("seq", "point", "title", "target_value", "target_measure", "target_text",
               "deadline", "deadline_text", "source_document", "is_project")


@transaction.atomic
def task_save(*, user, plan: WorkPlan, task: Task | None = None, lead_unit: Unit, co_units=(),
              **fields) -> Task:
    """Add a task to a plan or correct one (the same rules as the import: a unit of the
    plan's region, a measurable target, a number used once)."""
    from wutong.assessment.selectors import region_units

    _need(user, "assessment.change_task" if task else "assessment.add_task")
    ensure_in_scope(user, plan, "change")
    check = Problems()
    data = {key: fields.get(key) for key in TASK_FIELDS}
    data["title"] = check.text("title", data["title"], 500, required=True)
    for key, limit in (("point", 200), ("target_measure", 20), ("target_text", 300),
                       ("deadline_text", 40), ("source_document", 200)):
        data[key] = check.text(key, data[key], limit)
    data["target_value"] = check.number("target_value", data["target_value"])
    data["is_project"] = bool(data["is_project"])
    if data["target_value"] is None and not data["target_text"]:
        check.add("target_value", _("请填写目标值或目标要求（任务须可衡量）。"))
    allowed = {u.pk for u in region_units(plan.region)}
    if lead_unit is None or lead_unit.pk not in allowed:
        check.add("lead_unit", _("请选择本地区的牵头单位。"))
    co_units = [u for u in co_units if u.pk != getattr(lead_unit, "pk", None)]
    if any(u.pk not in allowed for u in co_units):
        check.add("co_units", _("配合单位须为本地区的单位。"))
    seq = data["seq"]
    if not seq or int(seq) <= 0:
        check.add("seq", _("序号须为正整数。"))
    elif plan.tasks.filter(seq=seq).exclude(pk=getattr(task, "pk", None)).exists():
        check.add("seq", _("序号 %(n)s 已被其他任务使用。") % {"n": seq})
    check.raise_if_any()
    before = snapshot(task) if task else None
    if task is None:
        task = Task(plan=plan, region_id=plan.region_id)
    for key, value in data.items():
        setattr(task, key, value)
    task.lead_unit = lead_unit
    task.save()
    task.co_units.set(co_units)
    ensure_in_scope(user, task, "change")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=task, before=before, after=snapshot(task),
              extra={"co_units": [u.pk for u in co_units]})
    return task


# --- the monthly dispatch --------------------------------------------------------------------

@transaction.atomic
def round_open(*, user, plan: WorkPlan, month: int, due_on: dt.date | None = None
               ) -> DispatchRound:
    """Open a month's dispatch: units report their tasks' progress by the due day."""
    _need(user, "assessment.add_dispatchround")
    ensure_in_scope(user, plan, "change")
    if not 1 <= int(month or 0) <= 12:
        raise ValidationFailed(details=[{"field": "month", "message": _("月份须在 1～12 之间。")}])
    due_on = due_on or month_due_on(plan.year, month, plan.report_day)
    try:
        with transaction.atomic():
            round_ = DispatchRound.objects.create(plan=plan, region=plan.region, month=month,
                                                  due_on=due_on, opened_by=user)
    except IntegrityError as exc:
        raise Conflict(_("%(m)d 月的调度已经发起。") % {"m": month}) from exc
    ensure_in_scope(user, round_, "add")
    _schedule_reminders(round_)
    audit_log(actor=user, action=AuditAction.CREATE, obj=round_, after=snapshot(round_))
    return round_


REMIND_DAYS_BEFORE = 2  # units are reminded two days before the due day, at 9:00


def _reminder_key(round_id: int, unit_id: int) -> str:
    return f"assessment:round:{round_id}:unit:{unit_id}:"


def _owed(round_: DispatchRound):
    from django.db.models import Q

    start = dt.date(round_.plan.year, round_.month, 1)
    return Task.objects.filter(plan_id=round_.plan_id).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=start))


def _schedule_reminders(round_: DispatchRound) -> int:
    """A durable reminder (core.notify.remind) to each unit that owes reports this month,
    before the due day; it is cancelled once the unit has reported every owed task."""
    try:
        from wutong.core.notify import remind
    except ImportError:  # an older core without notifications
        return 0
    from django.urls import reverse

    due_at = timezone.make_aware(dt.datetime.combine(
        round_.due_on - dt.timedelta(days=REMIND_DAYS_BEFORE), dt.time(9)))
    if due_at <= timezone.now():
        return 0
    title = _("%(year)d年%(month)d月人才工作任务进展将于 %(due)s 截止报送") % {
        "year": round_.plan.year, "month": round_.month, "due": round_.due_on.isoformat()}
    url = reverse("assessment:round_detail", args=[round_.pk])
    unit_ids = set(_owed(round_).values_list("lead_unit_id", flat=True))
    for unit_id in unit_ids:
        remind(key=_reminder_key(round_.pk, unit_id), due_at=due_at, kind="assessment.due",
               recipients=User.objects.filter(unit_id=unit_id, is_active=True), title=title,
               url=url, obj=round_)
    return len(unit_ids)


def _cancel_reminder_if_done(round_: DispatchRound, unit_id: int) -> None:
    owed = _owed(round_).filter(lead_unit_id=unit_id)
    if ProgressReport.objects.filter(round=round_, task__in=owed).count() < owed.count():
        return
    try:
        from wutong.core.notify import cancel_reminders
    except ImportError:
        return
    cancel_reminders(key_prefix=_reminder_key(round_.pk, unit_id))


@transaction.atomic
def report_submit(*, user, round: DispatchRound, task: Task, done: str, problems: str = "",
                  value_reached=None, upload=None) -> ProgressReport:
    """A unit's report on one of its tasks for the month. Reporting again before the office
    comments replaces the text; a report is late when first made after the due day."""
    _need(user, "assessment.add_progressreport")
    ensure_in_scope(user, task, "view")
    if task.plan_id != round.plan_id:
        raise ValidationFailed(_("该任务不属于本次调度。"))
    check = Problems()
    done = check.text("done", done, 2000, required=True)
    problems = check.text("problems", problems, 2000)
    value = check.number("value_reached", value_reached)
    check.raise_if_any()
    now = timezone.now()
    report = ProgressReport.objects.select_for_update().filter(round=round, task=task).first()
    before = snapshot(report) if report else None
    if report is not None and report.comment:
        raise Conflict(_("人才办已对本月报送作出批注，如需更正请联系人才办。"))
    if report is None:
        report = ProgressReport(round=round, task=task, region_id=task.region_id,
                                unit_id=task.lead_unit_id, submitted_at=now,
                                is_late=timezone.localdate(now) > round.due_on)
    report.done, report.problems, report.value_reached = done, problems, value
    report.submitted_by = user
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise Conflict() from exc
    ensure_in_scope(user, report, "add")
    if upload is not None:
        proof_add(user=user, report=report, upload=upload)
    if before is None:
        _cancel_reminder_if_done(round, task.lead_unit_id)
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=report, before=before, after=snapshot(report))
    return report


def proof_add(*, user, report: ProgressReport, upload) -> ReportProof:
    """Keep a proof of a report, sealed; its content decides its type (PDF, image, Word,
    Excel) and its size is limited like a person's attachments."""
    from wutong.talents import attachments

    ensure_in_scope(user, report, "change")
    data, file_type, filename = attachments.read_upload(upload)
    key = attachments.blob_store(data)
    try:
        proof = ReportProof.objects.create(
            report=report, region_id=report.region_id, unit_id=report.unit_id,
            filename=filename, file_type=file_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), storage_key=key, uploaded_by=user)
        ensure_in_scope(user, proof, "view")
    except BaseException:
        attachments.blob_delete(key)
        raise
    return proof


def proof_read(*, user, proof: ReportProof) -> bytes:
    """The clear bytes of a proof for a user who may see it; the download is audited (a
    proof can show people's details)."""
    from wutong.talents import attachments

    ensure_in_scope(user, proof, "view")
    data = attachments.blob_load(proof.storage_key)
    with transaction.atomic():
        audit_log(actor=user, action=AuditAction.EXPORT, obj=proof.report,
                  extra={"proof_downloaded": {"id": proof.pk, "file": proof.filename}})
    return data


@transaction.atomic
def report_comment(*, user, report: ProgressReport, comment: str) -> ProgressReport:
    """The office's comment on a report (批注)."""
    _need(user, "assessment.change_progressreport")
    ensure_in_scope(user, report, "change")
    if user.get_data_scope().kind == "unit":
        raise PermissionDenied(_("批注由人才办填写。"))
    check = Problems()
    comment = check.text("comment", comment, 1000, required=True)
    check.raise_if_any()
    before = snapshot(report)
    report.comment, report.commented_by, report.commented_at = comment, user, timezone.now()
    report.save(update_fields=["comment", "commented_by", "commented_at"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=report, before=before,
              after=snapshot(report))
    return report


@transaction.atomic
def chase_send(*, user, round: DispatchRound, unit: Unit, note: str = "") -> Chase:
    """Chase a unit that has not reported (催报): the chase is recorded and the unit's staff
    get an in-app message with a link to the month's dispatch."""
    _need(user, "assessment.add_chase")
    ensure_in_scope(user, round, "view")
    if unit.region_id != round.region_id:
        raise ValidationFailed(_("该单位不属于本地区。"))
    check = Problems()
    note = check.text("note", note, 300)
    check.raise_if_any()
    chase = Chase.objects.create(round=round, region=round.region, unit=unit, note=note,
                                 chased_by=user)
    ensure_in_scope(user, chase, "add")
    chase.notified = _notify_chase(chase)
    chase.save(update_fields=["notified"])
    audit_log(actor=user, action=AuditAction.CREATE, obj=chase, after=snapshot(chase))
    return chase


def _notify_chase(chase: Chase) -> int:
    """THE call site of notifications for a chase (core.notify, issue 5)."""
    try:
        from wutong.core.notify import notify
    except ImportError:  # an older core without notifications: the chase is still recorded
        return 0
    from django.urls import reverse

    recipients = User.objects.filter(unit_id=chase.unit_id, is_active=True)
    round_ = chase.round
    title = _("请报送%(year)d年%(month)d月人才工作任务进展") % {
        "year": round_.plan.year, "month": round_.month}
    body = _("报送截止 %(due)s。%(note)s") % {"due": round_.due_on.isoformat(),
                                            "note": chase.note}
    return notify(recipients=recipients, kind="assessment.chase", title=title, body=body,
                  url=reverse("assessment:round_detail", args=[round_.pk]), obj=chase)


# --- project-based management and leaders' reports -------------------------------------------

@transaction.atomic
def project_check_save(*, user, task: Task, stage: str, content: str, score=None,
                       checked_on: dt.date | None = None) -> ProjectCheck:
    """Record a project's start plan, mid-year inspection or end-of-year result."""
    _need(user, "assessment.add_projectcheck")
    ensure_in_scope(user, task, "change")
    check = Problems()
    if stage not in ProjectStage.values:
        check.add("stage", _("请选择阶段。"))
    content = check.text("content", content, 2000, required=True)
    points = check.number("score", score)
    if points is not None and points > 100:
        check.add("score", _("评分须在 0～100 之间。"))
    check.raise_if_any()
    if not task.is_project:
        raise ValidationFailed(_("该任务未列入项目化管理。"))
    item, created = ProjectCheck.objects.update_or_create(
        task=task, stage=stage,
        defaults={"region_id": task.region_id, "unit_id": task.lead_unit_id,
                  "content": content, "score": points, "checked_by": user,
                  "checked_on": checked_on or timezone.localdate()})
    ensure_in_scope(user, item, "add")
    audit_log(actor=user, action=AuditAction.CREATE if created else AuditAction.UPDATE,
              obj=item, after=snapshot(item))
    return item


@transaction.atomic
def leader_report_save(*, user, region, year: int, leader_name: str, post: str, report: str,
                       unit: Unit | None = None, score=None, comments: str = "",
                       reported_on: dt.date | None = None) -> LeaderReport:
    """Record a leader's report on talent work (述职) with its score and comments."""
    _need(user, "assessment.add_leaderreport")
    require_region(user, region)
    check = Problems()
    leader_name = check.text("leader_name", leader_name, 50, required=True)
    post = check.text("post", post, 100, required=True)
    report = check.text("report", report, 20000, required=True)
    comments = check.text("comments", comments, 5000)
    points = check.number("score", score)
    if points is not None and points > 100:
        check.add("score", _("评分须在 0～100 之间。"))
    if unit is not None and unit.region_id != region.pk:
        check.add("unit", _("该单位不属于所选地区。"))
    check.raise_if_any()
    try:
        with transaction.atomic():
            item = LeaderReport.objects.create(
                region=region, year=year, leader_name=leader_name, post=post, unit=unit,
                report=report, score=points, comments=comments,
                reported_on=reported_on or timezone.localdate(), recorded_by=user)
    except IntegrityError as exc:
        raise Conflict(_("%(name)s（%(post)s）%(year)d 年的述职已记录。") % {
            "name": leader_name, "post": post, "year": year}) from exc
    ensure_in_scope(user, item, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=item, after=snapshot(item))
    return item
