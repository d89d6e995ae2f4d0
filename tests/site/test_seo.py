"""Search engines and sharing: Open Graph tags, sitemap.xml per site, robots.txt."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone, translation
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site, get_page_models

from kinderschutz_cms.models import ContentPage
from registrations.tokens import personal_path
from tests.events.factories import make_event
from tests.events.factories import make_index as make_calendar
from tests.news.factories import make_article
from tests.news.factories import make_index as make_news_index

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def og(response):
    html = response.content.decode()
    return dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)">', html))


def test_open_graph_on_a_content_page_from_the_request_host(client, home_page):
    page = home_page.add_child(
        instance=ContentPage(title="Meldewege", slug="meldewege", search_description="Wer hilft")
    )
    tags = og(client.get(page.url, HTTP_HOST="testserver"))
    assert tags == {
        "og:title": "Meldewege",
        "og:description": "Wer hilft",
        "og:url": "http://testserver/meldewege/",
        "og:type": "website",
        "og:site_name": "Netzwerk Kinderschutz",
        "og:locale": "de_DE",
    }


def test_open_graph_of_an_article_has_its_image_and_english_locale(client, home_page):
    article = make_article(make_news_index(home_page))
    article.save_revision().publish()
    tags = og(client.get(article.url))
    assert tags["og:type"] == "article"
    assert tags["og:description"].startswith("Rund 150")
    assert re.match(r"^http://testserver/media/images/.+\.(png|jpg|gif)$", tags["og:image"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        assert og(client.get(article.url))["og:locale"] == "en_GB"


def test_personal_pages_carry_no_open_graph(client, home_page):
    from registrations.services.booking import register
    from tests.registration.factories import make_registration_event, service_data

    event = make_registration_event(make_calendar(home_page))
    registration = register(event, service_data())
    response = client.get(personal_path(registration))
    assert response.status_code == 200
    assert og(response) == {}


@pytest.fixture
def two_sites(home_page):
    """Network A (testserver, default) and B (b.example.org), same slugs, plus a private
    page, an unpublished page and a page under a private section in A."""
    root = Page.get_first_root_node()
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b"))
    Site.objects.create(hostname="b.example.org", port=80, root_page=home_b)
    pages = {}
    for name, home in (("a", home_page), ("b", home_b)):
        calendar = make_calendar(home)
        pages[name] = [home, calendar, make_event(calendar, f"Fortbildung {name.upper()}")]
    private = home_page.add_child(instance=ContentPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    private.add_child(instance=ContentPage(title="Protokolle", slug="protokolle"))
    home_page.add_child(instance=ContentPage(title="Entwurf", slug="entwurf", live=False))
    return pages


def sitemap_entries(client, host):
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    tree = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in tree.iter(f"{SITEMAP}url")
    }


def test_each_site_has_its_own_sitemap_with_only_its_public_pages(client, two_sites):
    a = sitemap_entries(client, "testserver")
    b = sitemap_entries(client, "b.example.org")
    assert set(a) == {
        "http://testserver/",
        "http://testserver/veranstaltungen/",
        f"http://testserver/veranstaltungen/{two_sites['a'][2].slug}/",
    }
    assert set(b) == {
        "http://b.example.org/",
        "http://b.example.org/veranstaltungen/",
        f"http://b.example.org/veranstaltungen/{two_sites['b'][2].slug}/",
    }
    event = two_sites["a"][2]
    event.refresh_from_db()
    # The site's calendar day (Berlin), not UTC's: they differ between 23:00 and 01:00.
    assert a[f"http://testserver/veranstaltungen/{event.slug}/"] == (
        timezone.localdate(event.last_published_at).isoformat()
    )


def test_robots_txt_names_this_hosts_sitemap(client, two_sites):
    response = client.get("/robots.txt", HTTP_HOST="b.example.org")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://b.example.org/sitemap.xml" in response.content.decode()


# ---- robots.txt covers every route that is not a page

# Routes crawlers may follow; every other route of the URLconf and every route of a
# routable page must be disallowed, so that a new personal link or feed cannot be forgotten.
# Image renditions are served by the app when DEBUG is off (kinderschutz_cms/urls.py).
CRAWLABLE = {
    "robots.txt",
    "sitemap.xml",
    "favicon.ico",
    "documents/",
    "static/",
    "media/",
    r"^media/images/(?P<path>.+)$",
}
CRAWLABLE_PAGE_ROUTES = {"", "archiv/"}
WAGTAIL_PAGES = r"^((?:[\w\-]+/)*)$"  # Wagtail's page serving
# Regular-expression routes and a path each answers (a new one fails until added here).
REGEX_SAMPLES = {r"^(?P<path>(?:[\w\-]+/)*ical/)$": "veranstaltungen/ical/"}


def top_level_routes(patterns, prefix=""):
    """Every route as seen from the site root; includes without a prefix are opened."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver) and route in ("", "^"):
            yield from top_level_routes(pattern.url_patterns, prefix)
        else:
            yield prefix + route


def sample_path(route):
    if route.startswith("^"):
        return "/" + REGEX_SAMPLES[route]  # KeyError: a new regex route, add a sample
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x1", route)


def disallowed(rules, path):
    """Google's matching: a rule is a path prefix in which "*" stands for any characters."""
    return any(re.match(re.escape(rule).replace(r"\*", ".*"), path) for rule in rules)


def test_robots_txt_disallows_every_route_that_is_not_a_page(client, home_page):
    body = client.get("/robots.txt").content.decode()
    rules = [
        line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("Disallow:")
    ]
    forgotten, checked = [], []
    for route in top_level_routes(get_resolver().url_patterns):
        if route == WAGTAIL_PAGES or route in CRAWLABLE:
            continue
        path = sample_path(route)
        checked.append(path)
        if not disallowed(rules, path):
            forgotten.append((route, path))
    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            for pattern in model.get_subpage_urls():
                route = str(pattern.pattern)
                if route in CRAWLABLE_PAGE_ROUTES:
                    continue
                path = "/veranstaltungen/eine-seite/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)
                checked.append(path)
                if not disallowed(rules, path):
                    forgotten.append((f"{model.__name__}: {route}", path))
    assert forgotten == []
    assert {"/admin/", "/anmeldung/x1/", "/veranstaltungen/ical/", "/suche/"} <= set(checked)
    # Pages themselves stay crawlable.
    assert not disallowed(rules, "/veranstaltungen/fortbildung-kinderschutz/")
    assert not disallowed(rules, "/veranstaltungen/archiv/")
