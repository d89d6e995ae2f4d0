"""Errors answer in German, inside the site's frame: 400 (bad or too large), 403 (CSRF)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied

from kinderschutz_cms.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def menu_page(home_page):
    page = ContentPage(title="Meldewege", slug="meldewege", show_in_menus=True)
    home_page.add_child(instance=page)
    return page


def assert_in_site_frame(html):
    """The site's frame: its navigation (from the request's site) and footer."""
    assert 'aria-label="Hauptnavigation"' in html
    assert '<a href="/meldewege/">Meldewege</a>' in html
    assert "site-footer" in html


@pytest.fixture
def strict_client():
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


def test_form_without_a_valid_csrf_token_gets_the_german_403_page(strict_client, home_page):
    response = strict_client.post("/suche/", {"q": "Kinderschutz"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 403
    assert '<html lang="de">' in html
    assert "<h1>Formular nicht gesendet</h1>" in html
    assert_in_site_frame(html)
    assert "CSRF" not in html


def test_a_body_over_the_upload_limit_gets_the_german_400_page(strict_client, home_page, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = strict_client.post("/suche/", {"csrfmiddlewaretoken": "a" * 32, "q": "x" * 5000})
    html = response.content.decode()

    assert response.status_code == 400
    assert '<html lang="de">' in html
    assert "<h1>Ungültige Anfrage</h1>" in html
    assert_in_site_frame(html)
    assert "Bad Request" not in html


def test_permission_denied_gets_the_german_403_page(home_page):
    request = RequestFactory().get("/")
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()

    assert response.status_code == 403
    assert "<h1>Zugriff nicht erlaubt</h1>" in html
    assert_in_site_frame(html)


def test_an_unknown_host_gets_a_german_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "<h1>Ungültige Anfrage</h1>" in response.content.decode()
