"""The calendar's upcoming list read from the date index (issue #19): the same events in
the same order as the calendar always listed them, at any size for the same queries, and
planned as a walk of the dates rather than a sort of every event of the calendar."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.listing import apply_filters, next_occurrence_start, visible_events
from events.models import EventIndexPage

from .factories import at, make_audience, make_event, make_many_events, make_running_series

pytestmark = pytest.mark.django_db


def titles(response):
    return [event.title for event in response.context["events"]]


def expected_titles(index, filters=None):
    """The calendar order as one query over all events states it (the listing's query
    before issue #19): by the first date that has not ended (a series by its first such
    occurrence not cancelled), then by id."""
    now = timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    events = events.annotate(
        next_start=Coalesce(
            Min("dates__start", filter=Q(dates__end__gte=now, recurrence_rule="")),
            next_occurrence_start(now),
        )
    )
    events = events.filter(next_start__isnull=False).order_by("next_start", "pk")
    return list(events.values_list("title", flat=True))


@pytest.fixture
def boundary(index):
    """Events around now: one running, a series with past and coming dates, a recurring
    meeting that began weeks ago, two starting at the same minute, one over, one in a
    later month, and twenty more to fill a second page."""
    now = timezone.localtime()
    make_event(index, "Vorbei", dates=[(at(-3, 9), at(-3, 12))])
    make_event(index, "Läuft gerade", dates=[(now - timedelta(hours=1), now + timedelta(hours=2))])
    make_event(
        index,
        "Reihe",
        dates=[(at(-10, 9), at(-10, 12)), (at(3, 9), at(3, 12)), (at(45, 9), at(45, 12))],
    )
    make_running_series(index, now=now)
    make_event(index, "Gleichzeitig A", dates=[(at(2, 14), at(2, 16))])
    make_event(index, "Gleichzeitig B", dates=[(at(2, 14), at(2, 16))])
    kita = make_audience()
    make_event(index, "Später", audiences=[kita], dates=[(at(45, 14), at(45, 16))])
    make_many_events(index, 20)
    return index


def test_order_and_content_at_the_boundaries(client, boundary):
    index = boundary
    expected = expected_titles(index)
    assert len(expected) == 26

    first = client.get(index.url)
    second = client.get(index.url, {"seite": 2})

    assert titles(first) + titles(second) == expected
    assert titles(first)[0] == "Läuft gerade"  # running now: listed until its end
    assert "Vorbei" not in expected
    assert expected.index("Gleichzeitig A") + 1 == expected.index("Gleichzeitig B")
    assert expected.index("Reihe") < expected.index("Fortbildung 2")  # by its next date
    assert first.context["events"].paginator.count == 26
    html = first.content.decode()
    assert "und 1 weiterer Termin" in html  # Reihe: two dates still to come, not three
    assert "Offene Sprechstunde" in titles(first)
    assert titles(client.get(index.url, {"seite": 3})) == titles(second)  # the last page


@pytest.mark.parametrize("filters", [{"monat": "+45"}, {"zielgruppe": "kita"}, {"typ": "fachtag"}])
def test_filtered_order_is_the_calendar_order(client, boundary, filters):
    index = boundary
    if filters.get("monat"):
        filters = {"monat": at(45).strftime("%Y-%m")}
    expected = expected_titles(index, filters)

    response = client.get(index.url, filters)

    assert titles(response) == expected[:20]
    assert response.context["events"].paginator.count == len(expected)
    if "monat" in filters:
        assert {"Reihe", "Später"} <= set(expected)  # Reihe by its next date, not the month's
        assert expected.index("Reihe") < expected.index("Später")
    if "zielgruppe" in filters:
        assert expected == ["Später"]


def _count(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [25, 250])
def test_calendar_queries_do_not_depend_on_its_size(client, index, size):
    make_many_events(index, size, audiences=[make_audience()])
    client.get(index.url, {"typ": "fachtag"})  # warm caches (content types, settings)

    first, again = [], []
    for query in ({}, {"seite": 2}, {"zielgruppe": "kita"}):
        first.append(_count(client, index.url, query))
        again.append(_count(client, index.url, query))
    # The first time: routing, the list's ids (kept in the frame cache from then on), the
    # seats left, the events shown, their dates and audiences (+ members' calendars on the
    # first unfiltered page). A second page of a kept list reads no ids.
    assert first == [7, 5, 6]
    # Then: routing and the seats left (+ members' calendars); the cards are kept too.
    assert again == [3, 2, 2]


def test_a_kept_list_loads_only_the_events_shown(client, index):
    """Issue #19: the upcoming list read and sorted the calendar's events on every
    request (at first all of them, then those up to the page shown). Now their order is
    read once per frame generation and time boundary, and a page loads its twenty events
    by primary key."""
    make_many_events(index, 30)
    client.get(index.url)  # keeps the list
    with CaptureQueriesContext(connection) as captured:
        client.get(index.url, {"seite": 2})
    (listing,) = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "events_eventpage"' in q["sql"] and '"teaser"' in q["sql"]  # the cards
    ]
    assert "ORDER BY" not in listing
    assert re.search(r'"page_ptr_id" IN \((%s, ){9}%s\)|IN \((\d+, ){9}\d+\)', listing), listing
    assert "events_eventdate" not in listing


def test_a_page_of_a_larger_calendar_is_the_same_for_the_calendar(client, index, home_page):
    """A second calendar's events, earlier than all of this one's, take no place here."""
    other = EventIndexPage(title="Andere", slug="andere")
    home_page.add_child(instance=other)
    make_many_events(other, 25)
    make_event(index, "Eigenes", dates=[(at(30, 9), at(30, 12))])

    assert titles(client.get(index.url)) == ["Eigenes"]
    assert len(titles(client.get(other.url, {"seite": 2}))) == 5
