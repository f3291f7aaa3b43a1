"""Finding the table in a sheet (which sheet, which header row), and reading workbooks with
calamine in a separate process.

This module imports only the standard library (and python-calamine when run as the child), so
the reader can run it as a script: ``python -E -s _layout.py`` reads a request on stdin and
writes the answer on stdout, both in ``marshal`` (plain data only). Calamine is native code,
and on some hostile files (a sheet whose cells span A1:XFD1048576, a shared-string count of
four billion) it does not raise but aborts the whole process; in the child, under memory and
CPU limits, that costs the child only. Errors are codes (``LayoutError``); the reader turns
them into Chinese messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import marshal
import re
import sys
import unicodedata
from collections import Counter

HEADER_SCAN_ROWS = 15
INSTRUCTION_WORDS = ("说明", "须知", "注意事项", "指南", "帮助", "instruction", "readme", "help")


class LayoutError(Exception):
    """``code``: empty, no_header, too_many_rows, too_many_cols, corrupt, encrypted, hidden
    (the table is on a hidden sheet, named by ``sheet``)."""

    def __init__(self, code: str, limit: int | None = None, sheet: str = ""):
        self.code = code
        self.limit = limit
        self.sheet = sheet
        super().__init__(code, limit, sheet)


# ---------------------------------------------------------------------------------- headers

_MARKERS = re.compile(
    r"[*※★☆]"
    r"|\((?:必填|必填项|选填|选填项|可选|必选|非必填)\)"
    r"|\[(?:必填|选填)\]|【(?:必填|选填)】")
# Characters that show as nothing (zero-width spaces and joiners, byte-order marks, soft
# hyphens, direction marks) and come along when text is pasted from web pages, chat and PDFs.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e"
                                   "\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                                   "\u2068\u2069"))


def normalize_header(text: object) -> str:
    """NFKC; all whitespace removed (line breaks, full-width spaces); markers like ``*``,
    ``＊``, ``※``, ``(必填)``, ``（选填）`` and trailing colons removed; Latin lower-cased."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(s.split()).translate(INVISIBLE)
    s = _MARKERS.sub("", s).rstrip(":")
    return s.lower()


def cell_text(value: object) -> str:
    """A header cell as text on one line, without invisible characters (123.0 -> "123")."""
    if value is None:
        return ""
    if value.__class__ is float and value.is_integer():
        return str(int(value))
    return " ".join(str(value).translate(INVISIBLE).split())


def _is_blank(row: list) -> bool:
    return row.count(None) == len(row)


def _pad(row: list, width: int) -> list:
    return row if len(row) >= width else row + [None] * (width - len(row))


def _has_merge_evidence(upper: list, lower: list, h: int, merged) -> bool:
    for (r0, c0), (r1, c1) in merged:
        if r0 == h and r1 >= h + 1:
            return True  # a header cell merged down over both rows
        if r0 == r1 == h and c1 > c0 and any(
                lower[c] is not None for c in range(c0, min(c1 + 1, len(lower)))):
            return True  # a group header merged across sub-headers
    return False


def _all_text(cells: list) -> bool:
    return bool(cells) and all(v.__class__ is str for v in cells)


def _structural_evidence(upper: list, lower: list) -> bool:
    """Without merge information: a sub-header under an empty upper cell (the rest of a
    merged group header) and an upper header over an empty lower cell (merged down)."""
    pairs = list(zip(upper, lower, strict=True))
    return (any(lo is not None and up is None for up, lo in pairs)
            and any(up is not None and lo is None for up, lo in pairs))


def _is_second_header_row(upper: list, lower: list, h: int, known: frozenset[str],
                          merged) -> bool:
    """Whether ``lower`` (the row under the header row ``upper``) holds sub-headers."""
    if not _all_text([v for v in lower if v is not None]):
        return False
    if known and any(v.__class__ is str and normalize_header(v) in known for v in lower):
        return True
    if merged is not None:
        return _has_merge_evidence(upper, lower, h, merged)
    return _structural_evidence(upper, lower)


