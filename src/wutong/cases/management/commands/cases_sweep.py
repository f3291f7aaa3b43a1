"""``wutong cases_sweep``: escalate overdue service cases (run daily from cron)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Escalate overdue service cases up the hierarchy (each level once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        from wutong.cases.sweep import escalate_overdue

        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        done = escalate_overdue(today=today)
        self.stdout.write(" ".join(f"L{k}={v}" for k, v in done.items()))
