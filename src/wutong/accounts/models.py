"""Users, government units and personal API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.accounts.roles import SCOPE_KIND, Role
from wutong.core.pii import BlindIndexField, PersonalDataField
from wutong.core.scope import DataScope, RestrictedManager, RestrictedQuerySet, ScopeSpec


class UnitKind(models.TextChoices):
    TALENT_OFFICE = "talent_office", _("人才工作领导小组办公室")
    MEMBER_UNIT = "member_unit", _("成员单位")


class Unit(models.Model):
    """A government unit: the talent office of a region (人才办) or one of its member units."""

    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="units",
                               verbose_name=_("所属地区"))
    duty = models.CharField(_("人才工作职责"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = PersonalDataField(_("联系电话"), kind="phone")
    contact_phone_bidx = BlindIndexField(source="contact_phone")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", unit="pk")

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__code", "kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region"),
            models.UniqueConstraint(fields=["region"], condition=models.Q(kind="talent_office"),
                                    name="one_talent_office_per_region"),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(RestrictedQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("role", Role.SYSADMIN)
        extra.setdefault("full_name", username)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Their role says what they may do, region/unit where they may."""

    username = models.CharField(_("用户名"), max_length=50, unique=True)
    full_name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="users", verbose_name=_("所属地区"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="users", verbose_name=_("所属单位"))
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = PersonalDataField(_("手机号码"), kind="phone")
    phone_bidx = BlindIndexField(source="phone")
    id_number = PersonalDataField(_("身份证号码"), kind="id_number")
    id_number_bidx = BlindIndexField(source="id_number")
    is_active = models.BooleanField(_("启用"), default=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = UserManager()
    scope = ScopeSpec(region="region", unit="unit", owner="pk")

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="sysadmin") | models.Q(region__isnull=False),
                name="user_has_region_unless_sysadmin"),
            models.CheckConstraint(
                condition=~models.Q(role="member_unit") | models.Q(unit__isnull=False),
                name="member_unit_user_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def is_staff(self) -> bool:
        return False  # no Django admin site: everything goes through the app's own pages

    def get_data_scope(self) -> DataScope:
        cached = getattr(self, "_data_scope", None)
        if cached is not None:
            return cached
        kind = SCOPE_KIND.get(self.role, "none") if self.is_active else "none"
        scope = DataScope(kind="none")
        if kind == "all":
            scope = DataScope(kind="all")
        elif kind == "regions" and self.region_id:
            scope = DataScope(kind="regions", region_ids=self.region.subtree_ids(),
                              user_id=self.pk)
        elif kind == "unit" and self.unit_id:
            scope = DataScope(kind="unit", unit_id=self.unit_id, user_id=self.pk)
        elif kind == "self":
            scope = DataScope(kind="self", user_id=self.pk)
        elif kind == "employer":
            from wutong.accounts.scope_hooks import employer_ids_for

            scope = DataScope(kind="employer", user_id=self.pk,
                              employer_ids=frozenset(employer_ids_for(self)))
        self._data_scope = scope
        return scope


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("账号"))
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope = ScopeSpec(owner="user")

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
