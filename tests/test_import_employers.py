"""Importing an employer list (用人单位导入): messy sheets, every problem by row and column with
the problem copy, all or nothing, re-import updates by credit code, scope, hostile files."""

from __future__ import annotations

import io
import random
from pathlib import Path

import openpyxl
import pytest

from tests.core_imports import builders
from wutong.core.demo.generators import uscc
from wutong.core.models import AuditRecord, Job, Region
from wutong.core.pii import personal_lookup
from wutong.orgs import services as org_services
from wutong.orgs.models import Employer

RNG = random.Random(31)
HEADERS = ["企业名称*", "社会信用代码", "单位类型", "所有制", "行业", "地区", "资质", "地址",
           "联系人", "联系方式"]


def sheet(rows, *, headers=None, title="2024年重点用人单位名录") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="单位名录.xlsx", region="230600"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/employers/import/", {"file": SimpleUploadedFile(name, content),
                                               "region": region})


def run(client, capture, content, **kw) -> Job:
    with capture(execute=True):
        response = upload(client, content, **kw)
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.order_by("-created_at").first()


@pytest.fixture
def codes():
    return {"a": uscc(RNG, "230602"), "b": uscc(RNG, "230603"),
            "school": uscc(RNG, "230602", "public_institution"), "ly": uscc(RNG, "211000")}


def test_messy_sheet_imports(world, login, codes, django_capture_on_commit_callbacks):
    content = sheet([
        ["大庆华鑫石化有限公司 ", codes["a"].lower(), "企业", "国企", "C26", "萨尔图区",
         "高新技术企业，专精特新“小巨人”", "世纪大道 1 号", "王经理", "139-1234-5678"],
        ["大庆职业学院", codes["school"], "", "不适用", "教育", "大庆市龙凤区", "", "", "", ""],
        ["龙凤农业科技有限公司", codes["b"], "公司", "民营", 5, "230603", "科技型中小企业；上市",
         "", "", 13800001111],
    ])
    job = run(login(world["city"]), django_capture_on_commit_callbacks, content)
    assert job.status == "succeeded", job.message
    assert "新登记 3 家单位" in job.message
    oil = Employer.objects.get(uscc=codes["a"])
    assert oil.name == "大庆华鑫石化有限公司" and oil.type == "enterprise"
    assert oil.ownership == "state" and oil.industry == "26" and oil.region.code == "230602"
    assert oil.labels == ["high_tech", "little_giant"]
    assert oil.contact_phone.reveal() == "13912345678"
    assert Employer.objects.filter(**personal_lookup(Employer, "contact_phone",
                                                     "13912345678")).get() == oil
    school = Employer.objects.get(uscc=codes["school"])
    assert school.type == "public_institution"  # read from the credit code (12…)
    assert school.industry == "83" and school.region.code == "230603"  # 教育 (P 83)
    farm = Employer.objects.get(uscc=codes["b"])
    assert farm.industry == "05" and farm.labels == ["tech_sme", "listed"]
    record = AuditRecord.objects.get(object_type="orgs.Employer", action="create")
    assert record.changes["extra"]["created"] == [codes["a"], codes["school"], codes["b"]]
    assert "13912345678" not in str(record.changes)


def test_every_problem_is_reported_and_nothing_is_written(world, login, codes,
                                                          django_capture_on_commit_callbacks):
    content = sheet([
        ["好单位有限公司", codes["a"], "企业", "", "", "", "", "", "", ""],
        ["坏代码有限公司", "91230602MA1XXXXXX1", "外星机构", "", "火星业", "", "五星企业", "",
         "", "12345"],
        ["", codes["b"], "", "", "99", "朝阳区", "", "", "", ""],
        ["重复有限公司", codes["a"], "", "", "", "", "", "", "", ""],
    ])
    client = login(world["city"])
    job = run(client, django_capture_on_commit_callbacks, content)
    assert job.status == "failed"
    assert not Employer.objects.exists()
    message = job.message
    assert "未导入任何数据" in message
    for expected in ("第 4 行「社会信用代码」：统一社会信用代码不正确",
                     "第 4 行「单位类型」：无法识别「外星机构」", "第 4 行「行业」：无法识别行业",
                     "第 4 行「资质」：无法识别标签「五星企业」",
                     "第 4 行「联系方式」：手机号码不正确", "第 5 行「企业名称*」：必填",
                     "第 5 行「行业」", "第 5 行「地区」：地区「朝阳区」不在",
                     "第 6 行「社会信用代码」：与第 3 行的统一社会信用代码重复"):
        assert expected in message, expected
    assert "12345" not in message  # the phone is masked in the message
    # The problem copy is sealed at rest and downloads with a 问题说明 column.
    assert not Path(job.result_file).read_bytes().startswith(b"PK")
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
                .active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "问题说明" in r)
    data = rows[rows.index(header) + 1:]
    assert len(data) == 4 and not data[0][-1]
    assert "社会信用代码" in data[1][-1] and "重复" in data[3][-1]
    # The fixed copy imports.
    fixed = sheet([
        ["好单位有限公司", codes["a"], "企业", "", "", "", "", "", "", ""],
        ["龙凤好单位有限公司", codes["b"], "", "", "", "龙凤区", "", "", "", ""],
    ])
    assert run(client, django_capture_on_commit_callbacks, fixed).status == "succeeded"
    assert Employer.objects.count() == 2


