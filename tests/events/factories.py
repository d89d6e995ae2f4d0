"""Small builders for event tests: a calendar, venues, events with dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from demo.bulk_events import add_trainings
from events.models import (
    Audience,
    EventDate,
    EventIndexPage,
    FachtagPage,
    NetworkMeetingPage,
    Speaker,
    TimeSlot,
    TrainingPage,
    Venue,
    Workshop,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(days=0, hour=9, minute=0, base=None):
    """An aware Berlin datetime `days` from today at hour:minute."""
    day = (base or timezone.localdate()) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def make_index(home, slug="veranstaltungen", title="Veranstaltungen"):
    index = EventIndexPage(title=title, slug=slug, intro="Fortbildungen und Fachtage.")
    home.add_child(instance=index)
    return index


def make_venue(name="Kreishaus Musterstadt", **kwargs):
    defaults = {
        "street": "Am Markt 1",
        "postcode": "31134",
        "town": "Musterstadt",
        "room": "Saal 2",
        "accessibility": "Stufenloser Zugang, barrierefreies WC im EG.",
    }
    defaults.update(kwargs)
    return Venue.objects.create(name=name, **defaults)


def make_audience(name="Fachkräfte Kita", slug="kita"):
    return Audience.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_event(
    index,
    title="Gewichtige Anhaltspunkte erkennen",
    *,
    cls=TrainingPage,
    dates=None,
    live=True,
    audiences=(),
    speakers=(),
    **fields,
):
    """An event below `index` with `dates` [(start, end) or (start, end, all_day)]."""
    if dates is None:
        dates = [(at(14, 9), at(14, 16))]
    page = cls(title=title, live=live, **fields)
    page.dates = [
        EventDate(start=d[0], end=d[1], all_day=d[2] if len(d) > 2 else False, sort_order=i)
        for i, d in enumerate(dates)
    ]
    page.speakers = [Speaker(name=name, role=role) for name, role in speakers]
    if audiences:
        page.audiences = list(audiences)
    index.add_child(instance=page)
    if live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def make_running_series(index, title="Offene Sprechstunde", *, now=None, weeks_ago=5, count=20):
    """A weekly network meeting of `count` hours at 10:00 that began `weeks_ago` weeks
    before `now`: its first date is past, its series runs on."""
    start = timezone.localtime(now) - timedelta(days=7 * weeks_ago)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    return make_event(
        index,
        title,
        cls=NetworkMeetingPage,
        dates=[(start, start + timedelta(hours=1))],
        recurrence_frequency="WEEKLY",
        recurrence_count=count,
    )


def make_many_events(index, count, *, venue=None, audiences=()):
    """`count` live trainings with two dates each, inserted in bulk (`demo.bulk_events`)."""
    return add_trainings(index, count, venue=venue, audiences=audiences)


def make_fachtag(index, title="Fachtag Kinderschutz 2026", **kwargs):
    page = FachtagPage(title=title, live=True, **kwargs)
    page.dates = [EventDate(start=at(30, 9), end=at(30, 16))]
    welcome = TimeSlot(start="09:00", end="09:30", title="Begrüßung", kind="welcome")
    workshops = TimeSlot(start="10:00", end="12:00", title="Workshops I", kind="workshops")
    workshops.workshops = [
        Workshop(title="Schutzkonzepte in Kitas", capacity=20, room="A"),
        Workshop(title="Gesprächsführung mit Eltern", capacity=None, room="B"),
    ]
    page.time_slots = [welcome, workshops]
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
