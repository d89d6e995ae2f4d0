"""The home page's next events (`events.listing.upcoming_for_home`): which events are next
is kept in the frame cache for as long as it holds without a write; the seats left are
counted on every request (issue #19)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.listing import upcoming_for_home
from events.models import NetworkMeetingPage
from registrations.services import booking
from tests.events.factories import make_event
from tests.events.factories import make_index as make_calendar
from tests.registration.factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


def hours(n):
    start = timezone.now().replace(microsecond=0) + timedelta(hours=n)
    return [(start, start + timedelta(minutes=30))]


@pytest.fixture
def calendar(home_page):
    return make_calendar(home_page)


def titles(teasers):
    return [teaser.page.title for teaser in teasers]


def test_the_next_events_move_on_when_the_first_shown_starts(calendar, home_page):
    for n in (1, 2, 3, 4):
        make_event(calendar, f"Termin {n}", dates=hours(n))
    path = home_page.path
    assert titles(upcoming_for_home(site_root_path=path)) == ["Termin 1", "Termin 2", "Termin 3"]

    # No write in between: only time passes beyond the first start shown.
    later = timezone.now() + timedelta(hours=1, minutes=10)
    assert titles(upcoming_for_home(now=later, site_root_path=path)) == [
        "Termin 2",
        "Termin 3",
        "Termin 4",
    ]
    # And back: a choice made for a later moment is not used for an earlier one.
    assert titles(upcoming_for_home(site_root_path=path))[0] == "Termin 1"


def test_an_event_shown_drops_out_when_it_expires(calendar, home_page):
    first = make_event(calendar, "Läuft ab", dates=hours(5))
    first.expire_at = timezone.now() + timedelta(hours=1)
    first.save_revision().publish()
    make_event(calendar, "Bleibt", dates=hours(6))
    path = home_page.path
    assert titles(upcoming_for_home(site_root_path=path)) == ["Läuft ab", "Bleibt"]
    later = timezone.now() + timedelta(hours=2)
    assert titles(upcoming_for_home(now=later, site_root_path=path)) == ["Bleibt"]


def test_a_single_event_with_many_dates_does_not_hide_later_events(calendar, home_page):
    """Each event counts once, by its next date, however many dates it has before the next
    event's (the walk looks at each event's first date to come only)."""
    start = timezone.now().replace(microsecond=0)
    many = [
        (start + timedelta(hours=h), start + timedelta(hours=h, minutes=30)) for h in range(1, 9)
    ]
    make_event(calendar, "Kurs mit acht Terminen", dates=many)
    make_event(calendar, "Später", dates=hours(20))
    make_event(calendar, "Noch später", dates=hours(30))
    make_event(calendar, "Zu spät", dates=hours(40))
    assert titles(upcoming_for_home(site_root_path=home_page.path)) == [
        "Kurs mit acht Terminen",
        "Später",
        "Noch später",
    ]


def test_a_series_counts_by_its_next_occurrence(calendar, home_page):
    next_hour = timezone.localtime() + timedelta(hours=2)
    start = next_hour.replace(minute=0, second=0, microsecond=0) - timedelta(days=7)
    make_event(
        calendar,
        "Wöchentliche Sprechstunde",
        cls=NetworkMeetingPage,
        dates=[(start, start + timedelta(hours=1))],
        recurrence_frequency="WEEKLY",
        recurrence_count=10,
    )
    soon = timezone.now() + timedelta(minutes=10)
    make_event(calendar, "Einzeltermin", dates=[(soon, soon + timedelta(minutes=30))])
    teasers = upcoming_for_home(site_root_path=home_page.path)
    assert titles(teasers) == ["Einzeltermin", "Wöchentliche Sprechstunde"]
    assert teasers[1].start == start + timedelta(days=7)


def test_seats_left_are_counted_on_every_request(calendar, home_page):
    event = make_registration_event(calendar, "Mit Plätzen", capacity=3, dates=hours(3))
    make_event(calendar, "Ohne Anmeldung", dates=hours(4))
    path = home_page.path
    upcoming_for_home(site_root_path=path)  # the choice is kept
    booking.register(event, service_data())
    with CaptureQueriesContext(connection) as queries:
        teasers = upcoming_for_home(site_root_path=path)
    assert [t.seats_left for t in teasers] == [2, None]
    assert len(queries) == 1  # the seats taken of the one event with a limit


def test_no_query_when_no_event_shown_limits_its_seats(calendar, home_page):
    make_event(calendar, "Ohne Anmeldung", dates=hours(4))
    upcoming_for_home(site_root_path=home_page.path)
    with CaptureQueriesContext(connection) as queries:
        assert titles(upcoming_for_home(site_root_path=home_page.path)) == ["Ohne Anmeldung"]
    assert len(queries) == 0


def test_a_new_event_is_shown_at_once(calendar, home_page):
    make_event(calendar, "Später", dates=hours(10))
    assert titles(upcoming_for_home(site_root_path=home_page.path)) == ["Später"]
    make_event(calendar, "Früher", dates=hours(2))  # a page saved: a new frame generation
    assert titles(upcoming_for_home(site_root_path=home_page.path)) == ["Früher", "Später"]
