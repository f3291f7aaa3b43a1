"""Headers as offices write them, matched to columns; whole tables parsed into records and
problems."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core_imports import builders
from wutong.core.imports import (
    Column,
    Table,
    known_headers,
    match_headers,
    normalize_header,
    parse_rows,
    parsers,
    read_table,
)


@pytest.mark.parametrize(("header", "expected"), [
    ("姓名", "姓名"),
    ("* 姓名", "姓名"),
    ("＊姓名（必填）", "姓名"),
    ("身份证\n号码：", "身份证号码"),
    ("手机号码(选填)", "手机号码"),
    ("  学\u3000历 ", "学历"),
    ("※备注", "备注"),
    ("E-Mail", "e-mail"),
    ("出生日期:", "出生日期"),
    ("【必填】工作单位", "工作单位"),
    ("\ufeff序号", "序号"),
    ("年薪（万元）", "年薪(万元)"),
    (None, ""),
])
def test_normalize_header(header, expected):
    assert normalize_header(header) == expected


COLUMNS = [
    Column("name", "姓名", required=True, parse=parsers.text_parser(20)),
    Column("id_number", "身份证号码", synonyms=("身份证号", "证件号码"), required=True,
           parse=parsers.id_number),
    Column("phone", "手机号码", synonyms=("手机", "联系电话"), parse=parsers.mobile),
    Column("education", "学历", parse=parsers.choice(parsers.EDUCATION_SYNONYMS)),
    Column("born", "出生日期", synonyms=("出生年月",), parse=parsers.date),
    Column("note", "备注"),
]


def test_match_headers():
    match = match_headers(["序号", "* 姓 名", "身份证号（必填）", "联系电话", "籍贯", "",
                           "手机号码", "问题说明"], COLUMNS)
    assert match.index == {"name": 1, "id_number": 2, "phone": 3}
    assert match.unknown == ["序号", "籍贯"]
    assert match.duplicates == ["手机号码"]
    assert match.missing == []
    assert not match.ok
    assert match.messages() == ["列「手机号码」重复出现，只读取了第一列"]


def test_missing_required_columns():
    match = match_headers(["姓名", "学历"], COLUMNS)
    assert [c.key for c in match.missing] == ["id_number"]
    assert match.messages() == ["缺少必填列「身份证号码」"]


def test_known_headers_and_conflicting_synonyms():
    assert {"姓名", "身份证号", "证件号码", "出生年月", "备注"} <= known_headers(COLUMNS)
    with pytest.raises(ValueError, match="names both"):
        match_headers(["姓名"], [Column("a", "姓名"), Column("b", "名字", synonyms=("姓 名",))])


def test_parse_rows_collects_every_problem_by_sheet_row():
    table = Table("花名册", ["姓名", "身份证号码", "手机", "学历", "出生日期", "备注"], [
        ["张三", "11010519491231002X", 13912345678.0, "博士", "1949.12", None],
        [None, None, None, None, None, None],
        [None, "110105194912310021", "12345", "博士后", "2023-02-30", "备注文字"],
        ["李四", "110105491231002", None, None, dt.date(1949, 12, 31), None],
    ], first_data_row=4)
    result = parse_rows(table, COLUMNS)
    assert [row for row, _ in result.records] == [4, 6, 7]
    assert result.records[0][1] == {
        "name": "张三", "id_number": "11010519491231002X", "phone": "13912345678",
        "education": "11", "born": dt.date(1949, 12, 1), "note": None}
    assert result.records[2][1]["id_number"] == "11010519491231002X"
    assert result.records[1][1] == {"name": None, "id_number": None, "phone": None,
                                    "education": None, "born": None, "note": "备注文字"}
    assert [(p.row, p.column) for p in result.problems] == [
        (6, "姓名"), (6, "身份证号码"), (6, "手机"), (6, "学历"), (6, "出生日期")]
    messages = [p.message for p in result.problems]
    assert messages[0] == "必填，不能为空"
    assert messages[1] == "身份证号码不正确：「110105********0021」（应为 18 位，含校验位）"
    assert messages[2] == "手机号码不正确：「*****」（应为 11 位中国大陆手机号）"
    assert messages[3].startswith("无法识别「博士后」，可填：")
    assert messages[4] == "日期格式不正确：「2023-02-30」，应如 2023-05-01、2023.5 或 2023年5月"
    assert result.bad_rows == {6}


def test_parse_rows_names_formula_cells_and_the_problems_found_while_reading():
    from wutong.core.imports import Problem
    from wutong.core.imports.columns import FormulaError

    table = Table("花名册", ["姓名", "身份证号码", "学历"], [
        [FormulaError("#N/A"), "11010519491231002X", FormulaError("")],
        ["张三", "11010519491231002X", "本科"],
    ], first_data_row=2, problems=[Problem(3, None, "这一行错了列")])
    result = parse_rows(table, COLUMNS)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, None, "这一行错了列"),
        (2, "姓名", "单元格显示公式错误「#N/A」：请改正公式，或直接填写内容"),  # not also "必填"
        (2, "学历", "单元格是公式，但文件里没有它的计算结果：请用 Excel 或 WPS 打开、保存后再上传，"
                    "或直接填写内容")]


def test_roster_as_offices_send_it(tmp_path):
    """A title, a blank row, headers with markers and synonyms, and values typed every way."""
    path = tmp_path / "roster.xlsx"
    builders.write_xlsx(path, [
        ["2024年度高层次人才花名册（第一批）"],
        [None],
        ["序号", "*姓名", "身份证号\n（必填）", "联系电话", "学历", "出生年月"],
        [1, "张三", "110105194912310０2x", "139 1234 5678", "研究生（博士）", 1949.12],
        [2, "李四", "110105491231002", 13912345678, "大学本科", "1949年12月"],
        [3, "王五", 1.10105194912310e17, "+86 139-1234-5678", "本科", 18264],
    ], merges=["A1:F1"])
    table = read_table(path, filename="roster.xlsx", known_headers=known_headers(COLUMNS))
    match = match_headers(table.headers, COLUMNS)
    assert match.ok and match.unknown == ["序号"]
    result = parse_rows(table, COLUMNS, match)
    assert [(row, record["id_number"], record["education"], record["born"])
            for row, record in result.records] == [
        (4, "11010519491231002X", "11", dt.date(1949, 12, 1)),
        (5, "11010519491231002X", "21", dt.date(1949, 12, 1)),
        (6, None, "21", dt.date(1950, 1, 1)),
    ]
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (6, "身份证号 （必填）", "身份证号码被 Excel 存成了数字（显示为 1.10105E+17），最后几位已经"
                                 "丢失：请把该列设为“文本”格式，重新填写完整的号码")]


def test_a_memoized_parser_answers_like_the_parser_for_every_repeat():
    from wutong.core.imports import parsers
    from wutong.core.imports.columns import memoized
    from wutong.core.imports.errors import CellError

    calls = []

    def counting(cell):
        calls.append(cell)
        return parsers.choice(parsers.EDUCATION_SYNONYMS)(cell)

    parse = memoized(counting)
    assert [parse("博士研究生") for _ in range(3)] == [counting("博士研究生")] * 3
    assert calls.count("博士研究生") == 2  # once through the cache, once directly
    for _ in range(2):  # a refused value is refused every time it comes back
        with pytest.raises(CellError):
            parse("博士后")
    seen = []
    typed = memoized(lambda cell: seen.append(cell) or type(cell).__name__)
    assert (typed(1), typed(True), typed(1.0)) == ("int", "bool", "float")
