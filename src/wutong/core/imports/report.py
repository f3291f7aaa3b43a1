"""Problems found in an import, and the annotated copy of the sheet a clerk downloads and fixes.

The copy keeps every data row (the good ones too) on the same row number as in the uploaded
file, so "第 12 行" means the same row in both, and the clerk corrects the copy and uploads it
again; the extra ``问题说明`` column is ignored on the next import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING

import xlsxwriter
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from wutong.core.imports.reader import Table

PROBLEM_COLUMN = "问题说明"
_RED_FILL = "#FFC7CE"
_RED_TEXT = "#9C0006"


@dataclass(slots=True)
class Problem:
    row: int                 # 1-based row number in the sheet
    column: str | None       # the header text, or None for a problem of the whole row
    message: str


def _line(problem: Problem) -> str:
    if problem.column:
        return _("第 %(row)s 行「%(column)s」：%(message)s") % {
            "row": problem.row, "column": problem.column, "message": problem.message}
    return _("第 %(row)s 行：%(message)s") % {"row": problem.row, "message": problem.message}


def summarize(problems: list[Problem], limit: int = 200) -> list[str]:
    """At most ``limit`` lines like "第 12 行「身份证号码」：…", in row order; when there are more
    problems, the last line says how many were left out."""
    ordered = sorted(problems, key=lambda p: p.row)
    if len(ordered) <= limit:
        return [_line(p) for p in ordered]
    lines = [_line(p) for p in ordered[: limit - 1]]
    lines.append(_("……另有 %(n)s 个问题未列出，请下载标注了问题的表格查看。")
                 % {"n": len(ordered) - (limit - 1)})
    return lines


def _sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    name = re.sub(r"[\[\]:*?/\\]", "_", name or "").strip("'")[:31]
    return name or "Sheet1"


def write_problem_copy(table: Table, problems: list[Problem], path: str | PathLike) -> None:
    """Write the table to ``path`` as xlsx with a last column ``问题说明`` and each problem cell
    filled light red. Text is always written as text (never a formula, number or link)."""
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_row[problem.row].append(problem)
    position = {}
    for i, header in enumerate(table.headers):
        position.setdefault(header, i)

    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, "nan_inf_to_errors": True})
    try:
        ws = wb.add_worksheet(_sheet_title(table.sheet_name))
        header_fmt = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        note_header_fmt = wb.add_format({"bold": True, "bg_color": _RED_FILL, "border": 1,
                                         "font_color": _RED_TEXT})
        note_fmt = wb.add_format({"font_color": _RED_TEXT, "text_wrap": True})
        red = wb.add_format({"bg_color": _RED_FILL})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        red_date = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": _RED_FILL})
        datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        red_datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss",
                                      "bg_color": _RED_FILL})
        time_fmt = wb.add_format({"num_format": "hh:mm:ss"})
        red_time = wb.add_format({"num_format": "hh:mm:ss", "bg_color": _RED_FILL})

        width = len(table.headers)
        header_row = max(table.first_data_row - 2, 0)  # 0-based; data keep their row numbers
        if header_row > 0:
            rows_with_problems = len(by_row)
            ws.write_string(0, 0, _("共 %(n)s 行有问题，已在最后一列“问题说明”中写明并把有问题的"
                                    "格子标为红色；改正后可直接上传本文件。")
                            % {"n": rows_with_problems})
        for col, header in enumerate(table.headers):
            ws.write_string(header_row, col, header, header_fmt)
        ws.write_string(header_row, width, PROBLEM_COLUMN, note_header_fmt)
        ws.set_column(width, width, 60)
        ws.freeze_panes(header_row + 1, 0)

        first_row = header_row + 1
        for i, row in enumerate(table.rows):
            sheet_row = table.first_data_row + i
            out_row = first_row + i
            row_problems = by_row.get(sheet_row)
            bad_cols: set[int] = set()
            if row_problems:
                for p in row_problems:
                    if p.column is not None and p.column in position:
                        bad_cols.add(position[p.column])
            for col, value in enumerate(row):
                bad = col in bad_cols
                if value is None:
                    if bad:
                        ws.write_blank(out_row, col, None, red)
                    continue
                cls = value.__class__
                if cls is str:
                    ws.write_string(out_row, col, value, red if bad else None)
                elif cls is float or cls is int:
                    ws.write_number(out_row, col, value, red if bad else None)
                elif cls is bool:
                    ws.write_boolean(out_row, col, value, red if bad else None)
                elif cls is dt.datetime:
                    ws.write_datetime(out_row, col, value, red_datetime if bad else datetime_fmt)
                elif cls is dt.date:
                    ws.write_datetime(out_row, col, value, red_date if bad else date_fmt)
                elif cls is dt.time:
                    ws.write_datetime(out_row, col, value, red_time if bad else time_fmt)
                else:
                    ws.write_string(out_row, col, str(value), red if bad else None)
            if row_problems:
                note = "；".join(f"{p.column}：{p.message}" if p.column else p.message
                                for p in row_problems)
                ws.write_string(out_row, width, note, note_fmt)
    finally:
        wb.close()


def write_template(path, *, sheet: str, columns, example: dict[str, str],
                   notes: tuple[str, ...], wide: tuple[str, ...] = ()) -> None:
    """An importer's downloadable template: the columns in their usual order (required ones
    marked * and coloured), one example row, text format so Excel keeps ID numbers and codes
    as typed, and a sheet of notes."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    head = wb.add_format({"bold": True, "bg_color": "#E5F0EB", "border": 1})
    required = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = wb.add_format({"num_format": "@"})
    for col, column in enumerate(columns):
        ws.write_string(0, col, column.label + ("*" if column.required else ""),
                        required if column.required else head)
        ws.set_column(col, col, 18 if column.key in wide else 14, text)
        ws.write_string(1, col, str(example.get(column.key, "")))
    sheet_notes = wb.add_worksheet("填表说明")
    sheet_notes.set_column(0, 0, 100)
    for row, line in enumerate(notes):
        sheet_notes.write_string(row, 0, line)
    wb.close()
