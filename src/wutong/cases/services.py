"""Writes of the service-case loop. Each is keyword-only, runs in one transaction, locks the
case row (``select_for_update``: two officers clicking at once get one step and a clear
message, never a mixed state), checks the transition against ``ALLOWED``, records the step,
writes the audit log, tells the source record (``core.links.report_outcome``) and notifies
whoever must act next.

Who does what: the talent office (``cases.manage_case``) accepts, declines, assigns, adds
co-handling units and supervises (督办); the answering unit's staff take the case, note
steps, ask the requester for materials, answer and transfer; the requester (or the talent
the case is for) supplies materials, confirms and rates, reopens, withdraws.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.cases import notices
from wutong.cases.models import (
    FINAL,
    PAUSED,
    Case,
    CaseCoUnit,
    CaseStatus,
    CaseStep,
    CaseType,
    OverrideKind,
    RequesterKind,
    StepKind,
    WorkdayOverride,
)
from wutong.cases.workdays import Calendar
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope

S = CaseStatus
# Which status may follow which (the loop). Anything else is refused with a Chinese message.
ALLOWED: dict[str, set[str]] = {
    S.RAISED: {S.ACCEPTED, S.ASSIGNED, S.DECLINED, S.WITHDRAWN},
    S.ACCEPTED: {S.ASSIGNED, S.DECLINED, S.WITHDRAWN},
    S.ASSIGNED: {S.ASSIGNED, S.HANDLING, S.WAITING, S.ANSWERED, S.WITHDRAWN},
    S.HANDLING: {S.ASSIGNED, S.WAITING, S.ANSWERED, S.WITHDRAWN},
    S.WAITING: {S.HANDLING, S.WITHDRAWN},
    S.ANSWERED: {S.CLOSED, S.HANDLING},
    S.CLOSED: {S.HANDLING},
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
MAX_TEXT = 2000
REOPEN_DAYS = 30  # a closed case may be reopened within this many calendar days


def _need(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def _text(value: str, field: str, *, required: bool = True, label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(details=[{"field": field,
                                         "message": _("请填写%(l)s。") % {"l": label}}])
    if len(value) > MAX_TEXT:
        raise ValidationFailed(details=[{"field": field, "message": _("最多 2000 字。")}])
    return value


def _locked(case: Case) -> Case:
    """The case re-read under a row lock, with what the steps need."""
    try:
        return Case.objects.select_for_update(of=("self",)).select_related(
            "case_type", "talent", "region", "unit").get(pk=case.pk)
    except Case.DoesNotExist as exc:
        raise NotFound() from exc


def _move(case: Case, to: str, action) -> None:
    if to not in ALLOWED[case.status]:
        raise Conflict(_("该诉求当前为“%(s)s”，不能%(a)s。") % {
            "s": case.get_status_display(), "a": action})
    case.status = to


def _step(case: Case, *, user, kind: str, text: str = "", before: str = "", unit=None,
          internal: bool = False) -> CaseStep:
    return CaseStep.objects.create(
        case=case, kind=kind, actor=user, actor_name=getattr(user, "full_name", "") or "",
        unit=unit if unit is not None else getattr(user, "unit", None), text=text,
        from_status=before, to_status=case.status, is_internal=internal, at=timezone.now())


def _finish(case: Case, *, user, before_snap: dict, step: CaseStep, status_changed: bool):
    """Save, re-check scope, audit, tell the source (inside the transaction)."""
    from wutong.core.links import report_outcome

    case.save()
    audit_log(actor=user, action=AuditAction.UPDATE, obj=case, before=before_snap,
              after=snapshot(case), extra={"step": step.kind, "text": step.text[:200]})
    if status_changed and case.source_key:
        report_outcome(case.source_key, status=case.get_status_display(),
                       closed=case.status in FINAL,
                       url=notices.case_url(case))


def _is_requester(user, case: Case) -> bool:
    return bool(user.pk) and user.pk in (case.requester_id, case.talent.account_id)


def _require_requester(user, case: Case) -> None:
    if not _is_requester(user, case):
        raise PermissionDenied(_("只有诉求提出人或人才本人可以进行此操作。"))


def _require_office(user, case: Case) -> None:
    _need(user, "cases.manage_case")
    ensure_in_scope(user, case, "change")


def _require_handling_unit(user, case: Case) -> None:
    _need(user, "cases.change_case")
    if not user.unit_id or user.unit_id != case.unit_id:
        raise PermissionDenied(_("只有承办单位可以办理此诉求。"))
    ensure_in_scope(user, case, "change")


def _today():
    return timezone.localdate()


# --- raising ----------------------------------------------------------------------------------


def requester_kind_of(user) -> str:
    from wutong.accounts.roles import Role

    return {Role.TALENT: RequesterKind.TALENT, Role.EMPLOYER: RequesterKind.EMPLOYER,
            Role.COMMISSIONER: RequesterKind.COMMISSIONER, Role.LEADER: RequesterKind.LEADER,
            }.get(user.role, RequesterKind.OFFICE)


def types_for_region(region):
    """Active case types of the region and the regions above it (nearest first)."""
    paths = _ancestor_paths(region.path)
    return CaseType.objects.filter(region__path__in=paths, is_active=True).select_related(
        "region", "unit").order_by("-region__path", "sort_order", "name")


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[:i]) for i in range(1, len(parts) + 1)]


@transaction.atomic
def case_raise(*, user, talent, case_type: CaseType, title: str, content: str,
               source_key: str = "") -> Case:
    """Raise a case for a talent: the talent for themself, an employer for its people, a
    commissioner, leader or the office on their behalf (within their scope). The deadline
    is counted in working days from today by the type's catalogue entry."""
    _need(user, "cases.add_case")
    from wutong.talents.models import Talent

    if not Talent.objects.restrict(user, "view").filter(pk=talent.pk).exists():
        raise NotFound()
    kind = requester_kind_of(user)
    if kind == RequesterKind.TALENT and talent.account_id != user.pk:
        raise PermissionDenied(_("人才只能为本人提出诉求。"))
    if not types_for_region(talent.region).filter(pk=case_type.pk).exists():
        raise ValidationFailed(details=[{"field": "case_type",
                                         "message": _("该诉求类型不适用于此人才所在地区。")}])
    title = _text(title, "title", label=_("诉求标题"))[:100]
    content = _text(content, "content", label=_("诉求内容"))
    if source_key:
        from wutong.core.links import describe_source

        describe_source(user, source_key)  # NotFound outside the source's scope
    now = timezone.now()
    calendar = Calendar.load()
    # The employer reaches the cases it raised for its people, not the talent's own
    # (a child's school, a parent's illness are the talent's business).
    case = Case(region_id=talent.region_id, case_type=case_type, talent=talent,
                employer_id=talent.employer_id if kind == RequesterKind.EMPLOYER else None,
                title=title, content=content, requester=user,
                requester_kind=kind, raised_at=now,
                due_on=calendar.add(_today(), case_type.deadline_days),
                source_key=source_key or "")
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise Conflict(_("该来源已转为诉求，不能重复提交。")) from exc
    ensure_in_scope(user, case, "view")
    _step(case, user=user, kind=StepKind.RAISE, text=content[:500])
    audit_log(actor=user, action=AuditAction.CREATE, obj=case, after=snapshot(case))
    if case.source_key:
        from wutong.core.links import report_outcome

        report_outcome(case.source_key, status=case.get_status_display(), closed=False,
                       url=notices.case_url(case))
    notices.send(case, notices.office_staff(case.region_id), "raised",
                 _("新诉求待受理：%(t)s") % {"t": case.title},
                 _("%(n)s · %(k)s，期限 %(d)s") % {"n": talent.name, "k": case_type.name,
                                                  "d": case.due_on.isoformat()})
    notices.schedule_warning(case, calendar)
    return case


