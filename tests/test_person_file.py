"""The person page (一人一档) kept current: histories edited from the page with the file's
current fields in step, category recognition, pools with their extra fields, honours and
tags, sealed attachments, the timeline and the sections higher apps add — each inside the
user's data scope."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import include, path

from wutong.core.demo.generators import id_number, uscc
from wutong.core.errors import OutOfScope, ValidationFailed
from wutong.core.models import AuditRecord, CodeItem, CodeTable, Region
from wutong.orgs import services as org_services
from wutong.orgs.models import EmployerAccount
from wutong.talents import services, timeline
from wutong.talents.models import (
    Attachment,
    CategoryRecognition,
    Education,
    Employment,
    Honour,
    Pool,
    PoolMembership,
    SkillCertificate,
    Talent,
)

RNG = random.Random(11)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# A test-only section registered by a "higher app": its fragment and URL live here.
def _fragment(request, pk: int):
    return HttpResponse(f"<p>higher app fragment for {pk}</p>")


urlpatterns = [
    path("", include("wutong.urls")),
    path("test-section/<int:pk>/", _fragment, name="test_person_section"),
]


@pytest.fixture
def file(world):
    """张三 in 萨尔图 (Daqing) working at an employer there, a Daqing pool with extra fields,
    the Daqing category catalogue, and a Liaoyang employer and category."""
    saertu, daqing = Region.objects.get(code="230602"), Region.objects.get(code="230600")
    liaoyang = Region.objects.get(code="211000")
    oil = org_services.employer_save(user=world["city"], region=saertu,
                                     uscc=uscc(RNG, "230602"), name="大庆华鑫石化有限公司",
                                     type="enterprise")
    far = org_services.employer_save(user=world["other_city"], region=liaoyang,
                                     uscc=uscc(RNG, "211000"), name="辽阳远方化工有限公司",
                                     type="enterprise")
    zhang = services.talent_save(user=world["city"], region=saertu, data={
        "name": "张三", "id_number": id_number(RNG, "230602"), "education": "21",
        "employer": oil, "position": "工程师"})
    table = CodeTable.objects.get(key="talent_category")
    cat_c = CodeItem.objects.create(table=table, region=daqing, year=2026, code="C",
                                    name="C类（省级领军人才）")
    cat_d = CodeItem.objects.create(table=table, region=daqing, year=2026, code="D",
                                    name="D类（市级拔尖人才）")
    foreign = CodeItem.objects.create(table=table, region=liaoyang, year=2026, code="A",
                                      name="A类（辽阳）")
    pool = Pool.objects.create(region=daqing, name="专家库", extra_fields=[
        {"key": "field", "label": "专业领域"}, {"key": "term", "label": "聘期"}])
    return {"zhang": zhang, "oil": oil, "far": far, "C": cat_c, "D": cat_d,
            "foreign": foreign, "pool": pool}


def reload(talent: Talent) -> Talent:
    return Talent.objects.get(pk=talent.pk)


def url(talent: Talent, rest: str) -> str:
    return f"/talents/{talent.pk}/{rest}"


# --- histories from the page, current fields in step ------------------------------------------

def test_education_added_edited_removed_from_the_page_keeps_the_highest(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    form = client.get(url(zhang, "education/new/"), headers={"HX-Request": "true"})
    assert form.status_code == 200 and "毕业院校" in form.content.decode()
    assert "<html" not in form.content.decode()  # a fragment for the page
    page = client.get(url(zhang, "education/new/")).content.decode()
    assert "<html" in page and "添加学历" in page  # without JavaScript: a page of its own
    saved = client.post(url(zhang, "education/new/"), {
        "level": "11", "degree": "208", "school": "哈尔滨工业大学", "major": "化学工程",
        "graduated_on": "2015-07-01"}, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and saved["HX-Refresh"] == "true"
    assert client.post(url(zhang, "education/new/"), {"level": "11"})["Location"].endswith(
        f"/talents/{zhang.pk}/#education")  # without JavaScript: back at the section
    assert (reload(zhang).education, reload(zhang).degree) == ("11", "208")
    phd = Education.objects.get(talent=zhang, level="11", degree="208")
    Education.objects.filter(talent=zhang, level="11").exclude(pk=phd.pk).delete()
    # A correction downgrades, since the file's value came from this entry.
    client.post(url(zhang, f"education/{phd.pk}/edit/"), {"level": "14", "degree": "308",
                                                         "school": "哈尔滨工业大学"})
    assert (reload(zhang).education, reload(zhang).degree) == ("14", "308")
    # Removing it goes back to what the form had recorded (本科), never to nothing.
    client.post(url(zhang, f"education/{phd.pk}/delete/"))
    assert not Education.objects.filter(pk=phd.pk).exists()
    assert reload(zhang).education == "21"
    record = AuditRecord.objects.filter(object_id=str(zhang.pk)).order_by("id").last()
    assert "education_deleted" in record.changes["extra"]
    assert "哈尔滨工业大学" in str(record.changes["extra"])


def test_a_lower_entry_never_downgrades_what_the_form_recorded(world, file):
    zhang = file["zhang"]
    services.education_add(user=world["city"], talent=zhang, level="31", school="大庆职业学院")
    assert reload(zhang).education == "21"


def test_bad_history_input_is_refused_in_chinese_and_nothing_is_written(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    page = client.post(url(zhang, "skill/new/"), {"level": "9", "occupation": "电工",
                                                  "obtained_on": "2020-13-45"})
    body = page.content.decode()
    assert page.status_code == 200 and "选择一个有效的选项" in body and "电工" in body
    assert "输入一个有效的日期" in body
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    body = client.post(url(zhang, "title/new/"), {"level": "2", "obtained_on": future}
                       ).content.decode()
    assert "日期不能晚于今天" in body
    body = client.post(url(zhang, "employment/new/"), {
        "employer_name": "某研究院", "started_on": "2022-05-01", "ended_on": "2021-01-01"}
    ).content.decode()
    assert "结束时间不能早于开始时间" in body
    body = client.post(url(zhang, "employment/new/"), {"position": "顾问"}).content.decode()
    assert "请选择已登记的单位，或填写单位名称" in body
    with pytest.raises(ValidationFailed) as info:
        services.skill_add(user=world["district"], talent=zhang, level="ZZ")
    assert "不在字典中" in info.value.details[0]["message"]
    assert not SkillCertificate.objects.exists() and not zhang.titles.exists()
    assert zhang.employments.count() == 0


def test_skill_levels_and_titles_keep_the_best_on_the_file(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    client.post(url(zhang, "skill/new/"), {"level": "3", "occupation": "化工总控工",
                                           "certificate_no": "s2023-001", "issuer": "大庆市人社局",
                                           "obtained_on": "2023-06-01"})
    client.post(url(zhang, "skill/new/"), {"level": "1", "occupation": "化工总控工",
                                           "obtained_on": "2025-06-01"})
    assert reload(zhang).skill_level == "1"
    assert SkillCertificate.objects.get(level="3").certificate_no == "S2023-001"
    client.post(url(zhang, "title/new/"), {"level": "3", "series": "工程技术",
                                           "name": "工程师"})
    client.post(url(zhang, "title/new/"), {"level": "2", "series": "工程技术",
                                           "name": "高级工程师"})
    assert reload(zhang).title_level == "2"
    senior = zhang.titles.get(level="2")
    client.post(url(zhang, f"title/{senior.pk}/delete/"))
    assert reload(zhang).title_level == "3"
    page = client.get(url(zhang, "")).content.decode()
    assert "化工总控工" in page and "一级/高级技师" in page and "工程技术" in page


def test_employment_moves_the_current_employer_and_position(world, file, login):
    zhang, client = file["zhang"], login(world["city"])
    client.post(url(zhang, "employment/new/"), {
        "employer_name": "东北石油大学", "position": "兼职教授", "mode": "flexible",
        "started_on": "2024-03-01"})
    assert reload(zhang).employer == file["oil"]  # a flexible post is not the main job
    # The employer typed on the form became an entry, which the clerk completes.
    job = Employment.objects.get(talent=zhang, employer=file["oil"])
    assert (job.employer_name, job.position, job.ended_on) == ("大庆华鑫石化有限公司", "工程师",
                                                               None)
    client.post(url(zhang, f"employment/{job.pk}/edit/"), {
        "employer": file["oil"].pk, "position": "总工程师", "mode": "full_time",
        "started_on": "2020-01-01"})
    assert (reload(zhang).employer, reload(zhang).position) == (file["oil"], "总工程师")
    client.post(url(zhang, f"employment/{job.pk}/edit/"), {
        "employer": file["oil"].pk, "position": "总工程师", "mode": "full_time",
        "started_on": "2020-01-01", "ended_on": "2025-12-31"})
    # The full-time job ended: the open flexible post (a free name) is what remains.
    assert (reload(zhang).employer, reload(zhang).position) == (None, "兼职教授")
    page = client.get(url(zhang, "")).content.decode()
    assert "东北石油大学" in page and "柔性引进" in page


def test_an_employer_outside_the_scope_cannot_be_linked(world, file, login):
    zhang = file["zhang"]
    page = login(world["city"]).post(url(zhang, "employment/new/"), {
        "employer": file["far"].pk, "employer_name": "x"})
    assert "选择一个有效的选项" in page.content.decode()
    with pytest.raises(ValidationFailed) as info:
        services.employment_add(user=world["city"], talent=zhang, employer=file["far"])
    assert info.value.details[0]["field"] == "employer"
    assert not zhang.employments.exists()


# --- category recognition ---------------------------------------------------------------------

def test_recognition_form_uses_the_local_catalogue_and_keeps_the_category(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    form = client.get(url(zhang, "recognition/new/")).content.decode()
    assert "C类（省级领军人才）" in form and "A类（辽阳）" not in form
    refused = client.post(url(zhang, "recognition/new/"), {
        "category": file["foreign"].pk, "recognised_on": "2025-06-30"}).content.decode()
    assert "选择一个有效的选项" in refused
    refused = client.post(url(zhang, "recognition/new/"), {
        "category": file["D"].pk, "recognised_on": "2025-06-30",
        "valid_until": "2024-01-01"}).content.decode()
    assert "有效期不能早于认定日期" in refused
    client.post(url(zhang, "recognition/new/"), {"category": file["D"].pk,
                                                 "recognised_on": "2024-06-30",
                                                 "basis": "博士研究生"})
    client.post(url(zhang, "recognition/new/"), {"category": file["C"].pk,
                                                 "recognised_on": "2025-06-30",
                                                 "basis": "入选省级人才工程",
                                                 "valid_until": "2028-06-30"})
    assert reload(zhang).category == "C"
    latest = CategoryRecognition.objects.get(talent=zhang, category=file["C"])
    assert latest.approved_by == world["district"] and latest.valid_until.year == 2028
    # Withdrawing the latest goes back to the one before it.
    client.post(url(zhang, f"recognition/{latest.pk}/delete/"))
    assert reload(zhang).category == "D"
    with pytest.raises(ValidationFailed):
        services.category_recognise(user=world["other_city"], talent=zhang,
                                    category=file["foreign"], recognised_on=dt.date.today())


# --- pools --------------------------------------------------------------------------------------

def test_pool_membership_with_declared_extra_fields(world, file, login):
    zhang, pool, client = file["zhang"], file["pool"], login(world["city"])
    form = client.get(url(zhang, f"pools/?pool={pool.pk}"), headers={"HX-Request": "true"})
    assert "专业领域" in form.content.decode() and "聘期" in form.content.decode()
    client.post(url(zhang, "pools/"), {"pool": pool.pk, "joined_on": "2025-01-01",
                                       "extra__field": "石油化工", "extra__term": "2025-2027"})
    membership = PoolMembership.objects.get(pool=pool, talent=zhang)
    assert membership.extra == {"field": "石油化工", "term": "2025-2027"}
    refused = client.post(url(zhang, "pools/"), {"pool": pool.pk, "extra__salary": "100"})
    assert "没有这些附加字段：salary" in refused.content.decode()
    membership.refresh_from_db()
    assert membership.extra == {"field": "石油化工", "term": "2025-2027"}  # nothing lost
    page = client.get(url(zhang, "")).content.decode()
    assert "石油化工" in page and "专家库" in page
    client.post(url(zhang, f"pools/{pool.pk}/remove/"))
    assert not PoolMembership.objects.filter(pool=pool, talent=zhang).exists()


def test_a_district_cannot_use_the_city_pool(world, file, login):
    zhang, pool = file["zhang"], file["pool"]
    client = login(world["district"])
    assert client.post(url(zhang, "pools/"), {"pool": pool.pk}).status_code == 200
    assert not PoolMembership.objects.exists()
    assert client.post(url(zhang, f"pools/{pool.pk}/remove/")).status_code == 404


# --- honours and tags ---------------------------------------------------------------------------

def test_honours_become_entries_without_losing_the_old_text(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    Talent.objects.filter(pk=zhang.pk).update(honours="大庆市劳动模范、龙江工匠")
    client.post(url(zhang, "honour/new/"), {"name": "全国五一劳动奖章", "level": "national",
                                            "year": "2024"})
    assert set(Honour.objects.filter(talent=zhang).values_list("name", flat=True)) == {
        "大庆市劳动模范", "龙江工匠", "全国五一劳动奖章"}
    assert "全国五一劳动奖章" in reload(zhang).honours and "龙江工匠" in reload(zhang).honours
    craftsman = Honour.objects.get(talent=zhang, name="龙江工匠")
    client.post(url(zhang, f"honour/{craftsman.pk}/delete/"))
    assert "龙江工匠" not in reload(zhang).honours
    body = client.post(url(zhang, "honour/new/"), {"name": "", "year": "1800"}
                       ).content.decode()
    assert "这个字段是必填项" in body


def test_tags_are_short_labels(world, file, login):
    zhang, client = file["zhang"], login(world["district"])
    client.post(url(zhang, "tags/"), {"tags": "返乡人才，乡贤  返乡人才"})
    assert reload(zhang).tags == ["返乡人才", "乡贤"]
    body = client.post(url(zhang, "tags/"), {"tags": "这是一个非常非常非常非常非常长的标签名字啊"}
                       ).content.decode()
    assert "太长" in body
    assert reload(zhang).tags == ["返乡人才", "乡贤"]
    assert "乡贤" in client.get(url(zhang, "")).content.decode()


# --- attachments --------------------------------------------------------------------------------

def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_attachment_is_sealed_downloaded_in_scope_and_audited(world, file, login, settings,
                                                              django_capture_on_commit_callbacks):
    zhang, client = file["zhang"], login(world["district"])
    secret = PDF + "身份证 230602199001011234".encode()
    client.post(url(zhang, "attachments/new/"), {
        "file": SimpleUploadedFile("学位证.pdf", secret), "kind": "degree", "note": "博士学位"})
    item = Attachment.objects.get(talent=zhang)
    assert (item.file_type, item.size, item.uploaded_by) == ("pdf", len(secret),
                                                             world["district"])
    stored = next((settings.WUTONG_HOME / "attachments").rglob(item.storage_key))
    assert secret not in stored.read_bytes() and b"230602199001011234" not in stored.read_bytes()
    download = client.get(url(zhang, f"attachments/{item.pk}/"))
    assert download.status_code == 200 and download.content == secret
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert AuditRecord.objects.filter(action="reveal", object_id=str(zhang.pk),
                                      changes__extra__attachment_downloaded__id=item.pk).exists()
    client.post(url(zhang, "attachments/new/"), {
        "file": SimpleUploadedFile("合同.docx", docx_bytes()), "kind": "contract"})
    assert Attachment.objects.filter(talent=zhang, file_type="docx").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(zhang, f"attachments/{item.pk}/delete/"))
    assert not Attachment.objects.filter(pk=item.pk).exists() and not stored.exists()
    assert AuditRecord.objects.filter(object_id=str(zhang.pk),
                                      changes__extra__attachment_deleted__id=item.pk).exists()


@pytest.mark.parametrize("name,content,message", [
    ("证书.pdf", PNG, "文件内容与扩展名"),          # a picture renamed to .pdf
    ("证书.jpg", b"MZ\x90\x00 not an image", "文件内容与扩展名"),
    ("合同.docx", b"PK\x03\x04broken", "文件内容与扩展名"),
    ("脚本.exe", b"MZ\x90\x00", "只能上传"),
    ("空.pdf", b"   ", "文件是空的"),
])
def test_hostile_uploads_are_refused_in_chinese(world, file, login, name, content, message):
    zhang = file["zhang"]
    page = login(world["district"]).post(url(zhang, "attachments/new/"), {
        "file": SimpleUploadedFile(name, content), "kind": "other", "note": "保留的说明"})
    body = page.content.decode()
    assert page.status_code == 200 and message in body and "保留的说明" in body
    assert not Attachment.objects.exists()


def test_oversized_upload_is_refused(world, file, login, settings):
    settings.WUTONG_ATTACHMENT_MAX_BYTES = 1024
    folder = settings.WUTONG_HOME / "attachments"
    kept = len(list(folder.rglob("*"))) if folder.exists() else 0
    page = login(world["district"]).post(url(file["zhang"], "attachments/new/"), {
        "file": SimpleUploadedFile("大.pdf", PDF + b"0" * 2000), "kind": "other"})
    assert "文件过大：附件最大 0 MB" not in page.content.decode()
    assert "文件过大" in page.content.decode()
    assert not Attachment.objects.exists()
    assert (len(list(folder.rglob("*"))) if folder.exists() else 0) == kept


def test_the_talent_downloads_own_attachments_the_leader_does_not(world, file, login):
    zhang = file["zhang"]
    item = services.attachment_add(user=world["city"], talent=zhang, kind="identity",
                                   upload=SimpleUploadedFile("id.png", PNG))
    Talent.objects.filter(pk=zhang.pk).update(account=world["talent"])
    assert login(world["talent"]).get(url(zhang, f"attachments/{item.pk}/")).content == PNG
    leader = login(world["leader"])
    page = leader.get(url(zhang, "")).content.decode()
    assert "id.png" in page and f"attachments/{item.pk}/" not in page
    assert leader.get(url(zhang, f"attachments/{item.pk}/")).status_code == 404
    assert leader.post(url(zhang, "attachments/new/"), {
        "file": SimpleUploadedFile("x.pdf", PDF), "kind": "other"}).status_code == 403
    assert Attachment.objects.count() == 1


# --- scope on every new route -------------------------------------------------------------------

def every_route(file, zhang: Talent) -> list[tuple[str, str]]:
    edu = services.education_add(user=file["user"], talent=zhang, level="14")
    title = services.title_add(user=file["user"], talent=zhang, level="3")
    skill = services.skill_add(user=file["user"], talent=zhang, level="4")
    job = services.employment_add(user=file["user"], talent=zhang, employer_name="某公司")
    honour = services.honour_add(user=file["user"], talent=zhang, name="劳模")
    rec = services.category_recognise(user=file["user"], talent=zhang, category=file["D"],
                                      recognised_on=dt.date(2025, 1, 1))
    services.pool_member_save(user=file["user"], pool=file["pool"], talent=zhang)
    att = services.attachment_add(user=file["user"], talent=zhang, kind="other",
                                  upload=SimpleUploadedFile("a.pdf", PDF))
    routes = [("get", "")]
    for kind, item in (("education", edu), ("title", title), ("skill", skill),
                       ("employment", job), ("honour", honour)):
        routes += [("get", f"{kind}/new/"), ("post", f"{kind}/new/"),
                   ("get", f"{kind}/{item.pk}/edit/"), ("post", f"{kind}/{item.pk}/edit/"),
                   ("post", f"{kind}/{item.pk}/delete/")]
    routes += [("get", "recognition/new/"), ("post", "recognition/new/"),
               ("post", f"recognition/{rec.pk}/delete/"), ("get", "tags/"), ("post", "tags/"),
               ("get", f"pools/?pool={file['pool'].pk}"), ("post", "pools/"),
               ("post", f"pools/{file['pool'].pk}/remove/"), ("get", "attachments/new/"),
               ("post", "attachments/new/"), ("get", f"attachments/{att.pk}/"),
               ("post", f"attachments/{att.pk}/delete/")]
    return routes


def test_another_region_gets_404_on_every_route(world, file, login):
    zhang = file["zhang"]
    file["user"] = world["city"]
    routes = every_route(file, zhang)
    before = (Education.objects.count(), Attachment.objects.count(), AuditRecord.objects.count())
    for who in ("other_city", "longfeng"):
        client = login(world[who])
        for method, rest in routes:
            response = getattr(client, method)(url(zhang, rest), {"level": "11", "name": "x"}
                                               if method == "post" else None)
            assert response.status_code == 404, (who, method, rest)
    assert (Education.objects.count(), Attachment.objects.count(),
            AuditRecord.objects.count()) == before


def test_read_only_roles_cannot_edit(world, file, login):
    zhang = file["zhang"]
    file["user"] = world["city"]
    routes = [r for r in every_route(file, zhang) if (r[1] and "attachments/" not in r[1])
              or r[0] == "post"]
    leader = login(world["leader"])
    page = leader.get(url(zhang, "")).content.decode()
    assert "data-testid=\"add-education\"" not in page and "删除" not in page
    for method, rest in routes:
        if not rest:
            continue
        response = getattr(leader, method)(url(zhang, rest))
        assert response.status_code in (403, 404), (method, rest)
    assert Education.objects.filter(talent=zhang).count() == 2  # 本科 kept from the form, 硕士


def test_employer_edits_its_own_peoples_histories_only(world, file, login):
    EmployerAccount.objects.create(user=world["employer"], employer=file["oil"])
    zhang = file["zhang"]
    other = services.talent_save(user=world["city"], region=zhang.region, data={
        "name": "王五", "id_number": id_number(RNG, "230602")})
    client = login(world["employer"])
    client.post(url(zhang, "education/new/"), {"level": "14", "school": "东北石油大学"})
    assert reload(zhang).education == "14"
    assert client.post(url(other, "education/new/"), {"level": "14"}).status_code == 404
    # Ending their own person's job would move the file out of the employer's reach: refused.
    services.employment_add(user=world["city"], talent=zhang, employer=file["oil"],
                            mode="full_time", started_on=dt.date(2020, 1, 1))
    job = zhang.employments.get()
    with pytest.raises(OutOfScope):
        services.employment_update(user=world["employer"], employment=job, employer=file["oil"],
                                   mode="full_time", started_on=dt.date(2020, 1, 1),
                                   ended_on=dt.date(2021, 1, 1))
    assert zhang.employments.get().ended_on is None and reload(zhang).employer == file["oil"]


# --- timeline and sections of higher apps ---------------------------------------------------

def test_timeline_tells_the_story_in_time_order(world, file, login):
    zhang, user = file["zhang"], world["city"]
    Talent.objects.filter(pk=zhang.pk).update(introduced_on=dt.date(2019, 5, 1),
                                              introduction_mode="full_time")
    services.education_add(user=user, talent=zhang, level="11", school="吉林大学",
                           graduated_on=dt.date(2018, 7, 1))
    services.title_add(user=user, talent=zhang, level="2", name="高级工程师",
                       obtained_on=dt.date(2021, 12, 1))
    services.skill_add(user=user, talent=zhang, level="2", occupation="化工总控工",
                       obtained_on=dt.date(2020, 3, 1))
    services.employment_add(user=user, talent=zhang, employer=file["oil"],
                            started_on=dt.date(2019, 5, 1), mode="full_time")
    services.category_recognise(user=user, talent=zhang, category=file["C"],
                                recognised_on=dt.date(2023, 6, 30))
    services.pool_member_save(user=user, pool=file["pool"], talent=zhang,
                              joined_on=dt.date(2024, 3, 1))
    services.honour_add(user=user, talent=zhang, name="龙江工匠", year=2022)
    page = login(user).get(url(zhang, "")).content.decode()
    story = page[page.index('data-testid="timeline"'):]
    order = ["吉林大学", "引进", "入职", "化工总控工", "高级工程师", "龙江工匠",
             "C类（省级领军人才）", "专家库", "建立人才档案"]
    positions = [story.index(word) for word in order]
    assert positions == sorted(positions)


@pytest.mark.urls("tests.test_person_file")
def test_a_higher_app_adds_a_section_without_talents_importing_it(world, file, login):
    zhang = file["zhang"]
    timeline.register_person_section("test.section", "测试模块", "test_person_section",
                                     order=5, permission="talents.view_talent")
    timeline.register_person_section("test.hidden", "不可见模块", "test_person_section",
                                     permission="policies.view_nothing")
    try:
        client = login(world["city"])
        page = client.get(url(zhang, "")).content.decode()
        assert "测试模块" in page and f'hx-get="/test-section/{zhang.pk}/"' in page
        assert 'hx-trigger="load"' in page and "不可见模块" not in page
        assert client.get(f"/test-section/{zhang.pk}/").content.decode().startswith("<p>")
    finally:
        timeline.unregister_person_section("test.section")
        timeline.unregister_person_section("test.hidden")
    assert "测试模块" not in login(world["city"]).get(url(zhang, "")).content.decode()


# --- speed and merge ----------------------------------------------------------------------------

def test_person_page_query_count_stays_flat_with_a_full_file(world, file, login,
                                                            django_assert_max_num_queries):
    zhang, user = file["zhang"], world["city"]
    for year in range(2010, 2016):
        services.education_add(user=user, talent=zhang, level="14", school=f"学校{year}",
                               graduated_on=dt.date(year, 7, 1))
        services.title_add(user=user, talent=zhang, level="3", name=f"职称{year}")
        services.skill_add(user=user, talent=zhang, level="3", occupation=f"工种{year}")
        services.employment_add(user=user, talent=zhang, employer_name=f"单位{year}",
                                started_on=dt.date(year, 1, 1), ended_on=dt.date(year, 12, 1))
        services.honour_add(user=user, talent=zhang, name=f"荣誉{year}", year=year)
        services.category_recognise(user=user, talent=zhang, category=file["D"],
                                    recognised_on=dt.date(year, 6, 1))
        services.attachment_add(user=user, talent=zhang, kind="other",
                                upload=SimpleUploadedFile(f"{year}.pdf", PDF))
    services.pool_member_save(user=user, pool=file["pool"], talent=zhang,
                              extra={"field": "化工"})
    client = login(user)
    client.get(url(zhang, ""))
    with django_assert_max_num_queries(20):
        page = client.get(url(zhang, ""))
    assert page.status_code == 200 and "荣誉2015" in page.content.decode()


def test_merge_moves_skills_honours_and_attachments(world, file, login):
    zhang, user = file["zhang"], world["city"]
    copy = services.talent_save(user=user, region=zhang.region, data={
        "name": "张三", "birth_date": zhang.birth_date, "honours": "龙江工匠"})
    services.skill_add(user=user, talent=copy, level="1", occupation="焊工")
    services.attachment_add(user=user, talent=copy, kind="skill",
                            upload=SimpleUploadedFile("焊工证.pdf", PDF))
    services.talent_merge(user=user, keep=zhang, drop=copy)
    kept = reload(zhang)
    assert kept.skill_level == "1" and kept.skills.get().occupation == "焊工"
    assert kept.attachments.get().filename == "焊工证.pdf"
    assert kept.honours == "龙江工匠" and kept.honour_list.get().name == "龙江工匠"
