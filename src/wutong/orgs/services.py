"""Writes of the orgs app: employers and platforms, inside the writer's scope, audited."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import Region
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region
from wutong.core.validators import is_valid_mobile, is_valid_uscc
from wutong.orgs.models import (
    Employer,
    EmployerLabel,
    EmployerType,
    Ownership,
    Platform,
    PlatformKind,
    PlatformLevel,
)

EMPLOYER_FIELDS = ("name", "short_name", "type", "ownership", "industry", "labels", "address",
                   "contact_name")


@transaction.atomic
def employer_save(*, user, region: Region, uscc: str, name: str, type: str,
                  employer: Employer | None = None, contact_phone: str = "", **fields) -> Employer:
    """Create or change an employer. The USCC is checked (GB 32100) and unique."""
    perm = "orgs.change_employer" if employer else "orgs.add_employer"
    if not user.has_perm(perm):
        raise PermissionDenied()
    uscc = (uscc or "").strip().upper()
    details = []
    if not is_valid_uscc(uscc):
        details.append({"field": "uscc",
                        "message": _("统一社会信用代码不正确（应为 18 位，含校验位）。")})
    if not (name or "").strip():
        details.append({"field": "name", "message": _("请填写单位名称。")})
    if type not in EmployerType.values:
        details.append({"field": "type", "message": _("单位性质无效。")})
    if fields.get("ownership", "") not in Ownership.values:
        details.append({"field": "ownership", "message": _("所有制无效。")})
    labels = [lb for lb in fields.get("labels") or [] if lb]
    if any(lb not in EmployerLabel.values for lb in labels):
        details.append({"field": "labels", "message": _("单位标签无效。")})
    if contact_phone and not is_valid_mobile(contact_phone):
        details.append({"field": "contact_phone", "message": _("联系电话应为 11 位手机号码。")})
    if details:
        raise ValidationFailed(details=details)
    require_region(user, region, current=employer.region if employer else None)
    before = None
    if employer is not None:
        ensure_in_scope(user, employer, "change")
        before = snapshot(employer)
    else:
        employer = Employer()
    employer.uscc, employer.name, employer.type, employer.region = uscc, name.strip(), type, region
    for key in EMPLOYER_FIELDS:
        if key in fields and key not in ("name",):
            setattr(employer, key, labels if key == "labels" else (fields[key] or ""))
    if contact_phone:
        employer.contact_phone = contact_phone
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError as exc:
        raise Conflict(_("统一社会信用代码 %(code)s 已登记。") % {"code": uscc}) from exc
    ensure_in_scope(user, employer, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=employer, before=before, after=snapshot(employer))
    return employer


PLATFORM_TEXT = (("partners", 300), ("description", 4000))


@transaction.atomic
def platform_save(*, user, name: str, kind: str, level: str, host: Employer | None,
                  region: Region | None = None, partners: str = "",
                  recognised_on: dt.date | None = None, description: str = "",
                  platform: Platform | None = None) -> Platform:
    """Create or change a platform (平台载体). The host must be an employer the user sees,
    the region one of the user's regions (the host's region when none is given)."""
    perm = "orgs.change_platform" if platform else "orgs.add_platform"
    if not user.has_perm(perm):
        raise PermissionDenied()
    name = " ".join((name or "").split())
    details = []
    if not name:
        details.append({"field": "name", "message": _("请填写平台名称。")})
    elif len(name) > 150:
        details.append({"field": "name", "message": _("平台名称最多 150 字。")})
    if kind not in PlatformKind.values:
        details.append({"field": "kind", "message": _("请选择平台类型。")})
    if level not in PlatformLevel.values:
        details.append({"field": "level", "message": _("请选择平台级别。")})
    if host is None or not Employer.objects.restrict(user, "view").filter(
            pk=host.pk, is_active=True).exists():
        details.append({"field": "host",
                        "message": _("请选择您数据范围内的依托单位。")})
    if recognised_on and recognised_on > dt.date.today():
        details.append({"field": "recognised_on", "message": _("认定时间不能晚于今天。")})
    texts = {"partners": (partners or "").strip(), "description": (description or "").strip()}
    for key, limit in PLATFORM_TEXT:
        if len(texts[key]) > limit:
            details.append({"field": key, "message": _("内容过长（最多 %(n)d 字）。") % {
                "n": limit}})
    if details:
        raise ValidationFailed(details=details)
    region = region or host.region
    try:
        require_region(user, region, current=platform.region if platform else None)
    except PermissionDenied as exc:
        raise ValidationFailed(details=[{"field": "region", "message": exc.message}]) from exc
    before = None
    if platform is not None:
        ensure_in_scope(user, platform, "change")
        before = snapshot(platform)
    else:
        platform = Platform()
    platform.name, platform.kind, platform.level = name, kind, level
    platform.host, platform.region, platform.recognised_on = host, region, recognised_on
    platform.partners, platform.description = texts["partners"], texts["description"]
    try:
        with transaction.atomic():
            platform.save()
    except IntegrityError as exc:
        raise ValidationFailed(details=[{"field": "name", "message": _(
            "「%(host)s」已有名为「%(name)s」的平台。") % {"host": host.name, "name": name}}]
        ) from exc
    ensure_in_scope(user, platform, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=platform, before=before, after=snapshot(platform))
    return platform


@transaction.atomic
def platform_set_active(*, user, platform: Platform, active: bool) -> Platform:
    """Deactivate a platform (撤销, no longer recognised) or make it active again. Its
    history and members stay."""
    if not user.has_perm("orgs.change_platform"):
        raise PermissionDenied()
    ensure_in_scope(user, platform, "change")
    if platform.is_active == active:
        return platform
    before = snapshot(platform)
    platform.is_active = active
    platform.save(update_fields=["is_active"])
    ensure_in_scope(user, platform, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=platform, before=before,
              after=snapshot(platform))
    return platform
