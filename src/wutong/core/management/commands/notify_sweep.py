"""Deliver due reminders and send pending notifications: for cron, beside the task worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone

from wutong.core.models import DeliveryStatus, OutboundDelivery, Reminder
from wutong.core.notify import notify_sweep


class Command(BaseCommand):
    help = ("Deliver the reminders that are due and retry outbound notifications; safe to run "
            "every minute from cron while workers run. --status only reports.")

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true",
                            help="print what is waiting, overdue and failed; deliver nothing")

    def handle(self, *args, status: bool = False, **options):
        if status:
            self.report()
            return
        result = notify_sweep()
        self.stdout.write(f"提醒送达 {result.delivered} 条（站内消息 {result.messages} 条），"
                          f"外发成功 {result.sent} 条，失败 {result.failed} 条。")

    def report(self) -> None:
        now = timezone.now()
        reminders = Reminder.objects.filter(delivered_at__isnull=True,
                                            cancelled_at__isnull=True).aggregate(
            waiting=Count("pk"), due=Count("pk", filter=Q(due_at__lte=now)),
            claimed=Count("pk", filter=Q(claimed_at__isnull=False)))
        self.stdout.write(f"提醒：待送达 {reminders['waiting']} 条，其中已到时间 "
                          f"{reminders['due']} 条、处理中 {reminders['claimed']} 条。")
        for row in (OutboundDelivery.objects.exclude(status=DeliveryStatus.SENT)
                    .values("channel", "status").annotate(n=Count("pk")).order_by("channel")):
            self.stdout.write(f"外发 {row['channel']}：{row['status']} {row['n']} 条")
        for reminder in (Reminder.objects.filter(delivered_at__isnull=True,
                                                 cancelled_at__isnull=True, due_at__lte=now)
                         .exclude(last_error="").order_by("due_at")[:20]):
            self.stdout.write(f"  {reminder.key}: 尝试 {reminder.attempts} 次，"
                              f"{reminder.last_error}")
