"""Events to iCalendar (RFC 5545): pure functions, no request in sight.

The rules a subscriber's calendar relies on:

- **One VEVENT per EventDate.** A training with three modules is three VEVENTs.
- **UID** is a random identifier stored on the date when it is created
  (`<uuid4 hex>@kinderschutz-cms`), never a URL or a database id: it survives moving the
  date, renaming or moving the page, and a copied page gets new ones. So a client updates
  the entry it has instead of adding a second one.
- **SEQUENCE** starts at 0 and goes up by one whenever something that matters to an
  attendee changes and is published: start, end, all-day flag, venue, format or status
  (`events.versioning.schedule_fingerprint`). Text changes (teaser, title, speakers) do not
  bump it; they only move LAST-MODIFIED.
- **LAST-MODIFIED** is the later of the date's last schedule change and the event's last
  publication. **DTSTAMP** is the same value rather than "now": RFC 5545 allows it for
  published calendars without METHOD semantics that need it, and it keeps the bytes (and so
  caches and ETags) unchanged while nothing changed.
- **Times** are written in the site's zone (`TIME_ZONE`, Europe/Berlin) with a matching
  VTIMEZONE in the form Outlook, Google and Apple write: one DAYLIGHT and one STANDARD
  observance, each with a yearly RRULE from 1970 (`timezone_component`). Clients compute
  every instant from that VTIMEZONE, not from the zone's name, and some read only the
  first value of an RDATE (Mozilla's ical.js, issue #17), so icalendar's
  `add_missing_timezones()` (all onsets on one RDATE line) is not used. **All-day dates**
  are DATE values with an exclusive DTEND (the day after the last day).
- **Cancelled events** carry STATUS:CANCELLED and a prefixed summary (many clients ignore
  STATUS) and stay in the feed for 30 days after cancellation (`listing.CANCELLED_GRACE`).
  Postponed events are STATUS:TENTATIVE.
- **Recurring events** (`events.recurrence`) are one VEVENT for the series: DTSTART of the
  first date with TZID, the RRULE, and an EXDATE (same TZID) for every cancelled occurrence.
  A moved occurrence is a VEVENT of its own with the series' UID, RECURRENCE-ID (the start
  the rule gives it) and its new DTSTART/DTEND (and place). All of them carry the first
  date's SEQUENCE, which a change of the rule or of an exception bumps
  (`versioning.schedule_fingerprint`).
- **One occurrence of a series** (the file a registration for that occurrence gets,
  `build_occurrence_calendar`) is a single VEVENT without RRULE, with a UID of its own:
  the series' UID and the day the rule gives the occurrence (`<uid>-20260318`), so it
  stays the same when the occurrence is moved and a later file (or METHOD:CANCEL)
  replaces it. Not the series' UID with a RECURRENCE-ID: an instance without its master
  event is shown by some clients and dropped or turned into a series by others
  (Outlook, Google import), while a plain VEVENT imports the same everywhere.
- **Never in a calendar file:** the online access link, drafts, private or expired pages
  (the queries in `events.listing` only hand over visible events).
"""

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from .choices import EventFormat, EventStatus

PRODID = "-//Kinderschutz-CMS//Veranstaltungskalender//DE"
REFRESH_INTERVAL = timedelta(hours=1)
# Part of the feed's ETag: a change of how the same data is written (the VTIMEZONE of
# issue #17) must reach subscribers who hold an ETag of the old bytes.
FORMAT_VERSION = "2"

STATUS_MAP = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.POSTPONED: "TENTATIVE",
}


def _(message, language=None):
    """`gettext`, remembered per language: a feed asks for the same few words for every
    entry, and Django's lookup costs more than writing the entry's line. A feed passes the
    `language` it is written in, read once (reading the active one costs as much again)."""
    return _translated(language or get_language(), message)


@lru_cache(maxsize=256)
def _translated(language, message):
    return gettext(message)


def calendar_timezone():
    return ZoneInfo(settings.TIME_ZONE)


def plain_text(value):
    """Text without HTML tags and with normalised line breaks."""
    return _plain_text(str(value or ""))


@lru_cache(maxsize=4096)  # an event's teaser is the same for each of its dates
def _plain_text(text):
    return strip_tags(text).replace("\r\n", "\n").replace("\r", "\n").strip()


