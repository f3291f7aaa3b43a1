"""Demo part of orgs: employers of every kind and a few platforms in each place."""

from __future__ import annotations

import datetime as dt

from wutong.accounts.models import User
from wutong.core.demo import DemoContext
from wutong.core.demo.generators import uscc
from wutong.core.models import Region
from wutong.orgs.models import (
    Employer,
    EmployerAccount,
    EmployerLabel,
    EmployerType,
    Ownership,
    Platform,
    PlatformKind,
    PlatformLevel,
)

BRANDS = ("华鑫", "龙腾", "东方", "正元", "中科", "天合", "鸿达", "瑞丰", "博远", "聚能", "恒通",
          "金盛", "新纪元", "北辰", "汇智", "昌隆")
TRADES = (("石化", "25"), ("新材料", "26"), ("智能装备", "34"), ("生物医药", "27"),
          ("农业科技", "05"), ("信息技术", "65"), ("新能源", "44"), ("精密制造", "35"),
          ("数字科技", "64"), ("食品", "14"))
PUBLIC = (("第一人民医院", EmployerType.HOSPITAL, "84"), ("中医院", EmployerType.HOSPITAL, "84"),
          ("职业技术学院", EmployerType.UNIVERSITY, "83"), ("第一中学", EmployerType.SCHOOL, "83"),
          ("农业科学研究院", EmployerType.RESEARCH_INSTITUTE, "73"),
          ("人才发展集团", EmployerType.ENTERPRISE, "72"))
EMPLOYERS_PER_PLACE = 40


def seed(ctx: DemoContext) -> None:
    for slug, region in ctx.places.items():
        if Employer.objects.filter(region__path__startswith=region.path).exists():
            ctx.employers[slug] = list(Employer.objects.filter(
                region__path__startswith=region.path))
            continue
        counties = list(Region.objects.filter(parent=region)) or [region]
        short = region.name.rstrip("市区县")
        made = []
        for name, kind, industry in PUBLIC:
            made.append(Employer(uscc=uscc(ctx.rng, region.code, "public_institution"),
                                 name=f"{short}{'市' if region.level == 'prefecture' else ''}"
                                      f"{name}", type=kind, industry=industry, region=region,
                                 ownership="" if kind != EmployerType.ENTERPRISE else
                                 Ownership.STATE))
        for i in range(EMPLOYERS_PER_PLACE - len(PUBLIC)):
            # Distinct (brand, trade) pairs for up to len(BRANDS) * len(TRADES) employers.
            brand = BRANDS[i % len(BRANDS)]
            trade, industry = TRADES[(i // len(BRANDS) * 3 + i) % len(TRADES)]
            labels = ctx.rng.sample(list(EmployerLabel.values), k=ctx.rng.randint(0, 2))
            made.append(Employer(
                uscc=uscc(ctx.rng, region.code), name=f"{short}{brand}{trade}"
                f"{'股份' if i % 5 == 0 else ''}有限公司",
                type=EmployerType.ENTERPRISE, industry=industry,
                ownership=ctx.rng.choice([Ownership.PRIVATE, Ownership.PRIVATE, Ownership.STATE,
                                          Ownership.MIXED]),
                region=ctx.rng.choice(counties), labels=labels,
                contact_name=ctx.faker.name()))
        Employer.objects.bulk_create(made)
        made = list(Employer.objects.filter(region__path__startswith=region.path))
        ctx.employers[slug] = made
        account = User.objects.filter(username=f"{slug}.employer").first()
        if account is not None:
            EmployerAccount.objects.get_or_create(user=account,
                                                  defaults={"employer": made[len(PUBLIC)]})
        for j, (kind, level) in enumerate(((PlatformKind.ACADEMICIAN, PlatformLevel.PROVINCIAL),
                                           (PlatformKind.POSTDOC, PlatformLevel.NATIONAL),
                                           (PlatformKind.TALENT_STATION, PlatformLevel.MUNICIPAL),
                                           (PlatformKind.TECH_CENTER, PlatformLevel.PROVINCIAL))):
            host = made[len(PUBLIC) + j]
            Platform.objects.create(name=f"{host.name}{PlatformKind(kind).label}", kind=kind,
                                    level=level, host=host, region=host.region,
                                    recognised_on=dt.date(2018 + j, 6, 1))
