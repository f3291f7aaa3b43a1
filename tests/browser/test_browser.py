"""What a person sees: log in, the Chinese home page, scope by URL, forms, phone layout."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_district_user_sees_chinese_home_and_cannot_open_another_district(
        world, live_server, page_factory):
    page = page_factory()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    shot(page, "01-login")
    log_in(page, live_server, "district")
    assert page.locator("[data-testid=home-title]").inner_text() == "工作台"
    assert page.locator("[data-testid=whoami-name]").inner_text() == "李区"
    assert page.locator("[data-testid=whoami-role]").inner_text() == "人才办工作人员"
    assert "萨尔图区" in page.locator("[data-testid=whoami-region]").inner_text()
    nav = page.locator("#wt-sidebar").inner_text()
    assert "单位管理" in nav and "审计日志" in nav
    shot(page, "02-home-district")

    response = page.goto(f"{live_server.url}/accounts/units/{world['longfeng_office'].pk}/")
    assert response.status == 404
    text = page.locator("[data-testid=error-text]").inner_text()
    assert "不在您的数据范围内" in text and "龙凤区" not in page.content()
    shot(page, "03-other-district-404")

    own = page.goto(f"{live_server.url}/accounts/units/{world['saertu_kjj'].pk}/")
    assert own.status == 200
    assert page.locator("[data-testid=unit-name]").inner_text() == "萨尔图区科学技术局"
    assert page.csp_errors == []


def test_wrong_password_shows_chinese_message(world, live_server, page_factory):
    page = page_factory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "district")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator("[data-testid=login-error]").inner_text()


def test_region_picker_cascades_with_htmx(world, live_server, page_factory):
    page = page_factory()
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/accounts/units/new/")
    picker = page.locator("[data-testid=region-picker-region]")
    picker.locator("select[name=level_1]").select_option("230602")
    # (wait_for_function would evaluate a string, which the CSP rightly forbids)
    page.wait_for_selector('input[name=region][value="230602"]', state="attached")
    page.fill("#id_name", "萨尔图区工业和信息化局")
    shot(page, "04-unit-form")
    page.click("button.btn-wt")
    assert page.locator("[data-testid=unit-name]").inner_text() == "萨尔图区工业和信息化局"
    assert page.csp_errors == []


def test_form_errors_keep_what_was_typed(world, live_server, page_factory):
    page = page_factory()
    log_in(page, live_server, "city")
    page.goto(f"{live_server.url}/accounts/users/new/")
    page.fill("#id_username", "newclerk")
    page.fill("#id_full_name", "张新")
    page.fill("#id_phone", "12345")
    page.fill("#id_password", "Strong-Pass-2026")
    page.click("button.btn-wt")
    errors = page.locator("[data-testid=field-error], [data-testid=form-error]").all_inner_texts()
    assert any("手机号码不正确" in e for e in errors)
    assert page.input_value("#id_full_name") == "张新"
    shot(page, "05-user-form-errors")


def test_phone_layout_and_reveal(world, live_server, page_factory):
    page = page_factory(width=390, height=844, mobile=True)
    log_in(page, live_server, "district")
    shot(page, "06-home-phone")
    toggler = page.locator("button.navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.locator("#wt-sidebar a", has_text="单位管理").wait_for(state="visible")
    page.goto(f"{live_server.url}/accounts/users/{world['talent'].pk}/")
    assert page.locator("[data-testid=masked-phone]").inner_text() == "139****5678"
    page.click("text=查看完整")
    page.locator("[data-testid=revealed]").first.wait_for()
    assert "13912345678" in page.locator("[data-testid=revealed]").first.inner_text()
    shot(page, "07-user-detail-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "page must not scroll sideways on a phone"


def test_english_is_available(world, live_server, page_factory):
    page = page_factory()
    log_in(page, live_server, "city")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=home-title]").inner_text() == "Dashboard"
    shot(page, "08-home-english")