def _is_group_row(upper: list, lower: list, h: int, merged) -> bool:
    """Whether ``upper`` (the row above the header row ``lower``) holds group headers over
    it: at least two text cells (a title row has one) and merged cells joining the rows."""
    cells = [v for v in upper if v is not None]
    if len(cells) < 2 or not _all_text(cells):
        return False
    if merged is not None:
        return _has_merge_evidence(upper, lower, h, merged)
    return _structural_evidence(upper, lower)


def _combine(upper: list, lower: list) -> list[str]:
    """Each column's header: the lower cell if filled, else the upper one. A lower header
    seen under two groups is qualified by its group (第一学历学位, 最高学历学位); a group
    header is carried across the empty upper cells of its merged span."""
    headers: list[str] = []
    groups: list[str] = []
    carry = ""
    for up, lo in zip(upper, lower, strict=True):
        up_text, lo_text = cell_text(up), cell_text(lo)
        if up_text:
            carry = up_text
        elif not lo_text:
            carry = ""
        headers.append(lo_text or up_text)
        groups.append(carry if lo_text and carry != lo_text else "")
    seen = Counter(headers)
    for i, name in enumerate(headers):
        if name and seen[name] > 1 and groups[i]:
            headers[i] = groups[i] + name
    return headers


def find_header(rows: list[list], begin: int, known: frozenset[str], merged
                ) -> tuple[int, list[str], int] | None:
    """(header row index, header texts, first data row index) among ``rows[begin:]``.

    The header row is the first of the next 15 rows where at least two cells are known
    headers; without known headers (or when none matches), the first row with at least two
    text cells, mostly text, and at least half as many filled cells as the fullest row. A
    second header row (sub-headers under merged group headers), below or above it, is
    combined in.
    """
    scan = rows[begin:begin + HEADER_SCAN_ROWS]
    h = None
    if known:
        for i, row in enumerate(scan):
            hits = sum(1 for v in row if v.__class__ is str and normalize_header(v) in known)
            if hits >= 2:
                h = begin + i
                break
    if h is None:
        filled = [len(row) - row.count(None) for row in scan]
        fullest = max(filled, default=0)
        for i, row in enumerate(scan):
            texts = sum(1 for v in row if v.__class__ is str)
            if texts >= 2 and texts * 2 > filled[i] and filled[i] * 2 >= fullest:
                h = begin + i
                break
    if h is None:
        return None
    if h > begin:
        width = max(len(rows[h - 1]), len(rows[h]))
        upper, lower = _pad(rows[h - 1], width), _pad(rows[h], width)
        if _is_group_row(upper, lower, h - 1, merged):
            return h - 1, _combine(upper, lower), h + 1
    if h + 1 < len(rows):
        width = max(len(rows[h]), len(rows[h + 1]))
        upper, lower = _pad(rows[h], width), _pad(rows[h + 1], width)
        if _is_second_header_row(upper, lower, h, known, merged):
            return h, _combine(upper, lower), h + 2
    return h, [cell_text(v) for v in rows[h]], h + 1


# ---------------------------------------------------------------------------------- tables

# Equal short texts become one object (男, 博士研究生, a school's name repeated down a
# column): marshal then writes each once and the parent builds it once, which halves what a
# 100,000-row roster costs in memory.
_SHARED: dict[str, str] = {}
SHARED_MAX_LENGTH = 40


def _shared(value):
    if value.__class__ is str and len(value) <= SHARED_MAX_LENGTH:
        return _SHARED.setdefault(value, value)
    return value


def convert_row(row: list) -> list:
    """Empty and whitespace-only strings become None; short texts are shared."""
    return [None if v == "" or (v.__class__ is str and v.isspace()) else _shared(v)
            for v in row]