class FeedRow(NamedTuple):
    """The plain values one VEVENT is made of: one date and its event, venue and audiences.

    `events.listing.feed_rows` fetches them for a whole feed without model instances;
    `row_of` takes them from an `EventDate` with its page (files of single events).
    """

    uid: str
    start: datetime
    end: datetime
    all_day: bool
    date_title: str
    note: str
    sequence: int
    date_modified: datetime | None
    page_id: int
    slug: str
    title: str
    status: str
    teaser: str
    event_format: str
    published_at: datetime | None
    type_label: str
    venue_lines: tuple[str, ...]
    audiences: tuple[str, ...]
    rrule: str = ""
    date_id: int | None = None
    entry_version: str = ""  # `listing.entry_version`: what the cached entry is kept under


@dataclass(frozen=True, slots=True)
class Entry:
    """One VEVENT as values: what `event_component` and `events.ical_writer` write."""

    uid: str
    stamp: datetime  # UTC; DTSTAMP and LAST-MODIFIED
    sequence: int
    start: date | datetime  # a date for all-day entries, else in the calendar's zone
    end: date | datetime
    summary: str
    status: str
    location: str
    url: str
    description: str
    categories: tuple[str, ...]
    rrule: str = ""  # a recurring event's series: RRULE ...
    exdates: tuple[date | datetime, ...] = ()  # ... and EXDATE (cancelled occurrences)
    recurrence_id: date | datetime | None = None  # a moved occurrence of a series


def row_of(event_date):
    """The `FeedRow` of an `EventDate` whose `page` carries venue and audiences."""
    event = event_date.page
    return FeedRow(
        uid=event_date.uid,
        start=event_date.start,
        end=event_date.end,
        all_day=event_date.all_day,
        date_title=event_date.title,
        note=event_date.note,
        sequence=event_date.sequence,
        date_modified=event_date.last_modified,
        page_id=event.pk,
        slug=event.slug,
        title=event.title,
        status=event.status,
        teaser=event.teaser,
        event_format=event.event_format,
        published_at=event.last_published_at,
        type_label=str(event.type_label),
        venue_lines=tuple(event.venue.address_lines()) if event.venue_id and event.venue else (),
        audiences=tuple(audience.name for audience in event.audiences.all()),
        rrule=getattr(event, "recurrence_rule", ""),
        date_id=event_date.pk,
    )


def location_of(row, language=None):
    """LOCATION: venue name, room and address; "Online" for online events."""
    venue_text = ", ".join(row.venue_lines)
    if row.event_format == EventFormat.ONLINE:
        return _("Online", language)
    if row.event_format == EventFormat.HYBRID:
        online = _("Online", language)
        return f"{venue_text} / {online}" if venue_text else online
    return venue_text


def modified_at(row):
    modified, published = row.date_modified, row.published_at
    if modified is None or published is None:
        stamp = modified or published or timezone.now()
    else:
        stamp = max(modified, published)
    return stamp.astimezone(UTC)


def summary_of(row, language=None):
    summary = row.title
    if row.date_title:
        summary = f"{summary}: {row.date_title}"
    if row.status == EventStatus.CANCELLED:
        summary = _("Abgesagt: %(title)s", language) % {"title": summary}
    elif row.status == EventStatus.POSTPONED:
        summary = _("Verschoben: %(title)s", language) % {"title": summary}
    return summary


def description_of(row, url, language=None):
    parts = []
    if row.status == EventStatus.CANCELLED:
        parts.append(_("Diese Veranstaltung ist abgesagt.", language))
    elif row.status == EventStatus.POSTPONED:
        parts.append(_("Diese Veranstaltung wird verschoben; der neue Termin folgt.", language))
    for text in (row.teaser, row.note):
        if text := plain_text(text):
            parts.append(text)
    if url:
        parts.append(_("Weitere Informationen: %(url)s", language) % {"url": url})
    return "\n\n".join(parts)


