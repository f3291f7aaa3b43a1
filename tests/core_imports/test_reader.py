"""Reading uploads: formats decided by content, header rows found below titles, sheets chosen,
and every unreadable file refused with the message a clerk sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core_imports import builders
from wutong.core.imports import ImportRefused, read_table
from wutong.core.imports.columns import FormulaError

UNKNOWN = "无法识别的文件格式：请上传 Excel（.xlsx/.xls）或 CSV 文件。"
CORRUPT = "文件已损坏或格式不正确，无法读取。"
EMPTY = "文件中没有数据。"
TOO_WIDE = "列数超过上限（最多 5 列），请删除不需要导入的列后重新上传。"
KNOWN = {"姓名", "身份证号码", "手机号码", "学历", "学位", "出生日期"}


def refused(path, **kwargs) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_table(path, filename=str(path), **kwargs)
    return caught.value.message


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------- xlsx

def test_title_row_blank_row_then_header(tmp_path):
    path = tmp_path / "roster.xlsx"
    builders.write_xlsx(path, [
        ["2024年高层次人才花名册"],
        [],
        ["序号", "姓名", "身份证号码", "出生日期"],
        [1, "张三", "11010519491231002X", dt.date(1949, 12, 31)],
        [2, "李四", "11010519491231002X", None],
        [],
        [3, "王五", None, "1980.5"],
        [None, "   ", None, None],  # only spaces: blank
        [],
    ], merges=["A1:D1"])
    table = read_table(path, filename="roster.xlsx", known_headers=KNOWN)
    assert table.format == "xlsx"
    assert table.headers == ["序号", "姓名", "身份证号码", "出生日期"]
    assert table.header_row == 3
    assert table.first_data_row == 4
    assert table.rows == [
        [1.0, "张三", "11010519491231002X", dt.date(1949, 12, 31)],
        [2.0, "李四", "11010519491231002X", None],
        [None, None, None, None],
        [3.0, "王五", None, "1980.5"],
    ]
    assert [n for n, _ in table.iter_rows()] == [4, 5, 7]
    # Without known headers the title row (one cell) is not taken for the header either.
    assert read_table(path, filename="roster.xlsx").headers == table.headers


def test_two_row_header_with_merged_group(tmp_path):
    path = tmp_path / "merged.xlsx"
    builders.write_xlsx(path, [
        ["人才花名册"],
        ["姓名", "学历学位", None, "手机号码"],
        [None, "学历", "学位", None],
        ["张三", "博士研究生", "博士", "13912345678"],
    ], merges=["A1:D1", "A2:A3", "B2:C2", "D2:D3"])
    for known in (KNOWN, None):
        table = read_table(path, filename="merged.xlsx", known_headers=known)
        assert table.headers == ["姓名", "学历", "学位", "手机号码"]
        assert table.header_row == 2
        assert table.first_data_row == 4
        assert table.rows == [["张三", "博士研究生", "博士", "13912345678"]]


def test_two_row_header_found_from_its_lower_row(tmp_path):
    # Only one known header in the upper row: the lower row is found first, and the group
    # row above it is combined in.
    path = tmp_path / "lower.xlsx"
    builders.write_xlsx(path, [
        ["姓名", "学历学位", None, "联系方式"],
        [None, "学历", "学位", None],
        ["张三", "本科", "学士", "13912345678"],
    ], merges=["A1:A2", "B1:C1", "D1:D2"])
    table = read_table(path, filename="lower.xlsx", known_headers={"学历", "学位", "姓名"})
    assert table.headers == ["姓名", "学历", "学位", "联系方式"]
    assert table.first_data_row == 3


def test_sub_headers_repeated_under_two_groups_are_qualified(tmp_path):
    path = tmp_path / "groups.xlsx"
    builders.write_xlsx(path, [
        ["姓名", "第一学历", None, "最高学历", None],
        [None, "学历", "学位", "学历", "学位"],
        ["张三", "本科", "学士", "博士研究生", "博士"],
    ], merges=["A1:A2", "B1:C1", "D1:E1"])
    table = read_table(path, filename="groups.xlsx")
    assert table.headers == ["姓名", "第一学历学历", "第一学历学位", "最高学历学历", "最高学历学位"]


def test_instruction_and_empty_sheets_are_skipped(tmp_path):
    path = tmp_path / "sheets.xlsx"
    builders.write_xlsx(path, [["姓名", "手机号码"], ["张三", "13912345678"]], title="花名册",
                        before=[("填表说明", [["1. 姓名必填"], ["2. 手机号码填11位"]], "visible"),
                                ("空表", [], "visible"),
                                ("隐藏的字典", [["学历", "代码"], ["本科", "21"]], "hidden")])
    table = read_table(path, filename="sheets.xlsx", known_headers=KNOWN)
    assert table.sheet_name == "花名册"
    assert table.rows == [["张三", "13912345678"]]


def test_sheet_with_known_headers_wins_over_an_earlier_table(tmp_path):
    path = tmp_path / "summary.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"], ["张三", "本科"]], title="花名册", before=[
        ("汇总", [["单位", "人数"], ["甲单位", 3]], "visible")])
    assert read_table(path, filename="s.xlsx", known_headers=KNOWN).sheet_name == "花名册"
    assert read_table(path, filename="s.xlsx").sheet_name == "汇总"
    assert read_table(path, filename="s.xlsx", known_headers={"籍贯", "民族"}).sheet_name == "汇总"


def test_hidden_sheets_are_never_read(tmp_path):
    # A clerk imports what they see: a table only on a hidden sheet is named, not imported;
    # a "very hidden" sheet (only a program can show it: a drop-down's list) is not even named.
    path = tmp_path / "hidden.xlsx"
    builders.write_xlsx(path, [], title="空", before=[
        ("数据", [["姓名", "学历"], ["张三", "本科"]], "hidden")])
    assert refused(path) == refused(path, known_headers=KNOWN) == (
        "可见的工作表中没有数据，表格在隐藏的工作表「数据」中：如要导入它，请在 Excel 或 WPS 中"
        "取消隐藏该工作表后重新上传。")
    builders.write_xlsx(path, [], title="空", before=[
        ("字典", [["学历", "代码"], ["本科", "21"]], "hidden"),
        ("选项", [["姓名", "学历"], ["张三", "本科"]], "veryHidden")])
    assert refused(path, known_headers=KNOWN) == EMPTY
    # A visible roster is read whatever hidden sheets come before it.
    builders.write_xlsx(path, [["姓名", "学历"], ["李四", "硕士"]], title="名单", before=[
        ("旧名单", [["姓名", "学历"], ["张三", "本科"]], "hidden")])
    table = read_table(path, filename="hidden.xlsx", known_headers=KNOWN)
    assert (table.sheet_name, table.rows, table.other_sheets) == ("名单", [["李四", "硕士"]], [])


def test_other_visible_rosters_are_named_not_read(tmp_path):
    path = tmp_path / "quarters.xlsx"
    roster = [["姓名", "身份证号码"], ["张三", "11010519491231002X"]]
    builders.write_xlsx(path, roster, title="二季度", before=[
        ("填表说明", [["姓名、身份证号码必填"]], "visible"), ("一季度", roster, "visible"),
        ("汇总", [["单位", "人数"], ["甲", 3]], "visible"), ("空表", [], "visible"),
        ("表头", [["姓名", "身份证号码"]], "visible")])
    table = read_table(path, filename="q.xlsx", known_headers=KNOWN)
    assert (table.sheet_name, table.other_sheets) == ("一季度", ["二季度"])


def test_uploaded_file_object(tmp_path):
    path = tmp_path / "up.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"], ["张三", "本科"]])
    upload = SimpleUploadedFile("花名册.xlsx", path.read_bytes())
    upload.read(10)  # a half-read upload is read from the start
    table = read_table(upload, filename=upload.name)
    assert table.rows == [["张三", "本科"]]


def test_header_only_and_empty_sheets_have_no_data(tmp_path):
    path = tmp_path / "header_only.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"]])
    assert refused(path) == EMPTY
    path = tmp_path / "blank.xlsx"
    builders.write_xlsx(path, [])
    assert refused(path) == EMPTY


def test_no_header_row(tmp_path):
    path = tmp_path / "numbers.xlsx"
    builders.write_xlsx(path, [[1, 2, 3], [4, 5, 6]])
    assert refused(path) == ("没有找到表头：前 15 行中没有一行列名（至少要有两个列名，"
                             "如“姓名”“身份证号码”）。")


def test_too_many_rows_and_columns(tmp_path):
    path = tmp_path / "long.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"]] + [["张三", "本科"]] * 11)
    assert refused(path, max_rows=10) == "数据行数超过上限（最多 10 行），请分成几个文件上传。"
    assert read_table(path, filename="long.xlsx", max_rows=11).rows[-1] == ["张三", "本科"]
    path = tmp_path / "wide.xlsx"
    builders.write_xlsx(path, [[f"列{i}" for i in range(6)], list(range(6))])
    assert refused(path, max_cols=5) == TOO_WIDE


def test_cells_without_content_do_not_widen_the_table(tmp_path):
    # A formula returning "" copied down to row 300,000 and rows formatted to the last row;
    # or a space typed in column ZZ: the table is the row with content. (Calamine holds the
    # used range in memory: a space at ZZ300000 would still be too much.)
    style = builders.styles((49, ""))
    data = builders.rows(["姓名", "身份证号码", "备注"], ["张三", "11010519491231002X"])
    far = "".join(f'<row r="{r}"><c r="C{r}" t="str"><f>IF(A{r}="","",1)</f><v></v></c></row>'
                  for r in range(3, 300_001))
    formatted = builders.row(1_048_576, '<c r="A1048576" s="1"/>', attrs='s="1" customFormat="1"')
    stray = '<c r="ZZ2" t="inlineStr"><is><t xml:space="preserve">\u3000 </t></is></c></row>'
    for name, part in (("long.xlsx", data + far + formatted),
                       ("wide.xlsx", data[:-len("</row>")] + stray)):
        sheet = builders.worksheet(part, before='<dimension ref="A1:ZZ1048576"/>')
        path = write(tmp_path, name, builders.book_bytes([("Sheet1", sheet)], style=style))
        table = read_table(path, filename=name, known_headers=KNOWN)
        assert table.headers == ["姓名", "身份证号码", "备注"]
        assert table.rows == [["张三", "11010519491231002X", None]]


def test_content_past_the_column_limit_is_refused(tmp_path):
    header = [f"列{i}" for i in range(5)]
    narrow = builders.rows(["姓名", "身份证号码"], ["张三", "11010519491231002X"])
    for extra in ([*header, "备注"], [None] * 5 + ["迟到的备注"]):
        sheet = builders.worksheet(builders.rows(["姓名", "身份证号码", *header[2:]], extra))
        path = write(tmp_path, "cols.xlsx", builders.book_bytes([("Sheet1", sheet)]))
        assert refused(path, max_cols=5) == TOO_WIDE
    # A table that starts far to the right.
    far = narrow.replace('r="A', 'r="H').replace('r="B', 'r="I')
    path = write(tmp_path, "far.xlsx", builders.book_bytes([("Sheet1", builders.worksheet(far))]))
    assert refused(path, max_cols=5).startswith("列数超过上限")
    table = read_table(path, filename="far.xlsx", max_cols=9)
    assert table.rows == [[None] * 7 + ["张三", "11010519491231002X"]]


def test_formula_errors_and_formulas_without_a_result_are_marked(tmp_path):
    na = '<c r="{ref}" t="e"><f>VLOOKUP(A{row},代码!A:B,2,0)</f><v>#N/A</v></c>'
    sheet = builders.worksheet(
        builders.rows(["姓名", "学历", "年龄"])
        + builders.row(2, builders.cell("A2", "张三"), na.format(ref="B2", row=2),
                       '<c r="C2" t="str"><f>IF(A2="","",30)</f><v>30</v></c>')
        + builders.row(3, builders.cell("A3", "李四"), builders.cell("B3", "本科"),
                       '<c r="C3"><f>DATEDIF(D3,TODAY(),"y")</f><v></v></c>')  # never computed
        + builders.row(4, na.format(ref="B4", row=4),  # nothing else in the row: blank
                       '<c r="C4" t="str"><f>IF(A4="","",30)</f><v></v></c>')
        + builders.row(5, builders.cell("A5", "王五"), '<c r="B5" t="e"><v>#VALUE!</v></c>',
                       '<c r="C5"><f t="shared" ref="C5:C6" si="0">1+1</f></c>')
        + "".join(builders.row(r, na.format(ref=f"B{r}", row=r)) for r in range(6, 500)))
    path = write(tmp_path, "f.xlsx", builders.book_bytes([("名单", sheet)]))
    table = read_table(path, filename="f.xlsx", known_headers=KNOWN)
    error = FormulaError
    assert table.rows == [["张三", error("#N/A"), "30"], ["李四", "本科", error("")],
                          [None, None, None], ["王五", error("#VALUE!"), error("")]]
    assert [n for n, _ in table.iter_rows()] == [2, 3, 5]


def test_formula_errors_where_cells_have_no_reference_or_a_namespace_prefix(tmp_path):
    # Cells without r= (some generators), and every element prefixed x: (the Open XML SDK).
    plain = builders.worksheet(
        builders.row(None, builders.cell(None, "姓名"), builders.cell(None, "学历"))
        + builders.row(None, builders.cell(None, "张三"), '<c t="e"><v>#N/A</v></c>'))
    prefixed = plain.replace("<", "<x:").replace("<x:/", "</x:").replace("<x:?", "<?").replace(
        "worksheet xmlns=", "worksheet xmlns:x=")
    for name, sheet in (("plain.xlsx", plain), ("prefixed.xlsx", prefixed)):
        path = write(tmp_path, name, builders.book_bytes([("Sheet1", sheet)]))
        table = read_table(path, filename=name, known_headers=KNOWN)
        assert table.rows == [["张三", FormulaError("#N/A")]], name


def test_xlsx_as_other_writers_lay_it_out(tmp_path):
    # Shared strings in rich-text runs with phonetic guides (Excel in East Asian locales),
    # inline strings (generators), no <dimension> or a wrong one, cells and rows without r=.
    strings = builders.shared_strings(
        "<t>姓名</t>", '<r><t>身份证</t></r><r><rPr><b/></rPr><t xml:space="preserve">号码</t></r>',
        '<r><t>张</t></r><r><t>三</t></r><rPh sb="0" eb="1"><t>チョウ</t></rPh>'
        '<phoneticPr fontId="1"/>', "<t>李四</t><rPh sb=\"0\" eb=\"2\"><t>リシ</t></rPh>")
    shared = (builders.row(1, builders.cell("A1", 0, kind="s"), builders.cell("B1", 1, kind="s"))
              + builders.row(2, builders.cell("A2", 2, kind="s"),
                             builders.cell("B2", "11010519491231002X"))
              + builders.row(3, builders.cell("A3", 3, kind="s"),
                             builders.cell("B3", "11010519491231002X")))
    unreferenced = "".join(builders.row(None, *(builders.cell(None, v) for v in values))
                           for values in (["姓名", "身份证号码"], ["张三", "11010519491231002X"],
                                          ["李四", "11010519491231002X"]))
    expected = [["张三", "11010519491231002X"], ["李四", "11010519491231002X"]]
    for before in ("", '<dimension ref="A1"/>', '<dimension ref="A1:Z9999"/>'):
        for data in (builders.book_bytes([("Sheet1", builders.worksheet(shared, before=before))],
                                         strings=strings),
                     builders.book_bytes([("Sheet1", builders.worksheet(unreferenced,
                                                                        before=before))])):
            table = read_table(write(tmp_path, "w.xlsx", data), filename="w.xlsx")
            assert (table.headers, table.rows) == (["姓名", "身份证号码"], expected)


SERIAL = 32874  # 1990-01-01 counted from 1900; 1994-01-02 counted from 1904


def test_date_cells_in_every_number_format_and_both_date_systems(tmp_path):
    formats = {164: 'yyyy"年"m"月"d"日"', 165: '[$-804]yyyy"年"m"月"d"日";@',
               166: '[DBNum1][$-804]yyyy"年"m"月"d"日"', 167: "yyyy/m/d;@", 168: "yyyy.mm",
               169: '[$-zh-CN]e"年"m"月"'}
    builtin = [14, 22, 31, 57, 58]  # 31, 57, 58: Chinese Excel's built-in 年月日 formats
    style = builders.styles(*[(i, "") for i in [*formats, *builtin]], (0, ""),
                            num_fmts=formats)
    plain = len(formats) + len(builtin) + 1  # General: the number as typed
    header = ["格式", "出生日期"]
    rows = [[str(i), SERIAL] for i in range(1, plain + 1)]
    sheet = "".join(builders.row(n, builders.cell(f"A{n}", r[0]),
                                 builders.cell(f"B{n}", r[1], style=n - 1))
                    for n, r in enumerate(rows, start=2))
    sheet = builders.worksheet(builders.rows(header) + sheet)
    for pr, day in (("", dt.date(1990, 1, 1)), ('date1904="1"', dt.date(1994, 1, 2))):
        data = builders.book_bytes([("Sheet1", sheet)], style=style, workbook_pr=pr)
        table = read_table(write(tmp_path, "d.xlsx", data), filename="d.xlsx")
        assert table.date1904 == bool(pr)
        assert [r[1] for r in table.rows] == [day] * (plain - 1) + [float(SERIAL)]


# ---------------------------------------------------------------------------------- other formats

def test_xls_is_read_by_content(tmp_path):
    path = write(tmp_path, "roster.xls", builders.xls_bytes([
        ["2024年花名册"], [], ["姓名", "身份证号码", "手机号码"],
        ["张三", "11010519491231002X", 13912345678]]))
    table = read_table(path, filename="roster.xls", known_headers=KNOWN)
    assert table.format == "xls"
    assert table.headers == ["姓名", "身份证号码", "手机号码"]
    assert table.first_data_row == 4
    assert table.rows == [["张三", "11010519491231002X", 13912345678.0]]
    # The name does not matter: an xls renamed .xlsx is still read.
    renamed = write(tmp_path, "renamed.xlsx", path.read_bytes())
    assert read_table(renamed, filename="renamed.xlsx").format == "xls"


def test_xls_counting_days_from_1904(tmp_path):
    for date1904 in (False, True):
        data = builders.xls_bytes([["姓名", "出生日期"], ["张三", SERIAL]], date1904=date1904)
        table = read_table(write(tmp_path, "mac.xls", data), filename="mac.xls")
        assert (table.rows, table.date1904) == ([["张三", float(SERIAL)]], date1904)


def test_ods(tmp_path):
    path = write(tmp_path, "roster.ods", builders.ods_bytes(
        builders.ods_row("人才花名册") + builders.ods_row("姓名", "学历")
        + builders.ods_row("张三", "本科")
        + '<table:table-row table:number-rows-repeated="1048573">'
          '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'))
    table = read_table(path, filename="roster.ods", known_headers=KNOWN)
    assert table.format == "ods"
    assert (table.headers, table.rows, table.first_data_row) == (["姓名", "学历"],
                                                                [["张三", "本科"]], 3)


def test_csv_gb18030_with_title_row(tmp_path):
    text = "2024年人才花名册,,\r\n,,\r\n姓名,身份证号码,学历\r\n张三,11010519491231002X,本科\r\n"
    path = write(tmp_path, "roster.csv", text.encode("gb18030"))
    table = read_table(path, filename="roster.csv", known_headers=KNOWN)
    assert table.format == "csv"
    assert table.headers == ["姓名", "身份证号码", "学历"]
    assert table.first_data_row == 4
    assert table.rows == [["张三", "11010519491231002X", "本科"]]


def test_csv_gbk_characters_outside_utf8(tmp_path):
    text = "姓名,单位\n镕基,北京\n"  # GBK bytes that are not valid UTF-8
    path = write(tmp_path, "gbk.csv", text.encode("gbk"))
    assert read_table(path, filename="gbk.csv").rows == [["镕基", "北京"]]


@pytest.mark.parametrize(("data", "expected"), [
    ("\ufeff姓名;学历\n张三;本科\n".encode(), [["张三", "本科"]]),
    ("姓名\t学历\n张三\t本科\n".encode(), [["张三", "本科"]]),
    # Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
    ("姓名\t学历\r\n张三\t本科\r\n".encode("utf-16"), [["张三", "本科"]]),
    # Excel keeps leading zeros with ="…"; a comma inside quotes is not a delimiter.
    ('姓名,编号,地址\n张三,="0451",\n李四,="",\"哈尔滨市,南岗区\"\n'.encode(),
     [["张三", "0451", None], ["李四", None, "哈尔滨市,南岗区"]]),
])
def test_csv_encodings_and_delimiters(tmp_path, data, expected):
    assert read_table(write(tmp_path, "t.csv", data), filename="t.csv").rows == expected


ROW = "张三,11010519491231002X\r\n"


@pytest.mark.parametrize("data", [
    ("姓名,身份证号码\r\n" + ROW).encode("gbk"),                       # Excel's CSV (逗号分隔)
    ("姓名,身份证号码\r\n" + ROW).encode("gb18030"),
    b"\xef\xbb\xbf" + ("姓名,身份证号码\r\n" + ROW).encode("gbk"),       # a UTF-8 BOM, then GBK
    ("\ufeff姓名,身份证号码\r\n" + ROW).encode("gb18030"),            # GB18030's own BOM
    ("\ufeff姓名,身份证号码\r\n" + ROW).encode(),                     # Excel's CSV UTF-8
    ("姓名\t身份证号码\r\n" + ROW.replace(",", "\t")).encode("utf-16"),  # "Unicode text"
    ("姓名\t身份证号码\r\n" + ROW.replace(",", "\t")).encode("utf-16-be").join(
        [b"\xfe\xff", b""]),
    ("姓名;身份证号码\r" + ROW.replace(",", ";").replace("\r\n", "\r")).encode(),  # old Mac
    ("姓名,身份证号码\n" + ROW.replace("\r\n", "\n") * 1).encode(),
])
def test_csv_as_each_suite_saves_it(tmp_path, data):
    table = read_table(write(tmp_path, "t.csv", data), filename="t.csv", known_headers=KNOWN)
    assert table.headers == ["姓名", "身份证号码"]
    assert table.rows == [["张三", "11010519491231002X"]]
    assert table.problems == []


def test_csv_quoted_fields_with_line_breaks_keep_the_row_numbers_excel_shows(tmp_path):
    text = ('姓名,地址,身份证号码\r\n张三,"哈尔滨市\r\n南岗区",11010519491231002X\r\n'
            '李四,"大庆市""萨尔图区""",11010519491231002X\r\n')
    table = read_table(write(tmp_path, "t.csv", text.encode("gbk")), filename="t.csv")
    assert table.rows == [["张三", "哈尔滨市\r\n南岗区", "11010519491231002X"],
                          ["李四", '大庆市"萨尔图区"', "11010519491231002X"]]
    assert [n for n, _ in table.iter_rows()] == [2, 3]  # Excel shows them on rows 2 and 3