def build_table(sheet_name: str, rows: list[list], known: frozenset[str], merged,
                max_rows: int, max_cols: int) -> dict:
    """The table in already converted rows (CSV); raises LayoutError."""
    end = len(rows)
    while end and _is_blank(rows[end - 1]):
        end -= 1
    if not end:
        raise LayoutError("empty")
    begin = 0
    while _is_blank(rows[begin]):
        begin += 1
    found = find_header(rows[:end], begin, known, merged)
    if found is None:
        raise LayoutError("no_header")
    h, headers, first = found
    return _assemble(sheet_name, headers, rows[first:end], h, first, max_rows, max_cols)


def _assemble(sheet_name: str, headers: list[str], data: list[list], h: int, first: int,
              max_rows: int, max_cols: int) -> dict:
    if not data:
        raise LayoutError("empty")
    if len(data) > max_rows:
        raise LayoutError("too_many_rows", max_rows)
    named = len(headers)
    while named and not headers[named - 1]:
        named -= 1
    width = max(named, max(len(r) for r in data))
    while width > named and all(len(r) < width or r[width - 1] is None for r in data):
        width -= 1
    if width > max_cols:
        raise LayoutError("too_many_cols", max_cols)
    headers = headers + [""] * (width - len(headers))
    data = [r if len(r) == width else _pad(r, width)[:width] for r in data]
    return {"sheet_name": sheet_name, "headers": headers[:width], "rows": data,
            "first_data_row": first + 1, "header_row": h + 1}


def order_sheets(metas) -> tuple[list[str], list[str]]:
    """(visible worksheets, those named like instructions — 说明, 填表说明… — after the others;
    hidden worksheets). Chart and macro sheets never, nor "very hidden" ones: only a program
    can show those, and they hold its lists (the choices of a drop-down, say)."""
    main, instructions, hidden = [], [], []
    for meta in metas:
        if not str(meta.typ).endswith("WorkSheet"):  # SheetTypeEnum.WorkSheet
            continue
        visibility = str(meta.visible)
        if visibility.endswith(".Hidden"):
            hidden.append(meta.name)
        elif not visibility.endswith(".Visible"):
            continue
        elif any(w in meta.name.lower() for w in INSTRUCTION_WORDS):
            instructions.append(meta.name)
        else:
            main.append(meta.name)
    return main + instructions, hidden


def read_workbook(data: bytes, known: frozenset[str], max_rows: int, max_cols: int) -> dict:
    """The table of the first visible sheet (instructions last) with a header and data.

    With known headers, a sheet whose header row has two of them wins over an earlier sheet
    whose header was only guessed (a summary sheet in front of the roster, say), and the
    other visible sheets whose header has two of them are named in ``other_sheets`` (they
    are not read: a clerk is told, not surprised). Hidden sheets are never read; when only
    a hidden sheet holds the table, LayoutError("hidden") names it.
    """
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names, hidden = order_sheets(wb.sheets_metadata)
    except pc.PasswordError as exc:
        raise LayoutError("encrypted") from exc
    except BaseException as exc:  # calamine's errors and Rust panics (not Exceptions)
        raise LayoutError("corrupt") from exc
    failure = "empty"
    chosen = guessed = None  # guessed: the first table whose header was found without known
    others: list[str] = []
    for name in names:
        if chosen is not None:
            if _roster_like(wb, name, known, max_cols):
                others.append(name)
            continue
        try:
            table = _sheet_table(wb, name, known, max_rows, max_cols)
        except pc.PasswordError as exc:
            raise LayoutError("encrypted") from exc
        except LayoutError as exc:
            if exc.code != "no_header":
                raise
            failure = "no_header"
            continue
        except BaseException as exc:  # a Rust panic is a BaseException
            raise LayoutError("corrupt") from exc
        if table is None:
            continue
        if not known:
            chosen = table
            break
        if _known_count(table["headers"], known) >= 2:
            chosen = table
        elif guessed is None:
            guessed = table
    if chosen is None:
        chosen = guessed
    if chosen is not None:
        chosen["other_sheets"] = others
        chosen["date1904"] = _uses_1904_dates(data)
        return _with_formula_cells(data, chosen)
    for name in hidden:
        if _roster_like(wb, name, known, max_cols):
            raise LayoutError("hidden", sheet=name)
    raise LayoutError(failure)


