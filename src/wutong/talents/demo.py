"""Demo part of talents: a registry of a few thousand people across the five places, with
local category catalogues (A–E), educations, titles, employment and two pools per place."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from wutong.accounts.models import User
from wutong.core.demo import DemoContext
from wutong.core.demo.generators import birth_date, id_number, mobile
from wutong.core.models import CodeItem, CodeTable, Region
from wutong.talents.models import (
    CategoryRecognition,
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
        categories = _categories(region)
        if Talent.objects.filter(region__path__startswith=region.path).exists():
            continue
        talent_ids = generate_talents(ctx, region, ctx.talents_per_place,
                                      ctx.employers.get(slug, []))
        CategoryRecognition.objects.bulk_create([
            CategoryRecognition(talent_id=pk, category=categories[code],
                                recognised_on=dt.date(2025, 6, 30),
                                basis="2025年度人才分类认定（演示数据）")
            for pk, code in Talent.objects.filter(pk__in=talent_ids).exclude(category="")
            .values_list("pk", "category")])
        account = User.objects.filter(username=f"{slug}.talent").first()
        if account is not None and talent_ids:
            mine = Talent.objects.get(pk=talent_ids[0])
            mine.name, mine.account = account.full_name, account
            mine.name_sort = sort_key(mine.name)
            mine.save(update_fields=["name", "name_sort", "account"])
            TalentNameKey.objects.filter(talent=mine).delete()
            TalentNameKey.objects.bulk_create([TalentNameKey(talent=mine, region_id=mine.region_id,
                                                             key=k)
                                               for k in name_keys(mine.name)])
        for pool_name in ("专家库", "乡贤库"):
            pool, _ = Pool.objects.get_or_create(region=region, name=pool_name)
            members = ctx.rng.sample(talent_ids, k=min(60, len(talent_ids)))
            PoolMembership.objects.bulk_create(
                [PoolMembership(pool=pool, talent_id=pk, joined_on=dt.date(2024, 3, 1))
                 for pk in members], ignore_conflicts=True)


def generate_talents(ctx: DemoContext, region: Region, count: int, employers: list,
                     batch: int = 20_000) -> list[int]:
    """``count`` plausible people in ``region`` with educations, titles and employment,
    written as raw rows in batches (``python -m benches demo`` times a million)."""
    from django.utils import timezone

    from wutong.core.security import crypto

    rng = ctx.rng
    counties = [r for r in Region.objects.filter(parent=region) if r.level == "county"] \
        or [region]
    names = [ctx.faker.name_male() for _ in range(2000)] + [ctx.faker.name_female()
                                                            for _ in range(2000)]
    name_info = {n: (sort_key(n), tuple(name_keys(n))) for n in names}
    weights = [m[2] for m in EDUCATION_MIX]
    used: set[str] = ctx.__dict__.setdefault("_used_ids", set())
    now = timezone.now()
    made: list[int] = []
    for start in range(0, count, batch):
        rows, children = [], []
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
            number = id_number(rng, home.code, born=born, sex=sex)
            while number in used:  # two people never share an ID number
                number = id_number(rng, home.code, born=born, sex=sex)
            used.add(number)
            phone = mobile(rng)
            bidx = crypto.blind_index("id_number", number)
            title = rng.choice(["1", "2", "3", "3", "4", ""])
            mode = rng.choice([IntroductionMode.FULL_TIME] * 4 + [IntroductionMode.FLEXIBLE,
                                                                   IntroductionMode.LOCAL])
            introduced = dt.date(rng.randint(2012, 2026), rng.randint(1, 12), 1)
            position = rng.choice(["研发工程师", "技术总监", "主治医师", "教师", "项目经理",
                                   "首席科学家", "技术员", ""])
            rows.append((
                (employer.region_id if employer else home.pk), name, name_info[name][0],
                "resident", crypto.encrypt(number, kind="id_number"), bidx, "中国", sex, born,
                rng.choice(["01"] * 9 + ["03", "02", "10"]),
                rng.choice(["01", "01", "03", "13", "13", "12"]),
                crypto.encrypt(phone, kind="phone"), crypto.blind_index("phone", phone), "",
                edu, degree, title, "", employer.pk if employer else None, position,
                employer.industry if employer else "", introduced, mode, category, "", [], True,
                now, now))
            children.append((bidx, name, edu, degree, title, employer, position, mode,
                             introduced, born, rows[-1][0]))
        with transaction.atomic():
            made.extend(_write_batch(rows, children, rng, name_info))
    return made


def _write_batch(rows: list[tuple], children: list[tuple], rng,
                 name_info: dict[str, tuple]) -> list[int]:
    """One batch of generated people and their histories, as raw rows."""
    from wutong.core.bulk import raw_insert
    from wutong.talents.imports import NEW_FIELDS

    raw_insert(Talent, NEW_FIELDS, rows)
    ids: dict[str, int] = {}
    bidxs = [c[0] for c in children]
    for i in range(0, len(bidxs), 900):
        ids.update(Talent.objects.filter(id_number_bidx__in=bidxs[i:i + 900])
                   .values_list("id_number_bidx", "pk"))
    raw_insert(TalentNameKey, ("talent_id", "region_id", "key"),
               ((ids[c[0]], c[10], k) for c in children for k in name_info[c[1]][1]))
    raw_insert(Education, ("talent_id", "level", "degree", "school", "major", "graduated_on"),
               ((ids[c[0]], c[2], c[3], rng.choice(SCHOOLS), rng.choice(MAJORS),
                 dt.date(c[9].year + 22 + (3 if c[3] == "3" else 6 if c[3] == "2" else 0), 7, 1))
                for c in children))
    raw_insert(ProfessionalTitle, ("talent_id", "level", "name", "series", "obtained_on"),
               ((ids[c[0]], c[4], dict(TITLES).get(c[4], ""), "", None)
                for c in children if c[4]))
    raw_insert(Employment, ("talent_id", "employer_id", "employer_name", "position", "mode",
                            "started_on", "ended_on"),
               ((ids[c[0]], c[5].pk, c[5].name, c[6], c[7], c[8], None)
                for c in children if c[5]))
    return [ids[c[0]] for c in children]
