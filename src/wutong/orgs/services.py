"""Writes of the orgs app: employers and platforms, inside the writer's scope, audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import Region
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region
from wutong.core.validators import is_valid_mobile, is_valid_uscc
from wutong.orgs.models import Employer, EmployerLabel, EmployerType, Ownership

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
