"""Reading an uploaded spreadsheet into a ``Table``, safely.

The format is decided by the file's content, not its name: a zip holding ``xl/workbook.xml``
is xlsx/xlsm, one holding an OpenDocument spreadsheet is ods, an OLE2 container is xls, and
text is CSV (UTF-8 with or without BOM, GB18030 as Excel saves it on a Chinese Windows, UTF-16
as Excel's "Unicode text"; comma, semicolon or tab). Anything else is refused with a message a
clerk understands.

Hostile files: the size is checked before anything is read; a zip is inspected (member count,
declared sizes, compression ratios) before calamine sees it; and calamine runs in a child
process with a memory limit, a CPU limit and a timeout, because on some crafted files it
aborts the process instead of raising (``_layout``). Every failure is an ``ImportRefused``.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import marshal
import os
import re
import struct
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from wutong.core.imports import _layout
from wutong.core.imports._layout import LayoutError, normalize_header
from wutong.core.imports.errors import ImportRefused
from wutong.core.imports.report import Problem

__all__ = ["Table", "read_table"]

MAX_ZIP_MEMBERS = 2000
MAX_UNZIPPED_FACTOR = 20          # total uncompressed size ≤ 20 × max_bytes
MAX_COMPRESSION_RATIO = 200       # for members bigger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
WORKER_MEMORY_LIMIT = 4 * 1024**3  # address space of the calamine child
WORKER_TIMEOUT = 120              # seconds, wall clock and CPU
WORKER_PYTHON = sys.executable    # the interpreter that runs the child (set it under uWSGI)

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"Rar!\x1a",
                  b"7z\xbc\xaf", b"\x1f\x8b", b"\x7fELF")
# Text is read as CSV only under these names (or none): a .pdf or .docx is never a table.
_TEXT_EXTENSIONS = frozenset(("", ".csv", ".txt", ".tsv", ".xls", ".xlsx", ".xlsm", ".xlt",
                              ".xltx", ".xltm", ".et", ".ett", ".ods", ".ots", ".prn", ".dat"))
_BLANK_ONLY = re.compile(rb"[ \t\r\n\x00]*\Z")
_HTML_STARTS = ("<!doctype", "<html", "<table", "<?xml", "<meta", "<head", "<body",
                "mime-version:")
_DELIMITERS = (",", "\t", ";")
HEADER_SLACK = _layout.HEADER_SCAN_ROWS + 2  # title and header rows above the data
_BLANK_ROW: list = []


@dataclass
class Table:
    sheet_name: str
    headers: list[str]
    rows: list[list]          # raw values; None for empty cells; each row len(headers) long
    first_data_row: int       # 1-based sheet row number of rows[0]
    header_row: int = 0       # 1-based sheet row number of the (upper) header row
    format: str = ""          # xlsx, xls, ods or csv
    problems: list[Problem] = field(default_factory=list)  # rows the reading found wrong
    other_sheets: list[str] = field(default_factory=list)  # visible sheets also like a roster
    date1904: bool = False    # the workbook counts days from 1904 (see ``parsers.for_table``)

    def row_number(self, index: int) -> int:
        """The sheet row number of ``rows[index]``."""
        return self.first_data_row + index

    def iter_rows(self):
        """(sheet row number, row) for every row that is not blank."""
        width = len(self.headers)
        for i, row in enumerate(self.rows):
            if row.count(None) != width:
                yield self.first_data_row + i, row


# ---------------------------------------------------------------------------------- messages

def _refused_unknown() -> ImportRefused:
    return ImportRefused(_("无法识别的文件格式：请上传 Excel（.xlsx/.xls）或 CSV 文件。"))


def _refused_corrupt() -> ImportRefused:
    return ImportRefused(_("文件已损坏或格式不正确，无法读取。"))


def _refused_encrypted() -> ImportRefused:
    return ImportRefused(_("文件已加密，请先取消密码保护再上传。"))


def _refused_bomb() -> ImportRefused:
    return ImportRefused(_("文件解压后过大或压缩比异常（疑似“压缩炸弹”），无法读取。"))


def _refused_too_wide(limit: int | None) -> ImportRefused:
    return ImportRefused(_("列数超过上限（最多 %(n)s 列），请删除不需要导入的列后重新上传。")
                         % {"n": limit})


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.3g}"


def _refused_layout(exc: LayoutError) -> ImportRefused:
    if exc.code == "empty":
        return ImportRefused(_("文件中没有数据。"))
    if exc.code == "no_header":
        return ImportRefused(_("没有找到表头：前 15 行中没有一行列名（至少要有两个列名，"
                               "如“姓名”“身份证号码”）。"))
    if exc.code == "too_many_rows":
        return ImportRefused(_("数据行数超过上限（最多 %(n)s 行），请分成几个文件上传。")
                             % {"n": exc.limit})
    if exc.code == "too_many_cols":
        return _refused_too_wide(exc.limit)
    if exc.code == "encrypted":
        return _refused_encrypted()
    if exc.code == "hidden":
        return ImportRefused(_("可见的工作表中没有数据，表格在隐藏的工作表「%(sheet)s」中：如要"
                               "导入它，请在 Excel 或 WPS 中取消隐藏该工作表后重新上传。")
                             % {"sheet": exc.sheet})
    if exc.code == "memory":
        return ImportRefused(_("文件内容过大或结构异常，无法读取。"))
    return _refused_corrupt()


# ---------------------------------------------------------------------------------- reading

def _read_bytes(file, max_bytes: int) -> bytes:
    too_big = ImportRefused(_("文件太大：最大 %(limit)s MB，请分成几个文件上传。")
                            % {"limit": _megabytes(max_bytes)})
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        if path.stat().st_size > max_bytes:
            raise too_big
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise too_big
        if hasattr(file, "seek"):
            with contextlib.suppress(OSError, ValueError):
                file.seek(0)
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    return bytes(data)


def read_table(file, *, filename: str, known_headers: set[str] | None = None,
               max_bytes: int = 50 * 1024 * 1024, max_rows: int = 200_000,
               max_cols: int = 200) -> Table:
    """Read the table of an uploaded file (a path or a binary file object).

    The content decides the format; ``filename`` only keeps text under a name like
    ``.pdf`` or ``.docx`` from being read as CSV. ``known_headers`` (labels and synonyms,
    normalized here) helps find the header row below a title row. Raises ``ImportRefused``
    with a Chinese message.
    """
    data = _read_bytes(file, max_bytes)
    if _BLANK_ONLY.match(data):
        raise ImportRefused(_("文件中没有数据。"))
    known = frozenset(filter(None, (normalize_header(h) for h in known_headers or ())))
    if data.startswith(_ZIP_MAGIC) or data.startswith(_EMPTY_ZIP_MAGIC):
        kind = _inspect_zip(data, max_bytes)
        return _read_in_child(data, kind, known, max_rows, max_cols)
    if data.startswith(_OLE_MAGIC):
        return _read_in_child(data, "xls", known, max_rows, max_cols)
    if data.startswith(_BINARY_MAGICS) or Path(filename).suffix.lower() not in _TEXT_EXTENSIONS:
        raise _refused_unknown()
    return _read_csv(data, known, max_rows, max_cols)


# ---------------------------------------------------------------------------------- zip

def _inspect_zip(data: bytes, max_bytes: int) -> str:
    """Refuse zip bombs and non-spreadsheets; the answer is "xlsx" or "ods"."""
    # Count the members from the end-of-central-directory record before zipfile reads them.
    tail_at = max(len(data) - 65536 - 22, 0)
    eocd = data.rfind(_EMPTY_ZIP_MAGIC, tail_at)
    if eocd >= 0 and eocd + 22 <= len(data):
        (entries,) = struct.unpack_from("<H", data, eocd + 10)
        if entries != 0xFFFF and entries > MAX_ZIP_MEMBERS:
            raise ImportRefused(_("文件内部结构异常（包含的部件过多），无法读取。"))
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, struct.error, UnicodeError) as exc:
        raise _refused_corrupt() from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportRefused(_("文件内部结构异常（包含的部件过多），无法读取。"))
    names = {info.filename.lower() for info in infos}
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        raise ImportRefused(_("暂不支持 Excel 二进制工作簿（.xlsb）：请在 Excel 中“另存为” "
                              ".xlsx 后上传。"))
    elif "content.xml" in names and _is_ods(data, infos):
        kind = "ods"
    else:
        raise _refused_unknown()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refused_encrypted()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refused_corrupt()
        total += info.file_size
        if (info.file_size > RATIO_FLOOR
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
            raise _refused_bomb()
    if total > MAX_UNZIPPED_FACTOR * max_bytes:
        raise _refused_bomb()
    return kind


def _is_ods(data: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    mimetype = next((i for i in infos if i.filename == "mimetype"), None)
    if mimetype is None:
        return True  # calamine does not need it; content.xml decides
    if mimetype.file_size > 200:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            value = zf.read(mimetype)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
            struct.error) as exc:
        raise _refused_corrupt() from exc
    return value.strip().startswith(b"application/vnd.oasis.opendocument.spreadsheet")


# ---------------------------------------------------------------------------------- calamine

def _read_in_child(data: bytes, kind: str, known: frozenset[str], max_rows: int,
                   max_cols: int) -> Table:
    request = marshal.dumps({
        "data": data, "known": sorted(known), "max_rows": max_rows, "max_cols": max_cols,
        "memory": WORKER_MEMORY_LIMIT, "cpu_seconds": WORKER_TIMEOUT,
    })
    try:
        done = subprocess.run(  # noqa: S603 - our own script, run by this interpreter
            [WORKER_PYTHON, "-E", "-s", _layout.__file__], input=request,
            capture_output=True, timeout=WORKER_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ImportRefused(_("读取文件超时：文件可能已损坏或过于复杂。")) from exc
    answer = None
    if done.returncode == 0 and done.stdout:
        collecting = gc.isenabled()
        gc.disable()  # rebuilding a million cells would trigger many useless collections
        try:
            answer = _layout.decode_answer(done.stdout)
        except (EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise _refused_corrupt() from exc
        finally:
            if collecting:
                gc.enable()
    if not isinstance(answer, dict):
        # The child died: calamine aborted, or it hit the memory limit.
        if kind == "xls" and _ENCRYPTED_PACKAGE in data:
            raise _refused_encrypted()
        raise _refused_corrupt()
    if "error" in answer:
        if answer["error"] == "corrupt" and kind == "xls" and _ENCRYPTED_PACKAGE in data:
            raise _refused_encrypted()  # an encrypted xlsx is an OLE file with this stream
        raise _refused_layout(LayoutError(answer["error"], answer.get("limit"),
                                          answer.get("sheet") or ""))
    return Table(format=kind, **answer["table"])


# ---------------------------------------------------------------------------------- csv

_UTF8_BOM = b"\xef\xbb\xbf"
_GB18030_BOM = b"\x84\x31\x95\x33"
_MIXED_AFTER = 8  # this many valid UTF-8 characters before a bad byte: not GB18030 text


def _decode(data: bytes) -> str:
    """UTF-16 with its BOM; else UTF-8, else GB18030 (with or without a BOM, even a UTF-8
    BOM in front of GB18030 text as some exporters write). A file that is UTF-8 up to some
    line and something else after it is refused: read as GB18030 it would turn every name
    into other characters."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _refused_unknown() from exc
    sample = data[:8192]
    if b"\x00" in sample:
        raise _refused_unknown()
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\x0c")
    if controls * 100 > len(sample):
        raise _refused_unknown()
    body = data[3:] if data.startswith(_UTF8_BOM) else (
        data[4:] if data.startswith(_GB18030_BOM) else data)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[:exc.start]
        if exc.end >= len(body) and exc.reason == "unexpected end of data":
            raise ImportRefused(_("文件末尾不完整（最后一个字被截断），可能没有上传完整：请重新"
                                  "保存后上传。")) from exc
        if sum(1 for ch in before.decode("utf-8", "ignore") if ord(ch) > 0x7F) >= _MIXED_AFTER:
            raise ImportRefused(_("文件的文字编码前后不一致：第 %(row)s 行起不是 UTF-8 编码（可能"
                                  "是把两个文件拼在了一起）。请用 Excel 打开后另存为 .xlsx 再"
                                  "上传。") % {"row": before.count(b"\n") + 1}) from exc
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _refused_unknown() from exc


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        usual, agreeing = Counter(nonzero).most_common(1)[0]
        score = (agreeing, usual)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_cell(value: str) -> str | None:
    if not value or value.isspace():
        return None
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1] or None  # ="0123": Excel's way to keep text as text
    return value


