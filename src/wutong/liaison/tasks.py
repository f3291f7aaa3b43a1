"""Background tasks of liaison: a task loads its job by id and calls the service."""

from __future__ import annotations

from django_tasks import task


@task()
def ledger_run(job_id: str) -> str:
    from wutong.liaison.services import ledger_execute

    return ledger_execute(job_id=job_id)


@task()
def roster_import_run(job_id: str) -> str:
    from wutong.liaison.imports import import_execute

    return import_execute(job_id=job_id)
