"""Exports to xlsx and csv: what the user may see, masked, with spreadsheet formulas defused.

An app registers an ``Exporter`` (what rows, which columns); ``core.tasks.export_run`` writes the
file in the background with progress, applying ``restrict(user, "export")`` on the user's behalf.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wutong.core.pii import PersonalValue

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    key: str = ""  # the list column it stands for (core.lists), so a column choice applies


@dataclass(frozen=True)
class Exporter:
    """One exportable list: its rows for a user (already restricted) and its columns."""

    key: str
    title: Any
    model: type
    rows: Callable[[Any, dict], QuerySet]
    columns: tuple[Column, ...]
    list_key: str | None = None  # the list (core.lists) whose column choice the export follows

    def pick_columns(self, keys: list[str] | None) -> tuple[Column, ...]:
        """The columns a user chose, in their order; all columns when they chose none."""
        if not keys:
            return self.columns
        by_key = {c.key: c for c in self.columns if c.key}
        return tuple(by_key[k] for k in keys if k in by_key) or self.columns


_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> None:
    _EXPORTERS[exporter.key] = exporter


def get_exporter(key: str) -> Exporter:
    return _EXPORTERS[key]


def cell_text(value: Any) -> Any:
    """A value as it goes into a file: personal data masked, None empty."""
    if value is None:
        return ""
    if isinstance(value, PersonalValue):
        return value.masked
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    return str(value)


def defuse_csv(value: Any) -> Any:
    """OWASP CSV-injection rule: a text cell that a spreadsheet would run gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


_LABELS: dict[tuple, str] = {}


def choice_label(choices) -> Callable[[Any], str]:
    """A fast ``get_FOO_display`` for exports: each label is translated once per language."""
    mapping = dict(choices)

    def label(value: Any) -> str:
        key = (id(mapping), translation.get_language(), value)
        if key not in _LABELS:
            _LABELS[key] = str(mapping.get(value, value if value is not None else ""))
        return _LABELS[key]

    return label


def write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]],
              progress: Callable[[int], None] | None = None) -> int:
    count = 0
    # UTF-8 with BOM: Excel in a Chinese locale otherwise opens it as GBK and garbles names.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([defuse_csv(cell_text(v)) for v in row])
            count += 1
            if progress and count % 500 == 0:
                progress(count)
    return count


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]],
               progress: Callable[[int], None] | None = None, sheet_title: str = "Sheet1") -> int:
    """Stream rows to xlsx (XlsxWriter, constant memory). Text is always written as text,
    never as a formula, a number or a link, whatever it starts with."""
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    ws = wb.add_worksheet(sheet_title[:31] or "Sheet1")
    bold = wb.add_format({"bold": True})
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = cell_text(value)
            if isinstance(value, str):
                ws.write_string(count, col, value)  # control characters escaped by XlsxWriter
            else:
                ws.write_number(count, col, value)
        if progress and count % 500 == 0:
            progress(count)
    wb.close()
    return count


def exporter_rows(exporter: Exporter, queryset: QuerySet,
                  columns: tuple[Column, ...] | None = None) -> Iterator[list[Any]]:
    columns = exporter.columns if columns is None else columns
    for obj in queryset.iterator(chunk_size=2000):
        yield [col.value(obj) for col in columns]


def register_core_exporters() -> None:
    from wutong.core.models import AuditRecord
    from wutong.core.models.audit import AuditAction

    action_label = choice_label(AuditAction.choices)

    def audit_rows(user, params: dict) -> QuerySet:
        from wutong.core.selectors import audit_records

        return audit_records(user=user, action="export", filters=params)

    register_exporter(Exporter(
        key="audit",
        title=_("审计日志"),
        model=AuditRecord,
        rows=audit_rows,
        columns=(
            Column(_("时间"), lambda r: r.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
            Column(_("操作人"), lambda r: r.actor_name),
            Column(_("操作"), lambda r: action_label(r.action)),
            Column(_("对象类型"), lambda r: r.object_type),
            Column(_("对象"), lambda r: r.object_repr),
            Column(_("请求编号"), lambda r: r.request_id),
            Column(_("哈希"), lambda r: r.hash),
        ),
    ))
