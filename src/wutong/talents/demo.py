"""Demo part of talents: a registry of a few thousand people across the five places, with
local category catalogues (A–E), educations, titles, employment and two pools per place."""

from __future__ import annotations

import datetime as dt

from wutong.accounts.models import User
from wutong.core.demo import DemoContext
from wutong.core.demo.generators import birth_date, id_number, mobile
from wutong.core.models import CodeItem, CodeTable, Region
from wutong.talents.models import (
    Education,
    Employment,
    IntroductionMode,
    Pool,
    PoolMembership,
    ProfessionalTitle,
    Talent,
    TalentNameKey,
)
from wutong.talents.names import name_keys, sort_key

CATEGORIES = (("A", "A类（顶尖人才）", "诺贝尔奖获得者、两院院士等"),
              ("B", "B类（国家级领军人才）", "国家级重大人才工程入选者等"),
              ("C", "C类（省级领军人才）", "省级重大人才工程入选者、正高级职称等"),
              ("D", "D类（市级拔尖人才）", "博士研究生、副高级职称等"),
              ("E", "E类（基础人才）", "硕士研究生、中级职称、高级技师等"))
SCHOOLS = ("哈尔滨工业大学", "东北石油大学", "吉林大学", "大连理工大学", "四川大学",
           "东北农业大学", "辽宁工程技术大学", "西南石油大学", "黑龙江八一农垦大学", "电子科技大学")
MAJORS = ("化学工程与工艺", "石油工程", "计算机科学与技术", "机械工程", "临床医学", "农学",
          "材料科学与工程", "电气工程及其自动化", "会计学", "生物工程")
# (education code, degree code, weight): PhD, master, bachelor, college, vocational.
EDUCATION_MIX = (("11", "2", 8), ("14", "3", 30), ("21", "4", 45), ("31", "", 12), ("41", "", 5))
TITLES = (("1", "正高级工程师"), ("2", "高级工程师"), ("3", "工程师"), ("4", "助理工程师"))


def _categories(region: Region) -> dict[str, CodeItem]:
    table = CodeTable.objects.get(key="talent_category")
    items = {}
    for order, (code, name, criteria) in enumerate(CATEGORIES):
        items[code], _ = CodeItem.objects.get_or_create(
            table=table, region=region, year=2026, code=code,
            defaults={"name": name, "description": criteria, "sort_order": order})
    return items


def seed(ctx: DemoContext) -> None:
    for slug, region in ctx.places.items():
        _categories(region)
        if Talent.objects.filter(region__path__startswith=region.path).exists():
            continue
        talents = generate_talents(ctx, region, ctx.talents_per_place,
                                   ctx.employers.get(slug, []))
        account = User.objects.filter(username=f"{slug}.talent").first()
        if account is not None and talents:
            mine = talents[0]
            mine.name, mine.account = account.full_name, account
            mine.name_sort = sort_key(mine.name)
            mine.save(update_fields=["name", "name_sort", "account"])
            TalentNameKey.objects.filter(talent=mine).delete()
            TalentNameKey.objects.bulk_create([TalentNameKey(talent=mine, key=k)
                                               for k in name_keys(mine.name)])
        for pool_name in ("专家库", "乡贤库"):
            pool, _ = Pool.objects.get_or_create(region=region, name=pool_name)
            members = ctx.rng.sample(talents, k=min(60, len(talents)))
            PoolMembership.objects.bulk_create(
                [PoolMembership(pool=pool, talent=t, joined_on=dt.date(2024, 3, 1))
                 for t in members], ignore_conflicts=True)


def generate_talents(ctx: DemoContext, region: Region, count: int, employers: list,
                     batch: int = 5000) -> list[Talent]:
    """``count`` plausible people in ``region`` with educations, titles and employment,
    written in batches (1,000,000 take a few minutes: see ``python -m benches demo``)."""
    rng = ctx.rng
    counties = [r for r in Region.objects.filter(parent=region) if r.level == "county"] \
        or [region]
    names = [ctx.faker.name_male() for _ in range(2000)] + [ctx.faker.name_female()
                                                            for _ in range(2000)]
    weights = [m[2] for m in EDUCATION_MIX]
    made: list[Talent] = []
    used: set[str] = set(getattr(ctx, "_used_ids", ()))
    for start in range(0, count, batch):
        talents = []
        for _i in range(min(batch, count - start)):
            sex = rng.choice("MF")
            born = birth_date(rng, min_age=24, max_age=62)
            home = rng.choice(counties)
            edu, degree, _w = rng.choices(EDUCATION_MIX, weights=weights)[0]
            employer = rng.choice(employers) if employers else None
            category = ("B" if edu == "11" and rng.random() < .1 else
                        "C" if edu == "11" else "D" if edu == "14" else
                        "E" if edu == "21" and rng.random() < .5 else "")
            name = names[rng.randrange(2000) + (0 if sex == "M" else 2000)]
            talent = Talent(
                region=employer.region if employer else home, name=name, name_sort=sort_key(name),
                sex=sex, birth_date=born, education=edu, degree=degree,
                title_level=rng.choice(["1", "2", "3", "3", "4", ""]),
                political_status=rng.choice(["01", "01", "03", "13", "13", "12"]),
                ethnic_group=rng.choice(["01"] * 9 + ["03", "02", "10"]),
                employer=employer, industry=employer.industry if employer else "",
                position=rng.choice(["研发工程师", "技术总监", "主治医师", "教师", "项目经理",
                                     "首席科学家", "技术员", ""]),
                introduced_on=dt.date(rng.randint(2012, 2026), rng.randint(1, 12), 1),
                introduction_mode=rng.choice([IntroductionMode.FULL_TIME] * 4
                                             + [IntroductionMode.FLEXIBLE,
                                                IntroductionMode.LOCAL]),
                category=category)
            number = id_number(rng, home.code, born=born, sex=sex)
            while number in used:  # two people never share an ID number
                number = id_number(rng, home.code, born=born, sex=sex)
            used.add(number)
            talent.id_number = number
            talent.phone = mobile(rng)
            talents.append(talent)
        Talent.objects.bulk_create(talents)
        TalentNameKey.objects.bulk_create(
            [TalentNameKey(talent=t, key=k) for t in talents for k in name_keys(t.name)])
        Education.objects.bulk_create([
            Education(talent=t, level=t.education, degree=t.degree, school=rng.choice(SCHOOLS),
                      major=rng.choice(MAJORS),
                      graduated_on=dt.date(t.birth_date.year + 22 + (3 if t.degree == "3" else
                                                                     6 if t.degree == "2" else 0),
                                           7, 1))
            for t in talents])
        ProfessionalTitle.objects.bulk_create([
            ProfessionalTitle(talent=t, level=t.title_level,
                              name=dict(TITLES).get(t.title_level, ""))
            for t in talents if t.title_level])
        Employment.objects.bulk_create([
            Employment(talent=t, employer=t.employer, employer_name=t.employer.name,
                       position=t.position, mode=t.introduction_mode, started_on=t.introduced_on)
            for t in talents if t.employer])
        made.extend(talents)
    ctx._used_ids = used
    return made