def test_csv_row_longer_than_the_header_is_a_problem_of_its_row(tmp_path):
    # An address typed with a comma and no quotes: the ID number lands under 地址's neighbour.
    text = ("姓名,地址,身份证号码\n张三,哈尔滨市,南岗区,11010519491231002X\n"
            "李四,大庆市,11010519491231002X\n王五\n")
    table = read_table(write(tmp_path, "t.csv", text.encode()), filename="t.csv")
    assert table.headers == ["姓名", "地址", "身份证号码", ""]
    assert [(p.row, p.column, p.message) for p in table.problems] == [
        (2, None, "这一行有 4 个字段，比表头的 3 列多：可能是某个单元格里有没加引号的逗号，使后面的"
                  "内容错了列。请检查这一行")]
    assert table.rows[2] == ["王五", None, None, None]  # a short row is only short


def test_csv_quote_left_open_is_refused_with_its_row(tmp_path):
    text = '姓名,地址,身份证号码\n张三,"哈尔滨市,11010519491231002X\n李四,x,11010519491231002X\n'
    assert refused(write(tmp_path, "t.csv", text.encode())) == (
        "第 2 行有一个引号（\"）没有配对，从这里到文件末尾都成了一个单元格：请检查这一行，或用 "
        "Excel 打开后另存为 .xlsx 再上传。")
    # A quote inside a field is kept as Excel keeps it.
    text = '姓名,地址\n张"三",x\n"李四"丙,y\n'
    table = read_table(write(tmp_path, "q.csv", text.encode()), filename="q.csv")
    assert table.rows == [['张"三"', "x"], ["李四丙", "y"]]


