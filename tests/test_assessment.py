"""Work plans and task lists (任务清单): import from the office's sheet (every problem by row
and column, all or nothing, units by the names people write), copying last year's list
forward, and who may see which tasks."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wutong.assessment import services as svc
from wutong.assessment.models import Task, WorkPlan
from wutong.core.models import AuditRecord, Job

HEADERS = ["序号", "重点工作", "工作任务", "责任单位", "配合单位", "量化目标", "计量单位",
           "目标要求", "完成时间", "依据文件", "是否项目化管理"]


def sheet(rows, *, headers=None, title="大庆市2025年人才工作任务清单") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    [1, "实施人才引进工程", "开展“百名博士三年引才行动”，当年引进博士", "人社局", "科技局", "35人",
     "", "", "年底前", "", "是"],
    [2, "搭建创新平台", "新建院士工作站、博士后工作站", "大庆市科学技术局", "人社局、财政局", 3,
     "个", "", "2025年6月底", "", "否"],
    [3, "优化人才服务", "落实人才子女入学、配偶就业等服务事项", "科技局", "", "", "",
     "服务事项办结率100%", "长期坚持", "", ""],
]


@pytest.fixture
def plan(world):
    from wutong.accounts.models import Unit
    Unit.objects.get_or_create(region=world["daqing_kjj"].region, name="大庆市财政局",
                               defaults={"kind": "member_unit"})
    return svc.plan_create(user=world["city"], region=world["city"].region, year=2025,
                           title="大庆市委人才工作领导小组2025年工作要点",
                           source_document="庆人才领发〔2025〕1号")


def run_import(client, capture, plan, content, name="任务清单.xlsx") -> Job:
    with capture(execute=True):
        response = client.post(f"/assessment/plans/{plan.pk}/import/",
                               {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.order_by("-created_at").first()


def test_office_imports_a_task_list(world, login, plan, django_capture_on_commit_callbacks):
    job = run_import(login(world["city"]), django_capture_on_commit_callbacks, plan,
                     sheet(GOOD))
    assert job.status == "succeeded", job.message
    assert "新增 3 项" in job.message
    phd, platforms, service = Task.objects.filter(plan=plan).order_by("seq")
    assert phd.lead_unit == world["daqing_rsj"]
    assert list(phd.co_units.all()) == [world["daqing_kjj"]]
    assert phd.target_value == Decimal("35") and phd.target_measure == "人"
    assert phd.deadline == dt.date(2025, 12, 31) and phd.is_project
    assert phd.source_document == "庆人才领发〔2025〕1号"  # the plan's, when the row has none
    assert platforms.lead_unit == world["daqing_kjj"] and platforms.target_display == "3个"
    assert {u.name for u in platforms.co_units.all()} == {"大庆市人力资源和社会保障局",
                                                          "大庆市财政局"}
    assert platforms.deadline == dt.date(2025, 6, 30)
    assert service.deadline is None and service.deadline_text == "长期坚持"
    assert service.target_display == "服务事项办结率100%"
    assert AuditRecord.objects.filter(object_type="assessment.Task", action="create").exists()
    page = login(world["city"]).get(f"/assessment/plans/{plan.pk}/")
    assert "百名博士三年引才行动" in page.content.decode()


def test_every_problem_is_reported_and_nothing_is_written(world, login, plan,
                                                          django_capture_on_commit_callbacks):
    rows = [*GOOD,
            [4, "", "建设人才公寓", "宇宙局", "科技局、月亮办", "200套", "", "", "下个月", "", ""],
            [4, "", "", "科技局", "", "", "", "", "", "", ""]]
    job = run_import(login(world["city"]), django_capture_on_commit_callbacks, plan,
                     sheet(rows))
    assert job.status == "failed"
    assert "未导入任何数据" in job.message
    assert "第 6 行「责任单位」：「宇宙局」不是大庆市的成员单位" in job.message
    assert "「月亮办」不是大庆市的成员单位" in job.message
    assert "第 6 行「完成时间」：无法识别时限「下个月」" in job.message
    assert "第 7 行「序号」：与第 6 行的序号重复" in job.message
    assert "第 7 行「工作任务」：必填，不能为空" in job.message
    assert not Task.objects.filter(plan=plan).exists()
    response = login(world["city"]).get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    copy = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = copy.active
    assert ws.cell(row=2, column=len(HEADERS) + 1).value == "问题说明"
    assert "宇宙局" in ws.cell(row=6, column=len(HEADERS) + 1).value


def test_reimport_updates_the_same_tasks(world, login, plan, django_capture_on_commit_callbacks):
    client = login(world["city"])
    run_import(client, django_capture_on_commit_callbacks, plan, sheet(GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][5] = "40人"
    job = run_import(client, django_capture_on_commit_callbacks, plan, sheet(changed))
    assert job.status == "succeeded", job.message
    assert "新增 0 项，更新 3 项" in job.message
    assert Task.objects.filter(plan=plan).count() == 3
    assert Task.objects.get(plan=plan, seq=1).target_value == 40


def test_a_sheet_without_the_required_columns_is_refused(world, login, plan,
                                                         django_capture_on_commit_callbacks):
    job = run_import(login(world["city"]), django_capture_on_commit_callbacks, plan,
                     sheet([["x", "y"]], headers=["序号", "备注"]))
    assert job.status == "failed"
    assert "缺少必填列：任务内容、牵头单位" in job.message


def test_other_places_cannot_import_or_see_the_plan(world, login, plan):
    for user in ("other_city", "district"):
        client = login(world[user])
        assert client.get(f"/assessment/plans/{plan.pk}/").status_code == 404
        assert client.post(f"/assessment/plans/{plan.pk}/import/",
                           {"file": SimpleUploadedFile("a.xlsx", sheet(GOOD))}).status_code == 404
    # member units may not import at all
    assert login(world["member"]).get(f"/assessment/plans/{plan.pk}/import/").status_code == 403


def test_the_administrator_is_told_to_use_an_office_account(world, login):
    response = login(world["admin"]).get("/assessment/plans/new/")
    assert response.status_code == 403
    assert "请使用所在地区人才办的账号操作" in response.content.decode()
    assert login(world["admin"]).get("/assessment/systems/new/").status_code == 403


def test_template_downloads(world, login):
    response = login(world["city"]).get("/assessment/import/template/")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.active.cell(row=1, column=3).value == "任务内容*"


def test_copy_last_years_list_forward(world, login, plan, django_capture_on_commit_callbacks):
    client = login(world["city"])
    run_import(client, django_capture_on_commit_callbacks, plan, sheet(GOOD))
    response = client.post(f"/assessment/plans/{plan.pk}/copy/")
    new = WorkPlan.objects.get(region=plan.region, year=2026)
    assert response.status_code == 302 and response.url == f"/assessment/plans/{new.pk}/"
    assert new.title == "大庆市委人才工作领导小组2026年工作要点"
    copies = list(Task.objects.filter(plan=new).order_by("seq"))
    assert [t.title for t in copies] == [t.title for t in plan.tasks.order_by("seq")]
    assert copies[1].deadline == dt.date(2026, 6, 30)
    assert {u.pk for u in copies[1].co_units.all()} == {
        u.pk for u in plan.tasks.get(seq=2).co_units.all()}
    again = client.post(f"/assessment/plans/{plan.pk}/copy/", follow=True)
    assert "2026 年的工作要点已存在" in again.content.decode()
    assert WorkPlan.objects.filter(region=plan.region).count() == 2


def test_unit_staff_see_only_their_own_tasks(world, login, plan,
                                             django_capture_on_commit_callbacks):
    run_import(login(world["city"]), django_capture_on_commit_callbacks, plan, sheet(GOOD))
    page = login(world["member"]).get(f"/assessment/plans/{plan.pk}/").content.decode()
    assert "院士工作站" in page and "百名博士" not in page
    phd = Task.objects.get(plan=plan, seq=1)
    assert login(world["member"]).get(f"/assessment/tasks/{phd.pk}/").status_code == 404
    assert login(world["member_other"]).get(f"/assessment/tasks/{phd.pk}/").status_code == 200
    assert login(world["other_city"]).get(f"/assessment/tasks/{phd.pk}/").status_code == 404


def test_demo_builds_each_place_and_is_idempotent(db):
    from django.core.management import call_command
    from django.utils import timezone

    from wutong.assessment.models import (
        IndicatorSystem,
        LeaderReport,
        ProgressReport,
        UnitScore,
    )

    call_command("demo_seed", "--talents-per-place", "30", stdout=io.StringIO())
    year = timezone.localdate().year
    plans = WorkPlan.objects.filter(year=year)
    assert plans.count() == 5
    for plan in plans:
        assert plan.tasks.count() >= 16 and plan.tasks.filter(is_project=True).exists()
        assert plan.rounds.count() == timezone.localdate().month
        assert WorkPlan.objects.filter(region=plan.region, year=year - 1).exists()
    assert ProgressReport.objects.filter(is_late=True).exists()
    assert Task.objects.filter(plan__region__name="二道区", title__contains="东城梧桐").exists()
    assert UnitScore.objects.filter(system__year=year).count() >= 5 * 10
    assert IndicatorSystem.objects.filter(year=year, scored_at__isnull=False).count() == 5
    assert LeaderReport.objects.filter(region__name="辽阳市", post__endswith="委书记").count() == 7
    counts = (Task.objects.count(), ProgressReport.objects.count(), UnitScore.objects.count())
    call_command("demo_seed", "--talents-per-place", "30", stdout=io.StringIO())
    assert (Task.objects.count(), ProgressReport.objects.count(),
            UnitScore.objects.count()) == counts


def test_office_adds_and_corrects_a_task(world, login, plan):
    client = login(world["city"])
    url = f"/assessment/plans/{plan.pk}/tasks/new/"
    empty = client.post(url, {"seq": "1", "title": "引进博士", "lead_unit": str(
        world["daqing_rsj"].pk)})
    assert "请填写目标值或目标要求" in empty.content.decode()
    other = client.post(url, {"seq": "1", "title": "引进博士", "target_value": "35",
                              "lead_unit": str(world["liaoyang_kjj"].pk)})
    assert other.status_code == 200 and not Task.objects.exists()  # not a choice here
    response = client.post(url, {"seq": "1", "title": "引进博士", "target_value": "35",
                                 "target_measure": "人", "lead_unit": str(world["daqing_rsj"].pk),
                                 "co_units": [str(world["daqing_kjj"].pk)],
                                 "deadline": "2025-12-31"})
    task = Task.objects.get()
    assert response.status_code == 302 and task.target_display == "35人"
    assert list(task.co_units.all()) == [world["daqing_kjj"]]
    edit = f"/assessment/plans/{plan.pk}/tasks/{task.pk}/edit/"
    assert "引进博士" in client.get(edit).content.decode()
    client.post(edit, {"seq": "1", "title": "引进博士", "target_value": "40",
                       "lead_unit": str(world["daqing_kjj"].pk)})
    task.refresh_from_db()
    assert task.target_value == 40 and task.lead_unit == world["daqing_kjj"]
    assert not task.co_units.exists()
    assert AuditRecord.objects.filter(object_type="assessment.Task", action="update").exists()
    duplicate = client.post(url, {"seq": "1", "title": "另一项", "target_text": "完成",
                                  "lead_unit": str(world["daqing_kjj"].pk)})
    assert "序号 1 已被其他任务使用" in duplicate.content.decode()
    assert login(world["member"]).get(edit).status_code == 403
    assert login(world["other_city"]).get(edit).status_code == 404


def test_the_import_page_lists_the_units_people_may_name(world, login, plan):
    page = login(world["city"]).get(f"/assessment/plans/{plan.pk}/import/").content.decode()
    assert "大庆市科学技术局" in page and "大庆市财政局" in page
    assert "辽阳市科学技术局" not in page