def _known_count(headers: list[str], known: frozenset[str]) -> int:
    return sum(normalize_header(h) in known for h in headers)


def _roster_like(wb, name: str, known: frozenset[str], max_cols: int) -> bool:
    """Whether a sheet has a header with two known headers (any header, without known
    headers) and a row under it: its first rows are enough."""
    try:
        sheet = wb.get_sheet_by_name(name)
        start = sheet.start
        if start is None:
            return False
        window = start[0] + HEADER_SCAN_ROWS + 3
        head = [convert_row(r[:max_cols]) for r in sheet.to_python(skip_empty_area=False,
                                                                    nrows=window)]
        begin = start[0]
        while begin < len(head) and _is_blank(head[begin]):
            begin += 1
        found = find_header(head, begin, known, sheet.merged_cell_ranges)
        if found is None or (known and _known_count(found[1], known) < 2):
            return False
        first = found[2]
        return (any(not _is_blank(r) for r in head[first:])
                or start[0] + sheet.height > len(head))
    except BaseException:  # noqa: BLE001 - a sheet calamine cannot read is not a roster
        return False


def _sheet_table(wb, name: str, known: frozenset[str], max_rows: int, max_cols: int
                 ) -> dict | None:
    """The sheet's table, None when it has no data; raises LayoutError("no_header").

    Only cells with content count against the limits: a formula returning "" copied down
    to row 300,000, a space typed in column ZZ or rows formatted to the last row widen
    the sheet's used range, not its table.
    """
    sheet = wb.get_sheet_by_name(name)
    start = sheet.start
    if start is None or not sheet.height or not sheet.width:
        return None
    start_row, start_col = start
    head = [convert_row(_cut(r, max_cols)) for r in sheet.to_python(
        skip_empty_area=False, nrows=start_row + HEADER_SCAN_ROWS + 2)]
    begin = start_row
    while begin < len(head) and _is_blank(head[begin]):
        begin += 1
    if begin >= len(head):
        return None
    found = find_header(head, begin, known, sheet.merged_cell_ranges)  # merges: None for ods
    if found is None:
        raise LayoutError("no_header")
    h, headers, first = found
    data_rows = _data_rows(sheet.iter_rows(), first, start_col, max_rows, max_cols)
    if not data_rows:
        return None
    return _assemble(name, headers, data_rows, h, first, max_rows, max_cols)


def _cut(row: list, max_cols: int) -> list:
    """The first ``max_cols`` cells of a row; LayoutError if a cell after them has content."""
    if len(row) <= max_cols:
        return row
    tail = row[max_cols:]
    if tail.count("") != len(tail) and any(
            v != "" and not (v.__class__ is str and v.isspace()) for v in tail):
        raise LayoutError("too_many_cols", max_cols)
    return row[:max_cols]


def _data_rows(rows, first: int, start_col: int, max_rows: int, max_cols: int) -> list[list]:
    """The converted rows from sheet row ``first`` (0-based) to the last one with content,
    each without its empty cells at the end; calamine's rows start at column
    ``start_col``."""
    out: list[list] = []
    pending = 0  # blank rows seen since the last row with content
    pad = [None] * start_col
    limit = max(max_cols - start_col, 0)
    for i, raw in enumerate(rows):
        if i < first:
            continue
        row = convert_row(_cut(raw, limit))
        while row and row[-1] is None:
            row.pop()
        if not row:
            pending += 1
            continue
        if len(out) + pending >= max_rows:
            raise LayoutError("too_many_rows", max_rows)
        if pending:
            out.extend([_BLANK] * pending)
            pending = 0
        out.append(pad + row if start_col else row)
    return out


