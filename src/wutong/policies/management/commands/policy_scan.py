"""``wutong policy_scan [--region CODE] [--date YYYY-MM-DD] [--queue]``: the nightly scan.

Scheduled by the system (cron: ``30 1 * * * wutong policy_scan --queue``); ``--queue`` hands it
to the task worker, without it the scan runs in this process."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "免申即享扫描：按已发布事项比对全部人才，记录新增、失效与金额变化"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="只扫描该地区（代码）及下级的事项")
        parser.add_argument("--date", help="判定日期，默认今天")
        parser.add_argument("--queue", action="store_true", help="交给后台任务执行")

    def handle(self, *args, region=None, date=None, queue=False, **options):
        from wutong.core.models import Region
        from wutong.policies.scan import scan_all, scan_run
        from wutong.policies.tasks import policy_scan_nightly

        if queue:
            result = policy_scan_nightly.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        on = dt.date.fromisoformat(date) if date else None
        if region:
            where = Region.objects.filter(code=region).first()
            if where is None:
                raise CommandError(f"没有代码为 {region} 的地区")
            runs = [scan_run(region=where, on=on, trigger="command")]
        else:
            runs = scan_all(on=on, trigger="command")
        for run in runs:
            self.stdout.write(f"{run.region.name if run.region else '全部'}：事项 {run.benefits}，"
                              f"符合 {run.found} 人次，新增 {run.added}，不再符合 {run.removed}，"
                              f"金额变化 {run.amount_changed}，用时 {run.seconds:.1f} 秒")
