"""Demo data of the stats app: resident population and the year's intake target of each demo
place and its districts (figures of the order the seed reports quote: Daqing's 497,000 talents
are 17.8 % of its people), then the first snapshots, so the dashboard is full at once."""

from __future__ import annotations

from django.utils import timezone

from wutong.core.demo import DemoContext
from wutong.core.models import Region

# (region code, resident population, intake target) — the places of core.demo and their
# districts. The demo registry is small, so the target actually set is scaled to it: a tenth
# above what the place brought in the year before (rounded to ten), the table's figure when
# nothing was.
POPULATION = {
    "230600": (2_780_000, 160), "230602": (510_000, 40), "230603": (390_000, 30),
    "230604": (270_000, 20), "230605": (180_000, 15), "230606": (560_000, 30),
    "230621": (330_000, 10), "230622": (380_000, 10), "230623": (210_000, 8),
    "230624": (200_000, 8),
    "211000": (1_600_000, 140), "211002": (290_000, 30), "211003": (210_000, 20),
    "211004": (150_000, 10), "211011": (160_000, 10), "211021": (380_000, 10),
    "220105": (400_000, 120), "511702": (610_000, 110), "230111": (720_000, 120),
}


def seed(ctx: DemoContext) -> None:
    from wutong.stats.models import RegionPopulation
    from wutong.stats.services import snapshots_refresh
    from wutong.talents.models import Talent

    year = timezone.localdate().year
    regions = {r.code: r for r in Region.objects.filter(code__in=POPULATION)}
    for code, (people, target) in POPULATION.items():
        region = regions.get(code)
        if region is None:
            continue
        before = Talent.objects.filter(region__path__startswith=region.path,
                                       introduced_on__year=year - 1).count()
        if before:
            target = max(10, round(before * 1.1 / 10) * 10)
        for y in (year - 1, year):
            RegionPopulation.objects.get_or_create(
                region=region, year=y, defaults={
                    "population": people - (5000 if y < year else 0), "intake_target": target,
                    "note": "演示数据"})
    snapshots_refresh(trigger="demo")
