"""Importing a roster: messy sheets, every problem reported, all or nothing, re-import updates,
scope, hostile files."""

from __future__ import annotations

import io
import random

import openpyxl
import pytest

from wutong.core.demo.generators import id_number
from wutong.core.models import Job, Region
from wutong.talents.models import Education, Talent

RNG = random.Random(11)


def sheet(rows, *, title="2024年高层次人才花名册", headers=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append([])
    ws.append(headers or [" 姓 名*", "公民身份号码", "学历", "出生年月", "手机", "引进时间",
                          "引进方式", "所学专业", "毕业院校"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="花名册.xlsx", region="230602"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/talents/import/", {"file": SimpleUploadedFile(name, content),
                                             "region": region})


@pytest.fixture
def people():
    old = id_number(RNG, "230602")
    return {"a": id_number(RNG, "230602"), "b": id_number(RNG, "230602"),
            "old18": old, "old15": old[:6] + old[8:17]}


def run(client, capture, content, **kw) -> Job:
    with capture(execute=True):
        response = upload(client, content, **kw)
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.order_by("-created_at").first()


def test_messy_sheet_imports(world, login, people, django_capture_on_commit_callbacks):
    content = sheet([
        ["张三 ", people["a"], "博士研究生", "", "１３９１２３４５６７８", "2023.5", "刚性引进",
         "化学工程", "哈尔滨工业大学"],
        ["李四", people["old15"], "大学本科", "1990年1月", "139-0000-1111", "2021年3月", "柔性",
         "", ""],
    ])
    job = run(login(world["district"]), django_capture_on_commit_callbacks, content)
    assert job.status == "succeeded", job.message
    assert "新建 2 人" in job.message
    zhang = Talent.objects.get(name="张三")
    assert zhang.education == "11" and zhang.region.code == "230602"
    assert zhang.phone.reveal() == "13912345678"
    assert zhang.introduced_on.isoformat() == "2023-05-01"
    assert zhang.introduction_mode == "full_time"
    assert Education.objects.filter(talent=zhang, school="哈尔滨工业大学").exists()
    li = Talent.objects.get(name="李四")
    assert li.id_number.reveal() == people["old18"]  # 15 digits upgraded
    assert li.introduction_mode == "flexible"


def test_problems_are_all_reported_and_nothing_is_written(world, login, people,
                                                          django_capture_on_commit_callbacks):
    content = sheet([
        ["好人", people["a"], "硕士", "", "", "", "", "", ""],
        ["坏号", "230602199001011230", "硕士", "", "", "", "", "", ""],
        ["", people["b"], "博士后", "", "12345", "2023.13.45", "", "", ""],
        ["重复", people["a"], "本科", "", "", "", "", "", ""],
    ])
    client = login(world["district"])
    job = run(client, django_capture_on_commit_callbacks, content)
    assert job.status == "failed"
    assert not Talent.objects.exists()
    message = job.message
    assert "未导入任何数据" in message
    for expected in ("第 5 行", "身份证号码不正确", "第 6 行", "姓名不能为空", "学历",
                     "手机号码", "引进时间", "第 7 行", "与第 4 行的证件号码重复"):
        assert expected in message, expected
    # The copy repeats the sheet's ID numbers: on disk it is sealed, not a readable xlsx.
    from pathlib import Path

    assert not Path(job.result_file).read_bytes().startswith(b"PK")
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "问题说明" in r)
    assert header[-1] == "问题说明"
    data = rows[rows.index(header) + 1:]
    assert len(data) == 4 and not data[0][-1] and "身份证号码" in data[1][-1]


def test_fix_and_reimport_updates_never_duplicates(world, login, people,
                                                   django_capture_on_commit_callbacks):
    client = login(world["district"])
    first = sheet([["张三", people["a"], "硕士", "", "", "", "", "", ""]])
    assert run(client, django_capture_on_commit_callbacks, first).status == "succeeded"
    again = sheet([["张三", people["a"], "博士", "", "13912345678", "", "", "", ""],
                   ["王五", people["b"], "", "", "", "", "", "", ""]])
    job = run(client, django_capture_on_commit_callbacks, again)
    assert job.status == "succeeded", job.message
    assert "新建 1 人，更新 1 人" in job.message
    assert Talent.objects.count() == 2
    zhang = Talent.objects.get(name="张三")
    assert zhang.education == "11" and zhang.phone.reveal() == "13912345678"
    job = run(client, django_capture_on_commit_callbacks, again)
    assert "新建 0 人，更新 0 人" in job.message
    assert Talent.objects.count() == 2


