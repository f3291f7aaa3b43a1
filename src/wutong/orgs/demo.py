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
    for slug in ctx.places:
        _seed_platforms(ctx, slug, ctx.employers.get(slug) or [])


# Universities and institutes that the places' platforms work with (partners).
PARTNERS = {
    "daqing": ("东北石油大学", "哈尔滨工业大学", "中国石油大学（北京）", "黑龙江八一农垦大学",
               "中国科学院大连化学物理研究所"),
    "liaoyang": ("东北大学", "大连理工大学", "辽宁石油化工大学", "沈阳化工大学",
                 "中国科学院金属研究所"),
    "erdao": ("吉林大学", "长春理工大学", "东北师范大学", "中国科学院长春应用化学研究所",
              "中国科学院长春光学精密机械与物理研究所"),
    "tongchuan": ("四川大学", "西南石油大学", "电子科技大学", "四川文理学院",
                  "重庆大学"),
    "hulan": ("东北农业大学", "哈尔滨工程大学", "东北林业大学", "哈尔滨工业大学",
              "黑龙江省农业科学院"),
}
# (host: index among the place's enterprises, or the name ending of a public employer;
#  kind, level, name ending, description)
PLATFORMS = (
    (0, PlatformKind.ACADEMICIAN, PlatformLevel.PROVINCIAL, "院士工作站",
     "引进院士团队开展关键技术攻关，联合培养研究生和青年技术骨干。"),
    (1, PlatformKind.POSTDOC, PlatformLevel.NATIONAL, "博士后科研工作站",
     "国家级博士后科研工作站，与合作高校联合招收博士后研究人员。"),
    (2, PlatformKind.TALENT_STATION, PlatformLevel.MUNICIPAL, "人才工作站",
     "校地合作人才工作站，柔性引进高校专家服务企业技术改造。"),
    (3, PlatformKind.TECH_CENTER, PlatformLevel.PROVINCIAL, "省级企业技术中心", ""),
    (4, PlatformKind.ENGINEERING_CENTER, PlatformLevel.PROVINCIAL, "工程技术研究中心",
     "围绕主导产业共性技术开展研发与成果转化。"),
    (5, PlatformKind.DOCTOR, PlatformLevel.MUNICIPAL, "博士工作站", ""),
    (6, PlatformKind.TALENT_STATION, PlatformLevel.DISTRICT, "专家服务站", ""),
    (7, PlatformKind.TECH_CENTER, PlatformLevel.MUNICIPAL, "市级企业技术中心", ""),
    ("农业科学研究院", PlatformKind.KEY_LAB, PlatformLevel.PROVINCIAL, "现代农业种业重点实验室",
     "省级重点实验室，开展优质品种选育与栽培技术研究。"),
    ("农业科学研究院", PlatformKind.POSTDOC, PlatformLevel.PROVINCIAL, "博士后创新实践基地", ""),
    ("第一人民医院", PlatformKind.ACADEMICIAN, PlatformLevel.MUNICIPAL, "院士专家工作站",
     "院士团队定期坐诊、带教，共建临床研究中心。"),
    ("人才发展集团", PlatformKind.INCUBATOR, PlatformLevel.NATIONAL, "创新创业孵化基地",
     "国家级科技企业孵化器，为返乡创业人才和高校毕业生提供场地、融资和政策服务。"),
    ("人才发展集团", PlatformKind.INCUBATOR, PlatformLevel.MUNICIPAL, "青年人才众创空间", ""),
    ("职业技术学院", PlatformKind.TRAINING_BASE, PlatformLevel.PROVINCIAL, "高技能人才实训基地",
     "面向企业职工和院校学生开展技能培训与职业技能等级认定。"),
    ("职业技术学院", PlatformKind.TRAINING_BASE, PlatformLevel.DISTRICT, "大学生就业见习基地", ""),
)


def _seed_platforms(ctx: DemoContext, slug: str, employers: list[Employer]) -> None:
    """A realistic set of platforms in one place; idempotent (by host and name)."""
    # The demo employer account's own employer comes first, so that account sees platforms.
    own = set(EmployerAccount.objects.filter(user__username=f"{slug}.employer")
              .values_list("employer_id", flat=True))
    enterprises = sorted((e for e in employers if e.type == EmployerType.ENTERPRISE
                          and e.name.endswith("公司")), key=lambda e: (e.pk not in own, e.pk))
    partners = PARTNERS.get(slug, PARTNERS["daqing"])
    for j, (where, kind, level, ending, description) in enumerate(PLATFORMS):
        if isinstance(where, int):
            host = enterprises[where] if where < len(enterprises) else None
        else:
            host = next((e for e in employers if e.name.endswith(where)), None)
        if host is None:
            continue
        name = f"{host.name.removesuffix('有限公司').removesuffix('股份')}{ending}"
        Platform.objects.get_or_create(host=host, name=name, defaults={
            "kind": kind, "level": level, "region": host.region, "description": description,
            "partners": "、".join(partners[k % len(partners)]
                                 for k in ((j, j + 2) if j % 3 == 0 else (j,))),
            "recognised_on": dt.date(2015 + j % 9, 1 + (j * 5) % 12, 1 + (j * 7) % 27)})
