"""Demo part of liaison: in each of the five seed places, the party, congress, government and
CPPCC office-holders and the heads of member units, the local rule, experts assigned, a
year of service logs with suggestions and problems, most of them answered.

From the seeds: Erdao (000) — every office-holder at least 2 experts, every member-unit head
at least 1, a printed 工作纪实台账; Liaoyang (003) — each city leader 1 to 2 experts and at
least two contacts a year; Daqing (004) — 1,345 experts looked after, 1,577 suggestions,
1,399 problems solved (the demo is smaller, with the same proportions: about nine in ten
problems solved). Outside Daqing one leader and one unit head are left short, so coverage
shows gaps.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wutong.accounts.models import Unit, UnitKind, User
from wutong.core.demo import DemoContext
from wutong.liaison import services
from wutong.liaison.models import ContactForm, Item, ItemKind, ItemStatus, Leader, LeaderBody

RULES = {
    "erdao": (2, 1, 2, "二道区“服务日志”制度：各层级领导每人直接联系服务不少于2名专家人才，"
                       "成员单位主要领导联系服务至少1名人才"),
    "liaoyang": (1, 1, 2, "辽阳市领导联系服务专家工作：每位市级领导确定1至2名专家人才，"
                          "每年至少开展两次联系服务"),
    "daqing": (2, 1, 2, "大庆市领导干部联系服务专家全覆盖（市级、处级延伸到县区科级领导干部）"),
    "tongchuan": (2, 1, 2, "通川区党政“一把手”直接联系服务人才机制"),
    "hulan": (2, 1, 2, "呼兰区领导干部联系服务专家制度（演示）"),
}
# (body, post): 书记 … 政协副主席; the 组织部部长 is the demo "leader" account.
OFFICE_HOLDERS = (
    (LeaderBody.PARTY, "{p}委书记"), (LeaderBody.PARTY, "{p}委副书记"),
    (LeaderBody.PARTY, "{p}委常委、组织部部长"), (LeaderBody.PARTY, "{p}委常委、宣传部部长"),
    (LeaderBody.CONGRESS, "{p}人大常委会主任"), (LeaderBody.CONGRESS, "{p}人大常委会副主任"),
    (LeaderBody.GOVERNMENT, "{p}长"), (LeaderBody.GOVERNMENT, "副{p}长"),
    (LeaderBody.GOVERNMENT, "副{p}长（分管科技）"),
    (LeaderBody.CPPCC, "{p}政协主席"), (LeaderBody.CPPCC, "{p}政协副主席"),
)
UNIT_HEADS = ("教育局", "科学技术局", "工业和信息化局", "人力资源和社会保障局",
              "住房和城乡建设局", "卫生健康委员会", "农业农村局", "商务局")
SUMMARIES = (
    "走访企业研发中心，了解重点攻关项目进展和研发团队建设情况。",
    "座谈交流页岩油绿色开采技术攻关中的人才和设备需求。",
    "听取专家对人才政策落实情况的意见，介绍新出台的人才新政。",
    "调研实验室建设和科研经费使用情况，了解成果转化中遇到的困难。",
    "电话问候专家近况，了解家属就业和子女入学安排。",
    "微信沟通项目申报进度，协调推荐参加省级人才工程评选。",
    "到专家所在医院走访，了解学科建设和青年医师培养情况。",
    "座谈了解企业技术人才引进和技能人才培养中的堵点。",
)
SUGGESTIONS = (
    "建议设立青年科技人才科研启动经费，支持博士来庆后尽快开展研究。",
    "建议简化人才住房补贴申报材料，推行免申即享。",
    "建议定期组织专家与企业技术需求对接会。",
    "建议扩大人才公寓房源，增加拎包入住的小户型。",
    "建议完善高层次人才医疗保健服务，开通就医绿色通道。",
    "建议加强产学研合作平台建设，推动校企共建实验室。",
    "建议在职称评审中加大对一线工程技术人才的倾斜。",
    "建议为外地引进人才提供子女入学政策咨询服务。",
)
PROBLEMS = (
    ("子女转学需协调学位，希望就近入学。", "已协调教育局安排就近入学。"),
    ("配偶随迁后就业暂无着落。", "已推荐至相关单位并落实岗位。"),
    ("申请人才公寓等待时间较长。", "已调剂房源，本月入住。"),
    ("企业扩大生产面临流动资金困难。", "已对接合作银行，发放人才贷。"),
    ("外籍专家工作许可延期办理不熟悉流程。", "已由专员全程代办完成延期。"),
    ("人事档案转递手续未办结。", "已协调人社局完成档案接收。"),
    ("科研仪器进口通关时间长。", "已协调海关开通绿色通道。"),
    ("落户手续需多次往返。", "已一次办结，户籍迁入完成。"),
)
FORMS = (ContactForm.VISIT, ContactForm.VISIT, ContactForm.FORUM, ContactForm.PHONE,
         ContactForm.WECHAT, ContactForm.RESEARCH)


def _prefix(region) -> str:
    """"市" for a city, "区" for a district: 市委书记, 区人大常委会主任…"""
    return "市" if region.level == "prefecture" else "区"


def _experts(region) -> list:
    from django.db.models import Q

    from wutong.talents.models import PoolMembership, Talent

    pool = PoolMembership.objects.filter(pool__region=region, pool__name="专家库").values(
        "talent_id")
    return list(Talent.objects.filter(region__path__startswith=region.path, is_active=True)
                .filter(Q(category__in=["A", "B", "C"]) | Q(pk__in=pool))
                .order_by("category", "id"))


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    for slug, region in ctx.places.items():
        office = User.objects.filter(username=f"{slug}.office").first()
        if office is None or Leader.objects.filter(region=region).exists():
            continue
        experts = _experts(region)
        if len(experts) < 10:
            continue
        per_leader, per_head, contacts, basis = RULES.get(slug, (2, 1, 2, ""))
        services.rule_save(user=office, region=region, year=today.year,
                           experts_per_leader=per_leader, experts_per_unit_head=per_head,
                           contacts_per_expert=contacts, expert_categories=["A", "B", "C"],
                           basis=basis)
        account = User.objects.filter(username=f"{slug}.leader").first()
        p = _prefix(region)
        leaders = []
        for order, (body, post) in enumerate(OFFICE_HOLDERS):
            post = post.format(p=p)
            mine = "组织部部长" in post and account is not None
            leaders.append(services.leader_create(
                user=office, region=region, name=account.full_name if mine else
                ctx.faker.name(), post=post, body=body, account=account if mine else None,
                sort_order=order))
        units = {u.name.removeprefix(region.name): u for u in Unit.objects.filter(
            region=region, kind=UnitKind.MEMBER_UNIT)}
        for order, name in enumerate(UNIT_HEADS, start=len(OFFICE_HOLDERS)):
            if name in units:
                leaders.append(services.leader_create(
                    user=office, region=region, name=ctx.faker.name(),
                    post=f"{units[name].name}局长" if name.endswith("局") else
                    f"{units[name].name}主任", body=LeaderBody.UNIT, unit=units[name],
                    sort_order=order))
        pool = iter(rng.sample(experts, k=len(experts)))
        for n, leader in enumerate(leaders):
            want = (per_head if leader.is_unit_head else max(per_leader, 2)) + rng.choice((0, 0, 1))
            if slug != "daqing" and n == 3:
                want = 1             # one office-holder short of the rule
            if slug != "daqing" and leader.is_unit_head and n == len(leaders) - 1:
                want = 0             # one unit head without an expert yet
            mine = [t for t in (next(pool, None) for _ in range(want)) if t is not None]
            started = dt.date(today.year - 1, rng.randint(1, 12), 1)
            for talent in mine:
                services.assignment_add(user=office, leader=leader, talent=talent,
                                        started_on=started)
            for talent in mine:
                times = rng.choice((1, 2, 2, 2, 3))  # some experts contacted once: a gap
                for _ in range(times):
                    on = today - dt.timedelta(days=rng.randint(1, max(today.timetuple()
                                                                      .tm_yday - 1, 1)))
                    with_whom = [talent] + ([rng.choice(mine)] if len(mine) > 1 and
                                            rng.random() < .2 else [])
                    problem = rng.choice(PROBLEMS) if rng.random() < .55 else None
                    contact = services.contact_log(
                        user=office, leader=leader, on=on, form=rng.choice(FORMS),
                        summary=rng.choice(SUMMARIES), experts=list(dict.fromkeys(with_whom)),
                        suggestions=[rng.choice(SUGGESTIONS)] if rng.random() < .65 else [],
                        problems=[problem[0]] if problem else [])
                    for item in Item.objects.filter(contact=contact):
                        if item.kind == ItemKind.PROBLEM and rng.random() < .88:
                            services.item_resolve(user=office, item=item,
                                                  status=ItemStatus.SOLVED, answer=problem[1])
                        elif item.kind == ItemKind.SUGGESTION and rng.random() < .4:
                            services.item_resolve(user=office, item=item,
                                                  status=ItemStatus.SOLVED,
                                                  answer="已吸收进年度人才工作要点。")
                        else:
                            continue
                        # answered some days after the contact, as it happens (demo dates)
                        Item.objects.filter(pk=item.pk).update(solved_on=min(
                            today, on + dt.timedelta(days=rng.randint(3, 40))))
