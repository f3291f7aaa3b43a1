"""The audit log: append-only and hash-chained."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wutong.core.scope import RestrictedQuerySet, ScopeSpec


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    REVEAL = "reveal", _("查看个人信息")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    OTHER = "other", _("其他")


class AuditRecord(models.Model):
    """One change, personal-data read or export: who, when, what, before/after, request id.

    Records are never updated or deleted (database triggers refuse it, see migration 0002).
    Each record's ``hash`` covers its content and the previous record's hash, so removing or
    editing any record breaks the chain from there on; ``wutong audit_verify`` names the first
    broken record. Personal data appears only masked in ``changes``.
    """

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+", verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+", verbose_name=_("地区"))
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=40, blank=True, db_index=True)
    ip_address = models.CharField(_("IP 地址"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = RestrictedQuerySet.as_manager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit records are append-only")

    def payload(self) -> dict:
        """The content the hash covers (everything but the hashes themselves)."""
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "region_id": self.region_id,
            "changes": self.changes,
            "request_id": self.request_id,
            "ip_address": self.ip_address,
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + body).encode("utf-8")).hexdigest()
