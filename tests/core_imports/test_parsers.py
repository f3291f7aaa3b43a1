"""Cell parsers: values as people type them, and the message a clerk sees for each mistake."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal

import pytest
from openpyxl.utils.datetime import from_excel

from wutong.core import validators
from wutong.core.demo import generators
from wutong.core.imports import CellError, Table
from wutong.core.imports import parsers as p
from wutong.core.reference import CODES_DIR

D = dt.date


def message(parse, value) -> str:
    with pytest.raises(CellError) as caught:
        parse(value)
    return caught.value.message


@pytest.mark.parametrize("parse", [p.text, p.date, p.integer, p.decimal, p.boolean,
                                   p.id_number, p.mobile, p.uscc, p.choice({"男": "1"})])
def test_empty_is_none(parse):
    assert parse(None) is None
    assert parse("") is None
    assert parse("  \u3000 ") is None


# ---------------------------------------------------------------------------------- text

@pytest.mark.parametrize(("value", "expected"), [
    ("  张三  ", "张三"),
    ("哈尔滨工业大学\n  计算机学院", "哈尔滨工业大学 计算机学院"),
    ("ＡＢＣ１２３", "ABC123"),          # full-width letters and digits
    ("张\u3000三", "张 三"),
    ("\u00a0张三\u00a0", "张三"),      # non-breaking spaces
    ("张\u200b三\ufeff", "张三"),       # a zero-width space and a BOM pasted from a web page
    ("\u202a哈尔滨工业大学\u202c", "哈尔滨工业大学"),  # direction marks from a PDF
    (123.0, "123"),
    (1.5, "1.5"),
    (42, "42"),
    (True, "TRUE"),
    (D(2023, 5, 1), "2023-05-01"),
    (dt.datetime(2023, 5, 1, 8, 30), "2023-05-01 08:30:00"),
])
def test_text(value, expected):
    assert p.text(value) == expected


def test_text_too_long():
    assert p.text("张三丰", max_length=3) == "张三丰"
    assert message(p.text_parser(5), "哈尔滨工业大学") == "内容过长（最多 5 字，实际 7 字）"


@pytest.mark.parametrize(("value", "expected"), [
    ("李\u3000四", "李四"), (" 李  四 ", "李四"), ("欧阳 小 明", "欧阳小明"),  # padded to align
    ("John Smith", "John Smith"), ("阿不都·热合曼", "阿不都·热合曼"), ("张 John", "张 John"),
    ("𠮷 田", "𠮷田"),  # a character outside the BMP
])
def test_person_name(value, expected):
    assert p.person_name(value) == expected


def test_person_name_too_long():
    assert message(p.person_name_parser(3), "欧 阳 小 明") == "内容过长（最多 3 字，实际 4 字）"


# ---------------------------------------------------------------------------------- dates

@pytest.mark.parametrize(("value", "expected"), [
    (D(2023, 5, 1), D(2023, 5, 1)),
    (dt.datetime(2023, 5, 1, 13, 0), D(2023, 5, 1)),
    ("2023-05-01", D(2023, 5, 1)),
    ("2023-5-1", D(2023, 5, 1)),
    ("2023/5/1", D(2023, 5, 1)),
    ("2023.5.1", D(2023, 5, 1)),
    ("2023.05", D(2023, 5, 1)),
    ("2023.5", D(2023, 5, 1)),
    ("2023.10", D(2023, 10, 1)),       # as text, October
    ("2023-05", D(2023, 5, 1)),
    ("2023年5月", D(2023, 5, 1)),
    ("2023年5月1日", D(2023, 5, 1)),
    ("2023 年 05 月 01 日", D(2023, 5, 1)),
    ("20230501", D(2023, 5, 1)),
    ("202305", D(2023, 5, 1)),
    ("２０２３年５月", D(2023, 5, 1)),   # full-width digits
    ("２０２３．５．１", D(2023, 5, 1)),
    ("2023-05-01 00:00:00", D(2023, 5, 1)),
    ("2024-02-29", D(2024, 2, 29)),
    # Numbers: year.month typed into a cell Excel took as a number.
    (2023.5, D(2023, 5, 1)),
    (2023.05, D(2023, 5, 1)),
    (2023.12, D(2023, 12, 1)),
    (2023.1, D(2023, 1, 1)),           # "2023.10" typed as a number: January (documented)
    (20230501, D(2023, 5, 1)),
    (20230501.0, D(2023, 5, 1)),
    (202305, D(2023, 5, 1)),
    # Excel serial day numbers (1900 date system).
    (45047, D(2023, 5, 1)),
    (45047.75, D(2023, 5, 1)),
    (1, D(1900, 1, 1)),
    (59, D(1900, 2, 28)),
    (61, D(1900, 3, 1)),
])
def test_date(value, expected):
    assert p.date(value) == expected


def test_excel_serials_agree_with_openpyxl():
    for serial in [*range(1, 60), *range(61, 80001, 37), 80000]:
        if 1900 <= serial <= 2100:
            continue  # read as year (month) instead
        assert p.date(serial) == from_excel(serial).date(), serial


@pytest.mark.parametrize("value", [
    "2023-02-29", "2023-13-01", "2023.13", "2023年13月", "2023-00-10", "2023/4/31", "1899-12-31",
    "2101-01-01", "2023", "23.5.1", "五月", "2023-05-01x", "abc", 2023, 2023.0, 2023.123,
    2023.13, 60, 0, -5, 90000, 1e20, float("nan"), True,
])
def test_impossible_dates(value):
    shown = "NaN" if value != value else value
    assert message(p.date, value) == (
        f"日期格式不正确：「{p._show(shown) if value == value else 'nan'}」，"
        "应如 2023-05-01、2023.5 或 2023年5月")


def test_dates_of_a_workbook_counting_from_1904():
    assert p.date_1904(32874.0) == D(1994, 1, 2) and p.date(32874.0) == D(1990, 1, 1)
    for same in ("2023.5", 2023.05, 202305, 20230501.0, D(2023, 5, 1), None):
        assert p.date_1904(same) == p.date(same)
    assert message(p.date_1904, 0.0) == message(p.date, 0.0)
    table = Table("", ["出生日期"], [[32874.0]], 2, date1904=True)
    assert p.for_table(p.date, table) is p.date_1904
    assert p.for_table(p.date, Table("", ["出生日期"], [[1.0]], 2)) is p.date
    assert p.for_table(p.text, table) is p.text


def test_found_value_is_cut_to_30_characters():
    assert message(p.date, "x" * 40) == (
        f"日期格式不正确：「{'x' * 30}…」，应如 2023-05-01、2023.5 或 2023年5月")


def test_an_id_or_phone_number_in_the_wrong_column_is_masked_when_shown():
    # A row shifted by a stray comma puts an ID number under 出生日期 and a phone under 学历.
    assert message(p.date, "230602199001011238") == (
        "日期格式不正确：「230602********1238」，应如 2023-05-01、2023.5 或 2023年5月")
    assert message(p.choice({"本科": "21"}), "电话13912345678") == (
        "无法识别「电话139****5678」，可填：本科")
    assert message(p.date, "2023051") == (  # short digit runs are shown as they are
        "日期格式不正确：「2023051」，应如 2023-05-01、2023.5 或 2023年5月")


# ---------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize(("value", "expected"), [
    ("1,234", 1234), ("１２３", 123), ("  42 ", 42), (7.0, 7), (7, 7), ("12.0", 12),
    ("1万", 10000), ("-3", -3), ("+3", 3),
])
def test_integer(value, expected):
    assert p.integer(value) == expected


@pytest.mark.parametrize("value", ["1.5", 1.5, "abc", "1e5", "一百", True, "1,2,3.4.5"])
def test_integer_refused(value):
    text = message(p.integer, value)
    assert text.startswith(("应为整数，实际为「", "应为数字，实际为「"))


@pytest.mark.parametrize(("value", "expected"), [
    ("1,234.50", Decimal("1234.50")), ("１２３．５", Decimal("123.5")), ("1.5万", Decimal(15000)),
    ("¥1,200", Decimal(1200)), ("￥1,200.5", Decimal("1200.5")), ("1200元", Decimal(1200)),
    ("3万元", Decimal(30000)), ("RMB 500", Decimal(500)), (53.5, Decimal("53.5")),
    (0.1, Decimal("0.1")), (12.0, Decimal(12)), (3, Decimal(3)), (".5", Decimal("0.5")),
])
def test_decimal(value, expected):
    result = p.decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


def test_decimal_refused():
    assert message(p.decimal, "五万") == "应为数字，实际为「五万」"
    assert message(p.decimal, "NaN") == "应为数字，实际为「NaN」"
    assert message(p.decimal, float("inf")) == "应为数字，实际为「inf」"
    assert message(p.decimal, "1e5") == "应为数字，实际为「1e5」"


# ---------------------------------------------------------------------------------- booleans

@pytest.mark.parametrize(("value", "expected"), [
    ("是", True), ("否", False), ("有", True), ("无", False), ("Y", True), ("n", False),
    ("Yes", True), ("NO", False), ("√", True), ("×", False), ("1", True), ("0", False),
    ("TRUE", True), ("false", False), (" 是 ", True), (True, True), (1.0, True), (0, False),
])
def test_boolean(value, expected):
    assert p.boolean(value) is expected


def test_boolean_refused():
    assert message(p.boolean, "也许") == "应填“是”或“否”，实际为「也许」"
    assert message(p.boolean, 2) == "应填“是”或“否”，实际为「2」"


# ---------------------------------------------------------------------------------- choices

def test_choice_normalizes_spellings():
    sex = p.choice({"男": "1", "男性": "1", "女": "2", "女性": "2", "Male": "1"})
    assert [sex(v) for v in ("男", " 男 ", "女性", "male", "ＭＡＬＥ")] == ["1", "1", "2", "1", "1"]
    assert message(sex, "未知") == "无法识别「未知」，可填：男、女"


def test_choice_lists_at_most_eight_options():
    options = {f"选项{i}": str(i) for i in range(10)}
    assert message(p.choice(options), "x") == (
        "无法识别「x」，可填：选项0、选项1、选项2、选项3、选项4、选项5、选项6、选项7等")


def test_choice_codes_and_numbers():
    level = p.choice(p.TITLE_LEVEL_SYNONYMS, accept_codes=True)
    assert level("2") == "2"
    assert level(3.0) == "3"
    with pytest.raises(ValueError, match="maps to both"):
        p.choice({"本科": "21", " 本 科 ": "22"})


@pytest.mark.parametrize(("value", "code"), [
    ("博士", "11"), ("博士研究生", "11"), ("博士研究生毕业", "11"), ("研究生（博士）", "11"),
    ("研究生(博士)", "11"), ("硕士", "14"), ("硕士研究生", "14"), ("研究生（硕士）", "14"),
    ("研究生", "14"), ("本科", "21"), ("大学本科", "21"), ("大学", "21"), ("大专", "31"),
    ("专科", "31"), ("大学专科", "31"), ("中专", "41"), ("中职", "41"), ("高中", "61"),
    ("初中", "71"), ("本科肄业", "23"), ("技校", "47"), ("小学", "81"),
])
def test_education(value, code):
    assert p.choice(p.EDUCATION_SYNONYMS)(value) == code


def test_education_post_doctorate_is_not_a_level():
    text = message(p.choice(p.EDUCATION_SYNONYMS), "博士后")
    assert text.startswith("无法识别「博士后」，可填：博士研究生毕业、博士研究生结业、")
    assert text.endswith("等")


@pytest.mark.parametrize(("value", "code"), [
    ("博士", "2"), ("博士学位", "2"), ("工学博士", "2"), ("PhD", "2"), ("硕士", "3"),
    ("工商管理硕士", "3"), ("MBA", "3"), ("学士", "4"), ("理学学士学位", "4"), ("名誉博士", "1"),
])
def test_degree(value, code):
    assert p.choice(p.DEGREE_SYNONYMS)(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("正高", "1"), ("正高级", "1"), ("教授", "1"), ("研究员", "1"), ("主任医师", "1"),
    ("副高", "2"), ("副高级", "2"), ("副教授", "2"), ("副研究员", "2"), ("高级工程师", "2"),
    ("副主任医师", "2"), ("中级", "3"), ("讲师", "3"), ("工程师", "3"), ("主治医师", "3"),
    ("初级", "4"), ("助教", "4"), ("助理工程师", "4"), ("技术员", "4"),
])
def test_title_level(value, code):
    assert p.choice(p.TITLE_LEVEL_SYNONYMS)(value) == code


@pytest.mark.parametrize(("mapping", "table"), [
    (p.EDUCATION_SYNONYMS, "education"), (p.DEGREE_SYNONYMS, "degree"),
    (p.TITLE_LEVEL_SYNONYMS, "title_level"),
])
def test_synonym_codes_exist_in_the_code_tables(mapping, table):
    with (CODES_DIR / f"{table}.csv").open(encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(line for line in fh
                                                      if not line.startswith("#"))}
    assert set(mapping.values()) <= codes
    p.choice(mapping)  # no two spellings collide after normalization


# ---------------------------------------------------------------------------------- identifiers

ID = "11010519491231002X"


@pytest.mark.parametrize("value", [ID, "11010519491231002x", " 110105 19491231 002X ",
                                   "１１０１０５１９４９１２３１００２Ｘ"])
def test_id_number(value):
    assert p.id_number(value) == ID


def test_id_number_fifteen_digits_upgraded():
    old = "110105491231002"
    assert p.id_number(old) == validators.upgrade_id_number(old) == ID
    assert p.id_number(110105491231002.0) == ID  # 15 digits survive Excel's floats


@pytest.mark.parametrize(("value", "shown"), [
    (2.30602199001012e17, "2.30602E+17"), (230602199001012345, "2.30602E+17"),
    ("2.30602E+17", "2.30602E+17"), ("2.30602199001012e+17", "2.30602199001012E+17"),
    ("'2.30602E+17", "2.30602E+17")])
def test_id_number_turned_into_a_number_by_excel(value, shown):
    assert message(p.id_number, value) == (
        f"身份证号码被 Excel 存成了数字（显示为 {shown}），最后几位已经丢失：请把该列设为“文本”"
        "格式，重新填写完整的号码")


def test_id_number_whose_last_digits_excel_made_zeros():
    # What a CSV holds when the column had the number format "0": 15 digits and three zeros.
    assert message(p.id_number, "230602199001012000") == (
        "身份证号码不正确：「230602********2000」，末尾是 000，可能是 Excel 把它当成数字后丢失了"
        "最后几位：请把该列设为“文本”格式，重新填写完整的号码")


@pytest.mark.parametrize("value", [
    "'11010519491231002X",            # an apostrophe typed to keep it as text
    "‘11010519491231002X",            # the same from a Chinese input method
    "\u200b11010519491231002X",       # a zero-width space pasted from a web page
    "110105\u200d19491231002X\ufeff", "\u202a11010519491231002X\u202c", "\t11010519491231002X"])
def test_id_number_with_invisible_or_text_marks(value):
    assert p.id_number(value) == ID


@pytest.mark.parametrize(("value", "shown"), [
    ("110105194912310021", "110105********0021"),   # wrong check character
    ("11010519491331002X", "110105********002X"),   # month 13
    ("1101051949123100", "110105******3100"),       # too short
    ("abc", "A*C"),
    (12345.0, "1***5"),
])
def test_id_number_refused_with_the_number_masked(value, shown):
    assert message(p.id_number, value) == f"身份证号码不正确：「{shown}」（应为 18 位，含校验位）"


def _id_like(rng: random.Random) -> str:
    """An 18-character string with a valid check character and anything in the body, to
    reach every branch of the validator."""
    province = rng.choice(["11", "23", "65", "00", "99", "81"])
    county = rng.choice(["0105", "0602", "0000", "9999"])
    born = rng.choice([
        f"{rng.randrange(1890, 2030)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}",
        (dt.date.today() + dt.timedelta(days=rng.randrange(-800, 5))).strftime("%Y%m%d"),
        rng.choice(["19000101", "18991231", "20000229", "19000229", "20240229", "20230229"])])
    body = province + county + born + f"{rng.randrange(1000):03d}"
    check = "0123456789X"[(1 - 2 * int(body, 13)) % 11]
    if rng.random() < 0.2:
        check = rng.choice("0123456789X")
    return body + check


def test_fast_id_check_agrees_with_the_validator():
    rng = random.Random(11643)
    values = [generators.id_number(rng, rng.choice(["230602", "110105", "650102"]))
              for _ in range(3000)]
    values += [_id_like(rng) for _ in range(20000)]
    for value in values:
        valid = validators.is_valid_id_number(value)
        assert p._id_ok(value) == valid, value
        if valid:
            assert p.id_number(value) == value
        else:
            with pytest.raises(CellError):
                p.id_number(value)


@pytest.mark.parametrize("value", ["13912345678", "139 1234 5678", "139-1234-5678",
                                   "+86 139 1234 5678", "+86-13912345678", "008613912345678",
                                   "8613912345678", "(139)12345678", "１３９１２３４５６７８",
                                   13912345678.0, 13912345678])
def test_mobile(value):
    assert p.mobile(value) == "13912345678"


@pytest.mark.parametrize(("value", "shown"), [
    ("12345678901", "123****8901"), ("1391234567", "13******67"), ("0451-86412345",
                                                                  "045******2345"),
    ("14012345678", "140****5678"), ("13912345678/13812345678", "139****************5678"),
    ("无", "*"), (1.5, "***"),
])
def test_mobile_refused_with_the_number_masked(value, shown):
    assert message(p.mobile, value) == f"手机号码不正确：「{shown}」（应为 11 位中国大陆手机号）"


def test_fast_mobile_check_agrees_with_the_validator():
    rng = random.Random(86)
    for prefix in range(100, 200):
        for _ in range(40):
            number = f"{prefix}{rng.randrange(10**8):08d}"
            assert p._mobile_ok(number) == validators.is_valid_mobile(number), number
    for _ in range(500):
        number = generators.mobile(rng)
        assert p.mobile(number) == number


def test_uscc():
    rng = random.Random(32100)
    for _ in range(2000):
        code = generators.uscc(rng, "230602", rng.choice(list(generators.USCC_TYPES)))
        assert p.uscc(code) == code
        assert p.uscc(" " + code.lower()[:9] + "-" + code.lower()[9:]) == code
        broken = code[:17] + rng.choice(generators._USCC_ALPHABET)
        assert p._uscc_ok(broken) == validators.is_valid_uscc(broken)
        junk = "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(18))
        assert p._uscc_ok(junk) == validators.is_valid_uscc(junk)
    assert message(p.uscc, "91230602MA1234567") == (
        "统一社会信用代码不正确：「91230602MA1234567」（应为 18 位，含校验位）")


def test_uscc_with_marks_or_turned_into_a_number():
    code = generators.uscc(random.Random(5), "230602")
    assert p.uscc("'" + code) == p.uscc("\u200b" + code + "\u200b") == code
    numeric = "912306021234567890"  # a code of digits only, stored by Excel as a number
    for value, shown in ((float(numeric), "9.12306E+17"), ("9.12306E+17", "9.12306E+17")):
        assert message(p.uscc, value) == (
            f"统一社会信用代码被 Excel 存成了数字（显示为 {shown}），最后几位已经丢失：请把该列设为"
            "“文本”格式，重新填写完整的代码")


def test_invisible_characters_in_choices_dates_and_numbers():
    assert p.choice({"男": "M"})("男\u200b") == "M"
    assert p.date("2023\u200b.5") == D(2023, 5, 1)
    assert p.decimal("\ufeff1,200") == 1200
    assert p.boolean("是\u200d") is True
    assert p.mobile("\u200b139 1234 5678") == "13912345678"