_BLANK: list = []


_DATE1904 = re.compile(rb"""<(?:[\w.-]+:)?workbookPr\b[^>]*\sdate1904=["'](?:1|true)["']""")


def _uses_1904_dates(data: bytes) -> bool:
    """Whether the workbook counts days from 1904 (Excel for Mac before 2011, some Numbers
    and converter exports): calamine shows its date cells right, but a date typed into a
    cell formatted as a plain number is a day count the parsers must read from 1904."""
    import struct
    import zipfile

    try:
        if data.startswith(_OLE_MAGIC):
            stream = _ole_stream(data, "Workbook") or b""
            offset = 0
            while offset + 4 <= len(stream):  # the globals' DATEMODE record
                kind, length = struct.unpack_from("<HH", stream, offset)
                if kind == 0x0022 and length >= 2:
                    return struct.unpack_from("<H", stream, offset + 4)[0] == 1
                if kind == 0x000A:
                    return False
                offset += 4 + length
            return False
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower(): n for n in zf.namelist()}
            if "xl/workbook.xml" not in names:
                return False
            return _DATE1904.search(zf.read(names["xl/workbook.xml"])) is not None
    except Exception:  # noqa: BLE001 - calamine read the file; this is only a refinement
        return False


# ---------------------------------------------------------------------------------- formulas

