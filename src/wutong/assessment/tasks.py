"""Background tasks of the assessment app: a task loads its job and calls the import."""

from __future__ import annotations

from django_tasks import task


@task()
def task_list_import_run(job_id: str) -> str:
    from wutong.assessment.imports import import_execute

    return import_execute(job_id=job_id)
