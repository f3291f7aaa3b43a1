"""Login security: Chinese messages, lockout, idle timeout, password rules, argon2, headers."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from tests.conftest import PASSWORD
from wutong.accounts import services
from wutong.accounts.middleware import SESSION_KEY
from wutong.core.errors import ValidationFailed
from wutong.core.models import AuditRecord, Region


def test_wrong_password_gets_a_chinese_message(world, client):
    response = client.post("/accounts/login/", {"username": "city", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditRecord.objects.filter(action="login_failed", object_repr="city").exists()


def test_empty_login_form_gets_chinese_field_errors(db, client):
    body = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "这个字段是必填项" in body


def test_login_then_home(world, client):
    response = client.post("/accounts/login/", {"username": "city", "password": PASSWORD},
                           follow=True)
    assert "工作台" in response.content.decode()
    assert AuditRecord.objects.filter(action="login", actor=world["city"]).exists()


def test_lockout_after_five_failures(world, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "city", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "city", "password": PASSWORD})
    assert response.status_code == 429
    assert "已被锁定" in response.content.decode()
    # Another account is not affected.
    ok = Client().post("/accounts/login/", {"username": "district", "password": PASSWORD})
    assert ok.status_code == 302


def test_idle_session_times_out(world, login):
    client = login(world["city"])
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302  # really logged out


def test_polling_does_not_keep_the_session_alive(world, login):
    client = login(world["city"])
    client.get("/")
    stamp = client.session[SESSION_KEY]
    client.get("/jobs/", HTTP_X_WUTONG_POLL="1")
    assert client.session[SESSION_KEY] == stamp


@pytest.mark.parametrize("password,expected", [
    ("short1A!", "密码太短"),
    ("alllowercaseletters", "至少 3 类"),
    ("12345678901234", "密码只包含数字"),
])
def test_password_rules_in_chinese(world, password, expected):
    with pytest.raises(ValidationFailed) as info:
        services.user_create(actor=world["city"], username="newbie", full_name="新人",
                             role="office", password=password,
                             region=Region.objects.get(code="230600"))
    assert any(expected in str(d["message"]) for d in info.value.details)


def test_passwords_are_hashed_with_argon2(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = services.user_create(actor=world["city"], username="argon", full_name="阿",
                                role="office", password="Good-Pass-2026",
                                region=Region.objects.get(code="230600"))
    assert user.password.startswith("argon2")
    assert make_password("x").startswith("argon2")


def test_first_login_forces_password_change(world, client):
    user = world["talent2"]
    user.must_change_password = True
    user.save()
    response = client.post("/accounts/login/", {"username": "talent2", "password": PASSWORD})
    assert response["Location"] == "/accounts/password/"


def test_security_headers_and_csp_without_inline_script(world, login):
    response = login(world["city"]).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", body)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert " style=" not in body and "onclick=" not in body


def test_secure_cookies_behind_tls(settings):
    from wutong import settings as wutong_settings

    assert wutong_settings.SESSION_COOKIE_HTTPONLY
    # WUTONG_HTTPS (on by default in production) turns on secure cookies and HSTS.
    import subprocess
    import sys

    code = ("import os; os.environ.update(WUTONG_HTTPS='1');"
            "import wutong.settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["True", "True", "31536000"]


def test_language_switch_to_english(world, login):
    client = login(world["city"])
    assert "退出" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Sign out" in body and 'lang="en"' in body


def test_logout_is_post_only_and_audited(world, login):
    client = login(world["city"])
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
    assert AuditRecord.objects.filter(action="logout", actor=world["city"]).exists()


def test_new_password_required_before_anything_else(world, login):
    user = world["talent2"]
    user.must_change_password = True
    user.save()
    client = login(user)
    assert client.get("/")["Location"] == "/accounts/password/"
    assert client.get("/api/accounts/me").status_code == 403
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Brand-New-2026", "new_password2":
        "Brand-New-2026"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