def test_csv_of_mixed_or_cut_encodings_is_refused(tmp_path):
    utf8 = "姓名,身份证号码\n张三丰,11010519491231002X\n李四光,11010519491231002X\n".encode()
    mixed = utf8 + "王五,11010519491231002X\n".encode("gbk")
    assert refused(write(tmp_path, "mixed.csv", mixed)) == (
        "文件的文字编码前后不一致：第 4 行起不是 UTF-8 编码（可能是把两个文件拼在了一起）。请用 "
        "Excel 打开后另存为 .xlsx 再上传。")
    assert refused(write(tmp_path, "cut.csv", utf8 + "王".encode()[:2])) == (
        "文件末尾不完整（最后一个字被截断），可能没有上传完整：请重新保存后上传。")


def test_text_renamed_xlsx_is_read_as_text(tmp_path):
    # Some systems export tab-separated text named .xls; the content decides.
    path = write(tmp_path, "export.xls", "姓名\t学历\n张三\t本科\n".encode("gb18030"))
    table = read_table(path, filename="export.xls")
    assert (table.format, table.rows) == ("csv", [["张三", "本科"]])
    prose = write(tmp_path, "letter.xlsx", "关于报送2024年人才名单的通知。\n请各单位按时报送。\n"
                  .encode())
    assert refused(prose).startswith("没有找到表头")