def entry(row, *, url, tz=None, language=None):
    """The `Entry` of one `FeedRow`: every rule of the module docstring in one place.
    `language`: the one the feed is written in (default: the active one)."""
    tz = tz or calendar_timezone()
    # `astimezone` rather than `timezone.localtime`: the values are aware (the database's),
    # and the check costs as much as the conversion, for each of a feed's thousands of dates.
    if row.all_day:
        first = row.start.astimezone(tz).date()
        last = max(row.end.astimezone(tz).date(), first)
        start, end = first, last + timedelta(days=1)
    else:
        start, end = row.start.astimezone(tz), row.end.astimezone(tz)
    return Entry(
        uid=row.uid,
        stamp=modified_at(row),
        sequence=row.sequence,
        start=start,
        end=end,
        summary=summary_of(row, language),
        status=STATUS_MAP.get(row.status, "CONFIRMED"),
        location=location_of(row, language),
        url=url,
        description=description_of(row, url, language),
        categories=(row.type_label, *row.audiences),
        rrule=row.rrule,
    )


@dataclass(frozen=True)
class SeriesException:
    """A cancelled or moved occurrence as the feed needs it (from `events.Occurrence`)."""

    original_start: datetime
    cancelled: bool
    start: datetime
    end: datetime
    venue_lines: tuple[str, ...] | None = None  # None: the series' place
    note: str = ""


def series_entries(row, master: Entry, exceptions, *, tz=None):
    """The entries of a recurring event: `master` (the entry of its first date) with the
    EXDATEs of the cancelled `exceptions`, then one entry per moved one (RECURRENCE-ID)."""
    tz = tz or calendar_timezone()

    def local(moment):
        value = timezone.localtime(moment, tz)
        return value.date() if row.all_day else value

    exceptions = sorted(exceptions, key=lambda exception: exception.original_start)
    exdates = tuple(local(e.original_start) for e in exceptions if e.cancelled)
    entries = [replace(master, exdates=exdates)]
    for exception in exceptions:
        if exception.cancelled:
            continue
        moved = row._replace(
            start=exception.start,
            end=exception.end,
            note=exception.note or row.note,
            rrule="",
            venue_lines=row.venue_lines if exception.venue_lines is None else exception.venue_lines,
        )
        item = entry(moved, url=master.url, tz=tz)
        entries.append(
            replace(item, stamp=master.stamp, recurrence_id=local(exception.original_start))
        )
    return entries


def event_component(item: Entry) -> Event:
    """One VEVENT as an icalendar component (the reference `ical_writer` is tested against)."""
    component = Event()
    component.add("uid", item.uid)
    component.add("dtstamp", item.stamp)
    component.add("last-modified", item.stamp)
    component.add("sequence", item.sequence)
    component.add("dtstart", item.start)
    component.add("dtend", item.end)
    if item.recurrence_id is not None:
        component.add("recurrence-id", item.recurrence_id)
    if item.rrule:
        component.add("rrule", vRecur.from_ical(item.rrule))
    if item.exdates:
        component.add("exdate", list(item.exdates))
    component.add("summary", item.summary)
    component.add("status", item.status)
    if item.location:
        component.add("location", item.location)
    if item.url:
        component.add("url", item.url)
    component.add("description", item.description)
    component.add("categories", list(item.categories))
    component.add("transp", "OPAQUE")
    return component


def build_event(event_date, *, url):
    """One VEVENT for one date; `event_date.page` must carry venue and audiences."""
    return event_component(entry(row_of(event_date), url=url))


def calendar_header(name, description=""):
    """The VCALENDAR with its properties (name, subscription hints), no components yet."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def calendar_timezone_for(first_start, last_start):
    """The VTIMEZONE for events starting from `first_start` to `last_start` (aware)."""
    # The rules are checked against the zone for the years around the events.
    return timezone_component(
        settings.TIME_ZONE, first_start.date().year - 1, last_start.date().year + 1
    )


def build_calendar(event_dates, *, name, page_url, description=""):
    """A VCALENDAR with one VEVENT per date, its VTIMEZONE and subscription hints.

    `page_url(event)` returns the absolute URL of an event page (the caller knows the site).
    For single events and messages; whole feeds are written by `events.ical_writer`, which
    gives the same bytes from plain values.
    """
    cal = calendar_header(name, description)
    first = last = None
    urls = {}
    tz = calendar_timezone()
    for event_date in event_dates:
        event = event_date.page
        if event.pk not in urls:
            urls[event.pk] = page_url(event)
        row = row_of(event_date)
        item = entry(row, url=urls[event.pk], tz=tz)
        items = series_entries(row, item, model_exceptions(event), tz=tz) if row.rrule else [item]
        for item in items:
            cal.add_component(event_component(item))
        start = event_date.start
        first = start if first is None or start < first else first
        last = start if last is None or start > last else last
    if first is not None:
        cal.subcomponents.insert(0, calendar_timezone_for(first, last))
    return cal


def occurrence_uid(series_uid, occurrence_date):
    """The UID of one occurrence's own VEVENT (see the module docstring)."""
    uid, _at, domain = series_uid.partition("@")
    return f"{uid}-{occurrence_date:%Y%m%d}" + (f"@{domain}" if domain else "")


