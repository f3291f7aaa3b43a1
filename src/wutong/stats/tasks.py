"""Background tasks of the stats app: the periodic refresh of the snapshots (every five
minutes while a worker runs) and the yearly report job."""

from __future__ import annotations

from django_tasks import task


@task()
def stats_refresh_periodic() -> dict:
    from wutong.stats.services import periodic_refresh

    return periodic_refresh()


@task()
def stats_report_run(job_id: str) -> str:
    from wutong.stats.reports import report_execute

    return report_execute(job_id=job_id)
