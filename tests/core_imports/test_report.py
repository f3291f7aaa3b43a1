"""The annotated copy a clerk downloads, fixes and uploads again, and the summary on the page."""

from __future__ import annotations

import datetime as dt

import openpyxl

from wutong.core.imports import (
    PROBLEM_COLUMN,
    Column,
    Problem,
    Table,
    match_headers,
    parse_rows,
    parsers,
    read_table,
    summarize,
    write_problem_copy,
)

RED = "FFFFC7CE"


def table() -> Table:
    return Table("花名册", ["姓名", "学历", "手机号码", "出生日期", "备注"], [
        ["张三", "博士", "13912345678", dt.date(1980, 5, 1), "=HYPERLINK(\"http://x\")"],
        ["李四", "博士后", "1391234", dt.datetime(1981, 2, 3, 4, 5, 6), None],
        [None, None, None, None, None],
        ["王五", "本科", 13912345678.0, None, "@SUM(A1)"],
    ], first_data_row=4)


PROBLEMS = [
    Problem(5, "学历", "无法识别「博士后」"),
    Problem(5, "手机号码", "手机号码不正确：「13*****34」（应为 11 位中国大陆手机号）"),
    Problem(7, "出生日期", "必填，不能为空"),
    Problem(7, None, "与第 4 行重复"),
]


def test_problem_copy(tmp_path):
    path = tmp_path / "问题.xlsx"
    write_problem_copy(table(), PROBLEMS, path)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "花名册"
    # The header sits right above the data, so every data row keeps its row number.
    assert ws["A1"].value == ("共 2 行有问题，已在最后一列“问题说明”中写明并把有问题的格子"
                              "标为红色；改正后可直接上传本文件。")
    assert [c.value for c in ws[3]] == ["姓名", "学历", "手机号码", "出生日期", "备注",
                                        PROBLEM_COLUMN]
    assert [c.value for c in ws[4]][:3] == ["张三", "博士", "13912345678"]
    assert ws["F4"].value is None  # good rows are kept, without a note
    assert ws["F5"].value == ("学历：无法识别「博士后」；手机号码：手机号码不正确：「13*****34」"
                              "（应为 11 位中国大陆手机号）")
    assert ws["F7"].value == "出生日期：必填，不能为空；与第 4 行重复"
    assert [c.value for c in ws[6]] == [None] * 6
    # Problem cells are filled light red, others are not.
    assert ws["B5"].fill.fgColor.rgb == RED
    assert ws["C5"].fill.fgColor.rgb == RED
    assert ws["D7"].fill.fgColor.rgb == RED  # an empty cell with a problem too
    assert ws["A5"].fill.fgColor.rgb != RED
    assert ws["B4"].fill.fgColor.rgb != RED
    # Values as read: dates as dates, numbers as numbers, text never a formula.
    assert ws["D4"].value == dt.datetime(1980, 5, 1)
    assert ws["D4"].number_format == "yyyy-mm-dd"
    assert ws["D5"].value == dt.datetime(1981, 2, 3, 4, 5, 6)
    assert ws["C7"].value == 13912345678
    assert ws["E4"].value == "=HYPERLINK(\"http://x\")"
    assert ws["E4"].data_type == "s"
    assert ws["E7"].data_type == "s"


def test_problem_copy_of_a_table_starting_at_row_two(tmp_path):
    path = tmp_path / "copy.xlsx"
    write_problem_copy(Table("", ["姓名"], [["张三"]], first_data_row=2),
                       [Problem(2, "姓名", "太短")], path)
    ws = openpyxl.load_workbook(path).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["姓名", PROBLEM_COLUMN], ["张三", "姓名：太短"]]


def test_sheet_names_excel_refuses_are_replaced(tmp_path):
    path = tmp_path / "copy.xlsx"
    write_problem_copy(Table("2024/人才:名单[一]", ["姓名"], [["张三"]], 2), [], path)
    assert openpyxl.load_workbook(path).active.title == "2024_人才_名单_一_"


def test_fixed_copy_uploads_again(tmp_path):
    """The clerk's round trip: upload, download the copy, fix it, upload it again."""
    columns = [Column("name", "姓名", required=True), Column(
        "education", "学历", parse=parsers.choice(parsers.EDUCATION_SYNONYMS))]
    original = tmp_path / "original.xlsx"
    wb = openpyxl.Workbook()
    for row in (["2024年人才花名册"], [], ["姓名", "学历"], ["张三", "博士"], ["李四", "博士后"]):
        wb.active.append(row)
    wb.save(original)

    first = read_table(original, filename="original.xlsx", known_headers={"姓名", "学历"})
    result = parse_rows(first, columns)
    assert [(p.row, p.column) for p in result.problems] == [(5, "学历")]
    copy = tmp_path / "copy.xlsx"
    write_problem_copy(first, result.problems, copy)

    wb = openpyxl.load_workbook(copy)
    wb.active["B5"] = "博士研究生"
    wb.save(copy)
    again = read_table(copy, filename="copy.xlsx", known_headers={"姓名", "学历"})
    assert again.first_data_row == 4
    match = match_headers(again.headers, columns)
    assert match.unknown == []  # the 问题说明 column is ignored
    assert parse_rows(again, columns, match).problems == []


def test_summarize():
    # In row order; within a row, in the order found.
    assert summarize(PROBLEMS[2:] + PROBLEMS[:2]) == [
        "第 5 行「学历」：无法识别「博士后」",
        "第 5 行「手机号码」：手机号码不正确：「13*****34」（应为 11 位中国大陆手机号）",
        "第 7 行「出生日期」：必填，不能为空",
        "第 7 行：与第 4 行重复",
    ]


def test_summarize_stops_at_two_hundred_lines():
    problems = [Problem(row, "姓名", "必填，不能为空") for row in range(2, 502)]
    lines = summarize(problems)
    assert len(lines) == 200
    assert lines[0] == "第 2 行「姓名」：必填，不能为空"
    assert lines[198] == "第 200 行「姓名」：必填，不能为空"
    assert lines[199] == "……另有 301 个问题未列出，请下载标注了问题的表格查看。"
    assert len(summarize(problems[:200])) == 200
