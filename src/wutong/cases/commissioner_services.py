"""Writes of the 1+1+N grid: assigning commissioners and secretaries (in bulk, by rule, at a
handover), the region rule, the assignment rules, and logging contacts.

Assignment is set-based: the talents chosen (a list of ids, every talent matching a filter, a
rule's talents, a leaving commissioner's talents) stay a subquery; three statements insert the
missing grid rows, record each change (``CareChange``) and update the rows — 4,500 or 450,000
talents cost the same three statements. A commissioner is given only talents of their own
region subtree (otherwise they could not even open the file): the others are counted as
"out of reach" and left as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.roles import Role
from wutong.cases import commissioner_selectors as selectors
from wutong.cases.commissioner_models import (
    AssignmentRule,
    CareChange,
    CareRole,
    Contact,
    ContactForm,
    GridPolicy,
    TalentCare,
)
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import NotFound, PermissionDenied, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.notify import notify
from wutong.core.scope import require_region
from wutong.core.security.masking import redact
from wutong.talents.models import Talent

MANAGE = "cases.change_talentcare"
NOTE_MAX = 2000
BACKDATE_DAYS = 366


@dataclass
class AssignResult:
    chosen: int = 0  # talents selected (in the caller's scope)
    changed: int = 0  # whose commissioner / secretary was set or changed
    out_of_reach: int = 0  # outside the commissioner's region, left as they were


def _need(user, perm: str = MANAGE) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    return qs.query.get_compiler(connection=connection).as_sql()


def _field(role: str) -> str:
    if role not in CareRole.values:
        raise ValidationFailed(_("未知的配备角色。"))
    return "secretary" if role == CareRole.SECRETARY else "commissioner"


def _commissioner(user, to_user_id) -> object:
    """A commissioner account of the caller's scope, or a clear refusal."""
    target = selectors.commissioners(user=user).filter(pk=to_user_id).first() \
        if str(to_user_id or "").isdigit() else None
    if target is None:
        raise ValidationFailed(_("请选择您数据范围内的人才服务专员。"))
    if target.region_id is None:
        raise ValidationFailed(_("该专员账号没有所属地区，无法配备人才。"))
    return target


def _apply(*, user, talents: QuerySet, role: str, to_user, via: str, reason: str = "",
           audit_extra: dict | None = None) -> AssignResult:
    """Set ``role`` of the talents in ``talents`` (a queryset already in the caller's scope)
    to ``to_user`` (None removes it): insert missing grid rows, record, update."""
    field = _field(role)
    result = AssignResult(chosen=talents.count())
    if not result.chosen:
        return result
    if to_user is not None:
        reach = to_user.get_data_scope()
        if reach.kind != "regions" or not reach.region_ids:
            raise ValidationFailed(_("该专员账号没有地区范围，无法配备人才。"))
        reachable = talents.filter(region_id__in=reach.region_ids)
    else:
        reachable = talents
    chosen_sql, chosen_params = _sql(reachable.order_by().values("pk"))
    care, change = TalentCare._meta.db_table, CareChange._meta.db_table
    column = f"{field}_id"
    to_id = to_user.pk if to_user is not None else None
    now, today = connection.ops.adapt_datetimefield_value(timezone.now()), timezone.localdate()
    differs = f"(c.{column} IS NULL OR c.{column} <> %s)" if to_id else f"c.{column} IS NOT NULL"
    differs_params = [to_id] if to_id else []
    with transaction.atomic(), connection.cursor() as cursor:
        if to_id:
            cursor.execute(
                f"INSERT INTO {care} (talent_id) SELECT t.id FROM {Talent._meta.db_table} t "  # noqa: S608
                f"WHERE t.id IN ({chosen_sql}) AND NOT EXISTS "
                f"(SELECT 1 FROM {care} x WHERE x.talent_id = t.id)", chosen_params)
        cursor.execute(
            f"INSERT INTO {change} (talent_id, role, from_user_id, to_user_id, via, reason, "  # noqa: S608
            f"changed_by_id, changed_at) SELECT c.talent_id, %s, c.{column}, %s, %s, %s, %s, %s "
            f"FROM {care} c WHERE c.talent_id IN ({chosen_sql}) AND {differs}",
            [role, to_id, via, reason[:200], user.pk, now, *chosen_params, *differs_params])
        changed = TalentCare.objects.filter(talent_id__in=reachable.values("pk"))
        changed = changed.filter(Q(**{f"{field}__isnull": True}) | ~Q(**{field: to_id})) \
            if to_id else changed.filter(**{f"{field}__isnull": False})
        result.changed = changed.update(**{column: to_id, f"{field}_since": today if to_id
                                           else None})
        result.out_of_reach = result.chosen - reachable.count() if to_id else 0
        if to_user is not None and result.changed:
            notify(recipients=[to_user], kind="grid.assigned", url=reverse("cases:grid_mine"),
                   title=_("您新增 %(n)d 名联系服务人才（%(role)s）") % {
                       "n": result.changed, "role": CareRole(role).label},
                   body=reason[:200])
        audit_log(actor=user, action=AuditAction.UPDATE, object_type="cases.TalentCare",
                  object_repr=_("配备%(role)s：%(n)d 人") % {"role": CareRole(role).label,
                                                          "n": result.changed},
                  region_id=getattr(to_user, "region_id", None) or getattr(user, "region_id",
                                                                           None),
                  extra={"role": role, "to_user": to_id, "via": via, "reason": reason,
                         "chosen": result.chosen, "changed": result.changed,
                         "out_of_reach": result.out_of_reach, **(audit_extra or {})})
    return result


