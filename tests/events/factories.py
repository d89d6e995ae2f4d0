"""Small builders for event tests: a calendar, venues, events with dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page

from events.models import (
    Audience,
    EventDate,
    EventIndexPage,
    EventPage,
    FachtagPage,
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


def make_many_events(index, count, *, venue=None, audiences=()):
    """`count` live trainings below `index`, each with two dates (days 1..count and 40
    days later), inserted in bulk: a few seconds for 1,000, where `make_event` takes
    minutes. Rows as Wagtail writes them for published pages, without revisions."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(TrainingPage)
    start = index.numchild + 1
    pages = Page.objects.bulk_create(
        Page(
            title=f"Fortbildung {number}",
            draft_title=f"Fortbildung {number}",
            slug=f"fortbildung-{number}",
            path=Page._get_path(index.path, index.depth + 1, start + number),
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}fortbildung-{number}/",
            content_type=content_type,
            locale_id=index.locale_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number in range(count)
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    index.numchild += count
    if not pages[0].pk:  # backends that return no ids from bulk inserts
        pages = list(Page.objects.filter(path__in=[page.path for page in pages]).order_by("path"))
    for page in pages:
        for model in (EventPage, TrainingPage):
            # Only this model's own table (the page row exists): save_base(raw=True).
            row = model(
                page_ptr_id=page.pk,
                **({"eventpage_ptr_id": page.pk} if model is TrainingPage else {}),
            )
            if model is EventPage:
                row.venue = venue
            row.save_base(raw=True)
    EventDate.objects.bulk_create(
        EventDate(page_id=page.pk, start=at(days, 9), end=at(days, 12), sort_order=order)
        for number, page in enumerate(pages)
        for order, days in enumerate((number + 1, number + 40))
    )
    through = EventPage.audiences.through
    through.objects.bulk_create(
        through(eventpage_id=page.pk, audience_id=audience.pk)
        for page in pages
        for audience in audiences
    )
    return pages


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
