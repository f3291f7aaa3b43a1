"""Background tasks of the policies app: a task loads its job (or none, at night) and calls
the scan. The nightly scan is ``wutong policy_scan`` run by the system's scheduler (cron or
a systemd timer, see docs/policies.md), or queued with ``policy_scan_nightly.enqueue()``."""

from __future__ import annotations

from django_tasks import task


@task()
def policy_scan_job(job_id: str) -> str:
    from wutong.policies.services import scan_execute

    return scan_execute(job_id=job_id)


@task()
def policy_scan_nightly() -> dict:
    from wutong.policies.scan import scan_all

    runs = scan_all(trigger="nightly")
    return {"runs": [r.pk for r in runs], "added": sum(r.added for r in runs),
            "removed": sum(r.removed for r in runs),
            "amount_changed": sum(r.amount_changed for r in runs)}
