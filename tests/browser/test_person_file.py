"""A clerk keeps a person file current in a browser: adds an education from the person page
(a mistake first, then right), uploads a certificate and downloads it again — on a desktop
and on a phone, with no Content-Security-Policy complaint."""

from __future__ import annotations

import random

import pytest

from tests.browser.conftest import shot
from tests.browser.test_browser import log_in
from wutong.core.demo.generators import id_number
from wutong.core.models import Region
from wutong.talents import services
from wutong.talents.models import Attachment, Talent

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_add_an_education_and_an_attachment_from_the_person_page(world, live_server,
                                                                  page_factory, viewport):
    talent = services.talent_save(user=world["city"], region=Region.objects.get(code="230602"),
                                  data={"name": "欧阳长乐", "education": "21",
                                        "id_number": id_number(random.Random(5), "230602")})
    page = (page_factory() if viewport == "desktop"
            else page_factory(width=390, height=844, mobile=True))
    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/talents/{talent.pk}/")

    page.click("[data-testid=add-education]")
    page.wait_for_selector("[data-testid=person-form]")
    page.fill("#id_school", "哈尔滨工业大学")
    page.click("[data-testid=person-form-save]")  # no level chosen: refused, input kept
    page.wait_for_selector("[data-testid=field-error]")
    assert page.input_value("#id_school") == "哈尔滨工业大学"
    page.select_option("#id_level", "11")
    page.fill("#id_graduated_on", "2015-07-01")
    page.click("[data-testid=person-form-save]")
    page.wait_for_selector("text=学历已保存")
    assert "博士研究生毕业" in page.locator("[data-testid=current-fields]").inner_text()
    assert "哈尔滨工业大学" in page.locator("[data-testid=timeline]").inner_text()

    page.click("[data-testid=add-attachments]")
    page.wait_for_selector("#id_file")
    page.set_input_files("#id_file", {"name": "学位证.pdf", "mimeType": "application/pdf",
                                      "buffer": PDF})
    page.select_option("#id_kind", "degree")
    page.fill("#id_note", "博士学位证书")
    page.click("[data-testid=person-form-save]")
    page.wait_for_selector("text=附件已上传")
    shot(page, f"30-person-file-{viewport}")
    with page.expect_download() as info:
        page.click("[data-testid=attachment-download]")
    assert info.value.suggested_filename == "学位证.pdf"
    with open(info.value.path(), "rb") as fh:
        assert fh.read() == PDF
    assert Talent.objects.get(pk=talent.pk).education == "11"
    assert Attachment.objects.get(talent=talent).note == "博士学位证书"
    assert page.csp_errors == []
