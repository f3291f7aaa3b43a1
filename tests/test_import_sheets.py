"""Sheets as other office suites write them (WPS, LibreOffice, Numbers, Excel's CSV and
"Unicode text"), run through the real talent importer: good rows imported exactly, bad rows
reported by the row number the clerk sees, column and cause, and never a changed value."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

import openpyxl
import pytest

from tests.core_imports import builders as b
from wutong.core.demo.generators import id_number
from wutong.core.imports import ImportRefused, summarize
from wutong.core.models import Region
from wutong.talents.imports import talent_import
from wutong.talents.models import Education, Talent

RNG = random.Random(47)


@pytest.fixture
def ids():
    return [id_number(RNG, "230602") for _ in range(4)]


def run(world, data: bytes, name: str = "花名册.xlsx", problem_path=None):
    return talent_import(user=world["district"], path=io.BytesIO(data), filename=name,
                         default_region=Region.objects.get(code="230602"),
                         problem_path=problem_path)


def lines(result) -> list[str]:
    return summarize(result.problems)


def refusal(world, data: bytes, name: str = "花名册.xlsx") -> str:
    with pytest.raises(ImportRefused) as caught:
        run(world, data, name)
    return caught.value.message


def xlsx(*values: list, **kwargs) -> bytes:
    return b.book_bytes([("Sheet1", b.worksheet(b.rows(*values)))], **kwargs)


# ---------------------------------------------------------------------------------- rows

def test_blank_rows_between_groups_are_not_rows(world, ids):
    data = xlsx(["姓名", "身份证号码", "学历"], ["张三", ids[0], "本科"], [], [None, None, None],
                ["李四", ids[1], "硕士"], [])
    result = run(world, data)
    assert result.ok, lines(result)
    assert (result.rows, result.created) == (2, 2)
    assert dict(Talent.objects.values_list("name", "education")) == {"张三": "21", "李四": "14"}


# ---------------------------------------------------------------------------------- values

def test_id_numbers_excel_made_numbers_are_refused_and_marks_are_dropped(world, ids, tmp_path):
    style = b.styles((0, 'quotePrefix="1"'))
    number = f"{float(ids[3]):.14E}"  # as Excel writes an 18-digit number: 15 digits kept
    sheet = b.worksheet(
        b.rows(["姓\u3000名 ", "\u200b身份证号码", "手机号码"])
        + b.row(2, b.cell("A2", "张\u200b三\u00a0"), b.cell("B2", "\u200b" + ids[0] + "\u00a0"),
                b.cell("C2", 13912345678))
        + b.row(3, b.cell("A3", "李四"), b.cell("B3", "'" + ids[1]), b.cell("C3", "'13912345679"))
        + b.row(4, b.cell("A4", "王五"), b.cell("B4", ids[2], style=1))
        + b.row(5, b.cell("A5", "赵六"), b.cell("B5", number, kind="n")))
    data = b.book_bytes([("Sheet1", sheet)], style=style)
    result = run(world, data, problem_path=tmp_path / "problems.xlsx")
    shown = f"{float(ids[3]):.5E}"
    assert lines(result) == [
        f"第 5 行「身份证号码」：身份证号码被 Excel 存成了数字（显示为 {shown}），最后几位"
        "已经丢失：请把该列设为“文本”格式，重新填写完整的号码"]
    assert not Talent.objects.exists()
    # Without the bad row, every value is imported exactly.
    sheet = sheet.replace(b.row(5, b.cell("A5", "赵六"), b.cell("B5", number, kind="n")), "")
    result = run(world, b.book_bytes([("Sheet1", sheet)], style=style))
    assert result.ok and result.created == 3
    got = {t.name: (t.id_number.reveal(), t.phone and t.phone.reveal())
           for t in Talent.objects.all()}
    assert got == {"张三": (ids[0], "13912345678"), "李四": (ids[1], "13912345679"),
                   "王五": (ids[2], None)}


# ---------------------------------------------------------------------------------- WPS

def upload(client, capture, data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wutong.core.models import Job

    with capture(execute=True):
        response = client.post("/talents/import/", {"file": SimpleUploadedFile(name, data),
                                                     "region": "230602"})
    if response.status_code != 302:
        return response.content.decode()
    return Job.objects.order_by("-created_at").first()


@pytest.mark.parametrize("name", ["人才花名册.et", "人才花名册.xls", "人才花名册.ett", "名单.tsv"])
def test_wps_files_are_read_by_content_whatever_their_name(world, login, ids, name,
                                                           django_capture_on_commit_callbacks):
    # WPS 表格 saves xlsx under .et, or under .xls when asked for "Excel 97-2003"; its sheets
    # have Chinese names, and its first sheet is often an empty 说明.
    roster = b.worksheet(b.rows(["姓名", "身份证号码", "学历"], ["张三", ids[0], "本科"]))
    data = b.book_bytes([("填报说明", b.worksheet("")), ("2024年人才（第一批）", roster)])
    if name.endswith(".tsv"):
        data = f"姓名\t身份证号码\t学历\r\n张三\t{ids[0]}\t本科\r\n".encode("utf-16")
    job = upload(login(world["district"]), django_capture_on_commit_callbacks, data, name)
    assert job.status == "succeeded", job.message
    assert Talent.objects.get().id_number.reveal() == ids[0]


def test_numbers_and_other_documents_are_refused_by_name(world, login,
                                                         django_capture_on_commit_callbacks):
    client = login(world["district"])
    page = upload(client, django_capture_on_commit_callbacks, b"PK\x03\x04", "名单.numbers")
    assert "暂不支持 Numbers 表格：请在 Numbers 中选择“文件 &gt; 导出为 &gt; Excel”" in page
    page = upload(client, django_capture_on_commit_callbacks, b"x", "名单.docx")
    assert "只支持 Excel（.xlsx/.xls）、WPS 表格（.et）、.ods 和 CSV 文件。" in page


# ---------------------------------------------------------------------------------- CSV

@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_csv_from_excel_imports_exactly_and_a_shifted_row_is_named(world, ids, encoding):
    sep = "\t" if encoding == "utf-16" else ","
    lines_ = [["姓名", "毕业院校", "身份证号码", "出生日期", "手机号码"],
              ["张三", '"哈尔滨工业大学\r\n（威海）"', ids[0], "1990/1/1", "13912345678"],
              ["李四", "大庆师范学院", ids[1], "1990年1月", "'13912345679"]]
    text = "\r\n".join(sep.join(line) for line in lines_) + "\r\n"
    result = run(world, text.encode(encoding), "名单.csv")
    assert result.ok, lines(result)
    zhang = Talent.objects.get(name="张三")
    assert (zhang.id_number.reveal(), zhang.phone.reveal()) == (ids[0], "13912345678")
    assert zhang.birth_date == dt.date(1990, 1, 1)
    assert Talent.objects.get(name="李四").phone.reveal() == "13912345679"
    # A school typed with a comma and no quotes pushes the ID number into the next column.
    Talent.objects.all().delete()
    shifted = text + sep.join(["王五", "北京大学", "医学部", ids[2], "1990-01-01",
                               "13912345670"]) + "\r\n"
    result = run(world, shifted.encode(encoding), "名单.csv")
    # Excel shows the row on row 4 (张三's school holds a line break): so does the message. The
    # ID number found in the date column is masked.
    assert lines(result) == [
        "第 4 行：这一行有 6 个字段，比表头的 5 列多：可能是某个单元格里有没加引号的逗号，使后面"
        "的内容错了列。请检查这一行",
        f"第 4 行「出生日期」：日期格式不正确：「{ids[2][:6]}********{ids[2][-4:]}」，应如 "
        "2023-05-01、2023.5 或 2023年5月",
        "第 4 行「手机号码」：手机号码不正确：「19******01」（应为 11 位中国大陆手机号）",
        "第 4 行「身份证号码」：身份证号码不正确：「医*部」（应为 18 位，含校验位）"]
    assert not Talent.objects.exists()


# ---------------------------------------------------------------------------------- formulas

def test_formula_cells_are_read_by_their_results_and_errors_are_named(world, ids, tmp_path):
    sheet = b.worksheet(
        b.rows(["姓名", "身份证号码", "学历", "毕业院校"])
        + b.row(2, b.cell("A2", "张三"), b.cell("B2", ids[0]), b.cell("C2", "本科"),
                '<c r="D2" t="str"><f>院校!B7</f><v>大庆师范学院</v></c>')
        + b.row(3, b.cell("A3", "李四"), '<c r="B3" t="e"><f>VLOOKUP(A3,底册!A:B,2,0)</f>'
                "<v>#N/A</v></c>")
        + b.row(4, '<c r="A4" t="e"><v>#REF!</v></c>', b.cell("B4", ids[2]))
        + "".join(b.row(r, f'<c r="B{r}" t="e"><f>VLOOKUP(A{r},底册!A:B,2,0)</f><v>#N/A</v>'
                           "</c>") for r in range(5, 200)))
    result = run(world, b.book_bytes([("名单", sheet)]), problem_path=tmp_path / "p.xlsx")
    assert lines(result) == [
        "第 3 行「身份证号码」：单元格显示公式错误「#N/A」：请改正公式，或直接填写内容",
        "第 4 行「姓名」：单元格显示公式错误「#REF!」：请改正公式，或直接填写内容"]
    copy = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert [c.value for c in copy[3]][:2] == ["李四", "#N/A"]
    sheet = sheet.split('<row r="3">')[0] + "</sheetData></worksheet>"
    result = run(world, b.book_bytes([("名单", sheet)]))
    assert result.ok and Talent.objects.get().education == "21"
    assert Education.objects.get().school == "大庆师范学院"


# ---------------------------------------------------------------------------------- sheets

def test_which_sheet_is_read_and_what_the_clerk_is_told(world, login, ids,
                                                        django_capture_on_commit_callbacks):
    head = ["姓名", "身份证号码"]
    first = b.worksheet(b.rows(head, ["张三", ids[0]]))
    second = b.worksheet(b.rows(head, ["李四", ids[1]]))
    codes = b.worksheet(b.rows(["学历", "代码"], ["本科", "21"]))
    data = b.book_bytes([("说明", b.worksheet(b.rows(["本表由各单位填报"]))),
                         ("旧表", b.worksheet(b.rows(head, ["王五", ids[2]])), "hidden"),
                         ("一季度", first), ("二季度", second), ("代码", codes, "veryHidden")],
                        active=3)
    client = login(world["district"])
    job = upload(client, django_capture_on_commit_callbacks, data, "名单.xlsx")
    assert job.status == "succeeded"
    assert job.message == (
        "导入完成：共 1 行，新建 1 人，更新 0 人。\n"
        "文件里不止一个工作表像名单：只导入了「一季度」，「二季度」没有导入。如需导入，请把它另存为"
        "单独的文件后上传。")
    assert list(Talent.objects.values_list("name", flat=True)) == ["张三"]
    # Only a hidden sheet holds a roster: it is named, nothing is imported.
    data = b.book_bytes([("Sheet1", b.worksheet("")), ("旧表", second, "hidden")])
    job = upload(client, django_capture_on_commit_callbacks, data, "名单.xlsx")
    assert job.status == "failed" and job.message == (
        "可见的工作表中没有数据，表格在隐藏的工作表「旧表」中：如要导入它，请在 Excel 或 WPS 中"
        "取消隐藏该工作表后重新上传。")
    assert Talent.objects.count() == 1


# ---------------------------------------------------------------------------------- LibreOffice

FILES = Path(__file__).parent / "core_imports" / "files"


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_rosters_import_exactly(world, suffix):
    result = run(world, (FILES / f"libreoffice-good.{suffix}").read_bytes(), f"名单.{suffix}")
    assert result.ok, lines(result)
    got = {t.name: (t.id_number.reveal(), t.sex, t.birth_date, t.phone and t.phone.reveal(),
                    t.education, t.introduced_on) for t in Talent.objects.all()}
    assert got == {
        "张三": ("230602200202203856", "M", dt.date(2002, 2, 20), "13912345678", "11",
                 dt.date(2023, 5, 1)),
        "李四": ("230602198001123649", "F", dt.date(1980, 1, 1), "13912345679", "21",
                 dt.date(2021, 3, 1)),
        "王五": ("230602198003166386", "F", dt.date(1980, 3, 16), None, "14",
                 dt.date(2020, 9, 1))}
    assert dict(Education.objects.values_list("talent__name", "school")) == {
        "张三": "哈尔滨工业大学", "李四": "东北石油大学", "王五": "大庆师范学院"}


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_rosters_with_problems(world, suffix):
    result = run(world, (FILES / f"libreoffice-bad.{suffix}").read_bytes(), f"名单.{suffix}")
    assert lines(result) == [
        "第 7 行「学历」：无法识别「博士后」，可填：博士研究生毕业、博士研究生结业、博士研究生肄业"
        "、硕士研究生毕业、硕士研究生结业、硕士研究生肄业、研究生班毕业、研究生班结业等",
        "第 7 行「毕业院校」：单元格显示公式错误「#N/A」：请改正公式，或直接填写内容",
        "第 7 行「身份证号码」：身份证号码被 Excel 存成了数字（显示为 2.30602E+17），最后几位已经"
        "丢失：请把该列设为“文本”格式，重新填写完整的号码",
        "第 8 行「出生日期」：日期格式不正确：「1986-13-21」，应如 2023-05-01、2023.5 或 2023年5月",
        "第 8 行「毕业院校」：单元格显示公式错误「#N/A」：请改正公式，或直接填写内容"]
    assert not Talent.objects.exists()


# ---------------------------------------------------------------------------------- dates

def test_dates_of_a_workbook_counting_from_1904_are_not_shifted(world, ids):
    # Excel for Mac (before 2011) counts days from 1904. A date cell reads as the date it
    # shows; a date typed into a General cell is a day count, read from 1904 too.
    style = b.styles((14, ""), (0, ""))
    sheet = b.worksheet(b.rows(["姓名", "身份证号码", "引进时间"])
                        + b.row(2, b.cell("A2", "张三"), b.cell("B2", ids[0]),
                                b.cell("C2", 43585, style=1))
                        + b.row(3, b.cell("A3", "李四"), b.cell("B3", ids[1]),
                                b.cell("C3", 43585, style=2)))
    result = run(world, b.book_bytes([("Sheet1", sheet)], style=style,
                                     workbook_pr='date1904="1"'))
    assert result.ok, lines(result)
    assert set(Talent.objects.values_list("introduced_on", flat=True)) == {dt.date(2023, 5, 1)}


def test_numbers_export_with_its_summary_sheet(world, ids):
    # Numbers' "Export to Excel" puts a summary sheet first and names each table's sheet
    # "工作表 1 - 表格 1"; dates are date cells, the ID column text.
    summary = b.worksheet(b.rows(["此文稿已从 Numbers 导出。每个表格都已转换为一个 Excel 工作表。"],
                                 [], ["工作表名称", "表格名称", "Excel 工作表名称"],
                                 ["工作表 1", "表格 1", "工作表 1 - 表格 1"]))
    style = b.styles((14, ""))
    roster = b.worksheet(b.rows(["表格 1"], ["姓名", "身份证号码", "出生日期"])
                         + b.row(3, b.cell("A3", "张三"), b.cell("B3", ids[0]),
                                 b.cell("C3", 32874, style=1)))
    data = b.book_bytes([("导出摘要", summary), ("工作表 1 - 表格 1", roster)], style=style)
    result = run(world, data)
    assert result.ok and result.notes == [], lines(result)
    assert Talent.objects.get().birth_date == dt.date(1990, 1, 1)


def test_hidden_and_filtered_rows_are_imported_like_the_others(world, ids):
    # Decision: a row hidden or filtered out is still in the file (Excel's own "save as CSV"
    # keeps it), and its row number stays the one the clerk sees after unhiding.
    sheet = b.worksheet(b.rows(["姓名", "身份证号码"], ["张三", ids[0]])
                        + b.row(3, b.cell("A3", "李四"), b.cell("B3", ids[1]),
                                attrs='hidden="1"')
                        + b.row(4, b.cell("A4", "王五"), b.cell("B4", "123"), attrs='hidden="1"'))
    result = run(world, b.book_bytes([("Sheet1", sheet)]))
    assert lines(result) == [
        "第 4 行「身份证号码」：身份证号码不正确：「1*3」（应为 18 位，含校验位）"]


def test_two_row_merged_header_as_wps_templates_have_it(world, ids):
    head = (b.row(1, b.cell("A1", "2024年人才花名册"))
            + b.row(2, b.cell("A2", "基本信息"), b.cell("C2", "学历学位"), b.cell("E2", "手机号码"))
            + b.row(3, *(b.cell(f"{c}3", v) for c, v in zip(
                "ABCD", ["姓名", "身份证号码", "学历", "学位"], strict=True))))
    data = b.book_bytes([("花名册", b.worksheet(
        head + b.row(4, *(b.cell(f"{c}4", v) for c, v in zip(
            "ABCDE", ["张三", ids[0], "博士研究生", "博士", "13912345678"], strict=True))),
        after='<mergeCells count="4"><mergeCell ref="A1:E1"/><mergeCell ref="A2:B2"/>'
              '<mergeCell ref="C2:D2"/><mergeCell ref="E2:E3"/></mergeCells>'))])
    result = run(world, data)
    assert result.ok, lines(result)
    zhang = Talent.objects.get()
    assert (zhang.education, zhang.degree, zhang.phone.reveal()) == ("11", "2", "13912345678")
