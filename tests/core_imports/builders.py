"""Spreadsheet files built byte by byte for the import tests: honest ones, and hostile ones
that no spreadsheet program would write."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from html import escape

import openpyxl

# ---------------------------------------------------------------------------------- zip

def deflate(chunks: Iterable[bytes]) -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, uncompressed size), compressing chunk by chunk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    out.append(compressor.flush())
    return b"".join(out), crc, size


def zip_bytes(members: list[tuple[str, Iterable[bytes] | bytes]],
              declared: dict[str, int] | None = None) -> bytes:
    """A zip of deflated members; ``declared`` overrides the uncompressed size written in the
    headers (a lying header)."""
    declared = declared or {}
    out, central = bytearray(), bytearray()
    for name, content in members:
        chunks = [content] if isinstance(content, bytes) else content
        payload, crc, size = deflate(chunks)
        size = declared.get(name, size)
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(payload),
                           size, len(raw), 0) + raw + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                               len(payload), size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                       len(central), start, 0)
    return bytes(out)


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    b'"xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    b'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    b'</workbook>')
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    b'"worksheets/sheet1.xml"/>{extra}</Relationships>')
_SHARED_STRINGS_REL = (
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
              b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def inline_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def xlsx_bytes(sheet_data: Iterable[bytes] | bytes, *, shared_strings: bytes | None = None,
               declared: dict[str, int] | None = None) -> bytes:
    """A minimal xlsx whose one sheet has the given ``<sheetData>`` content (chunks)."""
    chunks = [sheet_data] if isinstance(sheet_data, bytes) else sheet_data
    rels = _WORKBOOK_RELS.replace(b"{extra}", _SHARED_STRINGS_REL if shared_strings else b"")
    members: list[tuple[str, Iterable[bytes] | bytes]] = [
        ("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", _framed(chunks))]
    if shared_strings is not None:
        members.append(("xl/sharedStrings.xml", shared_strings))
    return zip_bytes(members, declared)


def _framed(chunks: Iterable[bytes]) -> Iterable[bytes]:
    yield SHEET_HEAD
    yield from chunks
    yield SHEET_TAIL


# ---------------------------------------------------------------------------------- ods

def ods_bytes(table_body: str, name: str = "Sheet1") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
        '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{name}">{table_body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>')
    return zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                      ("META-INF/manifest.xml", manifest.encode()),
                      ("content.xml", content.encode())])


def ods_row(*texts: str) -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{t}</text:p>'
                    "</table:table-cell>" for t in texts)
    return f"<table:table-row>{cells}</table:table-row>"


# ---------------------------------------------------------------------------------- ole / xls

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors). Every stream is padded to
    at least 4096 bytes, so no mini stream is needed."""
    padded = [data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00")
              for data in streams.values()]
    fat = [_FATSECT, _ENDOFCHAIN]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in padded:
        first, count = len(fat), len(data) // 512
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
    assert len(fat) <= 128
    fat += [_FREESECT] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child=_NOSTREAM, right=_NOSTREAM):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, _NOSTREAM,
                                                     right, child)
                + b"\x00" * 36 + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, _ENDOFCHAIN, 0, child=1)
    for i, name in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else _NOSTREAM
        directory += entry(name, 2, starts[i], len(padded[i]), right=right)
    assert len(directory) <= 512
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<9I", 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *([_FREESECT] * 108)))
    return (header + struct.pack("<128I", *fat) + directory.ljust(512, b"\x00")
            + b"".join(padded))


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def number_record(row: int, col: int, value: float) -> bytes:
    return _record(0x0203, struct.pack("<HHHd", row, col, 0, value))


def xls_bytes(rows: list[list], sheet: str = "Sheet1", extra: bytes = b"",
              date1904: bool = False) -> bytes:
    """A BIFF8 workbook (.xls) with one sheet of text and numbers; ``extra`` records go in
    the sheet, ``date1904`` writes a DATEMODE record saying days count from 1904."""

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 6))

    name = struct.pack("<BB", len(sheet), 1) + sheet.encode("utf-16-le")
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells += _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1)
                                 + value.encode("utf-16-le"))
            elif value is not None:
                cells += number_record(r, c, float(value))
    mode = _record(0x0022, struct.pack("<H", 1)) if date1904 else b""
    globals_length = len(bof(5) + mode + _record(0x0085, struct.pack("<IBB", 0, 0, 0) + name)
                         + _record(0x000A, b""))
    workbook = (bof(5) + mode
                + _record(0x0085, struct.pack("<IBB", globals_length, 0, 0) + name)
                + _record(0x000A, b""))
    workbook += bof(0x10) + extra + cells + _record(0x000A, b"")
    return ole_bytes({"Workbook": workbook})


# ---------------------------------------------------------------------------------- openpyxl

