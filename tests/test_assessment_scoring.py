"""Indicators and year-end scoring (目标责任制考核): parts and caps, computed measures from
the platform's own data with the records behind them, manual values with proof, the office's
adjustments with their reason, ranking, 述职 records; scope by unit and region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.policy_helpers import make_talent
from tests.test_assessment_dispatch import PDF, make_tasks
from wutong.assessment import scoring
from wutong.assessment import services as svc
from wutong.assessment.measures import MeasureValue, get_measure, register_measure
from wutong.assessment.models import IndicatorScore, LeaderReport, ScoreAdjustment, UnitScore
from wutong.core.models import AuditRecord

YEAR = timezone.localdate().year


@pytest.fixture
def system(world):
    plan, tasks = make_tasks(world, year=YEAR)
    today = timezone.localdate()
    april = svc.round_open(user=world["city"], plan=plan, month=4,
                           due_on=today - dt.timedelta(days=10))
    # 科技局 reports both tasks on time in April (backdated), 人社局 nothing
    for task in tasks[:2]:
        svc.report_submit(user=world["member"], round=april, task=task, done="推进",
                          value_reached=3 if task.seq == 1 else None)
    from wutong.assessment.models import ProgressReport
    ProgressReport.objects.update(is_late=False)
    units = [world["daqing_kjj"], world["daqing_rsj"], world["saertu_office"]]
    system = scoring.system_create(user=world["city"], region=world["city"].region, year=YEAR,
                                   title=f"{YEAR}年人才工作目标责任制考核", units=units)
    add = scoring.indicator_add
    city = world["city"]
    ind = {
        "dispatch": add(user=city, system=system, part="basic", name="月度调度按时报送",
                        points=40, method="computed", measure_key="dispatch_on_time",
                        target=100),
        "tasks": add(user=city, system=system, part="basic", name="牵头任务完成",
                     points=40, method="computed", measure_key="tasks_completed", target=100),
        "talents": add(user=city, system=system, part="key", name="引进人才", points=20,
                       method="computed", measure_key="talents_introduced", target=4,
                       units=[world["saertu_office"]]),
        "bonus": add(user=city, system=system, part="bonus", name="获省级以上表彰",
                     points=5, scoring="per_item", per_item=2),
        "deduction": add(user=city, system=system, part="deduction", name="被通报批评",
                         points=10, scoring="per_item", per_item=3),
    }
    return {"system": system, "ind": ind, "plan": plan, "tasks": tasks}


def test_scores_come_out_by_part_with_caps_and_ranks(world, login, system):
    for i in range(3):
        make_talent("230602", name=f"引进{i}").__class__.objects.filter(
            name=f"引进{i}").update(introduced_on=dt.date(YEAR, 3, 1))
    make_talent("230603", name="龙凤的").__class__.objects.filter(name="龙凤的").update(
        introduced_on=dt.date(YEAR, 3, 1))  # another district: not 萨尔图's
    ind = system["ind"]
    scoring.entry_save(user=world["city"], indicator=ind["bonus"], unit=world["daqing_kjj"],
                       value=4, note="省级表彰 4 项", upload=SimpleUploadedFile("表彰.pdf", PDF))
    scoring.entry_save(user=world["city"], indicator=ind["deduction"], unit=world["daqing_rsj"],
                       value=1, note="通报 1 次")
    client = login(world["city"])
    from wutong.assessment.models import IndicatorEntry

    entry = IndicatorEntry.objects.get(indicator=ind["bonus"])
    assert "表彰.pdf" in client.get(f"/assessment/indicators/{ind['bonus'].pk}/entries/"
                                    ).content.decode()
    proof = client.get(f"/assessment/entries/{entry.pk}/proof/")
    assert proof.status_code == 200 and proof.content == PDF
    assert login(world["other_city"]).get(f"/assessment/entries/{entry.pk}/proof/"
                                          ).status_code == 404
    response = client.post(f"/assessment/systems/{system['system'].pk}/score/", follow=True)
    assert "已完成计分：3 个单位" in response.content.decode()
    scores = {s.unit_id: s for s in UnitScore.objects.filter(system=system["system"])}
    kjj = scores[world["daqing_kjj"].pk]
    # dispatch 2/2 on time → 40; tasks: seq 1 reached 3 of 3 → 1 of 2 done → 20
    assert (kjj.basic, kjj.key, kjj.bonus, kjj.deduction) == (Decimal("60.00"), 0,
                                                              Decimal("5.00"), 0)
    assert kjj.total == Decimal("65.00") and kjj.rank == 1
    rsj = scores[world["daqing_rsj"].pk]
    assert rsj.basic == 0 and rsj.deduction == Decimal("3.00") and rsj.total == Decimal("-3.00")
    saertu = scores[world["saertu_office"].pk]
    assert saertu.key == Decimal("15.00")  # 3 brought in of 4
    assert saertu.rank == 2 and rsj.rank == 3
    line = IndicatorScore.objects.get(score=saertu, indicator=ind["talents"])
    assert line.value == 3 and line.source == "computed"
    page = client.get(f"/assessment/systems/{system['system'].pk}/").content.decode()
    assert "萨尔图" in page and "65.00" in page
    # the records behind the computed value, within the viewer's scope
    records = client.get(f"/assessment/scores/{saertu.pk}/records/{ind['talents'].pk}/")
    text = records.content.decode()
    assert "引进0" in text and "引进2" in text and "龙凤的" not in text
    assert "计算依据共 3 条" in text
    dispatch = client.get(f"/assessment/scores/{kjj.pk}/records/{ind['dispatch'].pk}/")
    assert "按时报送 2 次" in dispatch.content.decode()


def test_adjustments_are_recorded_with_a_reason_and_rerank(world, login, system):
    client = login(world["city"])
    scoring.system_score(user=world["city"], system=system["system"])
    rsj = UnitScore.objects.get(system=system["system"], unit=world["daqing_rsj"])
    empty = client.post(f"/assessment/scores/{rsj.pk}/", {"points": "5", "reason": ""})
    assert empty.status_code == 200 and not ScoreAdjustment.objects.exists()
    client.post(f"/assessment/scores/{rsj.pk}/", {"points": "90",
                                                  "reason": "承办全省人才工作现场会"})
    rsj.refresh_from_db()
    assert rsj.adjustment == 90 and rsj.total == 90 and rsj.rank == 1
    adjustment = ScoreAdjustment.objects.get()
    assert adjustment.made_by == world["city"] and adjustment.reason == "承办全省人才工作现场会"
    # a new scoring run keeps the adjustment
    scoring.system_score(user=world["city"], system=system["system"])
    assert UnitScore.objects.get(system=system["system"], unit=world["daqing_rsj"]).total == 90
    assert AuditRecord.objects.filter(object_type="assessment.ScoreAdjustment").exists()
    page = client.get(f"/assessment/scores/{rsj.pk}/")
    assert page.status_code == 404  # the run rewrote the scores: the old row is gone
    new = UnitScore.objects.get(system=system["system"], unit=world["daqing_rsj"])
    assert "承办全省人才工作现场会" in client.get(f"/assessment/scores/{new.pk}/").content.decode()


def test_units_see_only_their_own_score(world, login, system):
    scoring.system_score(user=world["city"], system=system["system"])
    mine = UnitScore.objects.get(system=system["system"], unit=world["daqing_kjj"])
    theirs = UnitScore.objects.get(system=system["system"], unit=world["daqing_rsj"])
    member = login(world["member"])
    assert member.get(f"/assessment/scores/{mine.pk}/").status_code == 200
    assert "adjust-submit" not in member.get(f"/assessment/scores/{mine.pk}/").content.decode()
    assert member.get(f"/assessment/scores/{theirs.pk}/").status_code == 404
    assert member.post(f"/assessment/scores/{mine.pk}/", {"points": "50",
                                                         "reason": "自己加分"}).status_code == 200
    assert not ScoreAdjustment.objects.exists()
    api = f"/api/assessment/systems/{system['system'].pk}/scores"
    assert len(login(world["city"]).get(api).json()) == 3
    assert member.get(api).status_code == 404
    other = login(world["other_city"])
    assert other.get(api).status_code == 404
    assert other.get(f"/assessment/systems/{system['system'].pk}/").status_code == 404
    assert other.get(f"/assessment/scores/{mine.pk}/").status_code == 404
    assert other.post(f"/assessment/systems/{system['system'].pk}/score/").status_code == 404


def test_a_manual_value_is_only_for_units_it_applies_to(world, system):
    from wutong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        scoring.entry_save(user=world["city"], indicator=system["ind"]["talents"],
                           unit=world["daqing_kjj"], value=3)
    with pytest.raises(ValidationFailed):
        scoring.indicator_add(user=world["city"], system=system["system"], part="basic",
                              name="无口径", points=5, method="computed",
                              measure_key="no_such_measure", target=1)


def test_money_paid_on_time_counts_the_units_benefits(world):
    from tests.redemption_helpers import build
    from wutong.policies.redemption_models import Application, Payment

    data = build(world)
    benefit, fund = data["benefit"], data["fund"]
    today = timezone.localdate()

    def payment(talent, due, paid_days_after):
        app = Application.objects.create(talent=talent, benefit=benefit, region=talent.region,
                                          source="talent", status="paid", amount_fen=100)
        paid_at = None if paid_days_after is None else timezone.make_aware(
            dt.datetime.combine(due + dt.timedelta(days=paid_days_after), dt.time(10)))
        Payment.objects.create(application=app, talent=talent, benefit=benefit, fund=fund,
                               region=talent.region, period="once", seq=1, due_on=due,
                               amount_fen=100, status="paid" if paid_at else "scheduled",
                               paid_at=paid_at)

    due = dt.date(today.year, 1, 15)
    payment(data["mine"], due, 3)           # on time
    payment(data["colleague"], due, 60)     # late
    payment(data["stranger"], due, None)    # not paid
    measure = get_measure("payments_on_time")
    kjj = measure.value_for(world["daqing_kjj"], today.year)
    assert kjj.value == pytest.approx(33.33) and kjj.records.count() == 3
    many = measure.values_for([world["daqing_kjj"], world["daqing_rsj"], world["saertu_office"],
                               world["liaoyang_kjj"]], today.year)
    assert many[world["daqing_kjj"].pk] == Decimal("33.33")
    assert many[world["saertu_office"].pk] == Decimal("33.33")  # its region's payments
    assert many[world["liaoyang_kjj"].pk] is None  # reviews nothing: no value, not zero


def test_a_higher_app_plugs_in_its_own_measure(world, system):
    from wutong.assessment.models import Indicator

    register_measure("test_constant", "测试口径", lambda unit, year: (unit.pk % 2, None))
    try:
        indicator = scoring.indicator_add(
            user=world["city"], system=system["system"], part="basic", name="插件指标",
            points=10, method="computed", measure_key="test_constant", target=1)
        scoring.system_score(user=world["city"], system=system["system"])
        lines = IndicatorScore.objects.filter(indicator=indicator)
        assert {line.value for line in lines} == {0, 1}
        assert isinstance(get_measure("test_constant").value_for(world["daqing_kjj"], YEAR),
                          MeasureValue)
        assert Indicator.objects.filter(measure_key="test_constant").exists()
    finally:
        from wutong.assessment import measures
        measures._MEASURES.pop("test_constant", None)


def test_leader_reports_are_recorded(world, login):
    client = login(world["city"])
    response = client.post("/assessment/leader-reports/", {
        "year": "2025", "leader_name": "刘建国", "post": "萨尔图区委书记", "unit": "",
        "report": "一年来，全区新引进各类人才 1200 人……", "score": "92.5",
        "comments": "引才成效明显，平台建设需加强"})
    assert response.status_code == 302
    item = LeaderReport.objects.get()
    assert item.score == Decimal("92.5") and item.recorded_by == world["city"]
    again = client.post("/assessment/leader-reports/", {
        "year": "2025", "leader_name": "刘建国", "post": "萨尔图区委书记", "report": "重复",
        "unit": ""})
    assert "2025 年的述职已记录" in again.content.decode()
    assert "刘建国" not in login(world["other_city"]).get(
        "/assessment/leader-reports/").content.decode()
    assert login(world["member"]).get("/assessment/leader-reports/").status_code == 403


def test_a_unit_finds_its_score_from_its_task_page(world, login, system):
    scoring.system_score(user=world["city"], system=system["system"])
    page = login(world["member"]).get("/assessment/").content.decode()
    assert "本单位考核得分" in page and system["system"].title in page
    assert "第 1 名" in page


def test_pages_keep_their_query_counts(world, login, system, django_assert_max_num_queries):
    from wutong.assessment.models import ProgressReport, Task

    plan, round_ = system["plan"], system["plan"].rounds.first()
    for i in range(20):  # many tasks with co-units and reports: no query per row
        task = Task.objects.create(plan=plan, region=plan.region, seq=100 + i, title=f"任务{i}",
                                   lead_unit=world["daqing_kjj"], target_text="完成")
        task.co_units.set([world["daqing_rsj"]])
        ProgressReport.objects.create(round=round_, task=task, region=plan.region,
                                      unit=task.lead_unit, done="x",
                                      submitted_at=timezone.now())
    scoring.system_score(user=world["city"], system=system["system"])
    client = login(world["city"])
    for url in (f"/assessment/plans/{plan.pk}/", f"/assessment/rounds/{round_.pk}/",
                f"/assessment/systems/{system['system'].pk}/",
                f"/assessment/rounds/{round_.pk}/sheet.xlsx"):
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_the_indicator_system_is_copied_to_next_year(world, login, system):
    from wutong.assessment.models import IndicatorSystem

    client = login(world["city"])
    scoring.system_score(user=world["city"], system=system["system"])
    response = client.post(f"/assessment/systems/{system['system'].pk}/copy/")
    new = IndicatorSystem.objects.get(year=YEAR + 1)
    assert response.url == f"/assessment/systems/{new.pk}/"
    assert new.title == f"{YEAR + 1}年人才工作目标责任制考核"
    assert new.indicators.count() == 5 and not new.scores.exists()
    talents = new.indicators.get(measure_key="talents_introduced")
    assert list(talents.units.all()) == [world["saertu_office"]]
    assert system["system"].indicators.count() == 5  # the original is untouched
    again = client.post(f"/assessment/systems/{system['system'].pk}/copy/", follow=True)
    assert f"{YEAR + 1} 年的考核指标体系已存在" in again.content.decode()
    assert login(world["other_city"]).post(
        f"/assessment/systems/{system['system'].pk}/copy/").status_code == 404
