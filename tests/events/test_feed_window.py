"""The feed's bounded window and its per-entry cache (issue #19), parsed with icalendar."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from icalendar import Calendar

from events import feed_cache, feeds
from events.models import EventPage

from .factories import at, make_audience, make_event, make_many_events

pytestmark = pytest.mark.django_db


def feed_of(client, index, query=""):
    response = client.get(f"{index.url}ical/{query}")
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Calendar.from_ical(body)


def summaries(cal):
    return {str(event["SUMMARY"]) for event in cal.walk("VEVENT")}


def weekly(index, title, first_day, count):
    return make_event(
        index,
        title,
        dates=[(at(first_day, 10), at(first_day, 11))],
        recurrence_frequency="WEEKLY",
        recurrence_count=count,
    )


def test_window_leaves_out_what_is_just_outside_and_keeps_a_series_spanning_in(client, index):
    make_event(index, "Zu alt", dates=[(at(-185, 9), at(-185, 12))])
    make_event(index, "Gerade noch", dates=[(at(-181, 9), at(-181, 12))])
    make_event(index, "Bald", dates=[(at(728, 9), at(728, 12))])
    make_event(index, "Zu weit weg", dates=[(at(732, 9), at(732, 12))])
    # Began 40 weeks ago, its last occurrences are within the past six months.
    weekly(index, "Reihe von früher", -280, 40)
    weekly(index, "Reihe, ganz vorbei", -400, 10)

    cal = feed_of(client, index)

    assert summaries(cal) == {"Gerade noch", "Bald", "Reihe von früher"}
    (series,) = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Reihe von früher"]
    assert series["RRULE"]["COUNT"] == [40]
    # The archive page still lists what the feed leaves out.
    archive = client.get(f"{index.url}archiv/")
    assert "Zu alt" in archive.content.decode()


@override_settings(KINDERSCHUTZ_FEED_PAST_DAYS=10, KINDERSCHUTZ_FEED_FUTURE_DAYS=60)
def test_settings_change_the_window(client, index):
    make_event(index, "Vor drei Wochen", dates=[(at(-21, 9), at(-21, 12))])
    make_event(index, "Vor einer Woche", dates=[(at(-7, 9), at(-7, 12))])
    make_event(index, "In sieben Wochen", dates=[(at(49, 9), at(49, 12))])
    make_event(index, "In drei Monaten", dates=[(at(90, 9), at(90, 12))])

    assert summaries(feed_of(client, index)) == {"Vor einer Woche", "In sieben Wochen"}


@pytest.fixture
def built(monkeypatch):
    """The entries `feeds` serialises (not those it reuses), in order: a spy, not a mock."""
    entries = []
    original = feeds.entry_bytes

    def spy(row, **kwargs):
        entries.append(row.uid)
        return original(row, **kwargs)

    monkeypatch.setattr(feeds, "entry_bytes", spy)
    return entries


def republish(page, change):
    draft = EventPage.objects.get(pk=page.pk).specific.get_latest_revision_as_object()
    change(draft)
    draft.save_revision().publish()


@pytest.mark.parametrize("streamed", [False, True])
def test_a_change_to_one_event_rebuilds_its_entry_only(client, index, built, streamed):
    kita = make_audience()
    first = make_event(index, "Erste", audiences=[kita], dates=[(at(3, 9), at(3, 12))])
    make_event(index, "Zweite", dates=[(at(5, 9), at(5, 12))])
    weekly(index, "Reihe", 7, 5)
    with override_settings(KINDERSCHUTZ_FEED_STREAM_FROM=0 if streamed else 1000):
        before = feed_of(client, index)
        assert len(built) == 3
        built.clear()

        republish(first, lambda draft: setattr(draft, "teaser", "Neu beschrieben."))
        after = feed_of(client, index)

        (uid,) = built
        assert uid == first.dates.get().uid
        changed = [e for e in after.walk("VEVENT") if str(e["UID"]) == uid]
        assert "Neu beschrieben." in str(changed[0]["DESCRIPTION"])
        assert summaries(after) == summaries(before)
        # The audience filter reuses the same entries: nothing is built.
        built.clear()
        assert summaries(feed_of(client, index, "?zielgruppe=kita")) == {"Erste"}
        assert built == []


def test_entries_depend_on_the_host(client, index, built):
    make_event(index, "Erste")
    feed_of(client, index)
    response = client.get(f"{index.url}ical/", HTTP_HOST="localhost:8000")
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert "localhost:8000" in str(event["URL"])
        assert len(built) == 2


def test_renaming_an_audience_rebuilds_the_entries_that_name_it(client, index, built):
    kita = make_audience()
    make_event(index, "Erste", audiences=[kita])
    feed_of(client, index)
    kita.name = "Fachkräfte in Kitas"
    kita.save()
    # The renamed audience alone leaves the ETag as it was (noted in the report of #19).
    EventPage.objects.update(last_published_at=timezone.now())
    built.clear()

    (event,) = feed_of(client, index).walk("VEVENT")

    assert "Fachkräfte in Kitas" in event["CATEGORIES"].to_ical().decode()
    assert len(built) == 1


def built_queries(client, index, built):
    """Queries of building the feed: once with nothing cached, once with one event changed."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        feed_of(client, index)
    event = EventPage.objects.child_of(index).order_by("pk").first()
    EventPage.objects.filter(pk=event.pk).update(last_published_at=timezone.now())
    feed_cache.invalidate()  # what publishing does
    built.clear()
    with CaptureQueriesContext(connection) as warm:
        feed_of(client, index)
    assert len(built) == 1
    built.clear()
    return len(cold), len(warm)