def write_xlsx(path, rows: list[list], *, title: str = "Sheet1", merges: Iterable[str] = (),
               before: Iterable[tuple[str, list[list], str]] = ()) -> None:
    """An xlsx written by openpyxl; ``before`` adds sheets (name, rows, state) in front."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, other_rows, state in before:
        ws = wb.create_sheet(name)
        for row in other_rows:
            ws.append(row)
        ws.sheet_state = state
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)


# ------------------------------------------------------------------------ hand-written xlsx

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def worksheet(sheet_data: str, *, before: str = "", after: str = "") -> str:
    """A worksheet part: ``before`` goes ahead of ``<sheetData>`` (``<dimension>``,
    ``<sheetViews>``, ``<cols>``), ``after`` behind it (``<mergeCells>``)."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS_MAIN}"'
            f' xmlns:r="{_NS_REL}">{before}<sheetData>{sheet_data}</sheetData>{after}'
            "</worksheet>")


def styles(*xfs: tuple[int, str], num_fmts: dict[int, str] | None = None) -> str:
    """A styles part whose cell formats (``s`` = 1, 2, …; 0 is General) are ``(numFmtId,
    extra attributes)``; ``num_fmts`` defines custom number formats by id."""
    fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape(code, quote=True)}"/>'
                   for i, code in (num_fmts or {}).items())
    cells = "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0" '
                    f'applyNumberFormat="1" {extra}/>' for i, extra in xfs)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns='
            f'"{_NS_MAIN}"><numFmts count="{len(num_fmts or {})}">{fmts}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs) + 1}"><xf numFmtId="0" fontId="0" '
            f'fillId="0" borderId="0" xfId="0"/>{cells}</cellXfs></styleSheet>')


def shared_strings(*items: str) -> str:
    """A shared-strings part; each item is the inside of an ``<si>`` (``<t>…</t>`` or rich
    text runs ``<r><t>…</t></r>``, phonetic ``<rPh>``)."""
    body = "".join(f"<si>{item}</si>" for item in items)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_NS_MAIN}" '
            f'count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>')


def book_bytes(sheets: list[tuple[str, str] | tuple[str, str, str]], *,
               strings: str | None = None, style: str | None = None,
               workbook_pr: str = "", active: int = 0) -> bytes:
    """An xlsx as other suites write it, every part by hand: ``sheets`` are (name, worksheet
    part[, state]) in workbook order; ``workbook_pr`` the attributes of ``<workbookPr>`` (such
    as ``date1904="1"``)."""
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>']
    rels, entries, members = [], [], []
    for i, sheet in enumerate(sheets, start=1):
        name, part = sheet[0], sheet[1]
        state = f' state="{sheet[2]}"' if len(sheet) > 2 and sheet[2] != "visible" else ""
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                         f'ContentType="{_CT}.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{escape(name, quote=True)}" sheetId="{i}"{state} '
                       f'r:id="rId{i}"/>')
        members.append((f"xl/worksheets/sheet{i}.xml", part.encode()))
    n = len(sheets)
    if strings is not None:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" '
                         f'ContentType="{_CT}.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        members.append(("xl/sharedStrings.xml", strings.encode()))
    if style is not None:
        overrides.append(f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{_NS_REL}/styles" '
                    'Target="styles.xml"/>')
        members.append(("xl/styles.xml", style.encode()))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{"".join(overrides)}</Types>')
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_NS_PKG}">'
        f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>")
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS_MAIN}" '
        f'xmlns:r="{_NS_REL}"><workbookPr {workbook_pr}/><bookViews><workbookView '
        f'activeTab="{active}"/></bookViews><sheets>{"".join(entries)}</sheets></workbook>')
    workbook_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
                     f'xmlns="{_NS_PKG}">{"".join(rels)}</Relationships>')
    return zip_bytes([("[Content_Types].xml", content_types.encode()),
                      ("_rels/.rels", package_rels.encode()),
                      ("xl/workbook.xml", workbook.encode()),
                      ("xl/_rels/workbook.xml.rels", workbook_rels.encode()), *members])


def cell(ref: str | None, value: object, *, style: int = 0, kind: str | None = None) -> str:
    """One ``<c>``: text as an inline string, numbers and booleans as values; ``kind`` forces
    ``t=`` (``s`` with an index, ``str``, ``e``, ``b``, ``n``); ``ref`` None leaves ``r=``
    out as some writers do."""
    r = f' r="{ref}"' if ref else ""
    s = f' s="{style}"' if style else ""
    if kind is None and isinstance(value, str):
        return f'<c{r}{s} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if kind is None and isinstance(value, bool):
        kind, value = "b", int(value)
    t = f' t="{kind}"' if kind and kind != "n" else ""
    return f"<c{r}{s}{t}><v>{escape(str(value))}</v></c>"


def row(number: int | None, *cells: str, attrs: str = "") -> str:
    r = f' r="{number}"' if number else ""
    return f"<row{r}{' ' + attrs if attrs else ''}>{''.join(cells)}</row>"


def rows(*values: list, start: int = 1, style: dict[int, int] | None = None) -> str:
    """Rows of cells with ``r=`` references; ``None`` leaves a cell out; ``style`` gives
    columns (0-based) a cell format."""
    out = []
    for n, line in enumerate(values, start=start):
        out.append(row(n, *(cell(f"{column_letter(c)}{n}", v, style=(style or {}).get(c, 0))
                            for c, v in enumerate(line) if v is not None)))
    return "".join(out)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
