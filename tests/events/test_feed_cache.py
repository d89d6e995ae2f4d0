"""Feeds answered from cached validators: per site, bounded, invalidated by every change."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Page, PageViewRestriction, Site

from events import feeds, listing
from events.choices import EventStatus
from kinderschutz_cms.models import NetworkHomePage

from .factories import make_audience, make_event, make_index, make_venue

pytestmark = pytest.mark.django_db


def summaries(response):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(content).walk("VEVENT"))


@pytest.fixture
def other_site():
    """A second network whose calendar has the same path as the first one's."""
    home = NetworkHomePage(title="Netzwerk Nord", slug="nord")
    Page.get_first_root_node().add_child(instance=home)
    Site.objects.create(hostname="nord.test", port=80, root_page=home, is_default_site=False)
    return make_index(home)


def test_a_site_never_gets_another_sites_feed(client, index, other_site, django_assert_num_queries):
    make_event(index, "Süd-Fortbildung")
    make_event(other_site, "Nord-Fortbildung")
    assert index.url_path.removeprefix("/start") == other_site.url_path.removeprefix("/nord")
    path = "/veranstaltungen/ical/"

    for _ in range(2):  # built, then from the cache
        assert summaries(client.get(path)) == ["Süd-Fortbildung"]
        assert summaries(client.get(path, HTTP_HOST="nord.test")) == ["Nord-Fortbildung"]
    south_etag = client.get(path)["ETag"]
    with django_assert_num_queries(0):
        answer = client.get(path, HTTP_HOST="nord.test", HTTP_IF_NONE_MATCH=south_etag)
    assert answer.status_code == 200
    assert summaries(answer) == ["Nord-Fortbildung"]


def test_unknown_parameters_share_the_entry_and_unmatched_filters_create_none(
    client, index, django_assert_num_queries, django_assert_max_num_queries
):
    kita = make_audience()
    page = make_event(index, audiences=[kita])
    url = f"{index.url}ical/"
    client.get(url)
    with django_assert_num_queries(0):  # cache busters and unknown names change nothing
        assert summaries(client.get(url, {"_": "1733", "foo": "bar"})) == [page.title]

    for _ in range(2):  # a value that matches nothing is answered, never kept
        with django_assert_max_num_queries(12) as context:
            assert summaries(client.get(url, {"zielgruppe": "gibt-es-nicht"})) == []
        assert len(context) > 0

    client.get(url, {"zielgruppe": kita.slug})
    with django_assert_num_queries(0):
        assert summaries(client.get(url, {"zielgruppe": kita.slug})) == [page.title]

    # Refused filters (400) are never answered from the cache.
    assert client.get(url, {"typ": "quatsch"}).status_code == 400


def test_organiser_ids_are_one_key_in_any_spelling(client, index, django_assert_num_queries):
    organiser = make_event(index, "Mitglied")  # any page id will do as an organiser
    make_event(index, "Veranstaltet", organiser_page=organiser)
    url = f"{index.url}ical/"
    assert summaries(client.get(url, {"veranstalter": str(organiser.pk)})) == ["Veranstaltet"]
    with django_assert_num_queries(0):
        answer = client.get(url, {"veranstalter": f"000{organiser.pk}"})
    assert summaries(answer) == ["Veranstaltet"]


