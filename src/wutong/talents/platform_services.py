"""Writes of platform membership (平台成员): a talent joins or leaves an innovation platform.

Both ends are checked against the writer's scope: the platform must be one the user may
change, the talent one the user may see. Every change is audited in the platform's region.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope
from wutong.orgs.models import Platform
from wutong.talents.models import PlatformMembership, Talent


def _check(user, platform: Platform, talent: Talent) -> None:
    if not user.has_perm("orgs.change_platform"):
        raise PermissionDenied()
    ensure_in_scope(user, platform, "change")
    ensure_in_scope(user, talent, "view")


def _record(membership: PlatformMembership) -> dict:
    return {"platform": membership.platform.name, "platform_id": membership.platform_id,
            "talent": membership.talent.name, "talent_id": membership.talent_id,
            "role": membership.role,
            "joined_on": membership.joined_on.isoformat() if membership.joined_on else None}


@transaction.atomic
def platform_member_add(*, user, platform: Platform, talent: Talent, role: str = "",
                        joined_on: dt.date | None = None) -> PlatformMembership:
    """Put a talent on a platform, with their role there (首席专家, 在站博士后…)."""
    _check(user, platform, talent)
    role = " ".join((role or "").split())
    details = []
    if len(role) > 60:
        details.append({"field": "role", "message": _("角色最多 60 字。")})
    if joined_on and joined_on > dt.date.today():
        details.append({"field": "joined_on", "message": _("加入时间不能晚于今天。")})
    if not platform.is_active:
        details.append({"field": None, "message": _("平台已撤销，不能再添加成员。")})
    if details:
        raise ValidationFailed(details[0]["message"], details=details)
    membership = PlatformMembership(platform=platform, talent=talent, role=role,
                                    joined_on=joined_on)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise Conflict(_("%(name)s 已是本平台成员。") % {"name": talent.name}) from exc
    _check(user, platform, talent)
    audit_log(actor=user, action=AuditAction.CREATE, obj=membership,
              object_repr=f"{platform.name} · {talent.name}", region_id=platform.region_id,
              after=_record(membership))
    return membership


@transaction.atomic
def platform_member_remove(*, user, membership: PlatformMembership) -> None:
    """Take a talent off a platform; the audit record keeps who was there and in what role."""
    platform, talent = membership.platform, membership.talent
    _check(user, platform, talent)
    before = _record(membership)
    pk = membership.pk
    membership.delete()
    audit_log(actor=user, action=AuditAction.DELETE, object_type="talents.PlatformMembership",
              object_id=str(pk), object_repr=f"{platform.name} · {talent.name}",
              region_id=platform.region_id, before=before)