class FormulaError:
    """A cell whose formula shows an error (``#N/A`` from a VLOOKUP that found nothing,
    ``#VALUE!``…), or (``text`` empty) a formula the file holds no result for. Calamine reads
    both as empty cells; the reader puts these in their place, in xlsx files."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other) -> bool:
        return other.__class__ is FormulaError and other.text == self.text

    def __hash__(self) -> int:
        return hash((FormulaError, self.text))

    def __repr__(self) -> str:
        return f"FormulaError({self.text!r})"


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_TYPE = re.compile(rb"""\st=["']e["']""")
_BARE_FORMULA = re.compile(rb"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REF_ATTR = re.compile(rb"""\sr=["']([A-Za-z]{1,3})(\d+)["']""")
_TYPE_ATTR = re.compile(rb"""\st=["'](\w+)["']""")
_TEXT_RESULTS = (b"str", b"s", b"inlineStr")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _with_formula_cells(data: bytes, table: dict) -> dict:
    """The table with a ``FormulaError`` in each cell that shows a formula error (xlsx, xls,
    ods) or has no computed value (xlsx), in rows that have other content (a lookup copied
    down past the last row shows #N/A in rows that are empty)."""
    try:
        cells = _formula_cells(data, table["sheet_name"])
    except Exception:  # noqa: BLE001 - calamine read the file; this is only a refinement
        return table
    if not cells:
        return table
    rows, first = table["rows"], table["first_data_row"] - 1
    width = len(table["headers"])
    for (r, c), text in cells.items():
        i = r - first
        if 0 <= i < len(rows) and c < width:
            row = rows[i]
            if row.count(None) != width and row[c] is None:
                row[c] = FormulaError(text)
    return table


def _sheet_part(zf, sheet_name: str) -> str | None:
    import xml.etree.ElementTree as ET

    names = {n.lower(): n for n in zf.namelist()}
    # Expat (2.4+) limits entity expansion and ElementTree loads no external entities; this
    # runs in the child, under its memory and CPU limits, after calamine read the same parts.
    workbook = ET.fromstring(zf.read(names["xl/workbook.xml"]))  # noqa: S314
    rid = None
    for sheet in workbook.iter(_NS + "sheet"):
        if sheet.get("name") == sheet_name:
            rid = sheet.get(_REL_NS + "id")
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rid is None or rels is None:
        return None
    for rel in ET.fromstring(zf.read(rels)).iter(_PKG_NS + "Relationship"):  # noqa: S314
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts: list[str] = []
            for piece in path.split("/"):
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece not in ("", "."):
                    parts.append(piece)
            return names.get("/".join(parts).lower())
    return None


def _formula_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """(0-based row, column) -> the error a cell shows ("#N/A"), or "" for a formula without
    a value, in the sheet of an xlsx, ods or xls file."""
    import zipfile

    if data.startswith(_OLE_MAGIC):
        return _xls_formula_cells(data, sheet_name)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = {n.lower() for n in zf.namelist()}
        if "xl/workbook.xml" in names:
            part = _sheet_part(zf, sheet_name)
            return _xlsx_formula_cells(zf.read(part)) if part else {}
        return _ods_formula_cells(zf.read("content.xml"), sheet_name)


def _xlsx_formula_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """``_formula_cells`` of an xlsx sheet, by searching the bytes (a sheet of two million
    cells takes a fraction of a second); sheets whose elements carry a namespace prefix, or
    cells without ``r=``, are parsed as XML."""
    if xml.find(b"<c ") < 0 and xml.find(b"<c>") < 0:
        return _formula_cells_parsed(xml) if xml.find(b":c ") >= 0 else {}
    found: dict[tuple[int, int], str] = {}
    errors = _ERROR_TYPE.finditer(xml) if b't="e"' in xml or b"t='e'" in xml else ()
    formulas = _BARE_FORMULA.finditer(xml) if b"<f" in xml else ()
    for match in errors:
        start = xml.rfind(b"<c", 0, match.start())
        end = xml.find(b"</c>", match.end())
        head = xml[start:xml.find(b">", match.end()) + 1]
        if start < 0 or end < 0 or not head.startswith((b"<c ", b"<c\t", b"<c\n")):
            continue
        ref = _REF_ATTR.search(head)
        if ref is None:
            return _formula_cells_parsed(xml)
        value = _VALUE.search(xml, match.end(), end)
        shown = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        found[(int(ref.group(2)) - 1, _column_index(ref.group(1).decode()))] = shown
    for match in formulas:
        start = xml.rfind(b"<c", 0, match.start())
        head = xml[start:xml.find(b">", start) + 1]
        kind = _TYPE_ATTR.search(head)
        if kind is not None and (kind.group(1) == b"e" or (kind.group(1) in _TEXT_RESULTS
                                 and b"<v" in match.group())):
            continue  # an error (above), or "" as a string result: computed
        ref = _REF_ATTR.search(head)
        if ref is None:
            return _formula_cells_parsed(xml)
        found[(int(ref.group(2)) - 1, _column_index(ref.group(1).decode()))] = ""
    return found


def _formula_cells_parsed(xml: bytes) -> dict[tuple[int, int], str]:
    """``_formula_cells`` by parsing the XML, for writers that leave out ``r=``."""
    import xml.etree.ElementTree as ET

    found: dict[tuple[int, int], str] = {}
    r = c = -1
    for event, elem in ET.iterparse(io.BytesIO(xml), events=("start", "end")):  # noqa: S314
        tag = elem.tag
        if event == "start":
            if tag == _NS + "row":
                ref = elem.get("r")
                r = int(ref) - 1 if ref and ref.isdigit() else r + 1
                c = -1
            elif tag == _NS + "c":
                ref = _CELL_REF.fullmatch(elem.get("r") or "")
                if ref:
                    c = _column_index(ref.group(1))
                    r = int(ref.group(2)) - 1
                else:
                    c += 1
            continue
        if tag == _NS + "c":
            formula = elem.find(_NS + "f")
            value = elem.find(_NS + "v")
            if elem.get("t") == "e":
                found[(r, c)] = (value.text or "#ERROR") if value is not None else "#ERROR"
            elif formula is not None and (value is None or (not value.text and elem.get(
                    "t") not in ("str", "s", "inlineStr"))):
                found[(r, c)] = ""
            elem.clear()
        elif tag == _NS + "row":
            elem.clear()
    return found


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def _ods_formula_cells(xml: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """``_formula_cells`` of an ods sheet: LibreOffice marks an error result
    ``calcext:value-type="error"``. Rows and cells repeat, so the XML is parsed (only when
    the mark is there at all)."""
    import xml.etree.ElementTree as ET

    if b'value-type="error"' not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    table, row, cell = _ODS_TABLE + "table", _ODS_TABLE + "table-row", (
        _ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    inside = False
    depth = 0  # tables within the sheet's table (inside a cell), not counted
    r = c = 0
    for event, elem in ET.iterparse(io.BytesIO(xml), events=("start", "end")):  # noqa: S314
        tag = elem.tag
        if tag == table:
            if event == "start":
                if inside:
                    depth += 1
                elif elem.get(_ODS_TABLE + "name") == sheet_name:
                    inside, r = True, 0
            elif inside:
                if depth:
                    depth -= 1
                else:
                    return found
            continue
        if not inside or depth:
            continue
        if tag == row:
            if event == "start":
                c = 0
            else:
                r += int(elem.get(_ODS_TABLE + "number-rows-repeated") or 1)
                elem.clear()
        elif tag in cell and event == "end":
            repeat = int(elem.get(_ODS_TABLE + "number-columns-repeated") or 1)
            if elem.get(_ODS_CALCEXT + "value-type") == "error":
                shown = "".join(elem.itertext()).strip() or "#ERROR"
                for k in range(min(repeat, 1024)):
                    found[(r, c + k)] = shown
            c += repeat
    return found


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A FORMULA record whose cached result is an error, or a BOOLERR record holding one: the
# records are walked only when the bytes hold one of these at all.
_BIFF_ERROR_HINT = re.compile(rb"\x06\x00..[\x00-\xff]{6}\x02\x00.\x00\x00\x00\xff\xff"
                              rb"|\x05\x02\x08\x00[\x00-\xff]{7}\x01", re.DOTALL)
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
                0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _ole_stream(data: bytes, wanted: str) -> bytes | None:
    """A stream of an OLE2 compound file (an xls), by name; None when absent."""
    import struct

    (shift,) = struct.unpack_from("<H", data, 0x1E)
    size = 1 << shift
    (first_dir,) = struct.unpack_from("<I", data, 0x30)
    (cutoff,) = struct.unpack_from("<I", data, 0x38)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    sectors = (len(data) - 512) // size + 1

    def sector(n: int) -> bytes:
        return data[(n + 1) * size:(n + 2) * size]

    difat = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < sectors]
    n = first_difat
    for _ in range(min(difat_count, sectors)):
        if n >= sectors:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(n))
        difat += [e for e in entries[:-1] if e < sectors]
        n = entries[-1]
    fat: list[int] = []
    for n in difat:
        fat += struct.unpack(f"<{size // 4}I", sector(n))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out = []
        while start < len(table) and len(out) < limit:
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat, sectors))
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset:offset + 128]
        (length,) = struct.unpack_from("<H", entry, 64)
        name = entry[:max(length - 2, 0)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, stream_size = struct.unpack_from("<IQ", entry, 116)
        if size == 512:
            stream_size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
        if kind == 2 and name == wanted and stream_size >= cutoff:
            # (Excel pads a workbook stream to 4096 bytes: never in the mini stream.)
            return b"".join(sector(n) for n in chain(start, fat, sectors))[:stream_size]
    return None


def _xls_formula_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """``_formula_cells`` of an xls (BIFF8) sheet: FORMULA records whose cached result is an
    error, and BOOLERR records holding one."""
    import struct

    stream = _ole_stream(data, "Workbook")
    if stream is None or _BIFF_ERROR_HINT.search(stream) is None:
        return {}
    position = None
    offset = 0
    while offset + 4 <= len(stream):  # the globals: BOUNDSHEET8 records name the sheets
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4:offset + 4 + length]
        offset += 4 + length
        if kind == 0x0085 and len(body) >= 8:
            count, high = body[6], body[7] & 1
            raw = body[8:8 + count * (2 if high else 1)]
            name = raw.decode("utf-16-le" if high else "latin-1", "replace")
            if name == sheet_name:
                (position,) = struct.unpack_from("<I", body, 0)
        elif kind == 0x000A:  # EOF of the globals
            break
    if position is None:
        return {}
    found: dict[tuple[int, int], str] = {}
    offset = position
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4:offset + 4 + length]
        offset += 4 + length
        if kind == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
            row, col = struct.unpack_from("<HH", body, 0)
            found[(row, col)] = _BIFF_ERRORS.get(body[8], "#ERROR")
        elif kind == 0x0205 and len(body) >= 8 and body[7]:
            row, col = struct.unpack_from("<HH", body, 0)
            found[(row, col)] = _BIFF_ERRORS.get(body[6], "#ERROR")
        elif kind == 0x000A:
            break
    return found


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


