"""Demo part of the service cases: in each of the five seed places, the case catalogue with
its responsible member units, an officer account for the units that answer most cases
(``<place>.jyj`` 教育局 …), and a few hundred cases over the past ten months — most closed
and rated, some still running, some overdue and escalated, a few waiting for the requester
— scaled to the seed figures (大庆 1,399 problems solved, 二道 500+: the demo keeps the
ratio, not the size). The demo talent account gets one answered case to confirm and one in
hand. Built set-based (bulk inserts of cases and steps, one audit record); a place that
already has cases is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wutong.accounts.models import Unit, UnitKind, User
from wutong.accounts.roles import Role
from wutong.cases.models import (
    Case,
    CaseStatus,
    CaseStep,
    CaseType,
    Escalation,
    RequesterKind,
    StepKind,
)
from wutong.cases.workdays import Calendar
from wutong.core.demo import DemoContext

# (name, member unit suffix or "" for the talent office, working days, warning days, note)
CATALOGUE = (
    ("子女入学/转学", "教育局", 10, 2, "人才子女义务教育阶段入学、转学协调"),
    ("配偶就业", "人力资源和社会保障局", 15, 3, "人才配偶（随迁家属）就业安置"),
    ("就医绿色通道", "卫生健康委员会", 3, 1, "人才本人及直系亲属就医绿色通道"),
    ("住房保障", "住房和城乡建设局", 10, 2, "人才公寓、购房补贴、租房补贴"),
    ("落户", "公安局", 5, 2, "人才及家属落户、迁移"),
    ("人事档案", "人力资源和社会保障局", 5, 2, "人事档案接收、转递、代理"),
    ("外国人工作许可", "科学技术局", 10, 2, "外国高端人才工作许可、居留便利"),
    ("融资服务", "财政局", 15, 3, "人才企业贷款贴息、融资对接"),
    ("企业发展问题", "工业和信息化局", 15, 3, "人才企业用地、用工、市场等发展难题"),
    ("一事一议", "", 20, 3, "顶尖人才和团队的个性化支持，报人才工作领导小组研究"),
)
# Demo officer accounts of the units that answer most cases.
UNIT_ACCOUNTS = (("jyj", "教育局"), ("rsj", "人力资源和社会保障局"), ("gaj", "公安局"),
                 ("zjj", "住房和城乡建设局"), ("wjw", "卫生健康委员会"))
# Cases per place, in the proportion of the seed figures (大庆 1,399; 二道 500+).
PLACE_CASES = {"daqing": 140, "erdao": 60, "liaoyang": 50, "tongchuan": 40, "hulan": 40}

SAMPLES = {
    "子女入学/转学": [("孩子转学到{school}",
                  "本人{year}年全职引进，孩子{grade}，希望转入{school}就读，户籍已迁入。"),
                  ("子女幼升小入学咨询", "孩子明年入学，想了解人才子女入学政策和需要准备的材料。")],
    "配偶就业": [("爱人随迁就业安置", "爱人原在外地{job}工作，随我迁来，希望协调相近岗位。"),
             ("配偶求职推荐", "配偶{job}专业，研究生学历，请帮助推荐本地企事业单位岗位。")],
    "就医绿色通道": [("父亲住院需绿色通道", "父亲需做心脏手术，希望协调市人民医院专家尽快安排。"),
               ("办理就医绿色通道卡", "请为本人和家属办理就医绿色通道卡。")],
    "住房保障": [("申请人才公寓", "刚入职，暂未购房，申请入住人才公寓（两室）。"),
             ("购房补贴进度咨询", "今年购房，已提交补贴申请，想了解办理进度。")],
    "落户": [("家属随迁落户", "本人已落户，配偶和孩子随迁落户需办理哪些手续？"),
           ("人才落户办理", "本人全职引进，申请人才落户，原户籍在外省。")],
    "人事档案": [("人事档案转入", "原单位已寄出档案，请协助接收并办理存档。"),
             ("档案托管咨询", "在民营企业工作，档案想托管到人才服务中心。")],
    "外国人工作许可": [("外籍专家工作许可延期", "公司聘请的外籍工程师工作许可下月到期，申请延期。"),
                 ("外籍人才工作许可首次办理", "引进的外籍博士需办理工作许可和居留许可。")],
    "融资服务": [("科技型企业贷款贴息", "公司是人才创办企业，申请贷款贴息，贷款{money}万元。"),
             ("对接股权投资机构", "项目进入中试阶段，希望对接本地产业基金。")],
    "企业发展问题": [("厂房用电增容",
                "新生产线投产需用电增容，供电部门排期较长，请求协调。"),
               ("企业招工难", "需招聘技术工人{n}名，请协助对接职业院校。")],
    "一事一议": [("团队实验室建设支持", "引进团队需建设实验平台，申请一事一议支持。"),
             ("顶尖人才个性化支持", "申请按一事一议研究科研启动经费和配套条件。")],
}
SCHOOLS = ("实验小学", "第一中学", "育才小学", "第二十中学", "东风小学")
ANSWERS = {
    "子女入学/转学": "已与{school}对接，孩子可于下周一办理入学手续，请携带户口簿和学籍证明。",
    "配偶就业": "已推荐至两家单位面试，其中一家已发放录用通知。",
    "就医绿色通道": "已协调专家门诊，安排周三上午就诊并预留床位。",
    "住房保障": "符合人才公寓入住条件，已分配房源，请到人才服务中心签约领钥匙。",
    "落户": "材料齐全，已在派出所办结落户，新户口簿可领取。",
    "人事档案": "档案已接收并审核入库，可出具存档证明。",
    "外国人工作许可": "已受理并办结，许可证件已寄出。",
    "融资服务": "贴息申请已审核通过，按季度拨付。",
    "企业发展问题": "已召集相关部门现场办公，明确了解决时限。",
    "一事一议": "经人才工作领导小组研究，同意给予支持，具体事项另行通知。",
}


def _unit(region, suffix: str):
    if not suffix:
        return Unit.objects.filter(region=region, kind=UnitKind.TALENT_OFFICE).first()
    return Unit.objects.filter(region=region, name=f"{region.name}{suffix}").first()


def catalogue(region) -> list[CaseType]:
    """The region's case types (created once)."""
    out = []
    for order, (name, suffix, days, warn, note) in enumerate(CATALOGUE):
        unit = _unit(region, suffix)
        if unit is None:
            continue
        obj, _ = CaseType.objects.get_or_create(
            region=region, name=name, defaults={"unit": unit, "deadline_days": days,
                                                "warn_days": warn, "description": note,
                                                "sort_order": order})
        out.append(obj)
    return out


