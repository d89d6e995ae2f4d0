"""The feed's serialised entries kept in buckets (`events.feed_entries`, issue #19): read
by version, completed, bounded, and the build with nothing kept."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from events import feed_cache, feed_entries
from events.feed_entries import BUCKETS, ENTRY_SECONDS, Entries
from events.models import EventDate, EventPage

from .factories import at, make_event, make_many_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_an_entry_is_read_only_in_the_version_it_was_stored_in():
    entries = Entries("context")
    assert not entries.kept()
    entries.read({1: "v1"})
    entries.store({1: ("v1", b"eins")})

    again = Entries("context")
    assert again.kept()
    assert again.read({1: "v1"}) == {1: b"eins"}
    assert Entries("context").read({1: "v2"}) == {}  # the date changed since
    assert Entries("another context").read({1: "v1"}) == {}


def test_storing_keeps_what_the_bucket_held_and_the_full_feed_drops_what_it_no_longer_has():
    same_bucket = 1 + BUCKETS
    entries = Entries("context")
    entries.read({1: "a", same_bucket: "a"})
    entries.store({1: ("a", b"eins"), same_bucket: ("a", b"zwei")})

    # A filtered feed with date 1 only, rebuilding it: the other entry stays.
    filtered = Entries("context")
    filtered.read({1: "a"})
    filtered.store({1: ("b", b"eins, neu")})
    assert Entries("context").read({1: "b", same_bucket: "a"}) == {
        1: b"eins, neu",
        same_bucket: b"zwei",
    }

    # The unfiltered feed no longer has `same_bucket` (deleted, or out of the window): it
    # drops the entry, even with nothing new to store.
    full = Entries("context")
    assert full.read({1: "b"}, every=True) == {1: b"eins, neu"}
    full.store({}, keep={1: "b"})
    assert Entries("context").read({1: "b", same_bucket: "a"}) == {1: b"eins, neu"}


def test_an_entry_a_week_old_goes_when_its_bucket_is_written(monkeypatch):
    """Feeds that only add (filtered ones, events' own files) keep a bucket alive by
    writing it; what it holds from more than `ENTRY_SECONDS` ago is left out."""
    same_bucket = 1 + BUCKETS
    written = 1_000_000_000
    monkeypatch.setattr(feed_entries.time, "time", lambda: written)
    old = Entries("context")
    old.read({1: "a"})
    old.store({1: ("a", b"alt")})

    monkeypatch.setattr(feed_entries.time, "time", lambda: written + ENTRY_SECONDS + 1)
    later = Entries("context")
    later.read({same_bucket: "a"})
    later.store({same_bucket: ("a", b"neu")})

    assert Entries("context").read({1: "a", same_bucket: "a"}) == {same_bucket: b"neu"}


def test_the_entries_of_a_large_feed_take_a_bounded_number_of_cache_keys():
    versions = dict.fromkeys(range(1, 1001), "v")
    entries = Entries("context")
    entries.read(versions)
    entries.store(dict.fromkeys(versions, ("v", b"x")))

    prefix = feed_entries.bucket_prefix("context")
    keys = [f"{prefix}{number}" for number in range(BUCKETS + 1)]  # one too many
    held = cache.get_many(keys)
    assert len(held) == BUCKETS
    assert sum(len(bucket) for bucket in held.values()) == 1000


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_feed_built_with_nothing_kept_reads_no_versions_and_is_ordered_by_start(client, index):
    # Created latest first: neither id nor insertion order is the order of starts.
    for days in (40, 20, 10):
        make_event(index, f"In {days} Tagen", dates=[(at(days, 9), at(days, 12))])
    path = f"{index.url}ical/"

    with CaptureQueriesContext(connection) as cold:
        first = body(client, path)
    EventPage.objects.filter(title="In 20 Tagen").update(last_published_at=timezone.now())
    feed_cache.invalidate()  # what publishing does
    with CaptureQueriesContext(connection) as warm:
        second = body(client, path)

    def reads_versions_alone(queries):
        return [
            q for q in queries if '"entry_version"' in q["sql"] and '"start_text"' not in q["sql"]
        ]

    assert reads_versions_alone(cold.captured_queries) == []
    assert len(reads_versions_alone(warm.captured_queries)) == 1
    for data in (first, second):
        titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")]
        assert titles == ["In 10 Tagen", "In 20 Tagen", "In 40 Tagen"]
    # The same dates built with nothing kept give the same bytes as the rebuild.
    cache.clear()
    assert body(client, path) == second


@pytest.fixture
def contexts(monkeypatch):
    """The `Entries` the feeds make, in order: a spy, not a mock."""
    made = []

    class Recorded(Entries):
        def __init__(self, context):
            super().__init__(context)
            made.append(self)

    monkeypatch.setattr(feed_entries, "Entries", Recorded)
    return made


def test_a_deleted_date_leaves_the_cache_with_the_next_build_of_the_full_feed(
    client, index, contexts
):
    make_many_events(index, 3)
    path = f"{index.url}ical/"
    body(client, path)
    gone = EventDate.objects.order_by("pk").first()
    gone_id, bucket_key = gone.pk, f"{contexts[0].prefix}{gone.pk % BUCKETS}"
    assert gone_id in cache.get(bucket_key)
    gone.delete()  # invalidates the feed (`feed_cache.connect`)

    data = body(client, path)

    assert data.count(b"BEGIN:VEVENT") == 5
    assert contexts[-1].prefix == contexts[0].prefix
    assert gone_id not in cache.get(bucket_key, {})
