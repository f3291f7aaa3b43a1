"""Background tasks of the cases app: the daily escalation sweep (``wutong cases_sweep`` from
cron does the same)."""

from __future__ import annotations

from django_tasks import task


@task()
def cases_sweep_task() -> dict:
    from wutong.cases.sweep import escalate_overdue

    return {str(k): v for k, v in escalate_overdue().items()}