# --- the office ------------------------------------------------------------------------------


@transaction.atomic
def case_accept(*, user, case: Case, note: str = "") -> Case:
    case = _locked(case)
    _require_office(user, case)
    before, snap = case.status, snapshot(case)
    _move(case, S.ACCEPTED, _("受理"))
    step = _step(case, user=user, kind=StepKind.ACCEPT, text=_text(note, "note",
                                                                   required=False),
                 before=before)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.requesters(case), "accepted",
                 _("您的诉求已受理：%(t)s") % {"t": case.title})
    return case


@transaction.atomic
def case_decline(*, user, case: Case, reason: str) -> Case:
    reason = _text(reason, "reason", label=_("不予受理的理由"))
    case = _locked(case)
    _require_office(user, case)
    before, snap = case.status, snapshot(case)
    _move(case, S.DECLINED, _("不予受理"))
    case.closed_at = timezone.now()
    step = _step(case, user=user, kind=StepKind.DECLINE, text=reason, before=before)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.cancel_warning(case)
    notices.send(case, notices.requesters(case), "declined",
                 _("您的诉求未予受理：%(t)s") % {"t": case.title}, reason)
    return case


def _check_unit(user, unit, region) -> None:
    """A unit of the case's region or of a region above it (a district's case may be
    answered by a city bureau, as the city's catalogue says)."""
    _check_unit_any(unit, region)