def test_csv_limits(tmp_path):
    lines = "姓名,学历\n" + "张三,本科\n" * 11
    path = write(tmp_path, "long.csv", lines.encode())
    assert refused(path, max_rows=10) == "数据行数超过上限（最多 10 行），请分成几个文件上传。"
    assert len(read_table(path, filename="long.csv", max_rows=11).rows) == 11
    # A huge file stops being read once past the limit.
    huge = write(tmp_path, "huge.csv", ("姓名,学历\n" + "张三,本科\n" * 300_000).encode())
    assert refused(huge, max_rows=100) == "数据行数超过上限（最多 100 行），请分成几个文件上传。"
    wide = write(tmp_path, "wide.csv", (",".join(f"列{i}" for i in range(6)) + "\n1,2,3,4,5,6\n"
                                        + ",,,,,,,,,,,,\n").encode())
    assert refused(wide, max_cols=5) == TOO_WIDE
    # Trailing empty fields (Excel pads rows to the used width) do not count.
    padded = write(tmp_path, "padded.csv", "姓名,学历,,,,,,,,\n张三,本科,,,,,,,,\n".encode())
    assert read_table(padded, filename="padded.csv", max_cols=5).headers == ["姓名", "学历"]


# ---------------------------------------------------------------------------------- refusals

