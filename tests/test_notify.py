"""Notifications (issue 5): in-app messages, outbound channels with retry, durable reminders,
the inbox and its scope, and a worker killed mid-delivery."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests import notify_helpers
from wutong.core import notify
from wutong.core.models import DeliveryStatus, Message, OutboundDelivery, Reminder

LOG = "wutong.core.notify.LogChannel"
RECORDING = "tests.notify_helpers.RecordingChannel"
FLAKY = "tests.notify_helpers.FlakyChannel"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_channels(settings):
    settings.WUTONG_NOTIFY_CHANNELS = [LOG]
    notify_helpers.SENT.clear()
    notify_helpers.FlakyChannel.down = True
    yield
    notify._CHANNELS.clear()


def _send(capture, **kwargs) -> int:
    with capture(execute=True):
        return notify.notify(**kwargs)


def test_notify_writes_one_message_per_active_user_and_logs_no_personal_data(
        world, caplog, django_capture_on_commit_callbacks):
    talent = world["talent"]
    world["talent2"].is_active = False
    world["talent2"].save()
    talent.full_name = "张三"
    talent.save()
    with caplog.at_level(logging.INFO, logger="wutong.notify"):
        count = _send(django_capture_on_commit_callbacks,
                      recipients=[talent, talent, world["talent2"], world["city"]],
                      kind="case.answered", title="您的申请已答复（联系电话 13912345678）",
                      url="/cases/1/")
    assert count == 2
    assert Message.objects.filter(recipient=talent).count() == 1
    assert not Message.objects.filter(recipient=world["talent2"]).exists()
    deliveries = OutboundDelivery.objects.filter(channel=LOG)
    assert deliveries.count() == 2 and {d.status for d in deliveries} == {DeliveryStatus.SENT}
    lines = [r.getMessage() for r in caplog.records if r.name == "wutong.notify"]
    assert len(lines) == 2
    line = next(line for line in lines if f"user={talent.pk} " in line)
    assert "name=张三" in line and "13912345678" not in line and "139****5678" in line


def test_notify_accepts_a_queryset_and_links_the_object(world, django_capture_on_commit_callbacks):
    from wutong.accounts.models import User

    count = _send(django_capture_on_commit_callbacks, recipients=User.objects.filter(
        region__code="230602"), kind="t", title="区内通知", obj=world["saertu_office"])
    assert count == User.objects.filter(region__code="230602", is_active=True).count() > 1
    message = Message.objects.filter(recipient=world["district"]).get()
    assert message.object_type == "accounts.Unit"
    assert message.object_id == str(world["saertu_office"].pk)
    assert notify.notify(recipients=[], kind="t", title="nobody") == 0


def test_channel_failure_keeps_the_message_and_retries_later(
        world, settings, django_capture_on_commit_callbacks):
    settings.WUTONG_NOTIFY_CHANNELS = [RECORDING, FLAKY]
    _send(django_capture_on_commit_callbacks, recipients=[world["talent"]], kind="t",
          title="审核通过")
    message = Message.objects.get(recipient=world["talent"])  # the in-app message is there
    assert [message.pk] == notify_helpers.SENT  # the healthy channel sent it
    flaky = OutboundDelivery.objects.get(channel=FLAKY)
    assert flaky.status == DeliveryStatus.PENDING and flaky.attempts == 1
    assert "ConnectionError" in flaky.last_error and "13912345678" not in flaky.last_error
    assert flaky.next_attempt_at > timezone.now() + dt.timedelta(seconds=30)
    # Not yet due: a sweep leaves it alone.
    assert notify.notify_sweep().sent == 0
    notify_helpers.FlakyChannel.down = False
    OutboundDelivery.objects.filter(pk=flaky.pk).update(next_attempt_at=timezone.now())
    import io

    out = io.StringIO()
    call_command("notify_sweep", "--status", stdout=out)
    assert f"外发 {FLAKY}：pending 1 条" in out.getvalue()
    call_command("notify_sweep", stdout=out)
    assert "外发成功 1 条" in out.getvalue()
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.SENT and flaky.attempts == 2
    # Each channel sent the message exactly once.
    assert [message.pk, message.pk] == notify_helpers.SENT


def test_a_delivery_gives_up_after_the_last_attempt(world, settings,
                                                    django_capture_on_commit_callbacks):
    settings.WUTONG_NOTIFY_CHANNELS = [FLAKY]
    settings.WUTONG_NOTIFY_MAX_ATTEMPTS = 2
    _send(django_capture_on_commit_callbacks, recipients=[world["talent"]], kind="t", title="x")
    OutboundDelivery.objects.update(next_attempt_at=timezone.now())
    notify.notify_sweep()
    delivery = OutboundDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert Message.objects.filter(recipient=world["talent"]).count() == 1


def test_reminder_waits_reschedules_delivers_once_and_cancels(world):
    later = timezone.now() + dt.timedelta(days=3)
    reminder = notify.remind(key="case:7:deadline", due_at=later, recipients=[world["district"]],
                             kind="case.deadline", title="案件即将到期", url="/cases/7/")
    assert notify.notify_sweep().delivered == 0
    # Same key: one row, new time, new text and recipients.
    again = notify.remind(key="case:7:deadline", due_at=timezone.now() - dt.timedelta(minutes=1),
                          recipients=[world["district"], world["city"]], kind="case.deadline",
                          title="案件今天到期", url="/cases/7/")
    assert again.pk == reminder.pk and Reminder.objects.count() == 1
    result = notify.notify_sweep()
    assert result.delivered == 1 and result.messages == 2
    assert set(Message.objects.values_list("title", flat=True)) == {"案件今天到期"}
    assert notify.notify_sweep().delivered == 0  # idempotent
    assert Message.objects.count() == 2
    # Already delivered: scheduling again changes nothing.
    kept = notify.remind(key="case:7:deadline", due_at=later, recipients=[world["talent"]],
                         kind="x", title="changed")
    assert kept.title == "案件今天到期" and kept.delivered_at is not None
    # Cancel by prefix: exact prefix, case included; delivered ones are not counted.
    notify.remind(key="case:8:warn", due_at=later, recipients=[world["city"]], kind="k", title="a")
    notify.remind(key="case:8:late", due_at=later, recipients=[world["city"]], kind="k", title="b")
    notify.remind(key="CASE:8:other", due_at=later, recipients=[world["city"]], kind="k",
                  title="c")
    assert notify.cancel_reminders(key_prefix="case:8:") == 2
    assert notify.cancel_reminders(key_prefix="case:7:") == 0
    Reminder.objects.filter(key__in=["case:8:warn", "case:8:late"]).update(
        due_at=timezone.now())
    assert notify.notify_sweep().delivered == 0
    assert Reminder.objects.get(key="CASE:8:other").cancelled_at is None
    with pytest.raises(ValueError):
        notify.cancel_reminders(key_prefix="")
    # A cancelled reminder scheduled again comes back.
    notify.remind(key="case:8:warn", due_at=timezone.now(), recipients=[world["city"]],
                  kind="k", title="again")
    assert notify.notify_sweep().delivered == 1


def test_abandoned_claim_is_taken_again_but_a_fresh_one_is_not(world, settings):
    past = timezone.now() - dt.timedelta(minutes=1)
    dead = notify.remind(key="r:dead", due_at=past, recipients=[world["city"]], kind="k",
                         title="dead worker's")
    busy = notify.remind(key="r:busy", due_at=past, recipients=[world["city"]], kind="k",
                         title="busy worker's")
    stale = timezone.now() - dt.timedelta(seconds=settings.WUTONG_NOTIFY_CLAIM_SECONDS + 5)
    Reminder.objects.filter(pk=dead.pk).update(claimed_at=stale, claim_token="x" * 32,
                                               attempts=1)
    Reminder.objects.filter(pk=busy.pk).update(claimed_at=timezone.now(), claim_token="y" * 32,
                                               attempts=1)
    assert notify.notify_sweep().delivered == 1
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert dead.delivered_at and dead.attempts == 2
    assert busy.delivered_at is None
    assert list(Message.objects.values_list("title", flat=True)) == ["dead worker's"]


def test_a_worker_whose_claim_was_replaced_stands_back(world):
    reminder = notify.remind(key="r:1", due_at=timezone.now(), recipients=[world["city"]],
                             kind="k", title="old")
    token, ids = notify._claim(Reminder, notify._open_reminders(timezone.now()), "due_at", 10)
    assert ids == [reminder.pk]
    notify.remind(key="r:1", due_at=timezone.now(), recipients=[world["city"]], kind="k",
                  title="new")  # rescheduled while the worker holds it
    assert notify._deliver_reminder(reminder.pk, token) == 0
    assert not Message.objects.exists()
    assert notify.notify_sweep().messages == 1
    assert Message.objects.get().title == "new"


@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_deliver_each_reminder_once(world):
    now = timezone.now()
    recipients = [world["city"], world["district"]]
    for i in range(30):
        notify.remind(key=f"p:{i}", due_at=now, recipients=recipients, kind="k", title=f"r{i}")
    errors = []

    def sweep():
        try:
            for _ in range(3):
                notify.notify_sweep(limit=4)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Reminder.objects.filter(delivered_at__isnull=True).count() == 0
    assert Message.objects.count() == 60
    assert Message.objects.values("reminder", "recipient").distinct().count() == 60


@pytest.mark.django_db(transaction=True)
def test_scheduling_queues_the_sweep_for_the_due_time(world, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"], "ENQUEUE_ON_COMMIT": False}}
    due = (timezone.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    notify.remind(key="q:1", due_at=due, recipients=[world["city"]], kind="k", title="later")
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("deliver_due_reminders") and task.run_after == due


# --- The inbox ------------------------------------------------------------------------------
def test_inbox_lists_unread_first_and_marks_read(world, login,
                                                django_capture_on_commit_callbacks):
    user = world["district"]
    for title in ("第一条", "第二条", "第三条"):
        _send(django_capture_on_commit_callbacks, recipients=[user], kind="t", title=title,
              url="/talents/")
    first = Message.objects.get(title="第一条")
    client = login(user)
    assert client.post(f"/messages/{first.pk}/read/").status_code == 302
    body = client.get("/messages/").content.decode()
    assert body.index("第三条") < body.index("第二条") < body.index("第一条")  # unread first
    assert "2 条未读" in body
    badge = client.get("/messages/badge/", HTTP_HX_REQUEST="true",
                       HTTP_X_WUTONG_POLL="1").content.decode()
    assert 'data-testid="inbox-unread">2<' in badge
    # Opening a message marks it read and goes to its object.
    second = Message.objects.get(title="第二条")
    response = client.post(f"/messages/{second.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/talents/"
    second.refresh_from_db()
    assert second.read_at is not None
    client.post("/messages/read-all/")
    assert notify.unread_count(user=user) == 0
    assert "inbox-unread" not in client.get("/messages/badge/").content.decode()
    assert 'id="wt-inbox-badge"' in client.get("/").content.decode()  # the top bar polls it


def test_htmx_mark_read_returns_the_row(world, login, django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, recipients=[world["city"]], kind="t", title="hi")
    message = Message.objects.get()
    response = login(world["city"]).post(f"/messages/{message.pk}/read/", HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "wt-inbox-changed"
    assert f'id="msg-{message.pk}"' in response.content.decode()
    assert "标为已读" not in response.content.decode()


def test_another_users_message_is_not_found(world, login, django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, recipients=[world["talent"]], kind="t",
          title="私人消息")
    message = Message.objects.get()
    for intruder in (world["talent2"], world["admin"], world["city"]):
        client = login(intruder)
        assert client.post(f"/messages/{message.pk}/open/").status_code == 404
        assert client.post(f"/messages/{message.pk}/read/").status_code == 404
        assert "私人消息" not in client.get("/messages/").content.decode()
        client.post("/messages/read-all/")
    message.refresh_from_db()
    assert message.read_at is None


def test_open_refuses_to_leave_the_site(world, login, django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, recipients=[world["city"]], kind="t", title="x",
          url="https://evil.example/phish")
    message = Message.objects.get()
    response = login(world["city"]).post(f"/messages/{message.pk}/open/")
    assert response["Location"] == "/messages/"


def test_badge_polling_does_not_keep_the_session_alive(world, login, settings):
    from wutong.accounts.middleware import SESSION_KEY

    client = login(world["city"])
    client.get("/")
    session = client.session
    session[SESSION_KEY] = time.time() - 10 * 60
    session.save()
    before = client.session[SESSION_KEY]
    assert client.get("/messages/badge/", HTTP_HX_REQUEST="true",
                      HTTP_X_WUTONG_POLL="1").status_code == 200
    assert client.session[SESSION_KEY] == before
    # After the idle limit, the poll is refused and sends the browser to the login page.
    session = client.session
    session[SESSION_KEY] = time.time() - (settings.WUTONG_IDLE_TIMEOUT_MINUTES + 1) * 60
    session.save()
    response = client.get("/messages/badge/", HTTP_HX_REQUEST="true", HTTP_X_WUTONG_POLL="1")
    assert response.status_code == 401 and "HX-Redirect" in response


# --- A real worker killed mid-delivery ---------------------------------------------------------
def _wait(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    output = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}; worker output:\n{output}")


def _database_url() -> str:
    """The URL of the test database this process uses, for the worker subprocess."""
    from urllib.parse import quote

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(gate: Path, home: Path) -> subprocess.Popen:
    env = dict(os.environ, WUTONG_ENV="test", WUTONG_HOME=str(home),
               DATABASE_URL=_database_url(),
               WUTONG_TASK_BACKEND="db", WUTONG_NOTIFY_CHANNELS="tests.notify_helpers.GateChannel",
               WUTONG_NOTIFY_CLAIM_SECONDS="2", WUTONG_TEST_GATE_DIR=str(gate),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               DJANGO_SETTINGS_MODULE=os.environ.get(
                   "DJANGO_SETTINGS_MODULE", "tests.settings"))
    home.mkdir(parents=True, exist_ok=True)
    with (home / "worker.log").open("wb") as log:  # read on failure; a pipe could fill up
        return subprocess.Popen([sys.executable, "-m", "wutong.cli", "db_worker", "--interval",
                                 "0.2", "--no-startup-delay", "--no-reload"], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


@pytest.mark.django_db(transaction=True)
def test_no_reminder_is_lost_when_the_worker_is_killed_mid_delivery(world, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"], "ENQUEUE_ON_COMMIT": False}}
    settings.WUTONG_NOTIFY_CHANNELS = ["tests.notify_helpers.GateChannel"]
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "block").touch()
    reminder = notify.remind(key="kill:1", due_at=timezone.now() - dt.timedelta(seconds=1),
                             recipients=[world["district"]], kind="case.deadline",
                             title="案件今天到期")
    first = _worker(gate, tmp_path / "w1")
    try:
        entered = _wait(lambda: list(gate.glob("entered-*")), 30, "the first worker to send",
                        tmp_path / "w1" / "worker.log")
        assert entered[0].name == f"entered-{first.pid}"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # kill -9, mid-delivery
        first.wait(timeout=5)
    # It died holding the claim: the in-app message is there, the outbound send is not done.
    assert Message.objects.filter(reminder=reminder).count() == 1
    assert not (gate / "sent.log").exists()
    (gate / "block").unlink()
    second = _worker(gate, tmp_path / "w2")
    try:
        _wait(lambda: OutboundDelivery.objects.filter(status=DeliveryStatus.SENT).exists(), 30,
              "the second worker to finish the delivery", tmp_path / "w2" / "worker.log")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=10)
    reminder.refresh_from_db()
    assert reminder.delivered_at is not None
    message = Message.objects.get(reminder=reminder)  # exactly one in-app message
    delivery = OutboundDelivery.objects.get(message=message)
    assert delivery.attempts == 2  # the dead worker's claim, then the new worker's
    assert (gate / "sent.log").read_text().split() == [str(message.pk)]


class _FakeSms(notify.GatewayChannel):
    outbox: list = []

    def address(self, message):
        phone = message.recipient.phone
        return phone.reveal() if phone else None

    def deliver(self, address, text, message):
        _FakeSms.outbox.append((address, text))


def test_a_gateway_plugs_in_with_address_and_deliver(world, settings, caplog,
                                                     django_capture_on_commit_callbacks):
    settings.WUTONG_NOTIFY_CHANNELS = [LOG, "tests.test_notify._FakeSms"]
    _FakeSms.outbox.clear()
    with caplog.at_level(logging.INFO, logger="wutong.notify"):
        _send(django_capture_on_commit_callbacks, recipients=[world["talent"], world["city"]],
              kind="t", title="补贴已到账", body="请查收")
    assert _FakeSms.outbox == [("13912345678", "补贴已到账：请查收")]  # city has no phone
    assert OutboundDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 4
    assert "13912345678" not in caplog.text


def test_a_misconfigured_channel_loses_no_message_and_is_reported(
        world, settings, django_capture_on_commit_callbacks):
    from wutong.core.notify import check_channels

    settings.WUTONG_NOTIFY_CHANNELS = [LOG, "nowhere.sms.Channel"]
    assert [e.id for e in check_channels()] == ["wutong.E101"]
    _send(django_capture_on_commit_callbacks, recipients=[world["city"]], kind="t", title="x")
    assert Message.objects.filter(recipient=world["city"]).count() == 1
    broken = OutboundDelivery.objects.get(channel="nowhere.sms.Channel")
    assert broken.status == DeliveryStatus.PENDING and "not loaded" in broken.last_error
    assert OutboundDelivery.objects.get(channel=LOG).status == DeliveryStatus.SENT
    # Taken out of the configuration: its pending deliveries are closed as failed.
    settings.WUTONG_NOTIFY_CHANNELS = [LOG]
    OutboundDelivery.objects.filter(pk=broken.pk).update(next_attempt_at=timezone.now())
    notify.notify_sweep()
    broken.refresh_from_db()
    assert broken.status == DeliveryStatus.FAILED