def _check_handler(handler, unit) -> None:
    if handler is not None and (handler.unit_id != unit.pk or not handler.is_active):
        raise ValidationFailed(details=[{"field": "handler",
                                         "message": _("经办人须是承办单位的在岗人员。")}])


@transaction.atomic
def case_assign(*, user, case: Case, unit=None, handler=None, note: str = "") -> Case:
    """Hand the case to a unit (by default the type's responsible unit) and, if named, its
    handler. Assigning a case not yet accepted accepts it in the same step."""
    case = _locked(case)
    _require_office(user, case)
    unit = unit or case.case_type.unit
    _check_unit(user, unit, case.region)
    _check_handler(handler, unit)
    note = _text(note, "note", required=False)
    before, snap = case.status, snapshot(case)
    if case.status == S.RAISED:
        _move(case, S.ACCEPTED, _("受理"))
        _step(case, user=user, kind=StepKind.ACCEPT, before=before)
        before = case.status
    _move(case, S.ASSIGNED, _("交办"))
    case.unit, case.handler = unit, handler
    # The step names the unit; the officer is on the case (not shown to the requester).
    step = _step(case, user=user, kind=StepKind.ASSIGN, text=note, before=before, unit=unit)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    calendar = Calendar.load()
    notices.send(case, notices.handlers(case), "assigned",
                 _("交办诉求待办理：%(t)s") % {"t": case.title},
                 _("办理期限 %(d)s") % {"d": case.due_on.isoformat()})
    notices.send(case, notices.requesters(case), "progress",
                 _("您的诉求已交由%(u)s办理") % {"u": unit.name})
    notices.schedule_warning(case, calendar)
    return case


@transaction.atomic
def case_add_cohandler(*, user, case: Case, unit) -> CaseCoUnit:
    case = _locked(case)
    _require_office(user, case)
    if case.status in FINAL:
        raise Conflict(_("诉求已结束，不能再增加协办单位。"))
    _check_unit(user, unit, case.region)
    if unit.pk == case.unit_id:
        raise ValidationFailed(details=[{"field": "unit",
                                         "message": _("该单位已是承办单位。")}])
    try:
        with transaction.atomic():
            co = CaseCoUnit.objects.create(case=case, unit=unit)
    except IntegrityError as exc:
        raise Conflict(_("该单位已是协办单位。")) from exc
    snap = snapshot(case)
    step = _step(case, user=user, kind=StepKind.COHANDLE, text=unit.name, before=case.status,
                 unit=unit)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=False)
    notices.send(case, notices.unit_staff(unit.pk), "cohandle",
                 _("请协办诉求：%(t)s") % {"t": case.title})
    return co


@transaction.atomic
def case_supervise(*, user, case: Case, text: str) -> Case:
    """督办: the talent office presses the unit; recorded, and the unit is told."""
    text = _text(text, "text", label=_("督办意见"))
    case = _locked(case)
    _require_office(user, case)
    if case.status in FINAL:
        raise Conflict(_("诉求已结束，无需督办。"))
    snap = snapshot(case)
    case.is_supervised = True
    step = _step(case, user=user, kind=StepKind.SUPERVISE, text=text, before=case.status,
                 internal=True)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=False)
    notices.send(case, notices.handlers(case) if case.unit_id else [], "supervise",
                 _("督办：%(t)s") % {"t": case.title}, text)
    return case


