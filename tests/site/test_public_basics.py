"""Across every public page type (the query budget's network): an anonymous visitor gets
no cookie but the CSRF cookie on a page with a form, nothing is loaded from another host
(CSP and markup), every page has a meta description, and the favicon exists (#18)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from .test_query_budget import build_network

pytestmark = pytest.mark.django_db

# Pages whose form changes something (POST): the only ones that may set the CSRF cookie.
FORM_PAGES = {
    "registration form",
    "Fachtag registration form",
    "barrier report form",
    "personal registration page",
}
EXTERNAL = re.compile(
    r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)="(?:https?:)?//(?!testserver[/:"])',
    re.I,
)


def test_every_page_type_sets_no_cookie_loads_nothing_external_and_has_a_description(
    client, home_page
):
    cache.clear()
    pages = build_network(home_page, 10)
    problems = []
    for name, (url, params, status) in pages.items():
        client.cookies.clear()
        response = client.get(url, params)
        assert response.status_code == status, url
        cookies = set(response.cookies)
        allowed = {"csrftoken"} if name in FORM_PAGES else set()
        if cookies - allowed:
            problems.append(f"{name}: sets cookies {sorted(cookies - allowed)}")
        policy = response.headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in policy:
            problems.append(f"{name}: no same-origin CSP")
        html = response.content.decode()
        if match := EXTERNAL.search(html):
            problems.append(f"{name}: loads from another host: {match.group(0)}")
        if not response["Content-Type"].startswith("text/html"):
            continue  # sitemap.xml, robots.txt: no head to describe
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        if not description or not description.group(1).strip():
            problems.append(f"{name}: no meta description")
        if 'rel="icon"' not in html:
            problems.append(f"{name}: no favicon link")
    assert not problems, "\n".join(problems)


def test_the_favicon_files_exist_and_favicon_ico_redirects(client, home_page):
    for name in ("favicon.svg", "favicon.png", "favicon.ico"):
        assert finders.find(f"kinderschutz_cms/{name}"), name
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("kinderschutz_cms/favicon.ico")


def test_the_description_falls_back_to_the_intro(client, home_page):
    from kinderschutz_cms.models import ContentPage

    page = ContentPage(
        title="Schutzkonzepte", slug="schutzkonzepte", intro="Was ein <b>Schutzkonzept</b> enthält."
    )
    home_page.add_child(instance=page)
    html = client.get(page.url).content.decode()
    assert '<meta name="description" content="Was ein Schutzkonzept enthält.">' in html
    page.search_description = "Eigene Beschreibung"
    page.save()
    assert (
        '<meta name="description" content="Eigene Beschreibung">'
        in client.get(page.url).content.decode()
    )


def test_the_language_switch_works_without_a_csrf_cookie(home_page):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    html = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in html.split("</header>")[0]
    response = client.post("/sprache/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_the_site_serves_image_renditions_without_debug_and_no_other_media(
    client, settings, home_page
):
    """The documented deployment proxies everything to gunicorn (docs/deployment.md), so
    with DEBUG off the renditions a page shows must come from the application itself; a
    404 there breaks the page and is a console error for Lighthouse. Only renditions:
    original uploads and documents stay out (documents go through Wagtail's own view)."""
    from tests.news.factories import make_image

    assert settings.DEBUG is False
    image = make_image(size=(64, 48))
    rendition = image.get_rendition("fill-32x24")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG's start
    assert "max-age" in response["Cache-Control"]
    assert client.get(image.file.url).status_code == 404  # the original upload
    client.raise_request_exception = False
    assert client.get("/media/images/../original_images/x.jpg").status_code in (400, 404)
