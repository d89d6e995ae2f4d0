"""The METHOD:CANCEL builder (`ical.build_cancellation`), parsed back with icalendar."""

import pytest
from icalendar import Calendar

from events import ical
from events.listing import feed_dates, with_feed_data
from events.models import EventPage

from .factories import at, make_event, make_venue

pytestmark = pytest.mark.django_db


def build(event, **kwargs):
    dates = with_feed_data(feed_dates(EventPage.objects.filter(pk=event.pk), window=False))
    cal = ical.build_cancellation(
        dates, name=event.title, page_url=lambda e: "https://example.org/x/", **kwargs
    )
    return Calendar.from_ical(cal.to_ical())


def test_cancel_keeps_uids_raises_sequence_and_marks_every_date_cancelled(index):
    event = make_event(
        index,
        "Zwei Module",
        venue=make_venue(),
        dates=[(at(10, 9), at(10, 16)), (at(17, 9), at(17, 16))],
    )
    stored = {d.uid: d for d in event.dates.all()}

    cal = build(event, organizer="kinderschutz@example.org")

    assert str(cal["METHOD"]) == "CANCEL"
    assert "REFRESH-INTERVAL" not in cal and "X-PUBLISHED-TTL" not in cal
    vevents = cal.walk("VEVENT")
    assert {str(v["UID"]) for v in vevents} == set(stored)
    for vevent in vevents:
        date_ = stored[str(vevent["UID"])]
        assert int(vevent["SEQUENCE"]) == date_.sequence + 1
        assert str(vevent["STATUS"]) == "CANCELLED"
        assert vevent["DTSTART"].dt == date_.start
        assert str(vevent["ORGANIZER"]) == "mailto:kinderschutz@example.org"
    assert cal.walk("VTIMEZONE"), "times with TZID need their VTIMEZONE"


def test_cancel_without_organizer_and_after_a_schedule_change(index):
    event = make_event(index, "Verschoben", dates=[(at(10, 9), at(10, 12))])
    draft = EventPage.objects.get(pk=event.pk).specific.get_latest_revision_as_object()
    (date_,) = draft.dates.all()
    date_.start = at(11, 9)
    date_.end = at(11, 12)
    draft.dates = [date_]
    draft.save_revision().publish()

    (vevent,) = build(event).walk("VEVENT")

    assert int(vevent["SEQUENCE"]) == 2  # stored 1 after the move, plus one
    assert "ORGANIZER" not in vevent
