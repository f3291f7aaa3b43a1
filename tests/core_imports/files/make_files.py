"""Writes the rosters in this folder (not run by the tests; see README.md).

    python tests/core_imports/files/make_files.py   # needs soffice (LibreOffice) on PATH

A source workbook is written with openpyxl, then LibreOffice opens it (computing its
formulas) and saves it as xlsx, xls (BIFF8) and ods: the files the tests read are
LibreOffice's, as an office would upload them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).parent
IDS = ["230602200202203856", "230602198001123649", "230602198003166386",
       "230602198802248118", "23060219860621237X"]
HEAD = ["序号", "姓名", "身份证号码", "性别", "出生日期", "手机号码", "学历", "引进时间",
        "是否全职", "毕业院校"]
SCHOOLS = [("张三", "哈尔滨工业大学"), ("李\u3000四 ", "东北石油大学"), ("王五", "大庆师范学院")]


def roster(path: Path, bad: bool) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"  # an empty first sheet, as templates have
    ws = wb.create_sheet("人才名单（2024）")
    ws.append(["2024年高层次人才花名册"])
    ws.merge_cells("A1:J1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEAD)
    rows = [
        [1, "张三", IDS[0], "男", dt.date(2002, 2, 20), 13912345678, "博士研究生",
         dt.date(2023, 5, 1), True],
        [2, "李\u3000四 ", IDS[1], "女", "1980.01", "139 1234 5679", "大学本科", "2021年3月",
         False],
        None,  # a blank row between groups
        [3, "王五", IDS[2], "女", dt.date(1980, 3, 16), None, "硕士", dt.date(2020, 9, 1),
         True],
    ]
    if bad:
        rows += [[4, "赵六", float(IDS[3]), "男", None, None, "博士后", None, False],
                 [5, "钱七", IDS[4], "男", "1986-13-21", None, "本科", None, True]]
    for number, values in enumerate(rows, start=3):
        if values is None:
            continue
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(number, col, value)
        ws.cell(number, 3).number_format = "@" if isinstance(values[2], str) else "0"
        ws.cell(number, 5).number_format = 'yyyy"年"m"月"d"日"'
        ws.cell(number, 8).number_format = "yyyy.mm"
        ws.cell(number, 10, f'=VLOOKUP(B{number},院校!A:B,2,0)')
    codes = wb.create_sheet("院校")
    codes.append(["姓名", "毕业院校"])
    for name, school in SCHOOLS:
        codes.append([name, school])
    codes.sheet_state = "hidden"
    wb.save(path)


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit("soffice (LibreOffice) is needed")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("good", "bad"):
            source = Path(tmp) / f"source-{kind}.xlsx"
            roster(source, bad=kind == "bad")
            for suffix, filt in (("xlsx", "xlsx:Calc MS Excel 2007 XML"),
                                 ("xls", "xls:MS Excel 97"), ("ods", "ods")):
                out = Path(tmp) / suffix
                subprocess.run([soffice, "--headless", "--convert-to", filt, "--outdir",
                                str(out), str(source)], check=True, capture_output=True)
                shutil.copy(out / f"source-{kind}.{suffix}",
                            HERE / f"libreoffice-{kind}.{suffix}")


if __name__ == "__main__":
    main()