def test_reimport_updates_by_credit_code_and_blank_cells_keep_values(
        world, login, codes, django_capture_on_commit_callbacks):
    client = login(world["city"])
    first = sheet([["大庆华鑫石化有限公司", codes["a"], "企业", "民营", "25", "萨尔图区",
                    "高新技术企业", "世纪大道 1 号", "王经理", "13912345678"]])
    assert run(client, django_capture_on_commit_callbacks, first).status == "succeeded"
    again = sheet([["大庆华鑫石化股份有限公司", codes["a"], "", "", "", "", "", "世纪大道 9 号",
                    "", ""],
                   ["新单位有限公司", codes["b"], "", "", "", "", "", "", "", ""]])
    job = run(client, django_capture_on_commit_callbacks, again)
    assert job.status == "succeeded", job.message
    assert "新登记 1 家单位，更新 1 家" in job.message
    assert Employer.objects.count() == 2
    oil = Employer.objects.get(uscc=codes["a"])
    assert oil.name == "大庆华鑫石化股份有限公司" and oil.address == "世纪大道 9 号"
    assert oil.ownership == "private" and oil.industry == "25" and oil.labels == ["high_tech"]
    assert oil.contact_name == "王经理" and oil.contact_phone.reveal() == "13912345678"
    assert oil.region.code == "230602"
    new = Employer.objects.get(uscc=codes["b"])
    assert new.region.code == "230600" and new.type == "enterprise"  # the page's region
    job = run(client, django_capture_on_commit_callbacks, again)
    assert "新登记 0 家单位，更新 0 家" in job.message
    changed_phone = sheet([["大庆华鑫石化股份有限公司", codes["a"], "", "", "", "", "", "", "",
                            "13800002222"]])
    assert "更新 1 家" in run(client, django_capture_on_commit_callbacks, changed_phone).message
    oil.refresh_from_db()
    assert oil.contact_phone.reveal() == "13800002222"
    assert Employer.objects.filter(**personal_lookup(Employer, "contact_phone",
                                                     "13800002222")).exists()


def test_employers_and_regions_outside_the_scope_are_row_problems(
        world, login, codes, django_capture_on_commit_callbacks):
    org_services.employer_save(user=world["other_city"], region=Region.objects.get(
        code="211000"), uscc=codes["ly"], name="辽阳恒通钢铁有限公司", type="enterprise")
    org_services.employer_save(user=world["city"], region=Region.objects.get(code="230603"),
                               uscc=codes["b"], name="龙凤农业科技有限公司", type="enterprise")
    district = login(world["district"])
    content = sheet([["辽阳恒通钢铁有限公司", codes["ly"], "", "", "", "", "", "改地址", "", ""],
                     ["龙凤农业科技有限公司", codes["b"], "", "", "", "", "", "改地址", "", ""],
                     ["萨尔图新单位有限公司", codes["a"], "", "", "", "龙凤区", "", "", "", ""]])
    job = run(district, django_capture_on_commit_callbacks, content, region="230602")
    assert job.status == "failed"
    assert job.message.count("该单位已在其他地区登记，您无权修改") == 2
    assert "第 5 行「地区」：地区「龙凤区」不在您的数据范围内" in job.message
    assert not Employer.objects.filter(address="改地址").exists()
    assert not Employer.objects.filter(uscc=codes["a"]).exists()
    refused = upload(district, content, region="230603")
    assert "数据范围" in refused.content.decode()


