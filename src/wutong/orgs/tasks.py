"""Background tasks of the orgs app: a task loads its job and calls the import."""

from __future__ import annotations

from django_tasks import task


@task()
def employer_import_run(job_id: str) -> str:
    from wutong.orgs.imports import import_execute

    return import_execute(job_id=job_id)
