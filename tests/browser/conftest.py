"""Playwright driving Debian's chromium against the live test server.

Skipped, loudly, when chromium is missing (``python3 dev.py test`` installs it where it can).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("WUTONG_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SKIP_REASON = ("BROWSER TESTS SKIPPED: no chromium at /usr/bin/chromium "
               "(install Debian's 'chromium' package)")

# Playwright's sync API runs an event loop in this thread; the Django calls the tests make
# (fixtures, assertions on the database) are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("WUTONG_SKIP_BROWSER") or not CHROMIUM.exists():
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield instance
        instance.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(*, width=1366, height=768, mobile=False, locale="zh-CN"):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      is_mobile=mobile, has_touch=mobile, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on("console", lambda msg: page.csp_errors.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