def _unit_accounts(ctx: DemoContext, slug: str, region) -> dict[int, User]:
    out = {}
    for suffix, name in UNIT_ACCOUNTS:
        unit = _unit(region, name)
        if unit is None:
            continue
        username = f"{slug}.{suffix}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=ctx.faker.name(), role=Role.MEMBER_UNIT,
                        region=region, unit=unit, title=f"{name}人才工作联络员")
            user.set_password(ctx.password)
            user.save()
            ctx.accounts.append({"username": username, "role": str(Role.MEMBER_UNIT.label),
                                 "where": unit.name})
        out[unit.pk] = user
    for user in User.objects.filter(region=region, role=Role.MEMBER_UNIT, is_active=True):
        out.setdefault(user.unit_id, user)
    return out


def _fill(text: str, rng) -> str:
    return text.format(school=rng.choice(SCHOOLS), year=rng.choice((2023, 2024, 2025)),
                       grade=rng.choice(("三年级", "五年级", "初一")),
                       job=rng.choice(("会计", "护理", "软件开发", "教师")),
                       money=rng.choice((100, 200, 300, 500)), n=rng.choice((10, 20, 30)))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _plan(rng, age_days: int) -> str:
    """The state a case of this age is in today."""
    roll = rng.random()
    if age_days > 60:
        return "closed" if roll < 0.97 else "declined"
    if age_days > 30:
        return "closed" if roll < 0.85 else ("overdue" if roll < 0.96 else "declined")
    if age_days > 14:
        return ("closed" if roll < 0.55 else "overdue" if roll < 0.75 else "answered"
                if roll < 0.85 else "handling")
    return ("raised" if roll < 0.15 else "assigned" if roll < 0.35 else "handling"
            if roll < 0.6 else "waiting" if roll < 0.7 else "answered" if roll < 0.85
            else "closed")


