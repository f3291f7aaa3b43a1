
"""Exports: what the user sees, masked, spreadsheet formulas defused, Chinese readable."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from wutong.core.exports import defuse_csv, write_csv, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1+1",
           "正常文本", "ctrl\x01char"]


def test_csv_formulas_are_defused_and_opens_in_excel(tmp_path):
    path = tmp_path / "x.csv"
    write_csv(path, ["值"], [[v] for v in HOSTILE])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel in a Chinese locale reads UTF-8
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    values = [r[0] for r in rows[1:]]
    assert values[:6] == ["'" + v for v in HOSTILE[:6]]
    assert values[6] == "正常文本"


def test_xlsx_never_contains_a_formula(tmp_path):
    path = tmp_path / "x.xlsx"
    write_xlsx(path, ["值", "数"], [[v, 3] for v in HOSTILE])
    ws = openpyxl.load_workbook(path).active
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == HOSTILE[0]
    assert ws.cell(row=2, column=2).value == 3
    assert ws.cell(row=1, column=1).value == "值"


def test_defuse_leaves_numbers_alone():
    assert defuse_csv(-5) == -5
    assert defuse_csv("-5") == "'-5"


def test_csv_export_of_users_masks_id_numbers(world, login, django_capture_on_commit_callbacks):
    from tests.conftest import TALENT_ID
    from wutong.core.models import Job

    client = login(world["district"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "users", "format": "csv", "q": "talent"})
    job = Job.objects.get()
    text = Path(job.result_file).read_text(encoding="utf-8-sig")
    assert TALENT_ID not in text and TALENT_ID[:6] + "********" + TALENT_ID[-4:] in text
    assert "13912345678" not in text and "139****5678" in text
    assert "other_city" not in text


def test_a_phone_typed_in_the_search_box_is_not_kept_in_clear(world, login,
                                                              django_capture_on_commit_callbacks):
    from django.db import connection

    from wutong.core.models import AuditRecord, Job

    client = login(world["district"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/", {"exporter": "users", "format": "csv", "q": "13912345678"})
    job = Job.objects.get()
    assert job.status == "succeeded"
    assert "talent" in Path(job.result_file).read_text(encoding="utf-8-sig")  # filter applied
    with connection.cursor() as cursor:
        cursor.execute("SELECT params, filters FROM core_job")
        assert "13912345678" not in str(cursor.fetchall())
    record = AuditRecord.objects.get(action="export")
    assert record.changes["extra"]["filters"]["q"] == "139****5678"
