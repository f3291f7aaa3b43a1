"""Column definitions, header matching, and parsing a whole table with them.

A caller describes the columns it understands::

    COLUMNS = [
        Column("name", "姓名", required=True, parse=parsers.text_parser(50)),
        Column("id_number", "身份证号码", synonyms=("身份证号", "证件号码"), required=True,
               parse=parsers.id_number),
        Column("education", "学历", parse=parsers.choice(parsers.EDUCATION_SYNONYMS)),
    ]
    table = read_table(upload, filename=upload.name, known_headers=known_headers(COLUMNS))
    match = match_headers(table.headers, COLUMNS)       # refuse if match.missing
    result = parse_rows(table, COLUMNS, match)          # records + every problem
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wutong.core.imports._layout import FormulaError, normalize_header
from wutong.core.imports.errors import CellError
from wutong.core.imports.parsers import for_table
from wutong.core.imports.report import PROBLEM_COLUMN, Problem

__all__ = ["Column", "FormulaError", "HeaderMatch", "ParsedRows", "formula_message",
           "known_headers", "match_headers", "normalize_header", "parse_rows"]


def formula_message(cell: FormulaError) -> str:
    """What is wrong with a cell whose formula shows an error or has no value."""
    if cell.text:
        return _("单元格显示公式错误「%(error)s」：请改正公式，或直接填写内容") % {
            "error": cell.text}
    return _("单元格是公式，但文件里没有它的计算结果：请用 Excel 或 WPS 打开、保存后再上传，"
             "或直接填写内容")

@dataclass(frozen=True)
class Column:
    """A column the caller understands: its key, the label in its template, other spellings
    people use for the header, whether it must be present (and filled in), and the parser of
    its cells (``None`` keeps the raw value)."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[object], object] | None = None

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass
class HeaderMatch:
    index: dict[str, int]                 # column key -> position in the table
    unknown: list[str] = field(default_factory=list)      # headers no column claimed
    missing: list[Column] = field(default_factory=list)   # required columns absent
    duplicates: list[str] = field(default_factory=list)   # headers of a column seen again

    @property
    def ok(self) -> bool:
        """No required column is missing and no column appears twice."""
        return not self.missing and not self.duplicates

    def messages(self) -> list[str]:
        """What is wrong with the header row, in Chinese, for showing to the clerk."""
        out = [_("缺少必填列「%(label)s」") % {"label": c.label} for c in self.missing]
        out += [_("列「%(header)s」重复出现，只读取了第一列") % {"header": h}
                for h in self.duplicates]
        return out


def known_headers(columns: Iterable[Column]) -> set[str]:
    """Every label and synonym of the columns, for ``read_table(known_headers=…)``."""
    return {name for column in columns for name in column.names()}


def _lookup(columns: Iterable[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            norm = normalize_header(name)
            other = lookup.get(norm)
            if other is not None and other.key != column.key:
                raise ValueError(f"header {name!r} names both {other.key!r} and {column.key!r}")
            lookup[norm] = column
    return lookup


def match_headers(headers: list[str], columns: list[Column]) -> HeaderMatch:
    """Which table column holds each known column, matching normalized labels and synonyms.

    Empty headers and the ``问题说明`` column of a problem copy are ignored. When two table
    columns match the same column, the first is used and the second is a duplicate.
    """
    lookup = _lookup(columns)
    ignored = {"", normalize_header(PROBLEM_COLUMN)}
    match = HeaderMatch(index={})
    for position, header in enumerate(headers):
        norm = normalize_header(header)
        if norm in ignored:
            continue
        column = lookup.get(norm)
        if column is None:
            match.unknown.append(header)
        elif column.key in match.index:
            match.duplicates.append(header)
        else:
            match.index[column.key] = position
    match.missing = [c for c in columns if c.required and c.key not in match.index]
    return match


@dataclass
class ParsedRows:
    records: list[tuple[int, dict[str, object]]]  # (sheet row number, {key: parsed value})
    problems: list[Problem]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


def parse_rows(table, columns: list[Column], match: HeaderMatch | None = None) -> ParsedRows:
    """Parse every non-blank data row with the columns' parsers, collecting every problem.

    Each record has every matched column's key (``None`` when the cell is empty or could not
    be parsed). A required column's empty cell is a problem. Rows with problems are kept in
    ``records`` too; the caller commits all or nothing.
    """
    if match is None:
        match = match_headers(table.headers, columns)
    plan = [(c.key, match.index[c.key], memoized(for_table(c.parse, table)) if c.parse else None,
             table.headers[match.index[c.key]], c.required)
            for c in columns if c.key in match.index]
    required_message = _("必填，不能为空")
    records: list[tuple[int, dict[str, object]]] = []
    problems: list[Problem] = list(getattr(table, "problems", ()))  # found while reading
    append_problem = problems.append
    width = len(table.headers)
    row_no = table.first_data_row - 1
    collecting = gc.isenabled()
    gc.disable()  # a collection per few hundred records, over millions of cells, is waste
    try:
        _parse(table.rows, plan, width, row_no, required_message, records, append_problem)
    finally:
        if collecting:
            gc.enable()
    return ParsedRows(records, problems)


def _parse(rows, plan, width, row_no, required_message, records, append_problem) -> None:
    for row in rows:
        row_no += 1
        if row.count(None) == width:
            continue
        record: dict[str, object] = {}
        for key, position, parse, header, required in plan:
            value = row[position]
            if value.__class__ is FormulaError:
                append_problem(Problem(row_no, header, formula_message(value)))
                record[key] = None
                continue
            if value is not None and parse is not None:
                try:
                    value = parse(value)
                except CellError as exc:
                    append_problem(Problem(row_no, header, exc.message))
                    record[key] = None
                    continue
            if value is None and required:
                append_problem(Problem(row_no, header, required_message))
            record[key] = value
        records.append((row_no, record))


def memoized(parse: Callable[[object], object], limit: int = 20_000) -> Callable[[object], object]:
    """``parse`` remembering its answers (and refusals) for one sheet: a column repeats the
    same few values down 100,000 rows (男, 博士研究生, 2023.5), and parsing each once is enough.
    Values are told apart by type too (1, 1.0 and True are equal in Python, not in a cell)."""
    cache: dict[tuple[type, object], tuple[bool, object]] = {}

    def parse_once(cell):
        key = (cell.__class__, cell)
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, parse(cell))
            except CellError as exc:
                hit = (False, exc)
            if len(cache) < limit:
                cache[key] = hit
        if hit[0]:
            return hit[1]
        raise hit[1]

    return parse_once
