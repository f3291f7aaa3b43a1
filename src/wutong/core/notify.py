"""Notifications: in-app messages, pluggable outbound channels and durable reminders (issue 5).

The API every app codes against::

    notify(recipients=…, kind="case.assigned", title="…", body="", url="", obj=case) -> int
    remind(key="case:42:deadline", due_at=…, recipients=…, kind=…, title=…, …) -> Reminder
    cancel_reminders(key_prefix="case:42:") -> int

``notify`` writes one in-app message per active recipient at once (set-based insert) and queues
one outbound delivery per message and configured channel (``WUTONG_NOTIFY_CHANNELS``). The
deliveries are sent by the sweep, after the commit, never inside the caller's transaction: a
gateway that is down never loses or delays the in-app message, and is retried with back-off.

``remind`` keeps a reminder in the database until its time. The sweep (``notify_sweep``, run by
the task ``core.tasks.deliver_due_reminders``, the command ``wutong notify_sweep`` for cron, and
queued with ``run_after`` when the task backend can defer) claims due rows atomically — ``SELECT
… FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional ``UPDATE`` on SQLite — so two workers
never deliver the same reminder twice; a claim older than ``WUTONG_NOTIFY_CLAIM_SECONDS``
belongs to a worker that died and is taken again. Before it claims anything, a sweep queues its
own successor for after the claims would expire: if the worker is killed mid-delivery, the next
worker picks the work up without anyone noticing.

A channel is a class with ``send(message)`` (see ``Channel``); the default ``LogChannel``
writes one line per message to the ``wutong.notify`` logger, with the user's id and name and
no personal data (numbers in the text are masked).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Min, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.module_loading import import_string

from wutong.core.models import DeliveryStatus, Message, OutboundDelivery, Reminder
from wutong.core.security.masking import redact

log = logging.getLogger("wutong.notify")

# Seconds to wait before retrying a failed delivery, by attempt (the last repeats).
RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200, 86400)
BATCH = 500


# --- Channels ---------------------------------------------------------------------------------
class Channel:
    """An outbound channel. A deployment plugs its gateway in by subclassing and naming the
    class in ``WUTONG_NOTIFY_CHANNELS`` (dotted path; several separated by commas).

    ``send`` gets the ``core.Message`` (with ``recipient`` loaded) and returns when the gateway
    has accepted it; raising any exception counts as a failure, which is recorded (masked) and
    retried later. ``send`` may be called again for a message whose first attempt died with the
    worker, so a gateway that can should pass ``message.pk`` as its idempotency key. Never log
    or raise personal data (the phone number you send to) in clear."""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class LogChannel(Channel):
    """The default channel: one line per message in the ``wutong.notify`` log."""

    def send(self, message: Message) -> None:
        recipient = message.recipient
        log.info("notify message=%s user=%s name=%s kind=%s title=%s url=%s", message.pk,
                 recipient.pk, redact(recipient.get_full_name() or recipient.get_username()),
                 message.kind, redact(message.title), message.url or "-")


class GatewayChannel(Channel):
    """A pattern for an SMS or WeChat gateway (not a real one). A deployment writes::

        class CitySmsChannel(GatewayChannel):
            def address(self, message):          # where to send, or None to skip
                phone = message.recipient.phone  # decrypted only here, never logged
                return phone.reveal() if phone else None

            def deliver(self, address, text, message):
                response = httpx.post(URL, json={"to": address, "text": text,
                                                 "id": str(message.pk)}, timeout=10)
                response.raise_for_status()

    and sets ``WUTONG_NOTIFY_CHANNELS=wutong.core.notify.LogChannel,mycity.sms.CitySmsChannel``.
    """

    max_length = 300

    def address(self, message: Message) -> str | None:
        raise NotImplementedError

    def text(self, message: Message) -> str:
        text = message.title if not message.body else f"{message.title}：{message.body}"
        return text[: self.max_length]

    def deliver(self, address: str, text: str, message: Message) -> None:
        raise NotImplementedError

    def send(self, message: Message) -> None:
        address = self.address(message)
        if not address:
            return  # nowhere to send: the in-app message is enough
        self.deliver(address, self.text(message), message)


_CHANNELS: dict[tuple[str, ...], dict[str, Channel]] = {}


def channel_paths() -> list[str]:
    return list(settings.WUTONG_NOTIFY_CHANNELS)


def channels() -> dict[str, Channel]:
    """The configured channels that could be loaded, by dotted path (once per configuration).
    One that cannot be imported is logged and left out: its deliveries fail and are retried,
    the in-app messages are not affected (``check_channels`` reports it at start-up)."""
    paths = tuple(channel_paths())
    if paths not in _CHANNELS:
        loaded = {}
        for path in paths:
            try:
                loaded[path] = import_string(path)()
            except Exception:  # a misconfigured channel must not stop the messages
                log.exception("notify: cannot load channel %s", path)
        _CHANNELS[paths] = loaded
    return _CHANNELS[paths]


def check_channels(app_configs=None, **kwargs) -> list:
    """System check: every path in ``WUTONG_NOTIFY_CHANNELS`` is a ``Channel`` subclass."""
    from django.core.checks import Error

    errors = []
    for path in channel_paths():
        try:
            cls = import_string(path)
        except ImportError as exc:
            errors.append(Error(f"WUTONG_NOTIFY_CHANNELS: cannot import {path}: {exc}",
                                id="wutong.E101"))
            continue
        if not (isinstance(cls, type) and issubclass(cls, Channel)):
            errors.append(Error(f"WUTONG_NOTIFY_CHANNELS: {path} is not a "
                                "wutong.core.notify.Channel subclass", id="wutong.E102"))
    return errors


# --- The API ------------------------------------------------------------------------------------
def _recipient_ids(recipients) -> list[int]:
    """Active users among ``recipients`` (users, primary keys or a user queryset), once each."""
    users = get_user_model().objects.filter(is_active=True)
    if isinstance(recipients, models.QuerySet):
        qs = recipients.filter(is_active=True) if recipients.model is users.model else \
            users.filter(pk__in=recipients.values("pk"))
    else:
        ids = {r.pk if isinstance(r, models.Model) else int(r) for r in recipients or ()
               if r is not None}
        if not ids:
            return []
        qs = users.filter(pk__in=ids)
    return sorted(set(qs.values_list("pk", flat=True)))


def _object_ref(obj, url: str) -> tuple[str, str, str]:
    if obj is None:
        return "", "", url
    if not url and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    return obj._meta.label, str(obj.pk), url


def _insert_messages(user_ids: list[int], *, kind: str, title: str, body: str, url: str,
                     object_type: str, object_id: str, reminder_id: int | None = None,
                     now: dt.datetime) -> int:
    """Messages and their outbound deliveries, inserted in batches (call inside a transaction)."""
    paths = channel_paths()
    total = 0
    for start in range(0, len(user_ids), BATCH):
        chunk = user_ids[start:start + BATCH]
        created = Message.objects.bulk_create([
            Message(recipient_id=uid, kind=kind[:60], title=title[:200], body=body,
                    url=url[:500], object_type=object_type, object_id=object_id,
                    reminder_id=reminder_id, created_at=now) for uid in chunk])
        ids = [m.pk for m in created]
        if None in ids:  # a backend that does not return ids from a bulk insert
            ids = list(Message.objects.filter(recipient_id__in=chunk, created_at=now, kind=kind,
                                              reminder_id=reminder_id).values_list("pk",
                                                                                   flat=True))
        OutboundDelivery.objects.bulk_create([
            OutboundDelivery(message_id=mid, channel=path, next_attempt_at=now)
            for mid in ids for path in paths])
        total += len(created)
    return total


def notify(*, recipients, kind: str, title: str, body: str = "", url: str = "",
           obj=None) -> int:
    """Send an in-app message to each active recipient now, and queue it for the outbound
    channels; returns how many messages were written. Safe inside the caller's transaction:
    nothing leaves the database before it commits."""
    user_ids = _recipient_ids(recipients)
    if not user_ids:
        return 0
    kind, title, body = str(kind), str(title), str(body or "")
    object_type, object_id, url = _object_ref(obj, str(url or ""))
    with transaction.atomic():
        count = _insert_messages(user_ids, kind=kind, title=title, body=body, url=url,
                                 object_type=object_type, object_id=object_id,
                                 now=timezone.now())
        if channel_paths():
            transaction.on_commit(_enqueue_sweep)
    return count


def remind(*, key: str, due_at: dt.datetime, recipients, kind: str, title: str, body: str = "",
           url: str = "", obj=None) -> Reminder:
    """Schedule (or reschedule) the reminder ``key`` for ``due_at``. Calling again with the same
    key replaces its time, text and recipients — unless it was already delivered, in which case
    the delivered row is returned untouched. A cancelled reminder comes back to life."""
    if not key:
        raise ValueError("a reminder needs a key")
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    user_ids = _recipient_ids(recipients)
    kind, title, body = str(kind), str(title), str(body or "")
    object_type, object_id, url = _object_ref(obj, str(url or ""))
    fields = {"due_at": due_at, "kind": kind[:60], "title": title[:200], "body": body,
              "url": url[:500], "object_type": object_type, "object_id": object_id,
              "cancelled_at": None, "claimed_at": None, "claim_token": "", "last_error": ""}
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(key=key).first()
        if reminder is None:
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(key=key, **fields)
            except IntegrityError:  # scheduled at the same moment by someone else
                reminder = Reminder.objects.select_for_update().get(key=key)
        if reminder.delivered_at is not None:
            return reminder
        if reminder.due_at != due_at or any(getattr(reminder, k) != v for k, v in fields.items()):
            # A worker holding a claim on the old version finds its token gone and stands back.
            Reminder.objects.filter(pk=reminder.pk).update(**fields)
            reminder.refresh_from_db()
        reminder.recipients.set(user_ids)
        transaction.on_commit(lambda: _enqueue_sweep(run_after=due_at))
    return reminder


def cancel_reminders(*, key_prefix: str) -> int:
    """Cancel the undelivered reminders whose key starts with ``key_prefix`` (exactly, case
    included); returns how many. Delivered ones stay as they are."""
    if not key_prefix:
        raise ValueError("cancel_reminders needs a non-empty key_prefix")
    return (Reminder.objects
            .filter(key__startswith=key_prefix, delivered_at__isnull=True,
                    cancelled_at__isnull=True)
            .annotate(_prefix=Substr("key", 1, len(key_prefix)))
            .filter(_prefix=key_prefix)
            .update(cancelled_at=timezone.now(), claimed_at=None, claim_token=""))


# --- The inbox (reads and writes of the user's own messages) ------------------------------------
def messages_for(*, user, unread_only: bool = False) -> models.QuerySet:
    """The user's own messages, unread first, newest first."""
    qs = Message.objects.owned_by(user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.annotate(_read=models.ExpressionWrapper(Q(read_at__isnull=False),
                                                      output_field=models.BooleanField())) \
        .order_by("_read", "-created_at", "-id")


def unread_count(*, user) -> int:
    return Message.objects.owned_by(user).filter(read_at__isnull=True).count()


def message_mark_read(*, user, message_id: int) -> Message:
    """Mark one of the user's own messages read (``NotFound`` for anyone else's)."""
    message = Message.objects.get_owned(user, pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
            read_at=message.read_at)
    return message


def message_mark_all_read(*, user) -> int:
    return Message.objects.owned_by(user).filter(read_at__isnull=True).update(
        read_at=timezone.now())


# --- The sweep ----------------------------------------------------------------------------------
@dataclass
class SweepResult:
    delivered: int = 0  # reminders delivered
    messages: int = 0  # in-app messages they wrote
    sent: int = 0  # outbound deliveries accepted by a channel
    failed: int = 0  # outbound attempts that failed (retried later unless at the limit)


def _claim_seconds() -> int:
    return max(1, int(settings.WUTONG_NOTIFY_CLAIM_SECONDS))


def _open_reminders(now: dt.datetime) -> Q:
    expired = now - dt.timedelta(seconds=_claim_seconds())
    return (Q(delivered_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now)
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired)))


