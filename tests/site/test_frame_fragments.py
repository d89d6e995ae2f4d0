"""Parts of public pages kept rendered in the frame cache (`{% frame_fragment %}`,
kinderschutz_cms/templatetags/site_tags.py, issue #19) show every change at once: what
they depend on is either in their key (seats left, the dates still listed) or renews the
frame generation when it changes (pages, images, venues); previews are never kept."""

import pytest
from django.core.cache import cache

from kinderschutz_cms.models import ContentPage
from registrations.services.booking import register
from tests.events.factories import make_index as make_calendar
from tests.events.factories import make_venue
from tests.news.factories import make_article
from tests.news.factories import make_index as make_news_index
from tests.registration.factories import make_registration_event, service_data


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_calendar_card_shows_the_seats_left_after_a_registration(client, home_page):
    calendar = make_calendar(home_page)
    event = make_registration_event(calendar, capacity=3)
    assert "noch 3 Plätze frei" in client.get(calendar.url).content.decode()
    register(event, service_data())  # no page saved: the seats are in the card's key
    assert "noch 2 Plätze frei" in client.get(calendar.url).content.decode()


def test_calendar_card_shows_a_renamed_venue(client, home_page):
    calendar = make_calendar(home_page)
    venue = make_venue()
    make_registration_event(calendar, venue=venue)
    assert venue.name in client.get(calendar.url).content.decode()
    venue.name = "Kreishaus, Saal 2"
    venue.save()
    assert "Kreishaus, Saal 2" in client.get(calendar.url).content.decode()


def test_news_index_and_home_show_a_new_article(client, home_page):
    news = make_news_index(home_page)
    make_article(news, title="Erster Beitrag")
    assert "Erster Beitrag" in client.get(news.url).content.decode()
    assert "Erster Beitrag" in client.get("/").content.decode()
    make_article(news, title="Zweiter Beitrag")
    assert "Zweiter Beitrag" in client.get(news.url).content.decode()
    assert "Zweiter Beitrag" in client.get("/").content.decode()


def test_a_published_body_shows_at_once_and_a_preview_is_never_kept(client, home_page):
    page = ContentPage(title="Meldewege", slug="meldewege")
    page.body = [("paragraph", "<p>Erste Fassung</p>")]
    home_page.add_child(instance=page)
    page.save_revision().publish()
    assert "Erste Fassung" in client.get(page.url).content.decode()

    page.body = [("paragraph", "<p>Entwurf</p>")]
    preview = page.make_preview_request(None, "")  # the draft, as the editor sees it
    assert "Entwurf" in preview.rendered_content
    assert "Erste Fassung" in client.get(page.url).content.decode()  # nor kept for others

    page.body = [("paragraph", "<p>Zweite Fassung</p>")]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Zweite Fassung" in html and "Erste Fassung" not in html


def test_archive_lists_a_past_event_that_took_registrations(client, home_page):
    """The card's key asks for the seats left, which the archive does not count: it must
    not fail on a past training with a capacity (it gave a 500)."""
    from tests.events.factories import at
    from tests.events.factories import make_index as make_calendar
    from tests.registration.factories import make_registration_event

    calendar = make_calendar(home_page)
    make_registration_event(
        calendar, title="Vergangene Fortbildung", capacity=5, dates=[(at(-10, 9), at(-10, 12))]
    )
    response = client.get(calendar.url + "archiv/")
    assert response.status_code == 200
    assert "Vergangene Fortbildung" in response.content.decode()