def test_empty_and_blank_files(tmp_path):
    assert refused(write(tmp_path, "empty.xlsx", b"")) == EMPTY
    assert refused(write(tmp_path, "blank.csv", b"  \r\n\r\n")) == EMPTY
    assert refused(write(tmp_path, "commas.csv", b",,,\r\n,,,\r\n")) == EMPTY


def test_too_big(tmp_path):
    path = write(tmp_path, "big.csv", b"a,b\n" * 300_000)  # 1.2 MB
    assert refused(path, max_bytes=1024 * 1024) == "文件太大：最大 1 MB，请分成几个文件上传。"
    upload = SimpleUploadedFile("big.csv", path.read_bytes())
    with pytest.raises(ImportRefused) as caught:
        read_table(upload, filename="big.csv", max_bytes=512 * 1024)
    assert caught.value.message == "文件太大：最大 0.5 MB，请分成几个文件上传。"


def test_png_renamed_xlsx(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert refused(write(tmp_path, "photo.xlsx", png)) == UNKNOWN


def test_text_under_a_document_name(tmp_path):
    text = "姓名,学历\n张三,本科\n".encode()
    assert refused(write(tmp_path, "notice.pdf", text)) == UNKNOWN
    assert refused(write(tmp_path, "notice.docx", text)) == UNKNOWN
    assert read_table(write(tmp_path, "名单", text), filename="名单").rows == [["张三", "本科"]]
    assert read_table(write(tmp_path, "名单.CSV", text), filename="名单.CSV").format == "csv"


def test_binary_without_signature(tmp_path):
    assert refused(write(tmp_path, "x.xlsx", bytes(range(256)) * 40)) == UNKNOWN


def test_word_document_zip(tmp_path):
    docx = builders.zip_bytes([("[Content_Types].xml", b"<Types/>"),
                               ("word/document.xml", b"<w:document/>")])
    assert refused(write(tmp_path, "report.xlsx", docx)) == UNKNOWN


def test_binary_workbook_xlsb(tmp_path):
    xlsb = builders.zip_bytes([("[Content_Types].xml", b"<Types/>"),
                               ("xl/workbook.bin", b"\x83\x01\x00")])
    assert refused(write(tmp_path, "book.xlsb", xlsb)) == (
        "暂不支持 Excel 二进制工作簿（.xlsb）：请在 Excel 中“另存为” .xlsx 后上传。")


def test_web_page_named_xls(tmp_path):
    page = "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode()
    assert refused(write(tmp_path, "export.xls", page)) == (
        "这个文件实际是网页（HTML/XML）格式，只是扩展名像 Excel：请用 Excel 打开后“另存为” "
        ".xlsx 再上传。")


def test_damaged_files(tmp_path):
    path = tmp_path / "good.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"], ["张三", "本科"]])
    data = path.read_bytes()
    assert refused(write(tmp_path, "cut.xlsx", data[: len(data) // 2])) == CORRUPT
    assert refused(write(tmp_path, "junk.xlsx", b"PK\x03\x04" + b"\x00" * 500)) == CORRUPT
    broken_xml = builders.xlsx_bytes('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名'.encode())
    assert refused(write(tmp_path, "xml.xlsx", broken_xml)) == CORRUPT


def test_corrupt_ole_file(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 3000
    assert refused(write(tmp_path, "old.xls", ole)) == CORRUPT
    # A well-formed OLE file that is not a workbook (a Word document, say).
    doc = builders.ole_bytes({"WordDocument": b"\xec\xa5" + b"\x00" * 5000})
    assert refused(write(tmp_path, "letter.xls", doc)) == CORRUPT


def test_password_protected_xlsx(tmp_path):
    # Excel stores an encrypted xlsx as an OLE file with EncryptionInfo and EncryptedPackage.
    encrypted = builders.ole_bytes({"EncryptionInfo": b"\x04\x00\x04\x00\x40" + b"\x01" * 300,
                                    "EncryptedPackage": b"\x00\x10" + bytes(range(256)) * 20})
    assert refused(write(tmp_path, "secret.xlsx", encrypted)) == (
        "文件已加密，请先取消密码保护再上传。")
