"""Rosters saved by LibreOffice as xlsx, xls (BIFF8) and ods (``files/``, made by
``files/make_files.py``): every format reads to the same table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wutong.core.imports import read_table
from wutong.core.imports.columns import FormulaError

FILES = Path(__file__).parent / "files"
KNOWN = {"姓名", "身份证号码", "性别", "出生日期", "手机号码", "学历", "引进时间", "毕业院校"}
HEADERS = ["序号", "姓名", "身份证号码", "性别", "出生日期", "手机号码", "学历", "引进时间",
           "是否全职", "毕业院校"]


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_rosters_read_alike(suffix):
    path = FILES / f"libreoffice-bad.{suffix}"
    table = read_table(path, filename=path.name, known_headers=KNOWN)
    # The empty 说明 sheet in front is passed over, the hidden 院校 sheet is not a candidate.
    assert (table.format, table.sheet_name, table.other_sheets) == (suffix, "人才名单（2024）", [])
    assert (table.header_row, table.first_data_row, table.headers) == (2, 3, HEADERS)
    true = 1.0 if suffix == "ods" else True  # calamine reads an ods boolean as a number
    false = 0.0 if suffix == "ods" else False
    assert table.rows == [
        [1, "张三", "230602200202203856", "男", dt.date(2002, 2, 20), 13912345678, "博士研究生",
         dt.date(2023, 5, 1), true, "哈尔滨工业大学"],
        [2, "李\u3000四 ", "230602198001123649", "女", "1980.01", "139 1234 5679", "大学本科",
         "2021年3月", false, "东北石油大学"],
        [None] * 10,
        [3, "王五", "230602198003166386", "女", dt.date(1980, 3, 16), None, "硕士",
         dt.date(2020, 9, 1), true, "大庆师范学院"],
        [4, "赵六", pytest.approx(2.30602198802248e17), "男", None, None, "博士后", None, false,
         FormulaError("#N/A")],
        [5, "钱七", "23060219860621237X", "男", "1986-13-21", None, "本科", None, true,
         FormulaError("#N/A")],
    ]
