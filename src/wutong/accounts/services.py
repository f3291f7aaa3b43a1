"""Writes of the accounts app. Each runs in a transaction, re-checks scope and audits."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.models import ApiToken, Unit, UnitKind, User
from wutong.accounts.roles import Role
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import Region
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region
from wutong.core.validators import is_valid_id_number, is_valid_mobile

TOKEN_PREFIX = "wt_"  # noqa: S105 - a marker, not a secret


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def _region_in_scope(user, region: Region | None) -> None:
    require_region(user, region)


# --- Units ------------------------------------------------------------------------------------
@transaction.atomic
def unit_save(*, user, region: Region, name: str, kind: str, short_name: str = "",
              duty: str = "", contact_name: str = "", contact_phone: str = "",
              sort_order: int = 0, is_active: bool = True, unit: Unit | None = None) -> Unit:
    """Create or change a government unit inside the user's scope."""
    _require(user, "accounts.change_unit" if unit else "accounts.add_unit")
    name = (name or "").strip()
    details = []
    if not name:
        details.append({"field": "name", "message": _("请填写单位名称。")})
    if kind not in UnitKind.values:
        details.append({"field": "kind", "message": _("单位类型无效。")})
    if contact_phone and not is_valid_mobile(contact_phone):
        details.append({"field": "contact_phone",
                        "message": _("联系电话应为 11 位手机号码。")})
    if details:
        raise ValidationFailed(details=details)
    _region_in_scope(user, region)
    before = None
    if unit is not None:
        ensure_in_scope(user, unit, "change")
        before = snapshot(unit)
    else:
        unit = Unit()
    unit.region, unit.name, unit.kind, unit.short_name = region, name, kind, short_name.strip()
    unit.duty, unit.contact_name, unit.sort_order = duty.strip(), contact_name.strip(), sort_order
    unit.is_active = is_active
    if contact_phone:
        unit.contact_phone = contact_phone
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise Conflict(_("该地区已有同名单位，或已设有人才办。")) from exc
    ensure_in_scope(user, unit, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=unit,
              before=before, after=snapshot(unit))
    return unit


# --- Users ------------------------------------------------------------------------------------
def _check_user_fields(*, role, region, unit, phone, id_number) -> list[dict]:
    details = []
    if role not in Role.values:
        details.append({"field": "role", "message": _("角色无效。")})
    if role != Role.SYSADMIN and region is None:
        details.append({"field": "region", "message": _("请选择所属地区。")})
    if role == Role.MEMBER_UNIT and unit is None:
        details.append({"field": "unit", "message": _("成员单位工作人员须指定所属单位。")})
    if unit is not None and region is not None and unit.region_id != region.pk:
        details.append({"field": "unit", "message": _("所属单位须在所选地区内。")})
    if phone and not is_valid_mobile(phone):
        details.append({"field": "phone", "message": _("手机号码不正确（应为 11 位）。")})
    if id_number and not is_valid_id_number(id_number):
        details.append({"field": "id_number",
                        "message": _("身份证号码格式不正确（应为 18 位，含校验位）。")})
    return details


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, role: str, password: str,
                region: Region | None = None, unit: Unit | None = None, title: str = "",
                phone: str = "", id_number: str = "", must_change_password: bool = True) -> User:
    """Create an account inside the actor's scope. Only a system administrator creates admins."""
    _require(actor, "accounts.add_user")
    username, full_name = (username or "").strip(), (full_name or "").strip()
    details = _check_user_fields(role=role, region=region, unit=unit, phone=phone,
                                 id_number=id_number)
    if not username or len(username) > 50:
        details.append({"field": "username", "message": _("请填写用户名（不超过 50 个字符）。")})
    if not full_name:
        details.append({"field": "full_name", "message": _("请填写姓名。")})
    if User.objects.filter(username__iexact=username).exists():
        details.append({"field": "username", "message": _("用户名已被使用。")})
    probe = User(username=username, full_name=full_name)
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        details.extend({"field": "password", "message": m} for m in exc.messages)
    if details:
        raise ValidationFailed(details=details)
    if role == Role.SYSADMIN and actor.role != Role.SYSADMIN:
        raise PermissionDenied(_("只有系统管理员可以创建系统管理员账号。"))
    _region_in_scope(actor, region)
    user = User(username=username, full_name=full_name, role=role, region=region, unit=unit,
                title=title.strip(), must_change_password=must_change_password)
    if phone:
        user.phone = phone
    if id_number:
        user.id_number = id_number
    user.set_password(password)
    user.save()
    ensure_in_scope(actor, user, "add")
    audit_log(actor=actor, action=AuditAction.CREATE, obj=user, after=snapshot(user))
    return user