def _build(ctx: DemoContext, slug: str, region, n: int, types: list[CaseType],
           accounts: dict[int, User], calendar: Calendar, today: dt.date):
    from wutong.talents.models import Talent

    rng = ctx.rng
    talents = list(Talent.objects.filter(region__path__startswith=region.path,
                                         is_active=True, account__isnull=True)
                   .values("pk", "region_id", "employer_id", "name").order_by("pk")[:600])
    office = User.objects.filter(username=f"{slug}.office").first()
    if not talents or office is None:
        return [], []
    # Who raised it: a commissioner or leader by their demo account; a talent (by phone, at
    # the service window) or an employer for someone without an account: no account.
    raisers = {RequesterKind.COMMISSIONER: User.objects.filter(
        username=f"{slug}.commissioner").first(), RequesterKind.LEADER: User.objects.filter(
        username=f"{slug}.leader").first()}
    cases, plans = [], []
    for _i in range(n):
        t = rng.choice(talents)
        ctype = rng.choices(types, weights=[18, 10, 12, 14, 10, 8, 3, 6, 9, 2][:len(types)])[0]
        title, content = rng.choice(SAMPLES[ctype.name])
        age = rng.randint(0, 20) if rng.random() < 0.25 else rng.randint(21, 300)
        raised = today - dt.timedelta(days=age)
        plan = _plan(rng, age)
        due = calendar.add(raised, ctype.deadline_days)
        if plan != "overdue" and due < today and plan not in ("closed", "declined"):
            plan = "closed" if age > 14 else plan
        kind = rng.choices([RequesterKind.TALENT, RequesterKind.EMPLOYER,
                            RequesterKind.COMMISSIONER, RequesterKind.LEADER],
                           weights=[4, 3, 2, 1])[0]
        case = Case(region_id=t["region_id"], case_type=ctype, talent_id=t["pk"],
                    employer_id=t["employer_id"] if kind == RequesterKind.EMPLOYER else None,
                    title=_fill(title, rng),
                    content=_fill(content, rng), requester=raisers.get(kind),
                    requester_kind=kind,
                    raised_at=_at(raised, rng.randint(8, 17)), due_on=due)
        status = {"overdue": CaseStatus.HANDLING}.get(plan, plan)
        case.status = status
        if status not in (CaseStatus.RAISED, CaseStatus.DECLINED):
            case.unit = ctype.unit
            handler = accounts.get(ctype.unit_id)
            case.handler = handler if status != CaseStatus.ASSIGNED else None
        if status in (CaseStatus.ANSWERED, CaseStatus.CLOSED):
            answered = min(calendar.add(raised, rng.randint(1, ctype.deadline_days + 1)), today)
            case.answered_at = _at(answered, 15)
            case.answer = _fill(ANSWERS[ctype.name], rng)
        if status in (CaseStatus.WAITING, CaseStatus.ANSWERED):
            case.remaining_days = max(calendar.between(today, due), 1)
        if status == CaseStatus.CLOSED:
            case.closed_at = case.answered_at + dt.timedelta(days=rng.randint(0, 3))
            case.satisfaction = rng.choices([5, 4, 3, 2], weights=[70, 22, 6, 2])[0]
            case.rating_comment = rng.choice(("", "办理及时，非常感谢！", "态度很好。",
                                              "问题解决了，点赞。", ""))
            if case.closed_at.date() > today:
                case.closed_at = _at(today, 9)
        if status == CaseStatus.DECLINED:
            case.closed_at = case.raised_at + dt.timedelta(days=1)
        if plan == "overdue":
            overdue_days = calendar.between(due, today)
            case.escalation_level = (4 if overdue_days > 10 else 3 if overdue_days > 5 else
                                     2 if overdue_days > 2 else 1)
            case.is_supervised = overdue_days > 5
        cases.append(case)
        plans.append(plan)
    return cases, plans


def _steps(case: Case, plan: str, office: User, calendar: Calendar) -> list[CaseStep]:
    raised = case.raised_at
    steps = [CaseStep(case=case, kind=StepKind.RAISE, actor_name="", text=case.content[:200],
                      to_status=CaseStatus.RAISED, at=raised)]
    if case.status == CaseStatus.RAISED:
        return steps
    if case.status == CaseStatus.DECLINED:
        steps.append(CaseStep(case=case, kind=StepKind.DECLINE, actor=office,
                              actor_name=office.full_name,
                              text="不属于人才服务事项，已告知咨询渠道。",
                              from_status=CaseStatus.RAISED, to_status=CaseStatus.DECLINED,
                              at=case.closed_at))
        return steps
    hour = dt.timedelta(minutes=40)
    steps.append(CaseStep(case=case, kind=StepKind.ACCEPT, actor=office,
                          actor_name=office.full_name, from_status=CaseStatus.RAISED,
                          to_status=CaseStatus.ACCEPTED, at=raised + hour))
    steps.append(CaseStep(case=case, kind=StepKind.ASSIGN, actor=office,
                          actor_name=office.full_name, unit_id=case.unit_id,
                          from_status=CaseStatus.ACCEPTED, to_status=CaseStatus.ASSIGNED,
                          at=raised + 2 * hour))
    if case.status == CaseStatus.ASSIGNED:
        return steps
    handler = case.handler
    name = handler.full_name if handler else ""
    steps.append(CaseStep(case=case, kind=StepKind.NOTE, actor=handler, actor_name=name,
                          unit_id=case.unit_id, text="已联系诉求人了解情况，正在协调。",
                          from_status=CaseStatus.ASSIGNED, to_status=CaseStatus.HANDLING,
                          at=raised + dt.timedelta(days=1)))
    if case.status == CaseStatus.WAITING:
        steps.append(CaseStep(case=case, kind=StepKind.REQUEST_INFO, actor=handler,
                              actor_name=name, unit_id=case.unit_id,
                              text="请补充提供户口簿和在职证明复印件。",
                              from_status=CaseStatus.HANDLING, to_status=CaseStatus.WAITING,
                              at=raised + dt.timedelta(days=1, hours=3)))
    if plan == "overdue" and case.is_supervised:
        steps.append(CaseStep(case=case, kind=StepKind.SUPERVISE, actor=office,
                              actor_name=office.full_name, is_internal=True,
                              text="已超期，请三日内答复并报送办理情况。",
                              from_status=CaseStatus.HANDLING, to_status=CaseStatus.HANDLING,
                              at=min(_at(case.due_on, 10) + dt.timedelta(days=7),
                                     timezone.now())))
    if case.answered_at:
        steps.append(CaseStep(case=case, kind=StepKind.ANSWER, actor=handler, actor_name=name,
                              unit_id=case.unit_id, text=case.answer,
                              from_status=CaseStatus.HANDLING, to_status=CaseStatus.ANSWERED,
                              at=case.answered_at))
    if case.status == CaseStatus.CLOSED:
        stars = "★" * case.satisfaction + "☆" * (5 - case.satisfaction)
        steps.append(CaseStep(case=case, kind=StepKind.CONFIRM, actor_name="",
                              text=f"{stars} {case.rating_comment}".strip(),
                              from_status=CaseStatus.ANSWERED, to_status=CaseStatus.CLOSED,
                              at=case.closed_at))
    return steps