# ---------------------------------------------------------------------------------- the child
# Parent and child talk in marshal (plain data only; fast). Dates and times travel as ISO
# text beside the rows, as (row, column, kind, text), and are put back by ``decode_answer``.

_PLAIN = frozenset((str, float, int, bool, type(None)))


def _encode_special(rows: list[list]) -> list[tuple[int, int, str, object]]:
    """Take every value marshal cannot carry out of the rows (left None), listing it apart."""
    special = []
    plain = _PLAIN.__contains__
    for i, row in enumerate(rows):
        flags = list(map(plain, map(type, row)))
        count = flags.count(False)
        j = -1
        for _ in range(count):
            j = flags.index(False, j + 1)
            value = row[j]
            cls = value.__class__
            if cls is dt.date:
                special.append((i, j, "date", value.isoformat()))
            elif cls is dt.datetime:
                special.append((i, j, "datetime", value.isoformat()))
            elif cls is dt.time:
                special.append((i, j, "time", value.isoformat()))
            elif cls is dt.timedelta:
                special.append((i, j, "timedelta", value.total_seconds()))
            elif cls is FormulaError:
                special.append((i, j, "formula", value.text))
            else:
                special.append((i, j, "text", str(value)))
            row[j] = None
    return special


_DECODERS = {"datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
             "time": dt.time.fromisoformat, "text": str, "formula": FormulaError,
             "timedelta": lambda seconds: dt.timedelta(seconds=seconds)}


def decode_answer(payload: bytes) -> dict:
    """The child's answer, with its dates and times put back into the rows."""
    answer = marshal.loads(payload)  # noqa: S302 - written by our child, plain data
    table = answer.get("table") if isinstance(answer, dict) else None
    if table is not None:
        rows = table["rows"]
        for i, j, kind, value in answer.pop("special"):
            rows[i][j] = _DECODERS[kind](value)
    return answer


def _limit_resources(memory: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu_seconds)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


def child_main() -> None:
    gc.disable()  # millions of small lists; the child lives for one file
    request = marshal.loads(sys.stdin.buffer.read())  # noqa: S302 - from our parent
    _limit_resources(request["memory"], request["cpu_seconds"])
    try:
        table = read_workbook(request["data"], frozenset(request["known"]),
                              request["max_rows"], request["max_cols"])
        answer = {"table": table, "special": _encode_special(table["rows"])}
    except LayoutError as exc:
        answer = {"error": exc.code, "limit": exc.limit, "sheet": exc.sheet}
    except MemoryError:
        answer = {"error": "memory", "limit": None}
    sys.stdout.buffer.write(marshal.dumps(answer))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    sys.path.pop(0)  # this file's directory: nothing there may shadow the standard library
    child_main()
