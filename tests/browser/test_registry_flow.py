"""A clerk's day with the registry, in a browser: import a messy sheet, download the problem
copy, fix it, import again, find a person by pinyin initials, open the file, export a list."""

from __future__ import annotations

import random

import openpyxl
import pytest

from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.test_browser import log_in
from wutong.core.demo.generators import id_number

pytestmark = pytest.mark.browser


def messy_sheet(path, good_id: str, bad_id: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["萨尔图区2024年高层次人才花名册"])
    ws.append([])
    ws.append(["姓名*", "公民身份号码", "学历", "手机", "引进时间"])
    ws.append(["欧阳长乐", good_id, "博士研究生", "13912345678", "2023.5"])
    ws.append(["钱多多", bad_id, "硕士", "139 0000 1111", "2022年7月"])
    wb.save(path)


def test_import_fix_reimport_search_open_export(world, live_server, page_factory, tmp_path):
    rng = random.Random(21)
    good, other = id_number(rng, "230602"), id_number(rng, "230602")
    bad = other[:-1] + ("0" if other[-1] != "0" else "1")
    sheet = tmp_path / "花名册.xlsx"
    messy_sheet(sheet, good, bad)

    page = page_factory()
    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/talents/")
    page.click("text=批量导入")
    page.set_input_files("#id_file", str(sheet))
    shot(page, "10-import-form")
    page.click("text=上传并检查")
    page.wait_for_selector("[data-testid=job-status]:has-text('失败')", timeout=20000)
    message = page.locator("[data-testid=job-message]").inner_text()
    assert "未导入任何数据" in message and "第 5 行" in message and "身份证号码" in message
    shot(page, "11-import-problems")
    with page.expect_download() as info:
        page.click("[data-testid=job-download]")
    problems = ARTIFACTS / "problems.xlsx"
    ARTIFACTS.mkdir(exist_ok=True)
    info.value.save_as(problems)

    # The clerk fixes the flagged cell in the problem copy and uploads it again.
    wb = openpyxl.load_workbook(problems)
    ws = wb.active
    for row in ws.iter_rows():
        if row[1].value == bad:
            row[1].value = other
    wb.save(problems)
    page.goto(f"{live_server.url}/talents/import/")
    page.set_input_files("#id_file", str(problems))
    page.click("text=上传并检查")
    page.wait_for_selector("[data-testid=job-status]:has-text('已完成')", timeout=20000)
    assert "新建 2 人" in page.locator("[data-testid=job-message]").inner_text()
    shot(page, "12-import-done")

    page.goto(f"{live_server.url}/talents/")
    page.fill("[data-testid=talent-search]", "oy")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.locator("tbody a", has_text="欧阳长乐").click()
    assert page.locator("[data-testid=talent-name]").inner_text().startswith("欧阳长乐")
    assert good not in page.content()  # masked on the page
    shot(page, "13-person")

    page.goto(f"{live_server.url}/talents/?q=qdd")
    assert page.locator("tbody a", has_text="钱多多").count() == 1
    page.click("text=导出 Excel")
    page.wait_for_selector("[data-testid=job-download]", timeout=20000)
    with page.expect_download() as info:
        page.click("[data-testid=job-download]")
    info.value.save_as(ARTIFACTS / "export.xlsx")
    exported = openpyxl.load_workbook(ARTIFACTS / "export.xlsx").active
    names = [r[0] for r in exported.iter_rows(min_row=2, values_only=True)]
    assert names == ["钱多多"]
    assert page.csp_errors == []
