"""Demo part of the 1+1+N grid, with the seed reports' figures: Daqing's commissioners keep
one-to-one contact with 4,500 talents (004: "服务专员"与4500名人才互加微信好友); Erdao gives
academicians and strategic talents a talent secretary and high-level talents a commissioner
(000: 为院士及团队等战略性人才配备"人才秘书"，为高层次人才配备"人才专员"). The registry of
Daqing is topped up so that its grid holds 4,500 people at the default demo size (scaled with
``--talents-per-place``). A few talents are left without a commissioner and some contacts are
older than the cycle, so the gap and stale lists show something.
"""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.auth.hashers import make_password
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from wutong.accounts.models import User
from wutong.accounts.roles import Role
from wutong.cases import commissioner_selectors as selectors
from wutong.cases import commissioner_services as services
from wutong.cases.commissioner_models import (
    AssignmentRule,
    CareChange,
    CareRole,
    Contact,
    ContactForm,
    GridPolicy,
    TalentCare,
)
from wutong.core.demo import DemoContext

DAQING_GRID = 4500  # 004: 4,500 talents in one-to-one contact with the commissioners
PER_COMMISSIONER = 150
# (slug, commissioner categories, secretary categories, contact cycle in days)
POLICIES = {
    "daqing": (["A", "B", "C", "D", "E"], ["A", "B"], 60),
    "erdao": (["A", "B", "C"], ["A", "B"], 90),
    "liaoyang": (["A", "B", "C", "D"], ["A"], 90),
}
NOTES = {
    ContactForm.VISIT: ("走访企业研发中心，了解团队扩编和实验场地需求。",
                        "上门走访，询问家属随迁落户进展，已对接公安分局窗口。",
                        "到单位座谈，收集对人才公寓配套的意见。"),
    ContactForm.CALL: ("电话回访子女入学办理情况，家长表示满意。",
                       "电话告知购房补贴申报时间和所需材料。",
                       "电话了解项目申报进展，提醒科技创新券申领截止日期。"),
    ContactForm.WECHAT: ("微信推送最新人才政策汇编，解答安家补贴发放时间。",
                         "微信沟通就医绿色通道预约，已协调市人民医院。",
                         "微信节日问候，了解近期工作生活情况。"),
    ContactForm.MEETING: ("参加人才恳谈会，反映企业融资需求，已记录转交。",
                          "参加专家座谈会，提出产学研合作建议。"),
}


def _commissioners(ctx: DemoContext, slug: str, region, count: int) -> list[User]:
    found = list(User.objects.filter(role=Role.COMMISSIONER, region=region,
                                     username__startswith=f"{slug}.commissioner")
                 .order_by("username"))
    if len(found) < count:
        password = make_password(ctx.password)
        made = [User(username=f"{slug}.commissioner{i:02d}", full_name=ctx.faker.name(),
                     role=Role.COMMISSIONER, region=region, title="人才服务专员",
                     password=password) for i in range(len(found) + 1, count + 1)]
        User.objects.bulk_create(made)
        found = list(User.objects.filter(role=Role.COMMISSIONER, region=region,
                                         username__startswith=f"{slug}.commissioner")
                     .order_by("username"))
    return found[:count]


def _top_up_daqing(ctx: DemoContext, region, office, target: int) -> None:
    from wutong.talents.demo import generate_talents

    for _round in range(3):
        have = selectors.grid_talents(user=office).filter(
            selectors.need_q(office, CareRole.COMMISSIONER)).count()
        if have >= target:
            return
        # About 60 % of generated people carry a category.
        generate_talents(ctx, region, math.ceil((target - have) / 0.6),
                         ctx.employers.get("daqing", []))


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for slug, region in ctx.places.items():
        office = User.objects.filter(username=f"{slug}.office").first()
        if office is None or GridPolicy.objects.filter(region=region).exists() or \
                TalentCare.objects.filter(talent__region__path__startswith=region.path).exists():
            continue
        commissioner_cats, secretary_cats, days = POLICIES.get(
            slug, (None, None, selectors.DEFAULT_RULE.contact_days))
        if commissioner_cats is not None:
            GridPolicy.objects.create(region=region, commissioner_categories=commissioner_cats,
                                      secretary_categories=secretary_cats, contact_days=days)
        grid = selectors.grid_talents(user=office).filter(
            selectors.need_q(office, CareRole.COMMISSIONER))
        if slug == "daqing":
            target = round(DAQING_GRID * ctx.talents_per_place / 800)
            _top_up_daqing(ctx, region, office, target + target // 30)
        else:
            target = grid.count() - grid.count() // 30
        # The first ``target`` talents get a commissioner; the rest are the gap list.
        covered = grid.order_by("pk").values("pk")[:target]
        count = max(2, min(40, math.ceil(target / PER_COMMISSIONER)))
        people = _commissioners(ctx, slug, region, count)
        for i, person in enumerate(people):
            part = grid.filter(pk__in=covered).annotate(_m=F("pk") % len(people)).filter(_m=i)
            services._apply(user=office, talents=part, role=CareRole.COMMISSIONER,
                            to_user=person, via=CareChange.Via.BULK, reason="演示数据")
        secretaries = selectors.grid_talents(user=office).filter(
            selectors.need_q(office, CareRole.SECRETARY))
        services._apply(user=office, talents=secretaries, role=CareRole.SECRETARY,
                        to_user=people[0], via=CareChange.Via.BULK, reason="演示数据")
        AssignmentRule.objects.get_or_create(region=region, role=CareRole.COMMISSIONER,
                                             category="", employer=None,
                                             defaults={"user": people[-1]})
        _contacts(ctx, region, days, today)


def _contacts(ctx: DemoContext, region, days: int, today: dt.date) -> None:
    rng = ctx.rng
    forms = list(NOTES)
    cares = list(TalentCare.objects.filter(talent__region__path__startswith=region.path)
                 .exclude(commissioner=None).values_list("talent_id", "talent__region_id",
                                                         "commissioner_id"))
    rows = []
    for talent_id, region_id, by_id in cares:
        roll = rng.random()
        if roll < .06:
            continue  # never contacted yet
        recent = roll < .9
        for _n in range(1 if rng.random() < .6 else 2):
            ago = rng.randint(0, days - 1) if recent else rng.randint(days + 1, days + 200)
            form = rng.choice(forms)
            rows.append(Contact(talent_id=talent_id, region_id=region_id, by_id=by_id,
                                on=today - dt.timedelta(days=ago), form=form,
                                note=rng.choice(NOTES[form])))
    Contact.objects.bulk_create(rows, batch_size=2000)
    latest = Contact.objects.filter(talent_id=OuterRef("talent_id")).order_by("-on")
    TalentCare.objects.filter(talent__region__path__startswith=region.path).update(last_contact_on=Subquery(latest.values("on")[:1]),
                                    last_contact_by=Subquery(latest.values("by_id")[:1]))