def build_occurrence_calendar(event_date, occurrence, *, name, page_url):
    """A VCALENDAR with one VEVENT for one `occurrence` (`events.Occurrence`) of the
    series whose first date is `event_date`: its (maybe moved) start, end and place."""
    event = event_date.page
    row = row_of(event_date)
    venue = getattr(occurrence, "venue", None)
    row = row._replace(
        uid=occurrence_uid(row.uid, occurrence.occurrence_date),
        start=occurrence.start,
        end=occurrence.end,
        rrule="",
        note=occurrence.note or row.note,
        venue_lines=tuple(venue.address_lines()) if venue else row.venue_lines,
    )
    cal = calendar_header(name)
    cal.add_component(calendar_timezone_for(occurrence.start, occurrence.start))
    cal.add_component(event_component(entry(row, url=page_url(event))))
    return cal


def as_cancellation(cal, organizer=""):
    """`cal` turned into a METHOD:CANCEL message (see `build_cancellation`)."""
    for prop in ("method", "refresh-interval", "x-published-ttl"):
        cal.pop(prop, None)
    cal.add("method", "CANCEL")
    for component in cal.walk("VEVENT"):
        sequence = int(component.pop("sequence", 0)) + 1
        component.add("sequence", sequence)
        component.pop("status", None)
        component.add("status", "CANCELLED")
        if organizer:
            component.add("organizer", f"mailto:{organizer}")
    return cal


def model_exceptions(event):
    """The `SeriesException`s of a recurring event page (its stored occurrences)."""
    return [
        SeriesException(
            original_start=occurrence.original_start,
            cancelled=occurrence.cancelled,
            start=occurrence.start,
            end=occurrence.end,
            venue_lines=tuple(occurrence.venue.address_lines()) if occurrence.venue else None,
            note=occurrence.note,
        )
        for occurrence in event.occurrences.filter(
            models.Q(cancelled=True) | models.Q(moved=True)
        ).select_related("venue")
    ]


@dataclass(frozen=True)
class Transition:
    """A change of a zone's UTC offset: `onset` is the wall-clock time it happens at,
    in the offset that was in force until then (how RFC 5545 writes DTSTART/RDATE)."""

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: bool


@lru_cache(maxsize=32)
def zone_transitions(tzid, first_year, last_year) -> tuple[Transition, ...]:
    """Every change of zone `tzid`'s UTC offset from `first_year` to `last_year`, to the
    second. Read from zoneinfo itself (day by day, then bisected), so it works for any
    zone; cached, as it takes a few milliseconds.
    """
    tz = ZoneInfo(tzid)

    def state(moment):
        local = moment.astimezone(tz)
        return local.utcoffset(), bool(local.dst()), local.tzname()

    transitions = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    before = state(moment)
    while moment < end:
        following = moment + timedelta(days=1)
        after = state(following)
        if after[:2] != before[:2]:
            low, high = moment, following  # state(low) == before, state(high) == after
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if state(middle)[:2] == before[:2] else (low, middle)
            onset = (high + before[0]).replace(tzinfo=None)
            transitions.append(Transition(onset, before[0], after[0], after[2], after[1]))
        moment, before = following, after
    return tuple(transitions)


def nth_weekday(year, month, weekday, n):
    """The `n`th `weekday` (0 = Monday) of the month, n in 1..4 or -4..-1 (from its end)."""
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() == weekday
    ]
    return date(year, month, days[n - 1 if n > 0 else n])