@pytest.mark.parametrize("content,name,expected", [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "名录.xlsx", "无法识别的文件格式"),
    (b"", "空.csv", "没有数据"),
    (b"just,text\n", "a.pdf", "只支持 Excel"),
    (b"PK\x03\x04" + b"\x00garbage" * 50, "坏.xlsx", "文件已损坏"),
    (builders.xlsx_bytes(b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
                         + b"0" * (300 * 1024 * 1024) + b"</t></is></c></row>"),
     "炸弹.xlsx", "压缩炸弹"),
])
def test_hostile_or_garbage_files_get_a_clear_refusal(world, login, content, name, expected,
                                                      django_capture_on_commit_callbacks):
    client = login(world["city"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, name=name)
    if response.status_code == 302:
        job = Job.objects.get()
        assert job.status == "failed"
        text = job.message
    else:
        text = response.content.decode()
    assert expected in text
    assert not Employer.objects.exists()


def test_the_upload_waits_sealed(world, login, codes, django_capture_on_commit_callbacks):
    content = sheet([["大庆华鑫石化有限公司", codes["a"], "", "", "", "", "", "", "",
                      "13912345678"]])
    with django_capture_on_commit_callbacks(execute=False):
        assert upload(login(world["city"]), content).status_code == 302
    stored = Path(Job.objects.get().params["path"]).read_bytes()
    assert not stored.startswith(b"PK") and content not in stored


def test_missing_required_column_is_named(world, login, django_capture_on_commit_callbacks):
    content = sheet([["大庆华鑫石化有限公司", "企业"]], headers=["单位名称", "单位性质"])
    job = run(login(world["city"]), django_capture_on_commit_callbacks, content)
    assert job.status == "failed" and "缺少必填列：统一社会信用代码" in job.message


def test_csv_in_gb18030_imports(world, login, codes, django_capture_on_commit_callbacks):
    text = f"单位名称,统一社会信用代码,所属行业\n龙凤农业科技有限公司,{codes['b']},农业\n"
    job = run(login(world["city"]), django_capture_on_commit_callbacks,
              text.encode("gb18030"), name="名录.csv")
    assert job.status == "succeeded", job.message
    assert Employer.objects.get().industry == "01"


def test_template_and_import_page(world, login):
    client = login(world["city"])
    assert "/employers/import/" in client.get("/employers/").content.decode()
    page = client.get("/employers/import/").content.decode()
    assert "下载导入模板" in page
    response = client.get("/employers/import/template/")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["单位名称*", "统一社会信用代码*"] and "联系电话" in headers


@pytest.mark.parametrize("who", ["leader", "member", "employer"])
def test_only_offices_import(world, login, who):
    client = login(world[who])
    assert client.get("/employers/import/").status_code == 403
    if who == "leader":
        assert "/employers/import/" not in client.get("/employers/").content.decode()


def test_csv_from_excel_with_marks_blank_rows_and_a_code_made_a_number(
        world, login, codes, django_capture_on_commit_callbacks):
    # Excel's CSV on a Chinese Windows (GBK, CRLF): a code typed with an apostrophe, a contact
    # padded to align, a blank line, and a code Excel turned into 9.12306E+17.
    lines = ["企业名称,社会信用代码,联系人,联系电话",
             f"大庆华鑫石化有限公司,'{codes['a']},王\u3000五,13912345678", ",,,",
             f"龙凤农业科技有限公司,{codes['b']}\u3000,李四,",
             "大庆职业学院,9.12306E+17,,"]
    client = login(world["city"])
    job = run(client, django_capture_on_commit_callbacks,
              "\r\n".join(lines).encode("gbk"), name="单位.csv")
    assert job.status == "failed" and not Employer.objects.exists()
    assert ("第 5 行「社会信用代码」：统一社会信用代码被 Excel 存成了数字（显示为 9.12306E+17），"
            "最后几位已经丢失：请把该列设为“文本”格式，重新填写完整的代码") in job.message
    job = run(client, django_capture_on_commit_callbacks,
              "\r\n".join(lines[:-1]).encode("gbk"), name="单位.csv")
    assert job.status == "succeeded", job.message
    assert Employer.objects.get(uscc=codes["a"]).contact_name == "王五"
    assert Employer.objects.filter(uscc=codes["b"]).exists()
