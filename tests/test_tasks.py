
"""Background work: the database backend with its worker, and RQ against the real Redis."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from wutong.core import services
from wutong.core.models import Job

REDIS_URL = os.environ.get("WUTONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _export(user, capture) -> Job:
    with capture(execute=True):
        return services.export_start(user=user, exporter_key="units", fmt="csv")


# The worker closes its database connection between tasks, as in production: these tests
# commit for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_db_backend_queues_and_worker_runs(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"], "ENQUEUE_ON_COMMIT": False}}
    job = _export(world["district"], django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "queued" and job.task_result_id
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    text = Path(job.result_file).read_text(encoding="utf-8-sig")
    assert "萨尔图区科学技术局" in text and "大庆市科学技术局" not in text


@pytest.mark.django_db(transaction=True)
def test_job_progress_page_polls_until_done(world, login, settings,
                                            django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"], "ENQUEUE_ON_COMMIT": False}}
    job = _export(world["district"], django_capture_on_commit_callbacks)
    client = login(world["district"])
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "排队中" in fragment
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "已完成" in fragment and "下载" in fragment
    # Another user's job is invisible.
    assert login(world["city"]).get(f"/jobs/{job.pk}/").status_code == 404


def test_failed_export_is_reported_not_raised(world, monkeypatch,
                                             django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "write_csv", broken)
    job = _export(world["district"], django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed" and "导出失败" in job.message


def test_unknown_format_and_exporter_are_refused_in_chinese(world):
    from wutong.core.errors import AppError

    with pytest.raises(AppError, match="xlsx 或 csv"):
        services.export_start(user=world["city"], exporter_key="units", fmt="pdf")
    with pytest.raises(AppError, match="没有这种导出"):
        services.export_start(user=world["city"], exporter_key="nope", fmt="csv")
    with pytest.raises(AppError, match="没有导出此列表的权限"):
        services.export_start(user=world["leader"], exporter_key="units", fmt="csv")


@pytest.mark.redis
@pytest.mark.skipif(not _redis_up(), reason="REDIS NOT REACHABLE at 127.0.0.1:6379")
def test_rq_backend_against_real_redis(world, settings, django_capture_on_commit_callbacks):
    import django_rq
    from django_tasks_rq import Job as RQTaskJob
    from rq import SimpleWorker

    queue_name = f"wutong-test-{uuid.uuid4().hex[:8]}"
    settings.RQ_QUEUES = {queue_name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend",
                                  "QUEUES": [queue_name], "ENQUEUE_ON_COMMIT": False}}
    from wutong.core.tasks import export_run

    original_queue = export_run.queue_name
    object.__setattr__(export_run, "queue_name", queue_name)
    try:
        job = _export(world["district"], django_capture_on_commit_callbacks)
        job.refresh_from_db()
        assert job.status == "queued"
        queue = django_rq.get_queue(queue_name)
        assert queue.count == 1  # really in Redis
        worker = SimpleWorker([queue], connection=queue.connection, job_class=RQTaskJob)
        worker.work(burst=True)
        job.refresh_from_db()
        assert job.status == "succeeded", job.message
        rows = Path(job.result_file).read_text(encoding="utf-8-sig")
        assert "萨尔图区人才办" in rows
    finally:
        object.__setattr__(export_run, "queue_name", original_queue)
        django_rq.get_queue(queue_name).connection.delete(f"rq:queue:{queue_name}")