# --- the answering unit ----------------------------------------------------------------------


@transaction.atomic
def case_claim(*, user, case: Case) -> Case:
    """An officer of the answering unit takes the case (becomes its handler)."""
    case = _locked(case)
    _require_handling_unit(user, case)
    if case.handler_id and case.handler_id != user.pk and case.status == S.HANDLING:
        raise Conflict(_("该诉求已由%(n)s办理。") % {"n": case.handler.full_name})
    before, snap = case.status, snapshot(case)
    if case.status != S.HANDLING:
        _move(case, S.HANDLING, _("开始办理"))
    case.handler = user
    step = _step(case, user=user, kind=StepKind.CLAIM, before=before)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=before != case.status)
    return case


@transaction.atomic
def case_note(*, user, case: Case, text: str, internal: bool = False) -> CaseStep:
    """A handling step (办理记录) by the answering unit or a co-handling unit."""
    _need(user, "cases.change_case")
    text = _text(text, "text", label=_("办理情况"))
    case = _locked(case)
    is_unit = bool(user.unit_id) and user.unit_id == case.unit_id
    is_co = bool(user.unit_id) and CaseCoUnit.objects.filter(case=case,
                                                             unit_id=user.unit_id).exists()
    if not (is_unit or is_co):
        raise PermissionDenied(_("只有承办或协办单位可以填写办理记录。"))
    if case.status not in (S.ASSIGNED, S.HANDLING, S.WAITING):
        raise Conflict(_("该诉求当前为“%(s)s”，不能填写办理记录。") % {
            "s": case.get_status_display()})
    before, snap = case.status, snapshot(case)
    if is_unit and case.status == S.ASSIGNED:
        _move(case, S.HANDLING, _("开始办理"))
        case.handler = case.handler or user
    step = _step(case, user=user, kind=StepKind.NOTE, text=text, before=before,
                 internal=internal)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=before != case.status)
    return step


def _pause(case: Case, calendar: Calendar) -> None:
    case.remaining_days = calendar.between(_today(), case.due_on)
    notices.cancel_warning(case)


def _resume(case: Case, calendar: Calendar) -> None:
    left = case.remaining_days
    if left is not None and left > 0:
        case.due_on = calendar.add(_today(), left)
    case.remaining_days = None


@transaction.atomic
def case_request_info(*, user, case: Case, text: str) -> Case:
    """Ask the requester for materials or details; the clock stops until they answer."""
    text = _text(text, "text", label=_("需要补充的内容"))
    case = _locked(case)
    _require_handling_unit(user, case)
    before, snap = case.status, snapshot(case)
    _move(case, S.WAITING, _("请补充材料"))
    case.handler = case.handler or user
    _pause(case, Calendar.load())
    step = _step(case, user=user, kind=StepKind.REQUEST_INFO, text=text, before=before)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.requesters(case), "request_info",
                 _("请补充诉求材料：%(t)s") % {"t": case.title}, text)
    return case


@transaction.atomic
def case_supply(*, user, case: Case, text: str) -> Case:
    """The requester answers a request for materials; the clock runs again."""
    _need(user, "cases.view_case")
    text = _text(text, "text", label=_("补充说明"))
    case = _locked(case)
    _require_requester(user, case)
    before, snap = case.status, snapshot(case)
    _move(case, S.HANDLING, _("补充材料"))
    calendar = Calendar.load()
    _resume(case, calendar)
    step = _step(case, user=user, kind=StepKind.SUPPLY, text=text, before=before, unit=None)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.handlers(case), "supplied",
                 _("诉求人已补充材料：%(t)s") % {"t": case.title}, text)
    notices.schedule_warning(case, calendar)
    return case