@transaction.atomic
def user_update(*, actor, user: User, full_name: str, role: str, region: Region | None,
                unit: Unit | None, title: str = "", phone: str = "", id_number: str = "",
                is_active: bool = True) -> User:
    """Change an account. Blank phone / ID number keep the stored value."""
    _require(actor, "accounts.change_user")
    ensure_in_scope(actor, user, "change")
    details = _check_user_fields(role=role, region=region, unit=unit, phone=phone,
                                 id_number=id_number)
    if not (full_name or "").strip():
        details.append({"field": "full_name", "message": _("请填写姓名。")})
    if details:
        raise ValidationFailed(details=details)
    if Role.SYSADMIN in (role, user.role) and actor.role != Role.SYSADMIN:
        raise PermissionDenied(_("只有系统管理员可以修改系统管理员账号。"))
    if user.pk == actor.pk and (not is_active or role != actor.role):
        raise ValidationFailed(_("不能停用自己的账号或修改自己的角色。"))
    _region_in_scope(actor, region)
    before = snapshot(user)
    user.full_name, user.role, user.region, user.unit = full_name.strip(), role, region, unit
    user.title, user.is_active = title.strip(), is_active
    if phone:
        user.phone = phone
    if id_number:
        user.id_number = id_number
    user.save()
    ensure_in_scope(actor, user, "change")
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=user, before=before,
              after=snapshot(user))
    return user


@transaction.atomic
def user_password_set(*, actor, user: User, password: str) -> User:
    """Set a password (own, or another's by an office user in scope); validated and audited."""
    if actor.pk != user.pk:
        _require(actor, "accounts.change_user")
        ensure_in_scope(actor, user, "change")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(details=[{"field": "password", "message": m}
                                        for m in exc.messages]) from exc
    user.set_password(password)
    user.must_change_password = actor.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=user,
              extra={"password": "changed"})
    return user


# --- API tokens -------------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, user, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """A new personal token; returns it with the clear key, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed(details=[{"field": "name",
                                         "message": _("请填写令牌用途（不超过 60 字）。")}])
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 10:
        raise ValidationFailed(_("每个账号最多 10 个有效令牌，请先停用不用的令牌。"))
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timezone.timedelta(days=days) if days else None)
    audit_log(actor=user, action=AuditAction.CREATE, obj=token,
              after={"name": name, "prefix": token.prefix}, region_id=user.region_id)
    return token, key


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    ensure_in_scope(user, token, "view")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=user, action=AuditAction.UPDATE, obj=token,
                  extra={"revoked": True}, region_id=user.region_id)
    return token


def api_token_authenticate(key: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (ApiToken.objects.select_related("user", "user__region")
             .filter(key_hash=ApiToken.hash_key(key)).first())
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Sessions ---------------------------------------------------------------------------------
def login_record(*, user, success: bool, username: str = "") -> None:
    """Audit a login attempt (the password is never recorded)."""
    if success:
        audit_log(actor=user, action=AuditAction.LOGIN, obj=user)
    else:
        audit_log(actor=None, action=AuditAction.LOGIN_FAILED, object_type="accounts.User",
                  object_repr=(username or "")[:50])


def logout_record(*, user) -> None:
    audit_log(actor=user, action=AuditAction.LOGOUT, obj=user)
