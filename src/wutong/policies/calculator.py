"""The calculator's engine: published benefits of the chosen place evaluated on answered
facts. Specs are cached per process for a minute, so a page costs no query for benefits."""

from __future__ import annotations

import time

from django.db.models import Q

from wutong.policies.engine import person_results, published_specs
from wutong.policies.scan import today

_CACHE: dict = {}
TTL = 60.0


def calculator_regions() -> list[tuple[str, str, str]]:
    """(code, name, path) of the regions that have published benefits."""
    from wutong.core.models import Region
    from wutong.policies.models import Benefit

    key = ("regions",)
    hit = _CACHE.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    ids = Benefit.objects.filter(is_published=True).values("region_id")
    # The places with benefits and the districts and zones right under them (a city's
    # benefits apply to its districts).
    rows = [(r.code, r.full_name, r.path) for r in Region.objects.filter(
        Q(pk__in=ids) | Q(parent__in=ids), is_active=True).order_by("path")]
    _CACHE[key] = (time.monotonic() + TTL, rows)
    return rows


def _specs(region_code: str, on):
    from wutong.core.models import Region
    from wutong.policies.models import Benefit

    key = ("specs", region_code, on)
    hit = _CACHE.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    region = Region.objects.get(code=region_code)
    parts = [p for p in region.path.split("/") if p]
    paths = ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    specs = published_specs(Benefit.objects.filter(region__path__in=paths), on)
    _CACHE[key] = (time.monotonic() + TTL, (region.pk, specs))
    return region.pk, specs


def calculate(facts: dict, *, region_code: str):
    on = today()
    region_id, specs = _specs(region_code, on)
    return person_results(specs, facts, on=on, region_id=region_id)


def clear_cache() -> None:
    _CACHE.clear()