def care_assign(*, user, talent_ids: list[int] | None = None, talents: QuerySet | None = None,
                to_user_id, role: str = CareRole.COMMISSIONER,
                reason: str = "") -> AssignResult:
    """Give the chosen talents (ids ticked in a list, or every talent a filtered list shows)
    a commissioner or secretary. Only talents of the caller's scope are touched."""
    _need(user)
    target = _commissioner(user, to_user_id)
    scoped = Talent.objects.restrict(user, "view")
    if talents is not None:
        chosen = scoped.filter(pk__in=talents.values("pk"))
    else:
        ids = sorted({int(i) for i in talent_ids or () if str(i).isdigit()})
        if not ids:
            raise ValidationFailed(_("请先勾选要配备专员的人才。"))
        chosen = scoped.filter(pk__in=ids)
    return _apply(user=user, talents=chosen, role=role, to_user=target,
                  via=CareChange.Via.BULK, reason=reason)


def care_remove(*, user, talent_ids: list[int], role: str = CareRole.COMMISSIONER,
                reason: str = "") -> AssignResult:
    """Take the commissioner (or secretary) off the chosen talents; they become a gap."""
    _need(user)
    ids = sorted({int(i) for i in talent_ids or () if str(i).isdigit()})
    if not ids:
        raise ValidationFailed(_("请先勾选人才。"))
    chosen = Talent.objects.restrict(user, "view").filter(pk__in=ids)
    return _apply(user=user, talents=chosen, role=role, to_user=None,
                  via=CareChange.Via.REMOVE, reason=reason)


def care_handover(*, user, from_user_id, to_user_id, reason: str) -> dict[str, AssignResult]:
    """A commissioner leaves: every talent they look after (as commissioner and as secretary)
    goes to another, each change recorded. Talents outside the successor's region stay with
    the leaver and are reported."""
    _need(user)
    if not (reason or "").strip():
        raise ValidationFailed(_("请填写交接原因（如调岗、离职）。"),
                               details=[{"field": "reason", "message": _("请填写交接原因。")}])
    leaver = _commissioner(user, from_user_id)
    successor = _commissioner(user, to_user_id)
    if leaver.pk == successor.pk:
        raise ValidationFailed(_("交接双方不能是同一人。"))
    scoped = Talent.objects.restrict(user, "view")
    out = {}
    with transaction.atomic():
        for role in (CareRole.COMMISSIONER, CareRole.SECRETARY):
            field = _field(role)
            talents = scoped.filter(**{f"care__{field}": leaver})
            out[role] = _apply(user=user, talents=talents, role=role, to_user=successor,
                               via=CareChange.Via.HANDOVER, reason=reason.strip(),
                               audit_extra={"from_user": leaver.pk})
    return out


def _rule_specificity(rule: AssignmentRule) -> tuple:
    return (rule.employer_id is None, rule.category == "", -len(rule.region.path), rule.pk)


