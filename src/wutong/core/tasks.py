"""Background tasks of the core app. A task loads its job by id and calls the service."""

from __future__ import annotations

from django_tasks import task


@task()
def export_run(job_id: str) -> str:
    from wutong.core.services import export_execute

    return export_execute(job_id=job_id)
