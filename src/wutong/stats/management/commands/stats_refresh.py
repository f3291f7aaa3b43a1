"""``wutong stats_refresh``: recompute every figure snapshot now (e.g. from cron when no task
worker runs); ``--queue`` starts the periodic refresh chain on the task worker instead."""

from django.core.management.base import BaseCommand

from wutong.stats import services


class Command(BaseCommand):
    help = "Recompute the figures of every region (or --queue the five-minute refresh)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true",
                            help="queue the periodic refresh on the task worker")

    def handle(self, *args, queue, **options):
        if queue:
            ok = services.enqueue_refresh()
            self.stdout.write("queued" if ok else "not queued (backend cannot defer, or "
                              "already queued for this slot)")
            return
        run = services.snapshots_refresh(trigger="command")
        self.stdout.write(f"{run.snapshots} snapshots in {run.seconds:.2f} s")