@pytest.mark.parametrize(
    "change",
    ["publish", "unpublish", "delete", "venue", "move", "date", "site", "slug"],
)
def test_every_change_reaches_the_cached_feed(client, index, home_page, change):
    venue = make_venue()
    page = make_event(index, "Alt", venue=venue)
    url = f"{index.url}ical/"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    if change == "publish":
        draft = page.get_latest_revision_as_object()
        draft.title = "Neu"
        draft.save_revision().publish()
    elif change == "unpublish":
        page.unpublish()
    elif change == "delete":
        page.delete()
    elif change == "venue":
        venue.name = "Neuer Ort"
        venue.save()
    elif change == "move":
        elsewhere = make_index(home_page, slug="archiv", title="Archiv")
        page.move(elsewhere, pos="last-child")
    elif change == "date":
        event_date = page.dates.get()
        event_date.start -= timedelta(hours=1)
        event_date.save()
    elif change == "site":
        Site.objects.filter(root_page=home_page).update(root_page=index)
        Site.objects.get(root_page=index).save()
        url = "/ical/"
    elif change == "slug":
        index.slug = "kalender"
        index.save_revision().publish()
        moved = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert moved.status_code == 404
        url = "/kalender/ical/"

    answer = client.get(url, HTTP_IF_NONE_MATCH=etag)
    if change == "site":  # same feed, now at another address: answered, not from the cache
        assert answer.status_code in (200, 304)
        return
    assert answer.status_code == 200, change
    if change == "slug":
        return
    expected = {
        "publish": ["Neu"],
        "unpublish": [],
        "delete": [],
        "move": [],
        "venue": ["Alt"],
        "date": ["Alt"],
    }[change]
    assert summaries(answer) == expected
    if change == "venue":
        event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
        assert str(event["LOCATION"]).startswith("Neuer Ort")


def test_renaming_an_audience_changes_the_feed_and_its_etag(client, index):
    """The audiences' names are CATEGORIES: a rename is a new feed, for every filter."""
    kita = make_audience(name="Kita", slug="kita")
    make_event(index, "Fortbildung", audiences=[kita])
    url = f"{index.url}ical/"
    for query in ({}, {"zielgruppe": "kita"}):
        etag = client.get(url, query)["ETag"]
        assert client.get(url, query, HTTP_IF_NONE_MATCH=etag).status_code == 304
        kita.name = "Kindertagesstätten" if kita.name == "Kita" else "Kita"
        kita.save()
        answer = client.get(url, query, HTTP_IF_NONE_MATCH=etag)
        assert answer.status_code == 200
        assert answer["ETag"] != etag
        event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
        assert kita.name in event["CATEGORIES"].cats


def test_a_restricted_calendar_is_never_answered_from_the_cache(client, index):
    make_event(index)
    url = f"{index.url}ical/"
    client.get(url)
    PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([Group.objects.create(name="Intern")])
    assert client.get(url).status_code == 302  # Wagtail's login, not the cached bytes


def test_entries_end_when_time_alone_changes_the_feed(index):
    cancelled = make_event(index, "Abgesagt", status=EventStatus.CANCELLED)
    cancelled.refresh_from_db()
    expiring = make_event(index, "Läuft ab", expire_at=timezone.now() + timedelta(days=2))
    dates = listing.feed_dates(listing.visible_events(index))
    version = listing.feed_version(dates)
    assert version["count"] == 2
    until = feeds.valid_until(version)
    assert until == min(
        cancelled.cancelled_at + listing.CANCELLED_GRACE,
        expiring.expire_at,
        min(d.end for d in dates) + listing.feed_past(),
    )
    assert until == expiring.expire_at


def test_large_feeds_are_streamed_with_validators_cached(
    client, index, settings, django_assert_num_queries, django_assert_max_num_queries
):
    make_event(index, "Eins")
    make_event(index, "Zwei")
    url = f"{index.url}ical/"
    whole = client.get(url)
    assert not whole.streaming and whole["Content-Length"]

    settings.KINDERSCHUTZ_FEED_STREAM_FROM = 1
    cache.clear()  # forget the validators and the bytes built in memory
    streamed = client.get(url)
    assert streamed.streaming
    assert streamed["Content-Type"] == "text/calendar; charset=utf-8"
    assert streamed["ETag"] == whole["ETag"]
    body = b"".join(streamed.streaming_content)
    assert body == whole.content
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304
    with django_assert_max_num_queries(12) as context:  # the bytes are not cached
        again = client.get(url)
    assert again.streaming and len(context) > 0
    assert b"".join(again.streaming_content) == body
