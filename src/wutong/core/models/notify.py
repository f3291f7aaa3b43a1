"""Notifications: in-app messages, their outbound deliveries, and durable reminders (issue 5).

The rows are the truth. A message exists once it is committed; sending it out (SMS, WeChat,
the log) is a separate row per channel with its own attempts, so a gateway that fails never
loses the in-app message and is retried later. A reminder waits in its row until its time; the
sweep (``core.notify.deliver_due_reminders``) claims due rows atomically, so a worker that dies
mid-way leaves a claim that expires and is taken again.

Messages belong to a person, not to a place: like saved filters (``core.models.lists``) they
are read through ``owned_by`` (the owner rule spelled out), never widened by a role's scope —
even the system administrator sees only their own inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.core.errors import NotFound


class MessageQuerySet(models.QuerySet):
    def owned_by(self, user) -> MessageQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def get_owned(self, user, **lookup) -> Message:
        try:
            return self.owned_by(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc


class Message(models.Model):
    """One in-app message to one user (站内消息): something that needs their action or
    attention, linking to the record it is about."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="messages", verbose_name=_("收件人"))
    kind = models.CharField(_("类别"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reminder = models.ForeignKey("core.Reminder", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="messages")
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox (unread first, newest first) and the unread badge.
            models.Index(fields=["recipient", "read_at", "-created_at"],
                         name="core_msg_inbox_idx"),
        ]
        constraints = [
            # A reminder gives each of its recipients exactly one message, however many
            # workers try (the database, not the code, has the last word).
            models.UniqueConstraint(fields=["reminder", "recipient"],
                                    condition=Q(reminder__isnull=False),
                                    name="core_msg_one_per_reminder"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboundDelivery(models.Model):
    """Sending one message through one outbound channel (the log, an SMS or WeChat gateway).

    Pending rows are claimed by a sweep (``claimed_at``); a failure records the error, counts
    the attempt and sets the next try, until ``WUTONG_NOTIFY_MAX_ATTEMPTS``."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发记录")
        verbose_name_plural = _("外发记录")
        indexes = [
            # The sweep: pending rows whose time has come.
            models.Index(fields=["status", "next_attempt_at"], name="core_outbound_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"],
                                    name="core_outbound_one_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.channel}"


class Reminder(models.Model):
    """A message to send later (催办, 到期提醒), kept in the database until delivered.

    ``key`` names it for the caller (``"case:42:deadline"``): scheduling the same key again
    replaces it, unless it was already delivered. The sweep claims a due row (``claimed_at``,
    ``claim_token``), writes the messages and sets ``delivered_at`` in one transaction; a claim
    older than ``WUTONG_NOTIFY_CLAIM_SECONDS`` belongs to a dead worker and is taken again."""

    key = models.CharField(_("标识"), max_length=200, unique=True)
    due_at = models.DateTimeField(_("提醒时间"))
    kind = models.CharField(_("类别"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+",
                                        verbose_name=_("收件人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        indexes = [
            # The sweep reads only the open rows, by time.
            models.Index(fields=["due_at"], name="core_reminder_open_idx",
                         condition=Q(delivered_at__isnull=True, cancelled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_open(self) -> bool:
        return self.delivered_at is None and self.cancelled_at is None