@transaction.atomic
def case_answer(*, user, case: Case, text: str) -> Case:
    """The unit's answer (答复); the requester is asked to confirm and rate it. The clock
    stops while waiting for the confirmation."""
    text = _text(text, "text", label=_("答复意见"))
    case = _locked(case)
    _require_handling_unit(user, case)
    before, snap = case.status, snapshot(case)
    _move(case, S.ANSWERED, _("答复"))
    case.handler = case.handler or user
    case.answer, case.answered_at = text, timezone.now()
    _pause(case, Calendar.load())
    step = _step(case, user=user, kind=StepKind.ANSWER, text=text, before=before)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.requesters(case), "answered",
                 _("您的诉求已答复，请确认并评价：%(t)s") % {"t": case.title}, text[:200])
    return case


@transaction.atomic
def case_transfer(*, user, case: Case, unit, reason: str) -> Case:
    """Send the case to another unit (转办) with the reason; by the answering unit or the
    office. The deadline stays: the requester's clock does not restart."""
    _need(user, "cases.change_case")
    reason = _text(reason, "reason", label=_("转办理由"))
    case = _locked(case)
    if not user.has_perm("cases.manage_case") or \
            not Case.objects.restrict(user, "change").filter(pk=case.pk).exists():
        _require_handling_unit(user, case)
    if unit is not None and unit.pk == case.unit_id:
        raise ValidationFailed(details=[{"field": "unit",
                                         "message": _("请选择另一个单位。")}])
    _check_unit_any(unit, case.region)
    before, snap = case.status, snapshot(case)
    _move(case, S.ASSIGNED, _("转办"))
    old = case.unit
    case.unit, case.handler = unit, None
    step = _step(case, user=user, kind=StepKind.TRANSFER,
                 text=f"{old.name if old else ''} → {unit.name}：{reason}", before=before,
                 unit=unit)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.unit_staff(unit.pk), "assigned",
                 _("转办诉求待办理：%(t)s") % {"t": case.title}, reason)
    notices.schedule_warning(case, Calendar.load())
    return case


def _check_unit_any(unit, region) -> None:
    """A unit of the case's region (or above): member-unit staff cannot list other units
    through their own scope, so this reads the units directly."""
    if unit is None or not unit.is_active or not (
            region.path.startswith(unit.region.path) or unit.region.path.startswith(
                region.path)):
        raise ValidationFailed(details=[{"field": "unit",
                                         "message": _("请选择本地区的承办单位。")}])


# --- the requester ---------------------------------------------------------------------------


@transaction.atomic
def case_confirm(*, user, case: Case, satisfaction: int, comment: str = "") -> Case:
    """The requester (or the talent) confirms the answer and rates it 1–5; the case closes."""
    _need(user, "cases.view_case")
    case = _locked(case)
    _require_requester(user, case)
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationFailed(details=[{"field": "satisfaction",
                                         "message": _("请选择 1–5 星的满意度。")}])
    comment = _text(comment, "comment", required=False)[:500]
    before, snap = case.status, snapshot(case)
    _move(case, S.CLOSED, _("确认办结"))
    case.satisfaction, case.rating_comment = satisfaction, comment
    case.closed_at, case.remaining_days = timezone.now(), None
    step = _step(case, user=user, kind=StepKind.CONFIRM,
                 text=f"{'★' * satisfaction}{'☆' * (5 - satisfaction)} {comment}".strip(),
                 before=before, unit=None)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.cancel_warning(case)
    notices.send(case, notices.handlers(case), "confirmed",
                 _("诉求已确认办结（满意度 %(s)s）：%(t)s") % {"s": satisfaction,
                                                           "t": case.title})
    return case


@transaction.atomic
def case_reopen(*, user, case: Case, reason: str) -> Case:
    """The requester is not satisfied: the case goes back to the same unit with a new
    deadline (the type's full term from today) and a new escalation round."""
    _need(user, "cases.view_case")
    reason = _text(reason, "reason", label=_("重新办理的理由"))
    case = _locked(case)
    _require_requester(user, case)
    if case.status == S.CLOSED and case.closed_at and \
            (timezone.now() - case.closed_at).days > REOPEN_DAYS:
        raise Conflict(_("办结已超过 %(n)s 天，请重新提出诉求。") % {"n": REOPEN_DAYS})
    before, snap = case.status, snapshot(case)
    _move(case, S.HANDLING, _("重新办理"))
    calendar = Calendar.load()
    case.due_on = calendar.add(_today(), case.case_type.deadline_days)
    case.remaining_days = None
    case.reopen_count += 1
    case.escalation_level = 0
    case.closed_at = None
    case.satisfaction, case.rating_comment = None, ""
    step = _step(case, user=user, kind=StepKind.REOPEN, text=reason, before=before, unit=None)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.send(case, notices.handlers(case), "reopened",
                 _("诉求被要求重新办理：%(t)s") % {"t": case.title}, reason)
    notices.send(case, notices.office_staff(case.region_id), "reopened",
                 _("诉求被要求重新办理：%(t)s") % {"t": case.title}, reason)
    notices.schedule_warning(case, calendar)
    return case


