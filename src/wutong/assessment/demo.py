"""Demo part of the assessment app, for each of the five seed places: last year's task list
drawn from the seed reports' work points and copied forward to this year, the monthly
dispatch up to now (most reports on time, some late, some missing, one chase), projects with
their start, mid-year and end checks, this year's indicator system scored, and leaders'
reports (述职: in Liaoyang the 7 county secretaries and unit heads, as the report says).

Figures come from shared/seeds/: Erdao's "东城梧桐" (86 talents, 3 platforms, 4.65 M CNY),
23 M CNY redeemed, about 30 "揭榜挂帅" projects, "百名博士三年引才行动" (000); Tongchuan's 39
teachers, 27 public-institution and 85 direct recruits, 1.79 M CNY position incentives, the
provincial pilot zone (001); Hulan's fund of at least 1.2 M CNY a year (002); Liaoyang's
"双百计划" (200 leading talents over 4 years), 57 excellent experts, project-based management
(003); Daqing's 3,690 talent apartments, 60 talent work stations with universities, 1,345
experts contacted, 660 case-by-case deals (004). Other targets are plausible values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wutong.accounts.models import Unit, UnitKind, User
from wutong.assessment import scoring, services
from wutong.assessment.models import (
    Chase,
    DispatchRound,
    LeaderReport,
    ProgressReport,
    ProjectCheck,
    Task,
    WorkPlan,
)
from wutong.core.demo import DemoContext

# (work point, task, lead unit (name tail), co-units, target value, measure, target text,
#  deadline month (None: long-term), project)
COMMON = (
    ("党管人才", "召开人才工作领导小组会议，听取成员单位任务推进情况", "组织部", (), 4, "次", "",
     12, False),
    ("党管人才", "落实领导干部联系服务专家制度，每名领导联系专家不少于2名", "组织部",
     ("统战部",), None, "", "联系服务覆盖率100%，每季度至少走访1次", None, False),
    ("人才引进", "开展“百名博士三年引才行动”，当年引进博士", "人力资源和社会保障局",
     ("教育局", "卫生健康委员会"), 35, "人", "", 12, True),
    ("人才引进", "组织高校巡回引才和专场招聘会，提供岗位", "人力资源和社会保障局",
     ("教育局", "商务局"), 6000, "个", "", 10, False),
    ("人才引进", "实施返乡创业和乡贤回引工程，吸引高校毕业生留乡", "人力资源和社会保障局",
     ("共青团委员会", "农业农村局"), 1500, "人", "", 12, False),
    ("平台建设", "新建院士工作站、博士后科研工作站等高层次人才平台", "科学技术局",
     ("人力资源和社会保障局",), 3, "个", "", 11, True),
    ("平台建设", "推动科技特派员服务行政村全覆盖", "科学技术局", ("农业农村局",), None, "",
     "每个行政村至少1名科技特派员", 9, False),
    ("人才培养", "开展名师名医培养选拔，培养骨干", "教育局", ("卫生健康委员会",), 100, "名", "",
     12, False),
    ("人才培养", "培育乡土人才和新型职业农民", "农业农村局", (), 300, "人", "", 11, False),
    ("人才培养", "举办企业经营管理人才和专业技术人才培训班", "工业和信息化局",
     ("人力资源和社会保障局",), 12, "期", "", 12, False),
    ("政策兑现", "按期兑现人才政策资金，做到应兑尽兑", "财政局", ("人力资源和社会保障局",),
     None, "", "兑现资金当月到账，无拖欠", None, True),
    ("人才服务", "筹集人才公寓，保障引进人才安居", "住房和城乡建设局", ("财政局",), 200, "套", "",
     10, False),
    ("人才服务", "落实人才子女入学、配偶就业、就医绿色通道", "教育局",
     ("卫生健康委员会", "人力资源和社会保障局"), None, "", "符合条件的申请办结率100%", None,
     False),
    ("人才服务", "开展“我为人才办实事”，解决人才急难愁盼问题", "发展和改革局", ("财政局",), 50,
     "件", "", 12, False),
    ("宣传表彰", "宣传人才典型，发布人才工作信息", "宣传部", (), 40, "篇", "", 12, False),
    ("人才服务", "为人才办理落户和出入境便利", "公安局", (), None, "", "即来即办", None, False),
)
PLACE_TASKS = {
    "erdao": (
        ("宣传表彰", "开展第二届“东城梧桐”人才评选，表彰人才和平台", "组织部", ("财政局",), 89,
         "名（个）", "", 12, True),
        ("人才使用", "发布“揭榜挂帅”榜单，推动企业技术难题攻关", "科学技术局",
         ("工业和信息化局",), 30, "项", "", 11, True),
    ),
    "tongchuan": (
        ("人才引进", "公开选调教师", "教育局", ("人力资源和社会保障局",), 39, "人", "", 8, False),
        ("人才引进", "直接考核招聘引进急需紧缺专业人才", "人力资源和社会保障局", (), 85, "人", "",
         12, True),
        ("政策兑现", "兑现人才岗位激励资金", "财政局", (), 179, "万元", "", 6, False),
    ),
    "hulan": (
        ("政策兑现", "设立人才发展专项资金并足额保障", "财政局", (), 120, "万元", "", 3, True),
        ("人才引进", "面向哈尔滨高校开展“呼”唤人才校园行", "人力资源和社会保障局",
         ("教育局",), 10, "场", "", 11, False),
    ),
    "liaoyang": (
        ("人才引进", "实施“双百计划”，引进培育领军人才", "人力资源和社会保障局",
         ("科学技术局",), 50, "名", "", 12, True),
        ("宣传表彰", "评选表彰优秀专家", "组织部", ("人力资源和社会保障局",), 57, "名", "", 10,
         False),
        ("人才服务", "高新区为引进人才发放薪酬补贴", "财政局", (), 300, "人", "", 12, False),
    ),
    "daqing": (
        ("平台建设", "与高校共建人才工作站", "科学技术局", ("教育局",), 60, "个", "", 12, True),
        ("人才服务", "人才公寓累计入住高层次人才", "住房和城乡建设局", (), 600, "人", "", 12,
         False),
        ("人才引进", "对顶尖人才实行“一事一议”", "组织部", ("财政局",), None, "",
         "按需办理，做到一人一策", None, False),
    ),
}
LEADERS = {
    "liaoyang": (("白塔区委书记", "211002"), ("文圣区委书记", "211003"),
                 ("宏伟区委书记", "211004"), ("弓长岭区委书记", "211005"),
                 ("太子河区委书记", "211011"), ("辽阳县委书记", "211021"),
                 ("灯塔市委书记", "211081")),
}


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for slug, region in ctx.places.items():
        if WorkPlan.objects.filter(region=region, year=today.year).exists():
            continue
        office = User.objects.filter(username=f"{slug}.office").first()
        if office is None:
            continue
        with transaction.atomic():
            _place(ctx, slug, region, office, today)


def _units(region) -> dict[str, Unit]:
    units = {}
    for unit in Unit.objects.filter(region=region):
        tail = unit.name[len(region.name):] if unit.name.startswith(region.name) else unit.name
        units[tail] = unit
    office = Unit.objects.filter(region=region, kind=UnitKind.TALENT_OFFICE).first()
    units["组织部"] = office
    return units


def _place(ctx: DemoContext, slug: str, region, office: User, today: dt.date) -> None:
    units = _units(region)
    rows = (*COMMON, *PLACE_TASKS.get(slug, ()))
    last = services.plan_create(
        user=office, region=region, year=today.year - 1,
        title=f"{region.name}人才工作领导小组{today.year - 1}年工作要点",
        source_document=f"{region.name}委人才工作领导小组{today.year - 1}年工作要点")
    for seq, (point, title, lead, co, value, measure, text, month, project) in enumerate(
            rows, start=1):
        task = Task.objects.create(
            plan=last, region=region, seq=seq, point=point, title=title, lead_unit=units[lead],
            target_value=value, target_measure=measure, target_text=text,
            deadline=_month_end(today.year - 1, month), deadline_text="" if month else "长期坚持",
            source_document=last.source_document, is_project=project)
        task.co_units.set([units[c] for c in co if c in units])
    plan = services.plan_copy_forward(user=office, plan=last)
    _dispatch(ctx, plan, office, today)
    _projects(plan, office, today)
    _scores(ctx, slug, region, plan, office, units, today)
    _leaders(ctx, slug, region, office, units, today)


def _month_end(year: int, month: int | None) -> dt.date | None:
    if month is None:
        return None
    return services.month_due_on(year, month, 31)


def _dispatch(ctx: DemoContext, plan: WorkPlan, office: User, today: dt.date) -> None:
    """Rounds for every month up to this one; reports written in bulk (demo history)."""
    tasks = list(plan.tasks.select_related("lead_unit"))
    reporters = {u.unit_id: u for u in User.objects.filter(
        unit__in={t.lead_unit_id for t in tasks}, role="member_unit")}
    rounds = [DispatchRound(plan=plan, region=plan.region, month=m, opened_by=office,
                            due_on=services.month_due_on(plan.year, m, plan.report_day))
              for m in range(1, today.month + 1)]
    DispatchRound.objects.bulk_create(rounds)
    reports = []
    slow = {t.lead_unit_id for t in tasks if ctx.rng.random() < 0.2}  # units often late
    reached: dict[int, Decimal] = {}
    for round_ in rounds:
        current = round_.due_on >= today
        start = dt.date(plan.year, round_.month, 1)
        for task in tasks:
            if task.deadline is not None and task.deadline < start:
                continue
            chance = ctx.rng.random()
            if (current and chance < 0.5) or (not current and chance < 0.05):
                continue  # not reported (yet)
            late = not current and (chance < (0.35 if task.lead_unit_id in slow else 0.1))
            day = round_.due_on + dt.timedelta(days=ctx.rng.randint(1, 4)) if late else \
                round_.due_on - dt.timedelta(days=ctx.rng.randint(0, 6))
            day = min(day, today)
            value = None
            if task.target_value is not None:
                share = Decimal(min(round_.month / (task.deadline.month if task.deadline
                                                    else 12), 1.15))
                value = (task.target_value * share * Decimal(ctx.rng.uniform(0.8, 1.1))
                         ).quantize(Decimal("1"))
                value = max(value, reached.get(task.pk, value))  # cumulative: never falls
                reached[task.pk] = value
            comment = "" if current or ctx.rng.random() < 0.7 else ctx.rng.choice(
                ("进度符合要求", "请加快推进，下月报送具体数据", "请补充佐证材料"))
            reports.append(ProgressReport(
                round=round_, task=task, region=plan.region, unit=task.lead_unit,
                value_reached=value, done=_done(task, round_.month),
                problems=ctx.rng.choice(("", "", "", "部分用人单位需求申报不及时",
                                         "资金拨付流程较长", "高层次人才对接周期长")),
                submitted_by=reporters.get(task.lead_unit_id),
                submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30))),
                is_late=late,
                comment=comment, commented_by=office if comment else None,
                commented_at=min(timezone.now(), timezone.make_aware(dt.datetime.combine(
                    day + dt.timedelta(days=2), dt.time(9, 15)))) if comment else None))
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    last_passed = next((r for r in reversed(rounds) if r.due_on < today), None)
    if last_passed is not None:
        done = set(ProgressReport.objects.filter(round=last_passed).values_list("task_id",
                                                                                flat=True))
        missing = [t.lead_unit for t in tasks if t.pk not in done and (
            t.deadline is None or t.deadline >= dt.date(plan.year, last_passed.month, 1))]
        if missing:
            Chase.objects.create(round=last_passed, region=plan.region, unit=missing[0],
                                 chased_by=office, note="请尽快补报本月任务进展")


def _done(task: Task, month: int) -> str:
    return f"{month}月：围绕“{task.title[:16]}”，召开推进会，对接用人单位，按计划推进。"


def _projects(plan: WorkPlan, office: User, today: dt.date) -> None:
    stages = [("start", dt.date(plan.year, 2, 20))]
    if today >= dt.date(plan.year, 7, 15):
        stages.append(("midyear", dt.date(plan.year, 7, 15)))
    for i, task in enumerate(plan.tasks.filter(is_project=True)):
        for stage, day in stages:
            ProjectCheck.objects.create(
                task=task, region=plan.region, unit=task.lead_unit, stage=stage,
                checked_by=office, checked_on=day,
                score=None if stage == "start" else Decimal(78 + (i * 7) % 20),
                content={"start": f"年初确定项目：{task.title}，目标{task.target_display}。",
                         "midyear": "年中拉练检查：进度过半，台账齐全，建议加大资金保障。"}[stage])


def _scores(ctx: DemoContext, slug: str, region, plan: WorkPlan, office: User,
            units: dict[str, Unit], today: dt.date) -> None:
    """The units leading tasks are assessed: basic 80 (dispatch, tasks, rules) + key 20 (the
    HR bureau on people brought in, the finance bureau on money paid on time, the others on
    their key work) + bonus − deduction."""
    leads = list(Unit.objects.filter(pk__in=plan.tasks.values("lead_unit_id")).order_by(
        "kind", "sort_order"))
    system = scoring.system_create(
        user=office, region=region, year=plan.year, units=leads,
        title=f"{plan.year}年人才工作目标责任制考核指标体系")
    add = scoring.indicator_add
    hr, finance = units.get("人力资源和社会保障局"), units.get("财政局")
    others = [u for u in leads if u not in (hr, finance)]
    add(user=office, system=system, part="basic", name="月度调度按时报送", points=20,
        method="computed", measure_key="dispatch_on_time", target=100,
        description="按时报送率达到100%得满分，按比例计分")
    add(user=office, system=system, part="basic", name="牵头任务完成情况", points=30,
        method="computed", measure_key="tasks_completed", target=100,
        description="任务清单中牵头任务的完成比例")
    rules = add(user=office, system=system, part="basic", name="党管人才制度落实",
                points=30, target=100, description="按制度清单逐项核验评分（满分100）")
    key = add(user=office, system=system, part="key", name="重点工作任务推进", points=20,
              target=100, units=others, description="项目化管理任务年终评价得分")
    if hr in leads:
        from wutong.talents.models import Talent

        last_year = Talent.objects.filter(
            region__path__startswith=region.path, is_active=True,
            introduced_on__year=plan.year - 1).count()
        add(user=office, system=system, part="key", name="引进人才数量", points=20,
            method="computed", measure_key="talents_introduced", units=[hr],
            target=max(10, round(last_year * 1.1)), description="比上年增长10%")
    if finance in leads:
        add(user=office, system=system, part="key", name="政策兑现资金按期发放", points=20,
            method="computed", measure_key="payments_on_time", target=100, units=[finance])
    bonus = add(user=office, system=system, part="bonus", name="获得省级以上表彰或经验推广",
                points=5, scoring="per_item", per_item=1)
    minus = add(user=office, system=system, part="deduction", name="被通报批评或工作失误",
                points=10, scoring="per_item", per_item=2)
    for unit in leads:
        scoring.entry_save(user=office, indicator=rules, unit=unit,
                           value=ctx.rng.randint(75, 100), note="对照制度清单逐项核验")
    for unit in others:
        scoring.entry_save(user=office, indicator=key, unit=unit,
                           value=ctx.rng.randint(70, 98), note="年终拉练检查评价")
    for unit in ctx.rng.sample(leads, min(3, len(leads))):
        scoring.entry_save(user=office, indicator=bonus, unit=unit, value=ctx.rng.randint(1, 3),
                           note="省级经验推广")
    if leads:
        scoring.entry_save(user=office, indicator=minus, unit=ctx.rng.choice(leads), value=1,
                           note="月度调度连续两月未报送，被通报")
    scoring.system_score(user=office, system=system)
    if others:
        scoring.score_adjust(user=office, system=system, unit=others[0], points=2,
                             reason="牵头承办全省人才工作现场推进会，经领导小组会议研究加分")


def _leaders(ctx: DemoContext, slug: str, region, office: User, units: dict[str, Unit],
             today: dt.date) -> None:
    year = today.year - 1
    people = [(post, None) for post, _code in LEADERS.get(slug, ())]
    heads = ["人力资源和社会保障局", "科学技术局", "教育局", "财政局", "卫生健康委员会"]
    people += [(f"{region.name}{name}党组书记", units.get(name)) for name in heads]
    for i, (post, unit) in enumerate(people):
        LeaderReport.objects.create(
            region=region, year=year, leader_name=ctx.faker.name(), post=post, unit=unit,
            report=(f"{year}年，坚持“一把手”抓“第一资源”，带头研究谋划人才工作，"
                    "落实领导小组部署的任务清单，推进重点人才项目，联系服务专家，"
                    "解决人才反映的问题。下一步将在引才聚才、平台建设上持续用力。"),
            score=Decimal(85 + (i * 3) % 13), comments=ctx.rng.choice((
                "思路清晰，措施有力，引才成效明显。", "平台建设有进展，政策兑现需进一步提速。",
                "联系服务专家扎实，建议加强青年人才培养。")),
            reported_on=dt.date(today.year, 1, 20), recorded_by=office)
