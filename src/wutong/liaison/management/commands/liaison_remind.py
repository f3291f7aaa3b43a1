"""``wutong liaison_remind [--year YYYY]``: remind leaders who fall short of the contact duty
rule, and their talent offices. Scheduled by the system (cron, monthly:
``0 9 1 * * wutong liaison_remind``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "联系服务提醒：通知未达联系服务要求的领导及其人才办"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="年度，默认今年")

    def handle(self, *args, year=None, **options):
        from wutong.liaison.services import duty_reminders_send

        result = duty_reminders_send(year=year)
        self.stdout.write(f"未达要求 {result['short']} 位；提醒领导 {result['leaders_told']} 人次，"
                          f"人才办 {result['offices_told']} 人次")
