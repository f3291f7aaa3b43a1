"""Writes of leaders' contact duty: the roster of leaders, the local rule, who looks after whom,
service logs with their suggestions and problems, and the ledger job. Every write is
keyword-only, in one transaction, re-checked against the writer's scope and audited."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.roles import Role
from wutong.core import context
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wutong.core.models import Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.models.jobs import JobStatus
from wutong.core.scope import ensure_in_scope, require_region
from wutong.liaison.models import (
    Assignment,
    Contact,
    ContactForm,
    DutyRule,
    Item,
    ItemKind,
    ItemStatus,
    Leader,
    LeaderBody,
)

logger = logging.getLogger(__name__)
LEADER_FIELDS = ("name", "post", "body", "unit", "account", "sort_order", "is_active")


def _today() -> dt.date:
    return timezone.localdate()


# --- leaders and the rule --------------------------------------------------------------------
def _same_line(a: Region | None, b: Region) -> bool:
    """``a`` is ``b``, above it or below it (a city's leader may sit in a district)."""
    return a is not None and (a.path.startswith(b.path) or b.path.startswith(a.path))


def _check_leader(*, user, region: Region, body: str, unit, account) -> None:
    errors = []
    if body not in LeaderBody.values:
        errors.append({"field": "body", "message": _("请选择所属班子。")})
    if body == LeaderBody.UNIT and unit is None:
        errors.append({"field": "unit", "message": _("成员单位主要负责人须选择其单位。")})
    if body != LeaderBody.UNIT and unit is not None:
        errors.append({"field": "unit", "message": _("只有成员单位主要负责人填写单位。")})
    if unit is not None and not _same_line(unit.region, region):
        errors.append({"field": "unit", "message": _("所选单位不属于该地区。")})
    if account is not None and account.role != Role.LEADER:
        errors.append({"field": "account", "message": _("只能关联“领导干部”角色的账号。")})
    elif account is not None and not _same_line(account.region, region):
        errors.append({"field": "account", "message": _("所选账号不属于该地区。")})
    if errors:
        raise ValidationFailed(details=errors)


@transaction.atomic
def leader_create(*, user, region: Region, name: str, post: str, body: str, unit=None,
                  account=None, sort_order: int = 0) -> Leader:
    require_region(user, region)
    _check_leader(user=user, region=region, body=body, unit=unit, account=account)
    try:
        with transaction.atomic():  # the unique constraint decides between two clerks
            leader = Leader.objects.create(region=region, name=name.strip(), post=post.strip(),
                                           body=body, unit=unit, account=account,
                                           sort_order=sort_order)
    except IntegrityError as exc:
        raise Conflict(_("该地区已有同名同职务的领导。")) from exc
    ensure_in_scope(user, leader, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=leader, after=snapshot(leader))
    return leader


@transaction.atomic
def leader_update(*, user, leader: Leader, **changes) -> Leader:
    ensure_in_scope(user, leader, "change")
    before = snapshot(leader)
    for key, value in changes.items():
        if key not in LEADER_FIELDS:
            raise ValueError(key)
        setattr(leader, key, value.strip() if isinstance(value, str) else value)
    _check_leader(user=user, region=leader.region, body=leader.body, unit=leader.unit,
                  account=leader.account)
    try:
        with transaction.atomic():
            leader.save()
    except IntegrityError as exc:
        raise Conflict(_("该地区已有同名同职务的领导。")) from exc
    ensure_in_scope(user, leader, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=leader, before=before,
              after=snapshot(leader))
    return leader


@transaction.atomic
def leader_retire(*, user, leader: Leader, on: dt.date | None = None) -> int:
    """The leader leaves office: the record stays (its logs belong to the ledger), its open
    assignments end that day, and their experts show as uncovered until reassigned. Returns
    how many assignments ended."""
    ensure_in_scope(user, leader, "change")
    if not leader.is_active:
        raise Conflict(_("该领导已离任。"))
    on = on or _today()
    before = snapshot(leader)
    ended = Assignment.objects.filter(leader=leader, ended_on__isnull=True).update(
        ended_on=on, end_reason=_("领导离任"))
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=leader, before=before,
              after=snapshot(leader), extra={"assignments_ended": ended})
    return ended


