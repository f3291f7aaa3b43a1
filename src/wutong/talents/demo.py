"""Demo part of talents: a registry of a few thousand people across the five places, with
local category catalogues (A–E), educations, titles, employment and two pools per place; skill
levels, honours, tags and attachments on some files."""

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
)
from wutong.talents.rows import insert_talents, refresh_name_keys

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
            mine.save(update_fields=["name", "account"])
            refresh_name_keys([mine])
        for pool_name in ("专家库", "乡贤库"):
            pool, _ = Pool.objects.get_or_create(region=region, name=pool_name)
            members = ctx.rng.sample(talent_ids, k=min(60, len(talent_ids)))
            PoolMembership.objects.bulk_create(
                [PoolMembership(pool=pool, talent_id=pk, joined_on=dt.date(2024, 3, 1))
                 for pk in members], ignore_conflicts=True)
        person_file_extras(ctx, region, talent_ids)


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
                (employer.region_id if employer else home.pk), name, "resident",
                crypto.encrypt(number, kind="id_number"), bidx, "中国", sex, born,
                rng.choice(["01"] * 9 + ["03", "02", "10"]),
                rng.choice(["01", "01", "03", "13", "13", "12"]),
                crypto.encrypt(phone, kind="phone"), crypto.blind_index("phone", phone), "",
                edu, degree, title, "", employer.pk if employer else None, position,
                employer.industry if employer else "", introduced, mode, category, "", [], True,
                now, now))
            children.append((edu, degree, title, employer, position, mode, introduced, born))
        with transaction.atomic():
            made.extend(_write_batch(rows, children, rng))
    from wutong.core.bulk import refresh_statistics
    from wutong.talents.models import TalentNameKey

    refresh_statistics(Talent, TalentNameKey)
    return made


def _write_batch(rows: list[tuple], children: list[tuple], rng) -> list[int]:
    """One batch of generated people and their histories, as raw rows."""
    from wutong.core.bulk import raw_insert

    ids = insert_talents(rows, len(rows))
    pairs = list(zip(ids, children, strict=True))
    raw_insert(Education, ("talent_id", "level", "degree", "school", "major", "graduated_on"),
               ((pk, c[0], c[1], rng.choice(SCHOOLS), rng.choice(MAJORS),
                 dt.date(c[7].year + 22 + (3 if c[1] == "3" else 6 if c[1] == "2" else 0), 7, 1))
                for pk, c in pairs))
    raw_insert(ProfessionalTitle, ("talent_id", "level", "name", "series", "obtained_on"),
               ((pk, c[2], dict(TITLES).get(c[2], ""), "", None) for pk, c in pairs if c[2]))
    raw_insert(Employment, ("talent_id", "employer_id", "employer_name", "position", "mode",
                            "started_on", "ended_on"),
               ((pk, c[3].pk, c[3].name, c[4], c[5], c[6], None) for pk, c in pairs if c[3]))
    return ids


# --- The person file's richer parts: skills, honours, tags, pool extras, attachments ----------
SKILLS = (("1", "化工总控工"), ("2", "电工"), ("2", "焊工"), ("3", "数控车工"), ("3", "采油工"),
          ("4", "中式烹调师"), ("1", "钳工"))
HONOURS = (("全国五一劳动奖章", "national"), ("省级劳动模范", "provincial"),
           ("龙江工匠", "provincial"), ("市级优秀专家", "city"), ("青年岗位能手", "city"))
TAG_SETS = (["返乡人才"], ["乡贤"], ["青年人才"], ["返乡人才", "乡贤"], ["高层次人才"])
# A one-page PDF ("demo certificate") and a 1×1 PNG: small, valid files for the demo.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids"
            b"[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]"
            b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
DEMO_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                         "0000000d49444154789c63908ff7fa0f00033101c805ea085b0000000049454e44"
                         "ae426082")


def person_file_extras(ctx: DemoContext, region: Region, talent_ids: list[int]) -> None:
    """A few hundred cheap rows per place: skill levels for people with vocational
    education, honours and tags on a sample, the expert pool's extra fields, and two
    attachments on the demo talent account's own file."""
    import hashlib

    from wutong.talents import attachments
    from wutong.talents.models import Attachment, Honour, SkillCertificate

    rng = ctx.rng
    vocational = list(Talent.objects.filter(pk__in=talent_ids, education__in=("31", "41"))
                      .values_list("pk", flat=True)[:150])
    skills = [SkillCertificate(talent_id=pk, level=level, occupation=occupation,
                               certificate_no=f"S{2015 + i % 10}{pk:07d}",
                               issuer="职业技能等级认定机构（演示）",
                               obtained_on=dt.date(2015 + i % 10, 6, 1))
              for i, pk in enumerate(vocational) for level, occupation in [rng.choice(SKILLS)]]
    SkillCertificate.objects.bulk_create(skills)
    for level in {s.level for s in skills}:
        Talent.objects.filter(pk__in=[s.talent_id for s in skills if s.level == level]) \
            .update(skill_level=level)
    sample = rng.sample(talent_ids, k=min(40, len(talent_ids)))
    honours = [Honour(talent_id=pk, name=name, level=level, year=rng.randint(2015, 2025))
               for pk in sample for name, level in [rng.choice(HONOURS)]]
    Honour.objects.bulk_create(honours)
    for name in {h.name for h in honours}:
        Talent.objects.filter(pk__in=[h.talent_id for h in honours if h.name == name]) \
            .update(honours=name)
    for i, tags in enumerate(TAG_SETS):
        Talent.objects.filter(pk__in=talent_ids[1 + i * 20:1 + (i + 1) * 20]).update(tags=tags)
    expert = Pool.objects.filter(region=region, name="专家库").first()
    if expert is not None and not expert.extra_fields:
        expert.extra_fields = [{"key": "field", "label": "专业领域"},
                               {"key": "term", "label": "聘期"}]
        expert.save(update_fields=["extra_fields"])
        for m in PoolMembership.objects.filter(pool=expert)[:20]:
            m.extra = {"field": rng.choice(MAJORS), "term": "2024—2027"}
            m.save(update_fields=["extra"])
    mine = Talent.objects.filter(pk__in=talent_ids[:1], account__isnull=False).first()
    if mine is None or mine.attachments.exists():
        return
    Talent.objects.filter(pk=mine.pk).update(tags=["高层次人才", "返乡人才"])
    Honour.objects.create(talent=mine, name="市级优秀专家", level="city", year=2024)
    Talent.objects.filter(pk=mine.pk).update(honours="市级优秀专家")
    for kind, name, data, note in (("degree", "学位证书.pdf", DEMO_PDF, "演示附件"),
                                   ("identity", "身份证正面.png", DEMO_PNG, "演示附件")):
        Attachment.objects.create(
            talent=mine, kind=kind, note=note, filename=name,
            file_type="pdf" if name.endswith(".pdf") else "png", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), storage_key=attachments.blob_store(data))
