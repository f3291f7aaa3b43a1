"""Demo part of the accounts app: the five places of the seed reports, each with its talent
office, member units and one account per role (and district offices under the two cities)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from wutong.accounts.models import Unit, UnitKind, User
from wutong.accounts.roles import Role
from wutong.core.audit import audit_log
from wutong.core.demo import DemoContext
from wutong.core.demo.generators import id_number, mobile
from wutong.core.models import Region
from wutong.core.models.audit import AuditAction
from wutong.core.models.regions import RegionLevel

# (slug, region code, zones to add under it) — the five places of shared/seeds/.
PLACES = (
    ("daqing", "230600", ()),                           # 大庆市 (004)
    ("liaoyang", "211000", ("辽阳高新技术产业开发区",)),   # 辽阳市 (003), 双百计划
    ("erdao", "220105", ()),                            # 长春市二道区 (000), 东城梧桐
    ("tongchuan", "511702", ()),                        # 达州市通川区 (001), 达人英才计划
    ("hulan", "230111", ("呼兰经济技术开发区",)),         # 哈尔滨市呼兰区 (002)
)
# District offices shown to demonstrate a district user's narrower scope.
DISTRICT_DEMOS = (("daqing-saertu", "230602"), ("liaoyang-baita", "211002"))

# Member units (成员单位) of a talent work leading group, as listed in the seed reports' places
# (Liaoyang has 19; Erdao 38): the same core set is created in each place.
MEMBER_UNITS = (
    ("宣传部", "人才宣传、典型选树"),
    ("统战部", "党外代表人士、乡贤联络"),
    ("发展和改革局", "重点项目人才需求"),
    ("教育局", "人才子女入学、名师培养"),
    ("科学技术局", "科技人才、创新平台、科技特派员"),
    ("工业和信息化局", "企业技术人才、专精特新"),
    ("公安局", "人才落户、出入境便利"),
    ("民政局", "社会工作人才"),
    ("财政局", "人才专项资金保障"),
    ("人力资源和社会保障局", "人才引进、职称评审、技能人才"),
    ("住房和城乡建设局", "人才公寓、购房补贴"),
    ("农业农村局", "乡土人才、新农人"),
    ("商务局", "招商引才"),
    ("卫生健康委员会", "卫生人才、就医绿色通道"),
    ("国有资产监督管理委员会", "国企人才"),
    ("市场监督管理局", "企业登记信息"),
    ("医疗保障局", "人才医疗保障"),
    ("共青团委员会", "青年人才"),
    ("科学技术协会", "科技工作者服务"),
)

ROLE_SLUGS = {
    Role.OFFICE: "office", Role.MEMBER_UNIT: "unit", Role.LEADER: "leader",
    Role.COMMISSIONER: "commissioner", Role.TALENT: "talent", Role.EMPLOYER: "employer",
}


def office_name(region: Region) -> str:
    """"中共大庆市委组织部（人才办）", "中共大庆市萨尔图区委组织部（人才办）", zones by name."""
    if region.level == RegionLevel.ZONE:
        return f"{region.name}人才工作办公室"
    parent = region.parent
    prefix = region.name
    if region.level == RegionLevel.COUNTY and parent and parent.level == RegionLevel.PREFECTURE:
        prefix = parent.name + region.name
    return f"中共{prefix}委组织部（人才办）"


def _office(region: Region) -> Unit:
    office, _ = Unit.objects.get_or_create(
        region=region, kind=UnitKind.TALENT_OFFICE,
        defaults={"name": office_name(region), "short_name": "人才办",
                  "duty": "人才工作领导小组日常工作，统筹全域人才工作"})
    return office


def _account(ctx: DemoContext, *, username: str, role: str, region: Region | None,
             unit: Unit | None, title: str = "") -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        person = ctx.faker.name()
        user = User(username=username, full_name=person, role=role, region=region, unit=unit,
                    title=title, password=make_password(ctx.password))
        user.phone = mobile(ctx.rng)
        county = region.code if region is not None and region.level == "county" else "230602"
        if role == Role.TALENT:
            user.id_number = id_number(ctx.rng, county[:6])
        user.save()
    where = " / ".join(x for x in (region.full_name if region else "全部", unit.name if unit
                                   else "") if x)
    ctx.accounts.append({"username": username, "role": str(Role(role).label), "where": where})
    return user


def seed(ctx: DemoContext) -> None:
    _account(ctx, username="admin", role=Role.SYSADMIN, region=None, unit=None,
             title="系统管理员")
    for slug, code, zones in PLACES:
        region = Region.objects.get(code=code)
        ctx.places[slug] = region
        for zone_name in zones:
            if not Region.objects.filter(parent=region, name=zone_name).exists():
                taken = Region.objects.filter(parent=region, level=RegionLevel.ZONE).count()
                zone_code = f"{region.code}Z{taken + 1:02d}"
                Region.objects.create(code=zone_code, name=zone_name, level=RegionLevel.ZONE,
                                      parent=region, path=f"{region.path}{zone_code}/")
        office = _office(region)
        # Every county-level region (and zone) under a city has its own talent office.
        for child in Region.objects.filter(parent=region):
            _office(child)
        units = []
        for order, (name, duty) in enumerate(MEMBER_UNITS):
            unit, _ = Unit.objects.get_or_create(
                region=region, name=f"{region.name}{name}",
                defaults={"kind": UnitKind.MEMBER_UNIT, "duty": duty, "sort_order": order,
                          "contact_name": ctx.faker.name()})
            if unit.contact_phone is None:
                unit.contact_phone = mobile(ctx.rng)
                unit.save()
            units.append(unit)
        science = next(u for u in units if u.name.endswith("科学技术局"))
        for role, slug_role in ROLE_SLUGS.items():
            unit = office if role in (Role.OFFICE, Role.COMMISSIONER) else None
            if role == Role.MEMBER_UNIT:
                unit = science
            title = {Role.LEADER: "区（市）委常委", Role.OFFICE: "人才办干部"}.get(role, "")
            _account(ctx, username=f"{slug}.{slug_role}", role=role, region=region, unit=unit,
                     title=title)
    for slug, code in DISTRICT_DEMOS:
        region = Region.objects.get(code=code)
        _account(ctx, username=f"{slug}.office", role=Role.OFFICE, region=region,
                 unit=_office(region), title="人才办干部")
    if not ctx.accounts or not User.objects.filter(username="admin").exists():
        return
    audit_log(actor=None, action=AuditAction.OTHER, object_type="demo",
              object_repr="演示数据：五地人才办、成员单位与演示账号")