def yearly_rule(onsets, years):
    """(month, weekday, n, time) if `onsets` are one a year, each on the `n`th weekday
    of the same month at the same time, for every year in `years`; else None."""
    if sorted(onset.year for onset in onsets) != list(years):
        return None
    first = onsets[0]
    month, weekday, clock = first.month, first.weekday(), first.time()
    from_start = (first.day - 1) // 7 + 1
    from_end = -((calendar.monthrange(first.year, month)[1] - first.day) // 7 + 1)
    candidates = (from_end, from_start) if from_end == -1 else (from_start, from_end)
    for n in (n for n in candidates if 1 <= abs(n) <= 4):  # every month has these
        if all(
            onset.time() == clock and onset.date() == nth_weekday(onset.year, month, weekday, n)
            for onset in onsets
        ):
            return month, weekday, n, clock
    return None


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def observance(transition, dtstart):
    component = TimezoneDaylight() if transition.dst else TimezoneStandard()
    component.add("dtstart", dtstart)
    component.add("tzoffsetfrom", transition.offset_from)
    component.add("tzoffsetto", transition.offset_to)
    component.add("tzname", transition.name)
    return component


def timezone_component(tzid, first_year, last_year) -> Timezone:
    """The VTIMEZONE of zone `tzid`, right for every instant from `first_year` to `last_year`.

    If the zone switches twice a year by fixed rules in those years (Europe/Berlin: last
    Sunday of March and of October), one DAYLIGHT and one STANDARD observance, each with a
    yearly RRULE from 1970, as Outlook, Google and Apple write it and every client reads
    it. A zone without switches gets one STANDARD observance. Anything else (rules that
    change within the years) is written onset by onset, one RDATE per line, which clients
    that read only an RDATE's first value read correctly too.
    """
    tz = ZoneInfo(tzid)
    vtimezone = Timezone()
    vtimezone.add("tzid", tzid)
    vtimezone.add("x-lic-location", tzid)
    years = range(first_year, last_year + 1)
    transitions = zone_transitions(tzid, first_year, last_year)
    if not transitions:
        start = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(tz)
        steady = Transition(start, start.utcoffset(), start.utcoffset(), start.tzname(), False)
        vtimezone.add_component(observance(steady, datetime(1970, 1, 1)))
        return vtimezone
    groups = {}
    for transition in transitions:
        groups.setdefault((transition.offset_from, transition.offset_to), []).append(transition)
    rules = {key: yearly_rule([t.onset for t in group], years) for key, group in groups.items()}
    if len(groups) == 2 and all(rules.values()):
        for key, group in sorted(groups.items(), key=lambda item: not item[1][0].dst):
            month, weekday, n, clock = rules[key]
            component = observance(
                group[0], datetime.combine(nth_weekday(1970, month, weekday, n), clock)
            )
            component.add(
                "rrule", {"freq": "yearly", "bymonth": month, "byday": f"{n}{WEEKDAYS[weekday]}"}
            )
            vtimezone.add_component(component)
        return vtimezone
    start = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(tz)
    initial = Transition(start, start.utcoffset(), start.utcoffset(), start.tzname(), False)
    vtimezone.add_component(observance(initial, start.replace(tzinfo=None)))
    for group in groups.values():
        component = observance(group[0], group[0].onset)
        for transition in group[1:]:
            component.add("rdate", transition.onset)
        vtimezone.add_component(component)
    return vtimezone


def build_cancellation(event_dates, *, name, page_url, organizer=""):
    """A METHOD:CANCEL calendar (RFC 5546) that takes the dates out of a person's calendar.

    The VEVENTs are those of `build_calendar` (same UID, times and VTIMEZONE), with
    STATUS:CANCELLED and a SEQUENCE one higher than the stored one, so the cancellation
    outranks every copy the person can hold (a confirmation carried at most the stored
    SEQUENCE). ORGANIZER (`mailto:` the sender) is added when given, as iTIP asks for it.
    The subscription hints are left out: this is a message, not a feed.
    """
    return as_cancellation(build_calendar(event_dates, name=name, page_url=page_url), organizer)