@transaction.atomic
def rule_save(*, user, region: Region, year: int, experts_per_leader: int,
              experts_per_unit_head: int, contacts_per_expert: int,
              expert_categories: list[str] | None = None, expert_pool=None,
              basis: str = "") -> DutyRule:
    """Set the local rule of a region for a year (one row per region and year)."""
    require_region(user, region)
    if not 2000 <= year <= 2100:
        raise ValidationFailed(details=[{"field": "year", "message": _("年度不正确。")}])
    rule = DutyRule.objects.filter(region=region, year=year).first()
    before = snapshot(rule) if rule else None
    rule = rule or DutyRule(region=region, year=year)
    rule.experts_per_leader = experts_per_leader
    rule.experts_per_unit_head = experts_per_unit_head
    rule.contacts_per_expert = contacts_per_expert
    rule.expert_categories = sorted({c.strip() for c in expert_categories or [] if c.strip()})
    rule.expert_pool = expert_pool
    rule.basis = basis.strip()
    rule.save()
    ensure_in_scope(user, rule, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=rule, before=before, after=snapshot(rule))
    return rule


# --- who looks after whom --------------------------------------------------------------------
def _visible_talent(user, talent):
    from wutong.talents.models import Talent

    if not Talent.objects.restrict(user, "view").filter(pk=talent.pk).exists():
        raise NotFound()
    return talent


def _nameable(user, leader: Leader, talent) -> None:
    """A contact names experts the writer can see, or those the leader looks after (a member
    unit's clerk does not read the registry, only their head's experts)."""
    if Assignment.objects.restrict(user, "view").filter(
            leader=leader, talent_id=talent.pk, ended_on__isnull=True).exists():
        return
    _visible_talent(user, talent)


@transaction.atomic
def assignment_add(*, user, leader: Leader, talent, started_on: dt.date | None = None
                   ) -> Assignment:
    """The leader starts looking after ``talent`` (refused if already looking after them)."""
    ensure_in_scope(user, leader, "view")
    _visible_talent(user, talent)
    if not leader.is_active:
        raise ValidationFailed(_("该领导已离任，不能再分配联系专家。"))
    taken = Conflict(_("%(name)s 已在该领导的联系名单中。") % {"name": talent.name})
    if Assignment.objects.filter(leader=leader, talent=talent, ended_on__isnull=True).exists():
        raise taken
    try:
        with transaction.atomic():  # two clerks at once: the partial unique index decides
            assignment = Assignment.objects.create(
                leader=leader, talent=talent, region_id=leader.region_id,
                started_on=started_on or _today(), created_by=user)
    except IntegrityError as exc:
        raise taken from exc
    ensure_in_scope(user, assignment, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=assignment,
              after={"leader": leader.pk, "talent": talent.pk,
                     "started_on": assignment.started_on})
    return assignment


@transaction.atomic
def assignments_add_bulk(*, user, leader: Leader, talents: list) -> tuple[int, int]:
    """Assign several experts at once; those the leader already looks after are skipped.
    Returns (added, skipped). One insert, one audit record."""
    from wutong.talents.models import Talent

    ensure_in_scope(user, leader, "view")
    if not leader.is_active:
        raise ValidationFailed(_("该领导已离任，不能再分配联系专家。"))
    ids = {t.pk for t in talents}
    visible = set(Talent.objects.restrict(user, "view").filter(pk__in=ids)
                  .values_list("pk", flat=True))
    if visible != ids:
        raise NotFound()
    taken = set(Assignment.objects.filter(leader=leader, talent_id__in=ids,
                                          ended_on__isnull=True).values_list("talent_id",
                                                                             flat=True))
    today = _today()
    new = [Assignment(leader=leader, talent_id=pk, region_id=leader.region_id, started_on=today,
                      created_by=user) for pk in sorted(ids - taken)]
    try:
        with transaction.atomic():
            Assignment.objects.bulk_create(new)
    except IntegrityError as exc:  # someone assigned one of them meanwhile
        raise Conflict(_("名单刚被他人修改，请刷新后重试。")) from exc
    if new and Assignment.objects.restrict(user, "add").filter(
            leader=leader, talent_id__in=[a.talent_id for a in new],
            ended_on__isnull=True).count() != len(new):
        raise PermissionDenied()
    audit_log(actor=user, action=AuditAction.CREATE, obj=leader,
              object_type="liaison.Assignment", object_repr=str(leader),
              extra={"bulk_assigned": sorted(ids - taken), "skipped": sorted(taken)})
    return len(new), len(taken)


