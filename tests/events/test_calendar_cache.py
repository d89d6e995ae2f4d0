"""The calendar's lists kept in the frame cache (issue #19: `listing.calendar_listing`,
the "event-list" fragment of `event_index_page.html`): what they show changes at once
with every write (a new frame generation) and, without any write, at the list's time
boundary (a date ending, an event expiring, an event joining the archive); the seats
left are read on every request. No test waits: a list is kept at an earlier `now`, whose
boundary has passed by the time the page is asked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from events.listing import build_listing, calendar_listing
from events.models import EventPage
from registrations.models import Registration
from registrations.services.booking import register
from tests.registration.factories import make_registration_event, service_data

from .factories import at, make_event, make_fachtag, make_running_series

pytestmark = pytest.mark.django_db


def titles(response):
    return [event.title for event in response.context["events"]]


def render_at(client, index, now, path=""):
    """The calendar page as a request at `now` renders it (and keeps its list and cards)."""
    request = client.get("/").wsgi_request  # a request through every middleware
    context = index.listing_context(request, archive=path == "archiv/", now=now)
    response = index.render(request, context_overrides=context)
    return response.render().content.decode()


def test_a_date_that_ends_leaves_the_kept_list_and_its_card(client, index):
    now = timezone.now()
    make_event(index, "Gleich vorbei", dates=[(now - timedelta(hours=2), now - timedelta(hours=1))])
    make_event(
        index,
        "Reihe",
        dates=[(now - timedelta(hours=2), now - timedelta(hours=1)), (at(3, 9), at(3, 12))],
    )
    earlier = now - timedelta(minutes=90)  # both running then
    kept = calendar_listing(index, now=earlier)
    assert len(kept.ids) == 2
    assert kept.until == now - timedelta(hours=1)  # the first end still to come then
    html = render_at(client, index, earlier)
    assert "Gleich vorbei" in html
    assert "und 1 weiterer Termin" in html  # Reihe: both dates listed then

    response = client.get(index.url)

    assert titles(response) == ["Reihe"]
    html = response.content.decode()
    assert "Gleich vorbei" not in html
    assert "weiterer Termin" not in html  # the card, rendered anew
    with CaptureQueriesContext(connection) as queries:
        assert calendar_listing(index).ids == (response.context["events"][0].pk,)
    assert len(queries) == 0  # the list kept now is the new one


def test_an_expiring_event_leaves_the_kept_list(client, index):
    now = timezone.now()
    page = make_event(index, "Läuft ab", dates=[(at(3, 9), at(3, 12))])
    make_event(index, "Bleibt", dates=[(at(4, 9), at(4, 12))])
    # Expired half an hour ago, written without a save (as time passes: no new generation).
    EventPage.objects.filter(pk=page.pk).update(expire_at=now - timedelta(minutes=30))
    kept = calendar_listing(index, now=now - timedelta(hours=1))
    assert page.pk in kept.ids
    assert kept.until == now - timedelta(minutes=30)

    assert titles(client.get(index.url)) == ["Bleibt"]


def test_an_event_joins_the_kept_archive_when_its_last_date_ends(client, index):
    now = timezone.now()
    make_event(index, "Früher", dates=[(at(-5, 9), at(-5, 12))])
    make_event(index, "Eben", dates=[(now - timedelta(hours=3), now - timedelta(hours=1))])
    earlier = now - timedelta(hours=2)
    kept = calendar_listing(index, archive=True, now=earlier)
    assert kept.until == now - timedelta(hours=1)
    assert "Eben" not in render_at(client, index, earlier, "archiv/")

    response = client.get(index.url + "archiv/")

    assert titles(response) == ["Eben", "Früher"]
    assert "Eben" in response.content.decode()


def test_a_recurring_event_is_kept_until_its_next_occurrence_ends(index):
    from events.models import Occurrence

    page = make_running_series(index)
    now = timezone.now()
    upcoming = Occurrence.objects.filter(page=page, end__gte=now, cancelled=False)

    listing = build_listing(index, now=now)

    assert listing.ids == (page.pk,)
    assert listing.until == upcoming.order_by("end").first().end


def test_seats_left_are_read_on_every_request(client, index):
    event = make_registration_event(index, capacity=3, double_opt_in=True)
    register(event, service_data())  # a hold until the e-mail is confirmed
    assert "noch 2 Plätze frei" in client.get(index.url).content.decode()
    # The hold runs out: no write, no new generation of any cache.
    Registration.objects.filter(event=event).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert "noch 3 Plätze frei" in client.get(index.url).content.decode()


def test_a_write_shows_at_once_in_a_kept_list(client, index):
    first = make_event(index, "Erste", dates=[(at(3, 9), at(3, 12))])
    assert titles(client.get(index.url)) == ["Erste"]

    make_event(index, "Neue", dates=[(at(2, 9), at(2, 12))])  # published: a new generation
    assert titles(client.get(index.url)) == ["Neue", "Erste"]

    PageViewRestriction.objects.create(page=first, restriction_type="password", password="x")
    assert titles(client.get(index.url)) == ["Neue"]  # now in a private section

    first.title = "Umbenannt"
    PageViewRestriction.objects.all().delete()
    first.save_revision().publish()
    assert "Umbenannt" in client.get(index.url).content.decode()


def test_kept_filtered_lists_and_fields_are_each_their_own(client, index):
    make_event(index, "Fortbildung", dates=[(at(3, 9), at(3, 12))])
    make_fachtag(index, "Fachtag")

    training = client.get(index.url, {"typ": "fortbildung"})
    fachtag = client.get(index.url, {"typ": "fachtag"})
    unfiltered = client.get(index.url)

    assert titles(training) == ["Fortbildung"]
    assert titles(fachtag) == ["Fachtag"]
    assert titles(unfiltered) == ["Fortbildung", "Fachtag"]
    assert '<option value="fortbildung" selected>' in training.content.decode()
    assert '<option value="fachtag" selected>' in fachtag.content.decode()
    assert '<option value="" selected>Alle Arten</option>' in unfiltered.content.decode()
    # A filter with an error is shown with it, and never kept.
    wrong = client.get(index.url, {"monat": "2026-13"})
    assert "Bitte wählen Sie einen Monat aus der Liste." in wrong.content.decode()
    assert titles(wrong) == ["Fortbildung", "Fachtag"]


def test_pages_out_of_range_show_the_nearest_page(client, index):
    for number in range(22):
        make_event(index, f"Termin {number:02}", dates=[(at(number + 1, 9), at(number + 1, 10))])

    assert titles(client.get(index.url, {"seite": 99})) == ["Termin 20", "Termin 21"]
    assert titles(client.get(index.url, {"seite": "x"}))[0] == "Termin 00"
    assert client.get(index.url + "archiv/", {"seite": 5}).status_code == 200


def _frame_keys():
    """The frame cache's keys (the test settings' per-process cache)."""
    from django.core.cache import cache

    return {key for key in cache._cache if ":kinderschutz:frame:" in key}


def test_only_lists_the_page_offers_are_kept(client, index):
    """No visitor fills the cache: combined filters and months the month list does not
    offer (any well-formed month is applied) are computed each time, never stored."""
    training = make_event(index, "Fortbildung", dates=[(at(3, 9), at(3, 12))])
    make_fachtag(index, "Fachtag")
    month = timezone.localtime(training.dates.first().start).strftime("%Y-%m")
    client.get(index.url)  # what every request reads, kept
    client.get(index.url, {"typ": "fortbildung"})
    client.get(index.url, {"monat": month})
    kept = _frame_keys()
    assert any(":calendar_listing:" in key for key in kept)

    asked = [
        {"typ": "fortbildung", "format": "in_person"},
        {"typ": "fortbildung", "monat": month},
        {"monat": "1901-01"},
        {"monat": "2999-12"},
    ]
    responses = [client.get(index.url, query) for query in asked]

    assert [titles(response) for response in responses][1] == ["Fortbildung"]
    assert all(response.status_code == 200 for response in responses)
    assert _frame_keys() == kept
    # and the lists the page offers are kept once each
    client.get(index.url, {"typ": "fachtag"})
    assert len(_frame_keys()) > len(kept)