def test_rows_outside_the_scope_are_refused(world, login, people,
                                            django_capture_on_commit_callbacks):
    city = login(world["city"])
    content = sheet([["龙凤人", people["a"], "", "", "", "", "", "", ""]])
    assert run(city, django_capture_on_commit_callbacks, content,
               region="230603").status == "succeeded"
    district = login(world["district"])
    job = run(district, django_capture_on_commit_callbacks, sheet(
        [["龙凤人", people["a"], "博士", "", "", "", "", "", ""]],
        headers=["姓名", "身份证号", "学历", "出生日期", "手机号码", "引进时间", "引进方式",
                 "专业", "学校"]))
    assert job.status == "failed" and "已在其他地区建档" in job.message
    assert Talent.objects.get().education == ""
    refused = upload(district, sheet([["x", people["b"]]]), region="230603")
    assert "数据范围" in refused.content.decode()


@pytest.mark.parametrize("content,name,expected", [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "花名册.xlsx", "无法识别的文件格式"),
    (b"", "空.csv", "没有数据"),
    (b"just,text\n", "a.pdf", "只支持 Excel"),
])
def test_hostile_or_wrong_files_get_a_clear_refusal(world, login, content, name, expected,
                                                    django_capture_on_commit_callbacks):
    client = login(world["district"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, name=name)
    if response.status_code == 302:
        job = Job.objects.get()
        assert job.status == "failed"
        text = job.message
    else:
        text = response.content.decode()
    assert expected in text
    assert not Talent.objects.exists()


def test_missing_required_column_is_named(world, login, django_capture_on_commit_callbacks):
    content = sheet([["张三", "硕士"]], headers=["姓名", "学历"])
    job = run(login(world["district"]), django_capture_on_commit_callbacks, content)
    assert job.status == "failed" and "缺少必填列：身份证号码" in job.message


def test_template_downloads_with_the_columns(world, login):
    response = login(world["district"]).get("/talents/import/template/")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in ws[1]]
    assert headers[0] == "姓名*" and "身份证号码*" in headers and "引进方式" in headers


def test_csv_in_gb18030_imports(world, login, people, django_capture_on_commit_callbacks):
    text = f"姓名,身份证号,学历\n赵六,{people['a']},本科\n"
    job = run(login(world["district"]), django_capture_on_commit_callbacks,
              text.encode("gb18030"), name="roster.csv")
    assert job.status == "succeeded", job.message
    assert Talent.objects.get().education == "21"


def test_member_unit_cannot_import(world, login):
    assert login(world["member"]).get("/talents/import/").status_code == 403
    assert Region.objects.exists()


def test_imported_names_are_found_in_every_reading_and_renames_follow(
        world, login, people, django_capture_on_commit_callbacks):
    client = login(world["district"])
    first = sheet([["单田芳", people["a"], "", "", "", "", "", "", ""],
                   ["张三", people["b"], "", "", "", "", "", "", ""]])
    assert run(client, django_capture_on_commit_callbacks, first).status == "succeeded"

    def found(query):
        items = client.get("/api/talents/", {"q": query}).json()["items"]
        return {t["name"] for t in items}

    assert found("单田") == found("dtf") == found("stf") == found("shantianfang") == {"单田芳"}
    assert found("zs") == found("zhangsan") == {"张三"}
    renamed = sheet([["乐嘉", people["a"], "", "", "", "", "", "", ""]])
    job = run(client, django_capture_on_commit_callbacks, renamed)
    assert "更新 1 人" in job.message
    assert found("stf") == found("单田") == set()
    assert found("lj") == found("yuejia") == found("乐") == {"乐嘉"}


def test_a_long_roster_is_sealed_by_a_worker_process_and_reads_back(
        world, login, people, django_capture_on_commit_callbacks, monkeypatch):
    from wutong.talents import imports

    monkeypatch.setattr(imports, "PARALLEL_SEAL_THRESHOLD", 1)  # the path 20,000 rows take
    content = sheet([["张三", people["a"], "博士", "", "13912345678", "", "", "", ""],
                     ["李四", people["b"], "硕士", "", "", "", "", "", ""]])
    job = run(login(world["district"]), django_capture_on_commit_callbacks, content)
    assert job.status == "succeeded", job.message
    zhang, li = Talent.objects.get(name="张三"), Talent.objects.get(name="李四")
    assert zhang.id_number.reveal() == people["a"] and li.id_number.reveal() == people["b"]
    assert zhang.phone.reveal() == "13912345678" and li.phone is None
    assert Talent.objects.filter(phone_bidx=zhang.phone.blind_index).count() == 1
