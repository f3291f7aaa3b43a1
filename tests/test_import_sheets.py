"""Sheets as other office suites write them (WPS, LibreOffice, Numbers, Excel's CSV and
"Unicode text"), run through the real talent importer: good rows imported exactly, bad rows
reported by the row number the clerk sees, column and cause, and never a changed value."""

from __future__ import annotations

import io
import random

import pytest

from tests.core_imports import builders as b
from wutong.core.demo.generators import id_number
from wutong.core.imports import ImportRefused, summarize
from wutong.core.models import Region
from wutong.talents.imports import talent_import
from wutong.talents.models import Talent

RNG = random.Random(47)


@pytest.fixture
def ids():
    return [id_number(RNG, "230602") for _ in range(4)]


def run(world, data: bytes, name: str = "花名册.xlsx", problem_path=None):
    return talent_import(user=world["district"], path=io.BytesIO(data), filename=name,
                         default_region=Region.objects.get(code="230602"),
                         problem_path=problem_path)


def lines(result) -> list[str]:
    return summarize(result.problems)


def refusal(world, data: bytes, name: str = "花名册.xlsx") -> str:
    with pytest.raises(ImportRefused) as caught:
        run(world, data, name)
    return caught.value.message


def xlsx(*values: list, **kwargs) -> bytes:
    return b.book_bytes([("Sheet1", b.worksheet(b.rows(*values)))], **kwargs)


# ---------------------------------------------------------------------------------- rows

def test_blank_rows_between_groups_are_not_rows(world, ids):
    data = xlsx(["姓名", "身份证号码", "学历"], ["张三", ids[0], "本科"], [], [None, None, None],
                ["李四", ids[1], "硕士"], [])
    result = run(world, data)
    assert result.ok, lines(result)
    assert (result.rows, result.created) == (2, 2)
    assert dict(Talent.objects.values_list("name", "education")) == {"张三": "21", "李四": "14"}