def test_queries_of_a_built_feed_do_not_grow_with_its_size(client, index, built):
    weekly(index, "Reihe", 7, 5)
    make_many_events(index, 3)
    small = built_queries(client, index, built)
    make_many_events(index, 30)

    with override_settings(KINDERSCHUTZ_FEED_STREAM_FROM=10):
        large = built_queries(client, index, built)

    assert large == small


# Queries of building the feed with nothing cached (site and routing too), and with one
# event changed: the calendar page, re-published external events, the version aggregate,
# audiences, view restrictions, sites (for the calendar's URL), the dates' versions (not
# asked for with nothing cached: the rows carry them), the changed entry's row by id and
# its event's audiences.
COLD_QUERIES = 14
REBUILD_QUERIES = 9


@pytest.mark.parametrize("size", [3, 40])
def test_the_rebuild_after_one_change_costs_the_same_queries_at_any_size(
    client, index, built, size
):
    weekly(index, "Reihe", 7, 5)
    make_many_events(index, size)

    with override_settings(KINDERSCHUTZ_FEED_STREAM_FROM=10):
        assert built_queries(client, index, built) == (COLD_QUERIES, REBUILD_QUERIES)


def test_the_rebuild_reads_the_changed_entry_by_id_without_the_window(client, index, built):
    """The rows of the one entry to build are read through the primary key: the window's
    and the calendar's conditions were applied by the query that gave their ids."""
    make_many_events(index, 5)
    feed_of(client, index)
    event = EventPage.objects.child_of(index).order_by("pk").first()
    EventPage.objects.filter(pk=event.pk).update(last_published_at=timezone.now())
    feed_cache.invalidate()
    built.clear()

    with CaptureQueriesContext(connection) as queries:
        feed_of(client, index)

    assert sorted(built) == sorted(event.dates.values_list("uid", flat=True))
    (rows,) = [q["sql"] for q in queries if '"page__teaser"' in q["sql"]]
    assert '"events_eventdate"."id" IN (' in rows
    assert "recurrence_end" not in rows and 'wagtailcore_page"."path"' not in rows


def test_feed_rows_read_the_same_instants_as_the_models(index):
    """The rows' datetimes are read as text and parsed (`listing.instant`): the same
    instants, to the microsecond, as Django's own conversion gives, and aware."""
    from events import listing

    event = make_event(index, "Erste", dates=[(at(3, 9), at(3, 12))])
    stored = EventPage.objects.get(pk=event.pk)
    date = stored.dates.get()
    assert date.last_modified.microsecond or stored.last_published_at.microsecond

    (row,) = listing.feed_rows(listing.feed_dates(listing.visible_events(index)))

    assert (row.start, row.end) == (date.start, date.end)
    assert (row.date_modified, row.published_at) == (date.last_modified, stored.last_published_at)
    assert all(moment.utcoffset() is not None for moment in row[1:3])
