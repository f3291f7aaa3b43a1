"""``wutong install_assets``: fetch ECharts from the npm registry, check its integrity, keep
only the files the pages serve (see ``stats.assets``). Idempotent: nothing is fetched when
the installed files still match."""

from django.core.management.base import BaseCommand, CommandError

from wutong.stats import assets


class Command(BaseCommand):
    help = "Install ECharts (npm echarts 6.1.0, integrity-checked) outside the source tree."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=assets.ECHARTS_URL)
        parser.add_argument("--integrity", default=assets.ECHARTS_INTEGRITY)
        parser.add_argument("--force", action="store_true", help="fetch again even if present")

    def handle(self, *args, url, integrity, force, **options):
        try:
            outcome = assets.install(url=url, integrity=integrity, force=force)
        except assets.AssetError as exc:
            raise CommandError(str(exc)) from exc
        where = assets.target_dir()
        if outcome == "present":
            self.stdout.write(f"ECharts {assets.ECHARTS_VERSION} already installed in {where}")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"ECharts {assets.ECHARTS_VERSION} installed in {where}"))
