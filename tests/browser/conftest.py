"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per session; each test gets a fresh browser context (no shared cookies).
The tests are marked `browser` and use a transactional database (the live server runs in
another thread). Django empties the tables after each such test, including the rows
Wagtail's migrations made; `wagtail_tree` puts the root page, locale and collection back.

Without /usr/bin/chromium the tests are skipped with a message, except in CI
(CI=true), where a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

from .pages import SiteData, build_site

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# (creating pages) would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _require_chromium():
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} fehlt: `make system-deps` installiert Debians Chromium."
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser):
    """A fresh tab in German at desktop width; closed after the test."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(home_page) -> SiteData:
    """The site frame every page needs: settings, footer pages, a menu."""
    return build_site(home_page)


@pytest.fixture(scope="session")
def artifacts_dir():
    """Screenshots land in test-artifacts/browser/ (ignored by git) for a human to look at."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def collected_html():
    """HTML of every page the audit test visited, by registry name, for one vnu run."""
    return {}
