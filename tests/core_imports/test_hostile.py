"""Hostile files: refused quickly, with a clean message, and never taking the server down.

Several of these make calamine abort the process it runs in (a Rust allocation failure is not
an exception); the reader runs it in a child process, so these tests passing at all shows the
test process survived.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.core_imports import builders
from wutong.core.imports import ImportRefused, read_table, reader

CORRUPT = "文件已损坏或格式不正确，无法读取。"
BOMB = "文件解压后过大或压缩比异常（疑似“压缩炸弹”），无法读取。"


def refused(tmp_path, name: str, data: bytes, **kwargs) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(ImportRefused) as caught:
        read_table(path, filename=name, **kwargs)
    assert time.monotonic() - started < 30, "took too long"
    return caught.value.message


def zeros(megabytes: int):
    chunk = b"0" * (1024 * 1024)
    for _ in range(megabytes):
        yield chunk


def bomb_sheet(megabytes: int):
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    yield from zeros(megabytes)
    yield b"</t></is></c></row>"


def test_zip_bomb(tmp_path):
    data = builders.xlsx_bytes(bomb_sheet(300))  # 300 MB of zeros in about 300 KB
    assert len(data) < 1024 * 1024
    assert refused(tmp_path, "bomb.xlsx", data) == BOMB


def test_zip_bomb_of_many_members_adding_up(tmp_path):
    # Each member under the ratio limit (1 MB declared for 6 KB), 25 MB in all: over
    # 20 × max_bytes.
    names = [f"xl/media/part{i}.bin" for i in range(25)]
    data = builders.zip_bytes([("xl/workbook.xml", b"<workbook/>")]
                              + [(name, os.urandom(6000)) for name in names],
                              declared=dict.fromkeys(names, 1024 * 1024))
    assert refused(tmp_path, "many.xlsx", data, max_bytes=1024 * 1024) == BOMB


def test_zip_bomb_with_lying_sizes(tmp_path):
    # The header claims 1 MB where 300 MB come out: zipfile's checks pass, calamine
    # notices in the child, and the child's limits hold whatever it does.
    data = builders.xlsx_bytes(bomb_sheet(300),
                               declared={"xl/worksheets/sheet1.xml": 1024 * 1024})
    assert refused(tmp_path, "lying.xlsx", data) == CORRUPT


def test_too_many_zip_members(tmp_path):
    members = [("xl/workbook.xml", b"<workbook/>")] + [(f"x/{i}.xml", b"") for i in range(2001)]
    assert refused(tmp_path, "parts.xlsx", builders.zip_bytes(members)) == (
        "文件内部结构异常（包含的部件过多），无法读取。")


def test_huge_dimension_sheet(tmp_path):
    # Two cells at A1 and XFD1048576: calamine allocates the whole rectangle (17 billion
    # cells) and aborts.
    data = builders.xlsx_bytes([
        b'<row r="1">', builders.inline_cell("A1", "姓名"), builders.inline_cell("B1", "学历"),
        b'</row><row r="1048576">', builders.inline_cell("XFD1048576", "x"), b"</row>"])
    assert refused(tmp_path, "huge.xlsx", data) == CORRUPT


def test_far_cell_within_reach_is_a_row_limit(tmp_path):
    # A stray cell far down but within what memory allows: the row limit says so.
    data = builders.xlsx_bytes([
        b'<row r="1">', builders.inline_cell("A1", "姓名"), builders.inline_cell("B1", "学历"),
        b'</row><row r="2">', builders.inline_cell("A2", "张三"),
        builders.inline_cell("B2", "本科"),
        b'</row><row r="500000">', builders.inline_cell("A500000", "x"), b"</row>"])
    assert refused(tmp_path, "far.xlsx", data) == (
        "数据行数超过上限（最多 200000 行），请分成几个文件上传。")


def test_shared_string_count_of_four_billion(tmp_path):
    shared = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
              b'.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000">'
              b"<si><t>a</t></si></sst>")
    data = builders.xlsx_bytes(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                               shared_strings=shared)
    assert refused(tmp_path, "sst.xlsx", data) == CORRUPT


def test_ods_with_repeated_cells(tmp_path):
    data = builders.ods_bytes(
        builders.ods_row("姓名", "学历")
        + '<table:table-row table:number-rows-repeated="1000000">'
          '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
          "<text:p>x</text:p></table:table-cell></table:table-row>")
    assert refused(tmp_path, "repeat.ods", data) == CORRUPT


def test_xls_with_a_cell_at_the_far_corner(tmp_path):
    data = builders.xls_bytes([["姓名", "学历"], ["张三", "本科"]],
                              extra=builders.number_record(65535, 65535, 1.0))
    assert refused(tmp_path, "corner.xls", data) == CORRUPT


def test_reader_timeout(tmp_path, monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], reader.WORKER_TIMEOUT)

    monkeypatch.setattr(reader.subprocess, "run", slow)
    path = tmp_path / "t.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"], ["张三", "本科"]])
    with pytest.raises(ImportRefused) as caught:
        read_table(path, filename="t.xlsx")
    assert caught.value.message == "读取文件超时：文件可能已损坏或过于复杂。"


def test_child_that_dies_or_talks_nonsense(tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    builders.write_xlsx(path, [["姓名", "学历"], ["张三", "本科"]])
    for returncode, stdout in ((-6, b""), (0, b"not marshal"), (0, b"")):
        monkeypatch.setattr(reader.subprocess, "run", lambda *a, rc=returncode, out=stdout, **k:
                            subprocess.CompletedProcess(a[0], rc, out, b""))
        with pytest.raises(ImportRefused) as caught:
            read_table(path, filename="t.xlsx")
        assert caught.value.message == CORRUPT