def rules_apply(*, user) -> int:
    """Apply the assignment rules of the caller's scope to the talents the region rule gives a
    commissioner (or secretary) and who have none yet, the most specific rule first."""
    _need(user)
    total = 0
    scoped = selectors.grid_talents(user=user)
    with transaction.atomic():
        for rule in sorted(selectors.rules(user=user), key=_rule_specificity):
            if not rule.user.is_active or rule.user.role != Role.COMMISSIONER:
                continue
            field = _field(rule.role)
            talents = scoped.filter(selectors.need_q(user, rule.role),
                                    region__path__startswith=rule.region.path) \
                .filter(Q(**{f"care__{field}__isnull": True}))
            if rule.employer_id:
                talents = talents.filter(employer_id=rule.employer_id)
            if rule.category:
                talents = talents.filter(category=rule.category)
            total += _apply(user=user, talents=talents, role=rule.role, to_user=rule.user,
                            via=CareChange.Via.RULE, audit_extra={"rule": rule.pk}).changed
    return total


def rule_create(*, user, region, role: str, to_user_id, employer=None,
                category: str = "") -> AssignmentRule:
    _need(user)
    _field(role)
    require_region(user, region)
    target = _commissioner(user, to_user_id)
    if not target.get_data_scope().region_ids or region.pk not in \
            target.get_data_scope().region_ids:
        raise ValidationFailed(_("该专员的地区范围不包括所选地区。"))
    if employer is not None and employer.region_id not in target.get_data_scope().region_ids:
        raise ValidationFailed(_("该用人单位不在专员的地区范围内。"))
    with transaction.atomic():
        rule = AssignmentRule.objects.create(region=region, role=role, user=target,
                                             employer=employer, category=category[:20])
        audit_log(actor=user, action=AuditAction.CREATE, obj=rule, after=snapshot(rule))
    return rule


def rule_delete(*, user, rule_id: int) -> None:
    _need(user)
    rule = AssignmentRule.objects.get_restricted(user, "view", pk=rule_id)
    with transaction.atomic():
        audit_log(actor=user, action=AuditAction.DELETE, obj=rule, before=snapshot(rule))
        rule.delete()


def policy_save(*, user, region, commissioner_categories: list[str],
                secretary_categories: list[str], contact_days: int) -> GridPolicy:
    """Set a region's grid rule (which categories get a commissioner, a secretary; the
    contact cycle)."""
    _need(user)
    require_region(user, region)
    if not 1 <= int(contact_days) <= 730:
        raise ValidationFailed(_("联系周期应在 1 至 730 天之间。"),
                               details=[{"field": "contact_days",
                                         "message": _("联系周期应在 1 至 730 天之间。")}])
    clean = [str(c)[:20] for c in commissioner_categories if str(c).strip()]
    secretary = [str(c)[:20] for c in secretary_categories if str(c).strip()]
    with transaction.atomic():
        policy = GridPolicy.objects.select_for_update().filter(region=region).first()
        before = snapshot(policy) if policy else None
        policy = policy or GridPolicy(region=region)
        policy.commissioner_categories = sorted(set(clean))
        policy.secretary_categories = sorted(set(secretary))
        policy.contact_days = int(contact_days)
        policy.save()
        audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                  obj=policy, before=before, after=snapshot(policy))
    return policy


def contact_log(*, user, talent_id: int, on: dt.date, form: str, note: str) -> Contact:
    """Record one contact with a talent of the caller's scope and move the talent's "last
    contact" forward. Long numbers in the note (a phone, an ID) are masked: the note is a
    work record, not a place for personal data."""
    _need(user, "cases.add_contact")
    talent = Talent.objects.restrict(user, "view").filter(pk=talent_id).first()
    if talent is None:
        raise NotFound()
    today = timezone.localdate()
    errors = []
    if on is None or on > today:
        errors.append({"field": "on", "message": _("联系日期不能晚于今天。")})
    elif on < today - dt.timedelta(days=BACKDATE_DAYS):
        errors.append({"field": "on", "message": _("只能补记一年以内的联系。")})
    if form not in ContactForm.values:
        errors.append({"field": "form", "message": _("请选择联系方式。")})
    note = redact((note or "").strip())
    if not note:
        errors.append({"field": "note", "message": _("请填写联系内容。")})
    elif len(note) > NOTE_MAX:
        errors.append({"field": "note", "message": _("联系内容不超过 2000 字。")})
    if errors:
        raise ValidationFailed(errors[0]["message"], details=errors)
    with transaction.atomic():
        contact = Contact.objects.create(talent=talent, region_id=talent.region_id, by=user,
                                         on=on, form=form, note=note)
        TalentCare.objects.get_or_create(talent=talent)
        TalentCare.objects.filter(talent=talent).filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lte=on)).update(
            last_contact_on=on, last_contact_by=user)
        audit_log(actor=user, action=AuditAction.CREATE, obj=contact, after=snapshot(contact))
    return contact
