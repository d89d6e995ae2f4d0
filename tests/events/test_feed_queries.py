"""The shape of the feed's row query (issue #19): what keeps its server time low at a
Land's size (`events.listing.feed_rows`, `rows_in_chunks`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from events import feed_cache, feeds
from events.models import EventPage

from .factories import at, make_audience, make_event, make_venue

pytestmark = pytest.mark.django_db


def rows_query(queries):
    """The SQL of the one query that reads the feed's rows (it names `start_text`)."""
    (sql,) = [query["sql"] for query in queries if '"start_text"' in query["sql"]]
    return sql


@pytest.mark.parametrize("missing", ["all, nothing kept", "few", "many"])
def test_feed_rows_are_read_unsorted_through_an_ordinary_cursor(
    client, index, missing, monkeypatch
):
    if missing == "many":  # every row of the calendar's dates, not the missing ones by id
        monkeypatch.setattr(feeds, "MISSING_BY_ID", 0)
    kita, schule = make_audience("Kita", "kita"), make_audience("Schule", "schule")
    venue = make_venue()
    # Created latest first, so that neither id nor insertion order is the order of starts.
    for days in (90, 60, 30, 10):
        make_event(
            index,
            f"In {days} Tagen",
            dates=[(at(days, 9), at(days, 12)), (at(days + 1, 9), at(days + 1, 12))],
            audiences=[kita, schule] if days % 20 else [kita],
            venue=venue,
        )

    if missing != "all, nothing kept":  # entries kept, every one of them out of date
        client.get(f"{index.url}ical/")
        EventPage.objects.update(last_published_at=timezone.now())
        feed_cache.invalidate()  # what publishing does

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{index.url}ical/")
        body = b"".join(response.streaming_content) if response.streaming else response.content

    sql = rows_query(queries.captured_queries)
    # The events' audiences are read after the rows: never older than the entry version
    # the rows carry, under which the entry is kept (`events.feed_entries`).
    order = [query["sql"] for query in queries.captured_queries]
    (audiences,) = [i for i, q in enumerate(order) if "events_eventpage_audiences" in q]
    assert order.index(sql) < audiences
    # No sort: the rows are placed by their date id (`feeds.calendar_chunks`); sorting
    # these wide rows was a third of the query's time on PostgreSQL.
    assert "ORDER BY" not in sql.upper()
    # Not `iterator()`'s server-side cursor, which PostgreSQL plans for its first tenth of
    # rows: nested loops of index lookups, 2-3 times the server time at a Land's size.
    assert not sql.lstrip().upper().startswith("DECLARE")
    # The entries are still written by start, each with its own event's audiences.
    entries = Calendar.from_ical(body).walk("VEVENT")
    starts = [entry["DTSTART"].dt for entry in entries]
    assert starts == sorted(starts) and len(starts) == 8
    categories = {
        str(entry["SUMMARY"]): sorted(str(c) for c in entry["CATEGORIES"].cats) for entry in entries
    }
    assert categories == {  # the type, then the audiences
        "In 10 Tagen": ["Fortbildung", "Kita", "Schule"],
        "In 30 Tagen": ["Fortbildung", "Kita", "Schule"],
        "In 60 Tagen": ["Fortbildung", "Kita"],
        "In 90 Tagen": ["Fortbildung", "Kita", "Schule"],
    }


def test_no_rows_when_django_knows_the_query_is_empty(index):
    """`.none()` or `pk__in=[]` run no query: Django hands back no cursor at all."""
    from events.listing import feed_rows
    from events.models import EventDate

    make_event(index, "Ein Termin", dates=[(at(3, 10), at(3, 12))])
    assert list(feed_rows(EventDate.objects.none(), audience_names={})) == []
    assert list(feed_rows(EventDate.objects.filter(pk__in=[]), audience_names={})) == []
    assert len(list(feed_rows(EventDate.objects.all(), audience_names={}))) == 1


def test_an_audience_created_since_the_names_were_read_is_left_out(index):
    """The audiences' names are read first (`feed_audiences`); an audience created and
    chosen a moment later is not in them and must not fail the feed."""
    from events.listing import feed_row_audiences
    from events.models import EventDate

    kita, neu = make_audience("Kita", "kita"), make_audience("Neu", "neu")
    page = make_event(index, "Ein Termin", audiences=[kita, neu])

    names = feed_row_audiences(EventDate.objects.all(), {kita.pk: "Kita"})

    assert names == {page.pk: ("Kita",)}