@transaction.atomic
def case_withdraw(*, user, case: Case, reason: str = "") -> Case:
    _need(user, "cases.view_case")
    case = _locked(case)
    _require_requester(user, case)
    reason = _text(reason, "reason", required=False)
    before, snap = case.status, snapshot(case)
    _move(case, S.WITHDRAWN, _("撤回"))
    case.closed_at = timezone.now()
    step = _step(case, user=user, kind=StepKind.WITHDRAW, text=reason, before=before,
                 unit=None)
    _finish(case, user=user, before_snap=snap, step=step, status_changed=True)
    notices.cancel_warning(case)
    if case.unit_id:
        notices.send(case, notices.handlers(case), "withdrawn",
                     _("诉求已撤回：%(t)s") % {"t": case.title}, reason)
    return case


def may_confirm(user, case: Case) -> bool:
    return case.status == S.ANSWERED and _is_requester(user, case)


def may_reopen(user, case: Case) -> bool:
    return case.status in (S.ANSWERED, S.CLOSED) and _is_requester(user, case)


def may_supply(user, case: Case) -> bool:
    return case.status == S.WAITING and _is_requester(user, case)


def is_paused(case: Case) -> bool:
    return case.status in PAUSED


# --- the catalogue and the calendar ----------------------------------------------------------


TYPE_FIELDS = ("name", "unit", "deadline_days", "warn_days", "description", "sort_order",
               "is_active")


@transaction.atomic
def casetype_save(*, user, region, case_type: CaseType | None = None, **fields) -> CaseType:
    """Create or change a catalogue entry of a region in the user's scope."""
    from wutong.core.scope import require_region

    _need(user, "cases.change_casetype" if case_type else "cases.add_casetype")
    if case_type is not None:
        ensure_in_scope(user, case_type, "change")
        region = case_type.region
    require_region(user, region)
    unit = fields.get("unit")
    if unit is None or (not region.path.startswith(unit.region.path) and
                        not unit.region.path.startswith(region.path)):
        raise ValidationFailed(details=[{"field": "unit",
                                         "message": _("责任单位须是本地区的单位。")}])
    if int(fields.get("warn_days") or 0) >= int(fields.get("deadline_days") or 0):
        raise ValidationFailed(details=[{"field": "warn_days",
                                         "message": _("预警天数须少于办理时限。")}])
    before = snapshot(case_type) if case_type else None
    obj = case_type or CaseType(region=region)
    for name in TYPE_FIELDS:
        if name in fields:
            setattr(obj, name, fields[name])
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(_("本地区已有同名的诉求类型。")) from exc
    ensure_in_scope(user, obj, "change")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def workday_override_save(*, user, day, kind: str, note: str = "") -> WorkdayOverride:
    """Enter a holiday or make-up working day (the office, e.g. for next year's calendar)."""
    _need(user, "cases.change_workdayoverride")
    if kind not in OverrideKind.values:
        raise ValidationFailed(details=[{"field": "kind", "message": _("请选择类型。")}])
    obj, created = WorkdayOverride.objects.update_or_create(
        day=day, defaults={"kind": kind, "note": (note or "")[:60], "created_by": user})
    audit_log(actor=user, action=AuditAction.CREATE if created else AuditAction.UPDATE,
              obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def workday_override_delete(*, user, override: WorkdayOverride) -> None:
    _need(user, "cases.change_workdayoverride")
    audit_log(actor=user, action=AuditAction.DELETE, obj=override, before=snapshot(override))
    override.delete()
