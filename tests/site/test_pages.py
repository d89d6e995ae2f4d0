import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils  # noqa: F401  (helpers used by app tests)

from kinderschutz_cms.models import ContentPage, NetworkHomePage, NetworkSettings

pytestmark = pytest.mark.django_db


def test_home_page_renders_german_frame_with_reporting_paths(client, home_page):
    settings = NetworkSettings.for_site(home_page.get_site())
    settings.office_hours_phone = "05121 309-1234"
    settings.out_of_hours_phone = "05121 309-9999"
    settings.save()

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert 'href="tel:05121309-9999"' in html
    assert 'href="tel:110"' in html
    assert html.count("<h1") == 1


def test_content_page_shows_body_blocks(client, home_page):
    page = ContentPage(
        title="Meldewege",
        slug="meldewege",
        intro="Was tun bei Sorge um ein Kind?",
        body=[
            ("heading", {"text": "Akute Gefahr", "level": "h2"}),
            ("paragraph", "<p>Polizei <b>110</b></p>"),
            ("contact", {"heading": "ASD", "name": "Jugendamt", "phone": "0511 1"}),
        ],
    )
    home_page.add_child(instance=page)

    response = client.get("/meldewege/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Akute Gefahr</h2>" in html
    assert "<b>110</b>" in html
    assert 'href="tel:05111"' in html


def test_content_page_can_only_live_below_home_or_content_pages():
    assert ContentPage.allowed_parent_page_models() == [NetworkHomePage, ContentPage]
    # One home page per Site root (several networks), never inside another network.
    assert NetworkHomePage.max_count is None
    assert NetworkHomePage.allowed_parent_page_models() == [Page]


def test_unknown_url_gives_404_not_500(client, home_page):
    assert client.get("/gibt-es-nicht/").status_code == 404
