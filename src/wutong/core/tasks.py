"""Background tasks of the core app. A task loads its job by id and calls the service."""

from __future__ import annotations

from django_tasks import task


@task()
def export_run(job_id: str) -> str:
    from wutong.core.services import export_execute

    return export_execute(job_id=job_id)


@task()
def deliver_due_reminders() -> dict:
    """The notification sweep: due reminders become messages, pending deliveries go out."""
    from dataclasses import asdict

    from wutong.core.notify import notify_sweep

    return asdict(notify_sweep())
