"""Issue 6's "Done when", the assessment part, in a browser: the office creates the year's
work plan and imports its task list (a first sheet with an unknown unit is refused with the
problem named by row and column), opens the month's dispatch; 科技局 reports on time; the due
day passes, the office sees 人社局 has not reported and chases it; 人社局 sees the chase and
reports late; the office comments and prints the sheet; then it sets up the indicator system,
scores the year, and follows a computed value to the records behind it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from wutong.assessment.models import Chase, DispatchRound, ProgressReport, UnitScore

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/assessment-shots")
YEAR = timezone.localdate().year


def snap(page, name: str) -> None:
    shot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sheet(path: Path, lead_of_third: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"大庆市{YEAR}年人才工作任务清单"])
    ws.append(["序号", "工作要点", "任务内容", "牵头单位", "配合单位", "目标值", "计量单位",
               "目标要求", "完成时限", "项目化管理"])
    ws.append([1, "平台建设", "新建院士工作站、博士后科研工作站", "科技局", "人社局", 3, "个", "",
               "年底前", "是"])
    ws.append([2, "平台建设", "推动科技特派员服务行政村全覆盖", "科技局", "", "", "",
               "每个行政村至少1名科技特派员", "年底前", "否"])
    ws.append([3, "人才引进", "开展“百名博士三年引才行动”，当年引进博士", lead_of_third, "科技局",
               "35人", "", "", "年底前", "是"])
    out = io.BytesIO()
    wb.save(out)
    path.write_bytes(out.getvalue())
    return path


def _log_out(page, live_server) -> None:
    page.click("text=退出")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")


def test_task_list_to_scores(world, live_server, page_factory, tmp_path):
    page = page_factory()
    log_in(page, live_server, "city")
    page.click("#wt-sidebar >> text=任务调度")
    page.click("[data-testid=plan-new]")
    page.fill("#id_year", str(YEAR))
    page.fill("#id_title", f"大庆市委人才工作领导小组{YEAR}年工作要点")
    page.fill("#id_source_document", f"庆人才领发〔{YEAR}〕1号")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=plan-title]")

    # A sheet naming a unit that does not exist: refused, the problem named, nothing written.
    page.click("[data-testid=import-link]")
    snap(page, "60-import-page")
    page.set_input_files("#id_file", str(sheet(tmp_path / "清单-有误.xlsx", "人才局")))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=job-status]:has-text('失败')")
    message = page.inner_text("[data-testid=job-message]")
    assert "第 5 行「牵头单位」：「人才局」不是大庆市的成员单位" in message
    assert page.locator("[data-testid=job-download]").is_visible()
    snap(page, "61-import-problems")
    page.go_back()
    page.set_input_files("#id_file", str(sheet(tmp_path / "清单.xlsx", "人社局")))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=job-status]:has-text('完成')")
    assert "新增 3 项" in page.inner_text("[data-testid=job-message]")
    page.goto(f"{live_server.url}/assessment/")
    page.click(f"text={YEAR}年工作要点")
    assert page.locator("[data-testid=task-table] tbody tr").count() == 3

    # The month's dispatch, due today.
    month = timezone.localdate().month
    page.fill("#id_month", str(month))
    page.fill("#id_due_on", timezone.localdate().isoformat())
    page.click("[data-testid=round-open]")
    page.wait_for_selector("[data-testid=status-table]")
    snap(page, "62-plan-round-opened")
    round_ = DispatchRound.objects.get()
    _log_out(page, live_server)

    # 科技局 reports both its tasks on time (one with a proof).
    proof = tmp_path / "批复.pdf"
    proof.write_bytes(b"%PDF-1.4\n% proof\n%%EOF\n")
    log_in(page, live_server, "member")
    page.goto(f"{live_server.url}/assessment/rounds/{round_.pk}/")
    assert page.locator("[data-testid=my-tasks] li").count() == 2
    for seq, value in ((1, "2"), (2, "")):
        page.click(f"[data-testid=report-{seq}]")
        page.fill("#id_value_reached", value)
        page.fill("#id_done", "完成选址论证，2家企业提交申报材料")
        page.fill("#id_problems", "资金拨付流程较长")
        if seq == 1:
            page.set_input_files("#id_proof", str(proof))
        page.click("[data-testid=report-submit]")
        page.wait_for_selector("text=已报送")
    snap(page, "63-unit-reported")
    phone = page_factory(width=375, height=812, mobile=True)
    log_in(phone, live_server, "member")
    phone.goto(f"{live_server.url}/assessment/rounds/{round_.pk}/")
    snap(phone, "64-unit-round-phone")
    _log_out(page, live_server)

    # The due day passes; 人社局 has not reported; the office chases it.
    DispatchRound.objects.filter(pk=round_.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1))
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/assessment/rounds/{round_.pk}/")
    rsj = world["daqing_rsj"]
    row = page.locator(f"[data-testid=status-{rsj.pk}]")
    assert row.locator("td").nth(4).inner_text() == "1"
    row.locator("input[name=note]").fill("请今日下班前报送")
    page.click(f"[data-testid=chase-{rsj.pk}]")
    page.wait_for_selector("text=已向大庆市人力资源和社会保障局催报")
    assert Chase.objects.filter(unit=rsj).count() == 1
    snap(page, "65-office-chased")
    _log_out(page, live_server)

    # 人社局 sees the chase and reports, late.
    log_in(page, live_server, "member_other")
    page.goto(f"{live_server.url}/assessment/rounds/{round_.pk}/")
    assert "请今日下班前报送" in page.inner_text("[data-testid=chase-notice]")
    page.click("[data-testid=report-3]")
    assert "本次报送将计为逾期" in page.inner_text("main")
    page.fill("#id_value_reached", "30")
    page.fill("#id_done", "第一批引进博士30人，完成结构化面试")
    page.click("[data-testid=report-submit]")
    page.wait_for_selector("text=已报送")
    assert ProgressReport.objects.get(task__seq=3).is_late
    snap(page, "66-late-report")
    _log_out(page, live_server)

    # The office comments and prints the sheet.
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/assessment/rounds/{round_.pk}/")
    page.locator("[data-testid=report-1] input[name=comment]").fill("进度符合要求")
    page.click("[data-testid=report-1] [data-testid=comment-submit]")
    page.wait_for_selector("text=意见已保存。")
    with page.expect_download() as download:
        page.click("[data-testid=sheet-xlsx]")
    saved = tmp_path / "调度表.xlsx"
    download.value.save_as(saved)
    ws = openpyxl.load_workbook(saved).active
    assert "调度表" in ws.cell(row=1, column=1).value
    assert {ws.cell(row=r, column=12).value for r in (4, 5, 6)} == {"按时报送", "逾期报送"}
    snap(page, "67-office-round")

    # The indicator system, scored; a computed value opens the records behind it.
    page.goto(f"{live_server.url}/assessment/systems/")
    page.click("[data-testid=system-new]")
    page.fill("#id_year", str(YEAR))
    page.fill("#id_title", f"{YEAR}年人才工作目标责任制考核")
    for box in page.locator("input[name=units]").all():
        box.uncheck()
    page.check(f"input[name=units][value='{world['daqing_kjj'].pk}']")
    page.check(f"input[name=units][value='{rsj.pk}']")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=indicator-table]")
    for name, key, points, part in (("月度调度按时报送", "dispatch_on_time", "40", "basic"),
                                    ("牵头任务完成", "tasks_completed", "40", "basic")):
        page.click("[data-testid=indicator-new]")
        page.select_option("#id_part", part)
        page.fill("#id_name", name)
        page.fill("#id_points", points)
        page.select_option("#id_method", "computed")
        page.select_option("#id_measure_key", key)
        page.fill("#id_target", "100")
        page.click("[data-testid=submit]")
        page.wait_for_selector("text=指标已添加。")
    page.click("[data-testid=score-run]")
    page.wait_for_selector("text=已完成计分：2 个单位。")
    snap(page, "68-scores")
    scores = {s.unit_id: s for s in UnitScore.objects.all()}
    assert scores[world["daqing_kjj"].pk].rank == 1
    assert scores[rsj.pk].basic == 0  # its only report was late
    page.click(f"[data-testid=score-table] >> text={world['daqing_kjj'].name}")
    page.wait_for_selector("[data-testid=line-table]")
    snap(page, "69-score-detail")
    page.locator("[data-testid=line-table] a").first.click()
    page.wait_for_selector("[data-testid=records]")
    assert "按时报送 2 次" in page.inner_text("[data-testid=measure-value]")
    snap(page, "70-records-behind")
    assert not page.csp_errors, page.csp_errors