def _open_deliveries(now: dt.datetime) -> Q:
    expired = now - dt.timedelta(seconds=_claim_seconds())
    return (Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired)))


def _claim(model, open_q: Q, order: str, limit: int) -> tuple[str, list[int]]:
    """Claim up to ``limit`` open rows for this sweep alone; returns (token, claimed ids)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = list(model.objects.select_for_update(skip_locked=True).filter(open_q)
                       .order_by(order).values_list("pk", flat=True)[:limit])
            if ids:
                model.objects.filter(pk__in=ids).update(claimed_at=now, claim_token=token,
                                                        attempts=F("attempts") + 1)
        else:
            # SQLite: one conditional UPDATE, under the database's write lock, is the claim.
            candidates = model.objects.filter(open_q).order_by(order).values("pk")[:limit]
            model.objects.filter(open_q, pk__in=candidates).update(
                claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
        claimed = list(model.objects.filter(claim_token=token).values_list("pk", flat=True))
    return token, claimed


def _error_text(exc: BaseException) -> str:
    return redact(f"{type(exc).__name__}: {exc}")[:300]


def _deliver_reminder(reminder_id: int, token: str) -> int:
    """Write the reminder's messages and mark it delivered, in one transaction; 0 when the
    claim was lost (rescheduled, cancelled or taken over after expiry)."""
    now = timezone.now()
    with transaction.atomic():
        won = Reminder.objects.filter(pk=reminder_id, claim_token=token,
                                      delivered_at__isnull=True,
                                      cancelled_at__isnull=True).update(delivered_at=now,
                                                                         last_error="")
        if not won:
            return 0
        reminder = Reminder.objects.get(pk=reminder_id)
        user_ids = sorted(reminder.recipients.filter(is_active=True)
                          .values_list("pk", flat=True))
        return _insert_messages(user_ids, kind=reminder.kind, title=reminder.title,
                                body=reminder.body, url=reminder.url,
                                object_type=reminder.object_type,
                                object_id=reminder.object_id, reminder_id=reminder.pk, now=now)


def _send_one(delivery: OutboundDelivery, token: str, channel: Channel | None) -> bool:
    try:
        if channel is None:
            raise LookupError("channel not loaded (see the log and `wutong check`)")
        channel.send(delivery.message)
    except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded and retried
        error = _error_text(exc)
        final = (delivery.attempts >= settings.WUTONG_NOTIFY_MAX_ATTEMPTS
                 or delivery.channel not in channel_paths())  # no longer configured
        delay = RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]
        OutboundDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            last_error=error, claimed_at=None, claim_token="",
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay))
        log.warning("notify delivery=%s message=%s channel=%s attempt=%s failed: %s",
                    delivery.pk, delivery.message_id, delivery.channel, delivery.attempts, error)
        return False
    OutboundDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None,
        claim_token="")
    return True


def notify_sweep(*, limit: int = BATCH) -> SweepResult:
    """Deliver the due reminders and send the pending outbound deliveries; idempotent, safe
    to run in any number of workers at once."""
    result = SweepResult()
    now = timezone.now()
    has_work = (Reminder.objects.filter(_open_reminders(now)).exists()
                or OutboundDelivery.objects.filter(_open_deliveries(now)).exists())
    if not has_work:
        return result
    # Before claiming anything: the successor that finishes the job if this worker dies.
    _enqueue_sweep(run_after=now + dt.timedelta(seconds=_claim_seconds() + 1), coalesce=True)
    while True:
        token, ids = _claim(Reminder, _open_reminders(timezone.now()), "due_at", limit)
        if not ids:
            break
        for reminder_id in ids:
            try:
                written = _deliver_reminder(reminder_id, token)
            except Exception as exc:  # noqa: BLE001 - recorded; the claim expires, it is retried
                Reminder.objects.filter(pk=reminder_id, claim_token=token).update(
                    last_error=_error_text(exc))
                log.warning("notify reminder=%s failed: %s", reminder_id, _error_text(exc))
                continue
            if written or Reminder.objects.filter(pk=reminder_id, claim_token=token,
                                                  delivered_at__isnull=False).exists():
                result.delivered += 1
                result.messages += written
    configured = channels()
    while True:
        token, ids = _claim(OutboundDelivery, _open_deliveries(timezone.now()),
                            "next_attempt_at", limit)
        if not ids:
            break
        deliveries = (OutboundDelivery.objects.filter(pk__in=ids, claim_token=token)
                      .select_related("message__recipient").order_by("pk"))
        for delivery in deliveries:
            if _send_one(delivery, token, configured.get(delivery.channel)):
                result.sent += 1
            else:
                result.failed += 1
    if result.failed:
        retry_at = OutboundDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
            at=Min("next_attempt_at"))["at"]
        if retry_at:
            _enqueue_sweep(run_after=retry_at, coalesce=True)
    return result


def _enqueue_sweep(run_after: dt.datetime | None = None, *, coalesce: bool = False) -> None:
    """Queue the sweep task (deferred to ``run_after`` when the backend can). Never raises:
    the rows are the truth, and cron's ``wutong notify_sweep`` catches anything missed.
    ``coalesce`` rounds the time up to a slot and queues one sweep per slot (the successors
    and retries many sweeps ask for)."""
    from django.core.cache import cache

    from wutong.core.tasks import deliver_due_reminders

    reserved = None
    try:
        task = deliver_due_reminders
        if run_after is not None and run_after > timezone.now():
            if not task.get_backend().supports_defer:
                return  # e.g. the immediate backend: the next sweep or cron delivers it
            if coalesce:
                step = min(15, _claim_seconds())
                slot = -(-int(run_after.timestamp()) // step) * step
                reserved = f"wutong:notify-sweep:{slot}"
                if not cache.add(reserved, 1, timeout=step + _claim_seconds() + 60):
                    return
                run_after = dt.datetime.fromtimestamp(slot, tz=dt.UTC)
            task = task.using(run_after=run_after)
        task.enqueue()
    except Exception:
        if reserved:
            cache.delete(reserved)
        log.exception("notify: could not queue the sweep; cron's notify_sweep will run it")
