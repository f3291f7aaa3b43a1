"""Demo part of platform membership: people on each demo platform, with their roles.

Runs after the registry's demo step (orgs makes the platforms, talents the people); idempotent:
a platform that already has members is left as it is.
"""

from __future__ import annotations

import datetime as dt

from wutong.core.demo import DemoContext
from wutong.orgs.models import Platform, PlatformKind
from wutong.talents.models import PlatformMembership, Talent

ROLES = {
    PlatformKind.ACADEMICIAN: ("首席专家", "团队成员", "团队成员", "企业联络人"),
    PlatformKind.POSTDOC: ("合作导师", "在站博士后", "在站博士后"),
    PlatformKind.DOCTOR: ("进站博士", "进站博士", "企业导师"),
    PlatformKind.TALENT_STATION: ("驻站专家", "驻站专家", "联络员"),
    PlatformKind.INCUBATOR: ("创业导师", "入驻创业人才", "入驻创业人才"),
    PlatformKind.TRAINING_BASE: ("实训导师", "实训导师", "见习学员"),
}
DEFAULT_ROLES = ("技术带头人", "研发骨干", "研发骨干")


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    for region in ctx.places.values():
        platforms = list(Platform.objects.filter(region__path__startswith=region.path,
                                                 is_active=True).order_by("pk"))
        staffed = set(PlatformMembership.objects.filter(platform__in=platforms)
                      .values_list("platform_id", flat=True))
        experts = list(Talent.objects.filter(region__path__startswith=region.path,
                                             title_level__in=("1", "11", "2", "21"))
                       .values_list("pk", flat=True)[:300])
        rows = []
        for platform in platforms:
            if platform.pk in staffed:
                continue
            own = list(Talent.objects.filter(employer_id=platform.host_id)
                       .values_list("pk", flat=True)[:40])
            chosen = rng.sample(own, k=min(len(own), rng.randint(3, 7)))
            chosen += [pk for pk in rng.sample(experts, k=min(len(experts), 2))
                       if pk not in chosen]
            roles = ROLES.get(platform.kind, DEFAULT_ROLES)
            start = platform.recognised_on or dt.date(2020, 1, 1)
            for i, pk in enumerate(chosen):
                joined = start + dt.timedelta(days=rng.randint(0, 900))
                rows.append(PlatformMembership(
                    platform=platform, talent_id=pk, role=roles[i % len(roles)],
                    joined_on=min(joined, dt.date.today())))
        PlatformMembership.objects.bulk_create(rows, ignore_conflicts=True)