@transaction.atomic
def assignment_end(*, user, assignment: Assignment, ended_on: dt.date | None = None,
                   reason: str = "") -> Assignment:
    ensure_in_scope(user, assignment, "change")
    if assignment.ended_on is not None:
        raise Conflict(_("该联系关系已结束。"))
    ended_on = ended_on or _today()
    if ended_on < assignment.started_on:
        raise ValidationFailed(_("结束日期不能早于开始日期。"))
    before = snapshot(assignment)
    assignment.ended_on, assignment.end_reason = ended_on, reason.strip()[:200]
    assignment.save(update_fields=["ended_on", "end_reason"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=assignment, before=before,
              after=snapshot(assignment))
    return assignment


# --- service logs ----------------------------------------------------------------------------
def may_log_for(user, leader: Leader) -> bool:
    """Who writes a leader's service log: the office (for any leader in its scope), the leader
    themself, and the clerks of a member unit for their unit's head."""
    if not user.has_perm("liaison.add_contact") or not leader.is_active:
        return False
    if user.role == Role.LEADER:
        return leader.account_id == user.pk
    if user.role == Role.MEMBER_UNIT:
        return leader.unit_id is not None and leader.unit_id == user.unit_id
    return Leader.objects.restrict(user, "view").filter(pk=leader.pk).exists()


def _lines(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    return [v.strip() for v in values or [] if v and v.strip()]


@transaction.atomic
def contact_log(*, user, leader: Leader, on: dt.date, form: str, summary: str, experts: list,
                place: str = "", suggestions=(), problems=()) -> Contact:
    """Record one contact: the experts met, what was discussed, and each suggestion and each
    problem raised as its own row (one a line when typed)."""
    if not may_log_for(user, leader):
        raise PermissionDenied(_("您不能为该领导记录服务日志。"))
    errors = []
    if form not in ContactForm.values:
        errors.append({"field": "form", "message": _("请选择联系方式。")})
    if on > _today():
        errors.append({"field": "on", "message": _("联系日期不能晚于今天。")})
    if on.year < 2000:
        errors.append({"field": "on", "message": _("联系日期不正确。")})
    if not experts:
        errors.append({"field": "experts", "message": _("请至少选择一位联系的专家。")})
    if not summary.strip():
        errors.append({"field": "summary", "message": _("请填写交流内容。")})
    if errors:
        raise ValidationFailed(details=errors)
    for talent in experts:
        _nameable(user, leader, talent)
    contact = Contact.objects.create(leader=leader, region_id=leader.region_id, on=on, form=form,
                                     place=place.strip()[:100], summary=summary.strip(),
                                     recorded_by=user)
    contact.experts.set(experts)
    one = experts[0] if len(experts) == 1 else None
    items = [Item(contact=contact, region_id=leader.region_id, kind=ItemKind.SUGGESTION,
                  text=text, talent=one) for text in _lines(suggestions)]
    items += [Item(contact=contact, region_id=leader.region_id, kind=ItemKind.PROBLEM,
                   text=text, talent=one) for text in _lines(problems)]
    Item.objects.bulk_create(items)
    ensure_in_scope(user, contact, "add")
    _tell_office_of_problems(contact, sum(1 for i in items if i.kind == ItemKind.PROBLEM))
    audit_log(actor=user, action=AuditAction.CREATE, obj=contact,
              after={**snapshot(contact), "experts": [t.pk for t in experts],
                     "suggestions": len(_lines(suggestions)),
                     "problems": len(_lines(problems))})
    return contact


def _tell_office_of_problems(contact: Contact, count: int) -> None:
    """Problems raised need the office's action (answer them or turn them into cases): an
    in-app message to the talent office staff of the leader's region."""
    if not count:
        return
    from django.urls import reverse

    from wutong.accounts.models import User
    from wutong.core.notify import notify

    office = User.objects.filter(role=Role.OFFICE, region_id=contact.region_id, is_active=True)
    notify(recipients=office.exclude(pk=contact.recorded_by_id), kind="liaison.problem",
           title=_("%(leader)s联系专家时收集到 %(n)d 个问题，请办理") % {
               "leader": contact.leader.name, "n": count},
           url=reverse("liaison:contact_detail", args=[contact.pk]), obj=contact)


WITHDRAW_DAYS = 30


@transaction.atomic
def contact_withdraw(*, user, contact: Contact, reason: str) -> None:
    """Take back a contact logged by mistake (wrong leader, wrong expert): by whoever may keep
    the leader's log, within 30 days, and only while none of its items has become a service
    case. The whole entry stays in the audit log, with the reason."""
    if not may_log_for(user, contact.leader) or not user.has_perm("liaison.delete_contact"):
        raise PermissionDenied(_("您不能撤销该服务日志。"))
    if user.role != Role.OFFICE and contact.recorded_by_id != user.pk:
        raise PermissionDenied(_("只能撤销本人记录的服务日志。"))
    if (_today() - timezone.localtime(contact.created_at).date()).days > WITHDRAW_DAYS:
        raise Conflict(_("记录已超过 %(n)d 天，不能撤销，请联系人才办。") % {"n": WITHDRAW_DAYS})
    if contact.items.exclude(case_url="").exists():
        raise Conflict(_("其中的问题已转为服务事项，不能撤销。"))
    if not reason.strip():
        raise ValidationFailed(_("请填写撤销原因。"))
    ensure_in_scope(user, contact, "delete")
    audit_log(actor=user, action=AuditAction.DELETE, obj=contact,
              before={**snapshot(contact),
                      "experts": list(contact.experts.values_list("pk", flat=True)),
                      "items": list(contact.items.values("kind", "text", "status", "answer"))},
              extra={"reason": reason.strip()[:200]})
    contact.delete()


@transaction.atomic
def item_add(*, user, contact: Contact, kind: str, text: str, talent=None) -> Item:
    if not may_log_for(user, contact.leader):
        raise PermissionDenied(_("您不能为该领导记录服务日志。"))
    if kind not in ItemKind.values or not text.strip():
        raise ValidationFailed(details=[{"field": "text", "message": _("请填写内容。")}])
    item = Item.objects.create(contact=contact, region_id=contact.region_id, kind=kind,
                               text=text.strip(), talent=talent)
    ensure_in_scope(user, item, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=item, after=snapshot(item))
    return item


@transaction.atomic
def item_resolve(*, user, item: Item, status: str, answer: str) -> Item:
    """The office (or whoever keeps the log) records how a suggestion or problem was answered
    without a service case: solved / adopted, declined, or open again."""
    ensure_in_scope(user, item, "change")
    if user.role in (Role.LEADER, Role.MEMBER_UNIT) and not may_log_for(user, item.contact.leader):
        raise PermissionDenied(_("只能办理本人（本单位负责人）服务日志中的事项。"))
    if status not in (ItemStatus.SOLVED, ItemStatus.DECLINED, ItemStatus.OPEN):
        raise ValidationFailed(details=[{"field": "status", "message": _("请选择办理结果。")}])
    if item.case_url and not item.case_closed:
        raise Conflict(_("该事项已转为服务事项，请在服务事项中办理，办结后自动回填。"))
    if status != ItemStatus.OPEN and not answer.strip():
        raise ValidationFailed(details=[{"field": "answer", "message": _("请填写办理情况。")}])
    before = snapshot(item)
    item.status, item.answer = status, answer.strip()
    item.solved_on = _today() if status == ItemStatus.SOLVED else None
    item.save(update_fields=["status", "answer", "solved_on", "updated_at"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=item, before=before,
              after=snapshot(item))
    return item


@transaction.atomic
def item_outcome(*, pk: int, status: str, closed: bool, url: str = "") -> None:
    """What the service case an item became now says (called through ``core.links`` by the
    app that handles the case, inside its transaction): kept on the item, so the ledger counts
    a problem solved when its case is closed, and open again if the case is reopened."""
    item = Item.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise NotFound()
    before = snapshot(item)
    item.case_status, item.case_closed = str(status)[:40], bool(closed)
    if url:
        item.case_url = str(url)[:200]
    if closed:
        item.status = ItemStatus.SOLVED
        item.solved_on = item.solved_on or _today()
    else:
        item.status, item.solved_on = ItemStatus.IN_CASE, None
    item.save(update_fields=["case_status", "case_closed", "case_url", "status", "solved_on",
                             "updated_at"])
    leader = item.contact.leader
    if closed and not before.get("case_closed") and leader.account_id:
        from django.urls import reverse

        from wutong.core.notify import notify

        # The leader who heard the problem learns it has been answered (to tell the expert).
        notify(recipients=[leader.account_id], kind="liaison.solved",
               title=_("您收集的问题已办结：%(text)s") % {"text": item.text[:40]},
               url=reverse("liaison:item_detail", args=[item.pk]), obj=item)
    audit_log(actor=None, action=AuditAction.UPDATE, obj=item, before=before,
              after=snapshot(item))


# --- reminders of the duty ------------------------------------------------------------------
def duty_reminders_send(*, year: int | None = None) -> dict:
    """Remind who falls short of the rule (run monthly by the system's scheduler,
    ``wutong liaison_remind``): each leader with a login gets what they lack; the talent
    office staff of each region get how many of their leaders fall short. Returns counts."""
    from django.urls import reverse

    from wutong.accounts.models import User
    from wutong.core.notify import notify
    from wutong.liaison.selectors import coverage_of

    year = year or _today().year
    rows = [c for c in coverage_of(leaders=Leader.objects.filter(is_active=True)
                                   .select_related("region"), year=year) if c.falls_short]
    leaders_told = 0
    by_region: dict[int, int] = {}
    for c in rows:
        by_region[c.leader.region_id] = by_region.get(c.leader.region_id, 0) + 1
        if not c.leader.account_id:
            continue
        lacks = []
        if c.short_of_experts:
            lacks.append(_("尚差 %(n)d 名联系专家") % {"n": c.short_of_experts})
        if c.thin:
            lacks.append(_("%(n)d 名专家本年联系不足 %(m)d 次") % {"n": c.thin,
                                                               "m": c.per_expert})
        leaders_told += notify(recipients=[c.leader.account_id], kind="liaison.duty",
                               title=_("联系服务提醒：%(what)s") % {"what": "，".join(lacks)},
                               url=reverse("liaison:leader_detail", args=[c.leader.pk]),
                               obj=c.leader)
    offices_told = 0
    for region_id, count in by_region.items():
        offices_told += notify(
            recipients=User.objects.filter(role=Role.OFFICE, region_id=region_id),
            kind="liaison.duty_summary",
            title=_("本地区有 %(n)d 位领导未达联系服务要求（%(year)d 年）") % {
                "n": count, "year": year},
            url=reverse("liaison:leader_list") + "?short=1")
    return {"short": len(rows), "leaders_told": leaders_told, "offices_told": offices_told}


# --- the ledger job --------------------------------------------------------------------------
LEDGER_FORMATS = ("xlsx", "pdf")


@transaction.atomic
def ledger_start(*, user, fmt: str, params: dict) -> Job:
    """Queue the work ledger (工作纪实台账) of a leader, a unit or the place for a period."""
    from wutong.liaison.ledger import ledger_spec

    if fmt not in LEDGER_FORMATS:
        raise ValidationFailed(_("台账格式只能是 xlsx 或 pdf。"))
    if not user.has_perm("liaison.export_contact"):
        raise PermissionDenied(_("您没有导出工作纪实台账的权限。"))
    spec = ledger_spec(user=user, params=params)  # refuses what the user may not see
    job = Job.objects.create(
        kind="ledger", title=_("工作纪实台账：%(what)s") % {"what": spec.subject},
        created_by=user, region_id=spec.region.pk,
        params={"format": fmt, "request_id": context.current_request_id(),
                **spec.as_params()})
    from wutong.liaison.tasks import ledger_run

    def _enqueue():
        result = ledger_run.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=result.id)

    transaction.on_commit(_enqueue)
    return job


def ledger_execute(*, job_id: str) -> str:
    """Write a queued ledger on its starter's behalf (their scope), keep it on the job, audit."""
    from wutong.liaison.ledger import ledger_data, ledger_spec, write_ledger_pdf, write_ledger_xlsx

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    user = job.created_by
    with context.bound(job.params.get("request_id") or context.new_request_id()):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
        try:
            fmt = job.params["format"]
            spec = ledger_spec(user=user, params=job.params)
            data = ledger_data(user=user, spec=spec)
            Job.objects.filter(pk=job.pk).update(total=len(data.contacts))
            out_dir = settings.WUTONG_EXPORT_DIR
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"{job.pk}.{fmt}"
            (write_ledger_xlsx if fmt == "xlsx" else write_ledger_pdf)(path, data)
            with transaction.atomic():
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.SUCCEEDED, done=len(data.contacts),
                    total=len(data.contacts), finished_at=timezone.now(),
                    result_file=str(path), result_name=f"{data.file_stem}.{fmt}",
                    message=_("共 %(leaders)d 位领导、%(contacts)d 次联系。") % {
                        "leaders": data.figures["leaders"],
                        "contacts": data.figures["contacts"]})
                audit_log(actor=user, action=AuditAction.EXPORT, object_type="core.Job",
                          object_id=str(job.pk), object_repr=str(job.title),
                          region_id=job.region_id,
                          extra={"ledger": json.loads(json.dumps(spec.as_params())),
                                 "format": fmt, "contacts": len(data.contacts)})
            return JobStatus.SUCCEEDED
        except Exception:
            logger.exception("ledger job %s failed", job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, finished_at=timezone.now(),
                message=_("台账生成失败，请稍后重试或联系管理员。"))
            return JobStatus.FAILED
