"""What visitors do: find help, search, read the news, use the keyboard, zoom, a phone."""

import pytest

from .audit import axe_violations
from .pages import home as build_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home_url(site, live_server):
    build_home_page(site)
    return live_server.url + "/"


def test_home_page_shows_reporting_paths_and_latest_news(browser_page, home_url, artifacts_dir):
    browser_page.goto(home_url)
    browser_page.screenshot(path=artifacts_dir / "desktop-home.png", full_page=True)

    main = browser_page.locator("main")
    assert main.get_by_role("heading", name="Sorge um ein Kind? Hier erreichen Sie Hilfe").count()
    assert main.locator('a[href="tel:110"]').count() == 1
    assert main.locator(".news-card").count() == 3
    # The reporting box is in the main content, so the footer does not repeat it.
    assert browser_page.locator("footer .reporting-box").count() == 0


def test_keyboard_skip_link_moves_focus_to_main(browser_page, home_url):
    browser_page.goto(home_url)

    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert browser_page.locator(".skip-link").is_visible()

    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"


def test_search_from_header_finds_article_grouped(browser_page, home_url):
    browser_page.goto(home_url)

    browser_page.get_by_role("searchbox", name="Website durchsuchen").fill("Fortbildungsprogramm")
    browser_page.get_by_role("search").get_by_role("button", name="Suchen").click()

    browser_page.wait_for_url("**/suche/?q=Fortbildungsprogramm")
    group = browser_page.get_by_role("region", name="Aktuelles (1)")
    assert group.get_by_role("link", name="Fortbildungsprogramm 2027").is_visible()
    assert browser_page.get_by_label("Suchbegriff", exact=True).input_value() == (
        "Fortbildungsprogramm"
    )


def test_news_index_to_article_and_back_by_tag(browser_page, home_url):
    browser_page.goto(home_url)
    browser_page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Aktuelles"
    ).click()

    assert browser_page.get_by_role("heading", level=1).inner_text() == "Aktuelles"
    current = browser_page.locator('.site-nav a[aria-current="page"]')
    assert current.inner_text() == "Aktuelles"
    browser_page.get_by_role("link", name="Fachtag Kinderschutz: Rückblick").click()

    assert browser_page.get_by_role("heading", level=1).inner_text() == (
        "Fachtag Kinderschutz: Rückblick"
    )
    assert browser_page.locator("main img").get_attribute("alt") == (
        "Teilnehmer:innen im Plenum des Fachtags"
    )
    # Inside the section, its menu item says "you are here" (aria-current="true").
    assert browser_page.locator('.site-nav a[aria-current="true"]').inner_text() == "Aktuelles"
    browser_page.locator("main a.tag", has_text="Fachtag").click()
    assert browser_page.locator(".news-card").count() == 1


def test_footer_links_lead_to_legal_pages(browser_page, home_url):
    browser_page.goto(home_url)
    footer_nav = browser_page.get_by_role("navigation", name="Rechtliches und Service")

    for name in ("Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit", "Leichte Sprache"):
        footer_nav.get_by_role("link", name=name, exact=True).click()
        assert browser_page.get_by_role("heading", level=1).inner_text() == name
        browser_page.go_back()
    assert footer_nav.get_by_role("link", name="Barriere melden").get_attribute("href") == (
        "/barriere-melden/?seite=/"
    )


@pytest.mark.parametrize(
    ("label", "viewport"),
    [
        # 1280 px at 200 % zoom lays out like 640 CSS pixels; 320 px is WCAG 1.4.10 reflow.
        ("zoom-200", {"width": 640, "height": 450}),
        ("phone", {"width": 320, "height": 640}),
    ],
)
def test_narrow_screens_reflow_without_horizontal_scrolling(
    browser, home_url, live_server, artifacts_dir, label, viewport
):
    context = browser.new_context(locale="de-DE", viewport=viewport)
    page = context.new_page()
    try:
        for name, path in [("home", "/"), ("news", "/aktuelles/"), ("search", "/suche/?q=Fachtag")]:
            page.goto(live_server.url + path)
            page.screenshot(path=artifacts_dir / f"{label}-{name}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{label} {path}: {overflow}px horizontal scrollen nötig"
            assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
            violations = axe_violations(page)
            assert not violations, f"{label} {path}:\n" + "\n".join(violations)
    finally:
        context.close()


def test_subscribe_link_leads_to_the_feed_on_the_address_the_page_came_from(
    browser_page, site, live_server
):
    # The Wagtail Site says "testserver"; the page is served on the live server's address.
    from tests.events.factories import make_event, make_index

    make_event(make_index(site.home), "Kinderschutz in der Kita")
    browser_page.goto(live_server.url + "/veranstaltungen/")

    subscribe = browser_page.get_by_role("link", name="Kalender abonnieren", exact=True)
    webcal = subscribe.get_attribute("href")
    feed = browser_page.locator('link[rel="alternate"][type="text/calendar"]').get_attribute("href")
    copy = browser_page.get_by_role("link", name="iCal-Adresse (zum Kopieren)")
    assert copy.get_attribute("href") == feed
    assert feed == live_server.url + "/veranstaltungen/ical/"
    assert webcal == "webcal://" + feed.split("://", 1)[1]

    # A calendar app opens webcal:// as http://; the browser fetches the same address.
    response = browser_page.request.get("http://" + webcal.split("://", 1)[1])
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Kinderschutz in der Kita" in response.text()


def test_language_switch_to_english_and_back(browser, home_url):
    # The browser prefers English; the site stays German until English is chosen.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(home_url)
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()

        switch = page.get_by_role("button", name="English")
        assert switch.get_attribute("lang") == "en"
        switch.click()
        page.wait_for_url(home_url)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("navigation", name="Main navigation").is_visible()
        assert page.get_by_role("searchbox", name="Search this website").is_visible()
        assert page.locator("main").get_attribute("lang") == "de"  # the content is German
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)

        page.get_by_role("button", name="Deutsch").click()
        page.wait_for_url(home_url)
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    finally:
        context.close()