def _escalations(case: Case, calendar: Calendar, now) -> list[Escalation]:
    return [Escalation(case=case, level=level, round=0, unit_id=case.unit_id,
                       due_on=case.due_on, at=now)
            for level in range(1, case.escalation_level + 1)]


def _own_cases(slug: str, region, types: list[CaseType], accounts, calendar, today) -> None:
    """The demo talent's own: one answered (to confirm and rate), one being handled."""
    from wutong.cases import services as svc
    from wutong.core.errors import AppError

    me = User.objects.filter(username=f"{slug}.talent").first()
    office = User.objects.filter(username=f"{slug}.office").first()
    talent = getattr(me, "talent_file", None) if me else None
    by_name = {t.name: t for t in types}
    if talent is None or office is None or "子女入学/转学" not in by_name:
        return
    try:
        school = svc.case_raise(user=me, talent=talent, case_type=by_name["子女入学/转学"],
                                title="孩子转学到实验小学",
                                content="孩子今年四年级，随我全职引进转来，希望转入实验小学。")
        school = svc.case_assign(user=office, case=school)
        handler = accounts.get(school.unit_id)
        if handler is not None:
            svc.case_note(user=handler, case=school, text="已与实验小学联系，学位可以安排。")
            svc.case_answer(user=handler, case=school,
                            text="已落实实验小学四年级学位，请于下周一携带户口簿和学籍证明办理入学。")
        if "住房保障" in by_name:
            house = svc.case_raise(user=me, talent=talent, case_type=by_name["住房保障"],
                                   title="申请人才公寓",
                                   content="刚入职，申请入住人才公寓（两室）。")
            house = svc.case_assign(user=office, case=house)
            handler = accounts.get(house.unit_id)
            if handler is not None:
                svc.case_claim(user=handler, case=house)
    except AppError:
        return


def seed(ctx: DemoContext) -> None:
    from wutong.core.audit import audit_log
    from wutong.core.models.audit import AuditAction

    calendar = Calendar.load()
    today = timezone.localdate()
    now = timezone.now()
    made = 0
    for slug, region in ctx.places.items():
        types = catalogue(region)
        if not types or Case.objects.filter(region__path__startswith=region.path).exists():
            continue
        accounts = _unit_accounts(ctx, slug, region)
        office = User.objects.filter(username=f"{slug}.office").first()
        cases, plans = _build(ctx, slug, region, PLACE_CASES.get(slug, 40), types, accounts,
                              calendar, today)
        if not cases:
            continue
        for case in cases:
            if case.unit_id:
                case.unit = next(t.unit for t in types if t.unit_id == case.unit_id)
        Case.objects.bulk_create(cases, batch_size=500)
        steps, escalations = [], []
        for case, plan in zip(cases, plans, strict=True):
            steps += _steps(case, plan, office, calendar)
            escalations += _escalations(case, calendar, now)
        CaseStep.objects.bulk_create(steps, batch_size=1000)
        Escalation.objects.bulk_create(escalations, batch_size=1000)
        made += len(cases)
        _own_cases(slug, region, types, accounts, calendar, today)
    if made:
        audit_log(actor=None, action=AuditAction.OTHER, object_type="demo",
                  object_repr=f"演示数据：服务诉求 {made} 件（五地）")