def _read_csv(data: bytes, known: frozenset[str], max_rows: int, max_cols: int) -> Table:
    text = _decode(data)
    head = text[:4096].lstrip("\ufeff \t\r\n")[:64].lower()
    if head.startswith(_HTML_STARTS):
        raise ImportRefused(_("这个文件实际是网页（HTML/XML）格式，只是扩展名像 Excel：请用 "
                              "Excel 打开后“另存为” .xlsx 再上传。"))
    delimiter = _sniff_delimiter(text)
    try:
        rows = _csv_rows(text, delimiter, max_rows, max_cols, strict=True)
    except csv.Error:  # a quote inside a field ("abc"x): read it as Excel does
        rows = _csv_rows(text, delimiter, max_rows, max_cols, strict=False)
    try:
        table = _layout.build_table("", rows, known, None, max_rows, max_cols)
    except LayoutError as exc:
        raise _refused_layout(exc) from exc
    return Table(format="csv", problems=_overlong_rows(table), **table)


def _csv_rows(text: str, delimiter: str, max_rows: int, max_cols: int, *, strict: bool
              ) -> list[list]:
    """The records as rows, empty fields None and none at the end of a row; a quote left
    open (everything after it would become one cell) is refused with its row."""
    row_cap = max_rows + HEADER_SLACK
    rows: list[list] = []
    last_filled = -1
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            if "end of data" not in str(exc):
                raise
            raise ImportRefused(_("第 %(row)s 行有一个引号（\"）没有配对，从这里到文件末尾都成了"
                                  "一个单元格：请检查这一行，或用 Excel 打开后另存为 .xlsx 再"
                                  "上传。") % {"row": len(rows) + 1}) from exc
        row = [_csv_cell(v) for v in record]
        while row and row[-1] is None:
            row.pop()
        if not row:
            row = _BLANK_ROW  # one shared list for the many blank lines a file may have
        if len(row) > max_cols:
            raise _refused_too_wide(max_cols)
        rows.append(row)
        if row:
            last_filled = len(rows) - 1
            if last_filled >= row_cap:
                raise _refused_layout(LayoutError("too_many_rows", max_rows))
    del rows[last_filled + 1:]
    return rows


def _overlong_rows(table: dict) -> list[Problem]:
    """Rows with more fields than the header: in a CSV that is a comma typed in a cell
    without quotes, and every field after it is in the wrong column."""
    named = len(table["headers"])
    while named and not table["headers"][named - 1]:
        named -= 1
    problems = []
    for i, row in enumerate(table["rows"]):
        extra = len(row) - named
        if extra > 0 and row[named:].count(None) != extra:
            fields = len(row)
            while row[fields - 1] is None:
                fields -= 1
            problems.append(Problem(table["first_data_row"] + i, None, _(
                "这一行有 %(fields)s 个字段，比表头的 %(named)s 列多：可能是某个单元格里有没加引号"
                "的逗号，使后面的内容错了列。请检查这一行") % {"fields": fields, "named": named}))
    return problems
