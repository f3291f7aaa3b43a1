"""The monthly dispatch (每月调度): units report their own tasks with proof, late reports are
marked, the office sees who has not reported, chases (recorded, with an in-app message),
comments, prints the sheet; late and missing reports are counted; scope by unit and region."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wutong.assessment import services as svc
from wutong.assessment.models import Chase, DispatchRound, ProgressReport, ReportProof, Task
from wutong.core.models import AuditRecord, Message

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_tasks(world, year=2026):
    plan = svc.plan_create(user=world["city"], region=world["city"].region, year=year,
                           title=f"{year}年人才工作要点", report_day=25)
    kjj, rsj = world["daqing_kjj"], world["daqing_rsj"]
    tasks = [
        Task.objects.create(plan=plan, region=plan.region, seq=1, title="新建院士工作站",
                            lead_unit=kjj, target_value=3, target_measure="个"),
        Task.objects.create(plan=plan, region=plan.region, seq=2, title="科技特派员全覆盖",
                            lead_unit=kjj, target_text="每个行政村一名"),
        Task.objects.create(plan=plan, region=plan.region, seq=3, title="引进博士",
                            lead_unit=rsj, target_value=35, target_measure="人"),
        Task.objects.create(plan=plan, region=plan.region, seq=4, title="上半年完成的任务",
                            lead_unit=rsj, target_text="完成", deadline=dt.date(year, 3, 31)),
    ]
    return plan, tasks


@pytest.fixture
def setup(world):
    plan, tasks = make_tasks(world)
    today = timezone.localdate()
    # one month already past its due day, one still open
    past = svc.round_open(user=world["city"], plan=plan, month=4,
                          due_on=today - dt.timedelta(days=3))
    open_ = svc.round_open(user=world["city"], plan=plan, month=5,
                           due_on=today + dt.timedelta(days=5))
    return {"plan": plan, "tasks": tasks, "past": past, "open": open_}


def report(client, round_, task, **data):
    payload = {"value_reached": "1", "done": "已完成选址论证", "problems": "", **data}
    return client.post(f"/assessment/rounds/{round_.pk}/tasks/{task.pk}/report/", payload)


def test_unit_reports_its_task_with_proof(world, login, setup):
    client = login(world["member"])
    task = setup["tasks"][0]
    page = client.get(f"/assessment/rounds/{setup['open'].pk}/").content.decode()
    assert "新建院士工作站" in page and "引进博士" not in page
    response = report(client, setup["open"], task, value_reached="2",
                      proof=SimpleUploadedFile("批复.pdf", PDF))
    assert response.status_code == 302
    item = ProgressReport.objects.get(round=setup["open"], task=task)
    assert item.value_reached == 2 and not item.is_late and item.unit == world["daqing_kjj"]
    proof = ReportProof.objects.get(report=item)
    assert proof.file_type == "pdf"
    download = client.get(f"/assessment/proofs/{proof.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert AuditRecord.objects.filter(action="export", changes__extra__proof_downloaded__id=proof.pk
                                      ).exists()
    assert login(world["member_other"]).get(f"/assessment/proofs/{proof.pk}/").status_code == 404
    assert AuditRecord.objects.filter(object_type="assessment.ProgressReport").exists()


def test_a_fake_proof_is_refused_and_nothing_is_kept(world, login, setup):
    client = login(world["member"])
    response = report(client, setup["open"], setup["tasks"][0],
                      proof=SimpleUploadedFile("批复.pdf", PNG))
    assert response.status_code == 200
    assert "文件内容与扩展名" in response.content.decode()
    assert not ProgressReport.objects.exists() and not ReportProof.objects.exists()


def test_a_report_after_the_due_day_is_late(world, login, setup):
    client = login(world["member"])
    page = client.get(f"/assessment/rounds/{setup['past'].pk}/tasks/{setup['tasks'][0].pk}"
                      "/report/").content.decode()
    assert "本次报送将计为逾期" in page
    report(client, setup["past"], setup["tasks"][0])
    assert ProgressReport.objects.get(round=setup["past"]).is_late


def test_a_report_needs_what_was_done_and_a_number(world, login, setup):
    response = report(login(world["member"]), setup["open"], setup["tasks"][0], done="",
                      value_reached="很多")
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()


def test_units_cannot_report_or_see_others_tasks(world, login, setup):
    rsj_task = setup["tasks"][2]
    client = login(world["member"])
    assert report(client, setup["open"], rsj_task).status_code == 404
    assert client.get(f"/assessment/tasks/{rsj_task.pk}/").status_code == 404
    assert not ProgressReport.objects.exists()
    # another region's office and a district office see nothing of the city's dispatch
    for user in ("other_city", "district"):
        other = login(world[user])
        assert other.get(f"/assessment/rounds/{setup['open'].pk}/").status_code == 404
        assert other.get(f"/assessment/rounds/{setup['open'].pk}/sheet.xlsx").status_code == 404
    svc.report_submit(user=world["member"], round=setup["open"], task=setup["tasks"][0],
                      done="x")
    item = ProgressReport.objects.get()
    assert login(world["member_other"]).post(f"/assessment/reports/{item.pk}/comment/",
                                             {"comment": "好"}).status_code == 404


def test_office_sees_who_has_not_reported_and_chases(world, login, setup):
    svc.report_submit(user=world["member"], round=setup["past"], task=setup["tasks"][0],
                      done="x")
    client = login(world["city"])
    page = client.get(f"/assessment/rounds/{setup['past'].pk}/").content.decode()
    assert "大庆市人力资源和社会保障局" in page
    rsj = world["daqing_rsj"]
    response = client.post(f"/assessment/rounds/{setup['past'].pk}/chase/{rsj.pk}/",
                           {"note": "请于今日下班前报送"}, follow=True)
    assert "已向大庆市人力资源和社会保障局催报（通知 1 人）" in response.content.decode()
    chase = Chase.objects.get()
    assert chase.unit == rsj and chase.chased_by == world["city"] and chase.notified == 1
    message = Message.objects.get(recipient=world["member_other"])
    assert "4月人才工作任务进展" in message.title
    assert message.url == f"/assessment/rounds/{setup['past'].pk}/"
    assert not Message.objects.filter(recipient=world["member"]).exists()
    notice = login(world["member_other"]).get(f"/assessment/rounds/{setup['past'].pk}/")
    assert "请于今日下班前报送" in notice.content.decode()
    # another region's office cannot chase the city's units
    assert login(world["other_city"]).post(
        f"/assessment/rounds/{setup['past'].pk}/chase/{rsj.pk}/").status_code == 404


def test_office_comments_and_the_unit_can_no_longer_change(world, login, setup):
    task = setup["tasks"][0]
    svc.report_submit(user=world["member"], round=setup["open"], task=task, done="推进中")
    item = ProgressReport.objects.get()
    login(world["city"]).post(f"/assessment/reports/{item.pk}/comment/",
                              {"comment": "请加快进度"})
    item.refresh_from_db()
    assert item.comment == "请加快进度" and item.commented_by == world["city"]
    response = report(login(world["member"]), setup["open"], task, done="改了")
    assert "人才办已对本月报送作出批注" in response.content.decode()
    item.refresh_from_db()
    assert item.done == "推进中"
    # a unit's own comment is refused
    svc.report_submit(user=world["member"], round=setup["open"], task=setup["tasks"][1],
                      done="y")
    other = ProgressReport.objects.get(task=setup["tasks"][1])
    login(world["member"]).post(f"/assessment/reports/{other.pk}/comment/", {"comment": "自批"})
    other.refresh_from_db()
    assert other.comment == ""


def test_late_and_missing_reports_are_counted_per_unit(world, login, setup):
    from wutong.assessment.selectors import dispatch_tally

    kjj, rsj = world["daqing_kjj"], world["daqing_rsj"]
    svc.report_submit(user=world["member"], round=setup["past"], task=setup["tasks"][0],
                      done="x")  # late (the due day has passed)
    tally = dispatch_tally(plans=[setup["plan"].pk])
    # April: kjj 2 tasks (1 late, 1 missing); rsj 1 task (the March one is finished)
    assert (tally[kjj.pk].expected, tally[kjj.pk].late, tally[kjj.pk].missing) == (2, 1, 1)
    assert (tally[rsj.pk].expected, tally[rsj.pk].missing) == (1, 1)
    page = login(world["city"]).get(f"/assessment/plans/{setup['plan'].pk}/").content.decode()
    assert "各单位报送情况" in page
    # the same counts feed the measures of the scoring (rates, and missing for deductions)
    from wutong.assessment.measures import get_measure

    missing = get_measure("dispatch_missing").values_for([kjj, rsj, world["daqing_rsj"]], 2026)
    assert (missing[kjj.pk], missing[rsj.pk]) == (1, 1)
    assert get_measure("dispatch_on_time").value_for(kjj, 2026).value == 0  # its one was late


def test_the_dispatch_sheet_is_text_not_formulas(world, login, setup):
    svc.report_submit(user=world["member"], round=setup["open"], task=setup["tasks"][0],
                      done="=HYPERLINK(\"http://x\")", value_reached="2")
    response = login(world["city"]).get(f"/assessment/rounds/{setup['open'].pk}/sheet.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "5月调度表" in ws.cell(row=1, column=1).value
    rows = {ws.cell(row=r, column=3).value: r for r in range(4, 8)}
    first = rows["新建院士工作站"]
    assert ws.cell(row=first, column=9).value == "=HYPERLINK(\"http://x\")"
    assert ws.cell(row=first, column=9).data_type == "s"
    assert ws.cell(row=first, column=8).value == "2个"
    assert ws.cell(row=rows["引进博士"], column=12).value == "未报送"
    assert AuditRecord.objects.filter(action="export", object_type="assessment.DispatchRound"
                                      ).exists()
    pdf = login(world["city"]).get(f"/assessment/rounds/{setup['open'].pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # member units do not print the office's sheet
    assert login(world["member"]).get(
        f"/assessment/rounds/{setup['open'].pk}/sheet.xlsx").status_code == 403


def test_a_month_is_opened_once(world, login, setup):
    response = login(world["city"]).post(f"/assessment/plans/{setup['plan'].pk}/rounds/new/",
                                         {"month": "5"}, follow=True)
    assert "5 月的调度已经发起" in response.content.decode()
    assert DispatchRound.objects.filter(plan=setup["plan"]).count() == 2
    response = login(world["city"]).post(f"/assessment/plans/{setup['plan'].pk}/rounds/new/",
                                         {"month": "6"})
    june = DispatchRound.objects.get(plan=setup["plan"], month=6)
    assert june.due_on == dt.date(2026, 6, 25)
    assert response.url == f"/assessment/rounds/{june.pk}/"


def test_project_checks_are_recorded_by_stage(world, login, setup):
    task = setup["tasks"][0]
    task.is_project = True
    task.save()
    client = login(world["city"])
    for stage, content, score in (("start", "年初确定：新建3个院士工作站", ""),
                                  ("midyear", "年中拉练检查：已建成1个", "70"),
                                  ("final", "年终：建成3个", "95")):
        client.post(f"/assessment/tasks/{task.pk}/", {"stage": stage, "content": content,
                                                      "score": score})
    assert task.checks.count() == 3
    page = client.get(f"/assessment/tasks/{task.pk}/").content.decode()
    assert "年中拉练检查：已建成1个" in page and "95 分" in page
    member = login(world["member"]).get(f"/assessment/tasks/{task.pk}/").content.decode()
    assert "年终：建成3个" in member and "check-submit" not in member
    overview = client.get(f"/assessment/plans/{setup['plan'].pk}/projects/").content.decode()
    assert "新建院士工作站" in overview and "95 分" in overview and "70 分" in overview
    assert "引进博士" not in overview  # not a project
    assert login(world["other_city"]).get(
        f"/assessment/plans/{setup['plan'].pk}/projects/").status_code == 404


def test_the_office_reports_the_tasks_it_leads_itself(world, login, setup):
    own = Task.objects.create(plan=setup["plan"], region=setup["plan"].region, seq=9,
                              title="召开人才工作领导小组会议", lead_unit=world["daqing_office"],
                              target_value=4, target_measure="次")
    client = login(world["city"])
    page = client.get(f"/assessment/rounds/{setup['open'].pk}/").content.decode()
    assert "人才办牵头的任务" in page and f"/tasks/{own.pk}/report/" in page
    assert report(client, setup["open"], own, value_reached="2").status_code == 302
    assert ProgressReport.objects.get(task=own).unit == world["daqing_office"]


def test_units_are_reminded_before_the_due_day_until_they_report(world, setup):
    from wutong.core.models import Reminder

    open_ = setup["open"]  # due in five days: reminders three days from now, at 9:00
    reminders = {r.key: r for r in Reminder.objects.all()}
    kjj_key = f"assessment:round:{open_.pk}:unit:{world['daqing_kjj'].pk}:"
    rsj_key = f"assessment:round:{open_.pk}:unit:{world['daqing_rsj'].pk}:"
    assert set(reminders) == {kjj_key, rsj_key}  # the past month gets none
    assert timezone.localtime(reminders[kjj_key].due_at).date() == \
        open_.due_on - dt.timedelta(days=2)
    assert set(reminders[kjj_key].recipients.all()) == {world["member"], world["member_peer"]}
    svc.report_submit(user=world["member"], round=open_, task=setup["tasks"][0], done="x")
    assert Reminder.objects.get(key=kjj_key).cancelled_at is None  # one task still owed
    svc.report_submit(user=world["member"], round=open_, task=setup["tasks"][1], done="y")
    assert Reminder.objects.get(key=kjj_key).cancelled_at is not None
    assert Reminder.objects.get(key=rsj_key).cancelled_at is None


def test_the_api_reports_and_lists_in_scope(world, login, setup):
    import json

    member = login(world["member"])
    url = f"/api/assessment/rounds/{setup['open'].pk}/tasks/{setup['tasks'][0].pk}/report"
    response = member.put(url, json.dumps({"done": "API 报送", "value_reached": "2"}),
                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["month"] == 5 and not response.json()["is_late"]
    theirs = f"/api/assessment/rounds/{setup['open'].pk}/tasks/{setup['tasks'][2].pk}/report"
    refused = member.put(theirs, json.dumps({"done": "x"}), content_type="application/json")
    assert refused.status_code == 404 and "error" in refused.json()
    listed = member.get(f"/api/assessment/plans/{setup['plan'].pk}/tasks").json()
    assert {t["title"] for t in listed["items"]} == {"新建院士工作站", "科技特派员全覆盖"}
    office = login(world["city"]).get(f"/api/assessment/rounds/{setup['open'].pk}/reports")
    assert [r["done"] for r in office.json()["items"]] == ["API 报送"]
    assert login(world["other_city"]).get(
        f"/api/assessment/rounds/{setup['open'].pk}/reports").status_code == 404


def test_a_task_past_its_deadline_is_not_missing_on_the_sheet(world, login, setup):
    response = login(world["city"]).get(f"/assessment/rounds/{setup['past'].pk}/sheet.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    status = {ws.cell(row=r, column=3).value: ws.cell(row=r, column=12).value
              for r in range(4, 8)}
    assert status["上半年完成的任务"] == "已过完成时限"  # due in March; this is April
    assert status["引进博士"] == "未报送"
