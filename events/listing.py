"""The calendar's queries: which events and dates are listed, filtered and fed.

Which site: the calendar page lists and feeds its own events (its children), which are
always pages of the calendar's site; a second calendar, on the same site or another, has
its own list and feed. Only the home page's teaser looks across calendars, and only
across those of its own site (`upcoming_for_home`).

Every function costs a fixed number of queries, however many events exist: next/last
dates are annotations, dates, venues and audiences come in with `select_related`/
`prefetch_related`, and `.specific()` is never needed because all listed fields live on
the `EventPage` table. The calendar page's lists read their ids once per frame
generation and time boundary (`calendar_listing`) and then only the events shown.
"""

import calendar
import functools
import hashlib
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Left, Length, TruncMonth
from django.db.models.sql.constants import CURSOR
from django.utils import timezone
from wagtail.models import PageViewRestriction

from kinderschutz_cms.frame import public_q
from kinderschutz_cms.sites import in_site

from . import conf
from .choices import EventStatus
from .forms import COORDINATION
from .ical import FeedRow
from .models import (
    Audience,
    EventDate,
    EventPage,
    FachtagPage,
    NetworkMeetingPage,
    Occurrence,
    TrainingPage,
)
from .models.venues import address_lines

TYPE_MODELS = {
    "fortbildung": TrainingPage,
    "fachtag": FachtagPage,
    "netzwerktreffen": NetworkMeetingPage,
}

# A cancelled event stays in the feed for 30 days after its cancellation so subscribers'
# calendars learn about it. The window itself: `feed_window`.
CANCELLED_GRACE = timedelta(days=30)


def feed_past() -> timedelta:
    """How far back a feed reaches (`KINDERSCHUTZ_FEED_PAST_DAYS`, `events.conf`)."""
    return timedelta(days=int(conf.get("KINDERSCHUTZ_FEED_PAST_DAYS")))


def feed_window(now=None) -> tuple[datetime, datetime]:
    """(from, until) of a feed: `KINDERSCHUTZ_FEED_PAST_DAYS` back and
    `KINDERSCHUTZ_FEED_FUTURE_DAYS` ahead of `now`."""
    now = now or timezone.now()
    ahead = timedelta(days=int(conf.get("KINDERSCHUTZ_FEED_FUTURE_DAYS")))
    return now - feed_past(), now + ahead


def visible_events(index, now=None):
    """Events below `index` that the public may see: live, not private, not expired."""
    now = now or timezone.now()
    # `child_of` as a range of tree paths (`in_site`), which SQLite reads from the path
    # index; Wagtail's `path__startswith` would read every page of the installation.
    return (
        EventPage.objects.filter(in_site(index.path), depth=index.depth + 1)
        .live()
        .filter(public_q())
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


def audience_choices():
    return list(Audience.objects.values_list("slug", "name"))


def organiser_choices(index, coordination_label):
    """(value, label) pairs: the coordination, member pages (by id), other names."""
    rows = (
        visible_events(index)
        .order_by()
        .values_list("organiser_page_id", "organiser_page__title", "organiser_name")
        .distinct()
    )
    choices, seen = [(COORDINATION, coordination_label)], {COORDINATION}
    for page_id, page_title, name in rows:
        value, label = (str(page_id), page_title) if page_id else (name, name)
        if value and value not in seen:
            seen.add(value)
            choices.append((value, label))
    return [choices[0], *sorted(choices[1:], key=lambda choice: choice[1].lower())]


def event_months(index, *, archive=False, now=None) -> list[tuple[int, int]]:
    """(year, month) pairs, in order, of the months in which the calendar's upcoming
    events (or, with `archive`, its past ones) take place: the choices of the month
    filter. One query; a date that spans months counts for each of them, and a recurring
    event counts by its occurrences."""
    now = now or timezone.now()
    # `visible_events` without `.public()`, which costs a query of its own: a page under a
    # view restriction is left out by a correlated subquery instead.
    restricted = PageViewRestriction.objects.filter(
        page__path=Left(OuterRef("page__path"), Length("page__path"))
    )
    dates = EventDate.objects.filter(
        Q(page__expire_at__isnull=True) | Q(page__expire_at__gt=now),
        page__path__startswith=index.path,
        page__depth=index.depth + 1,
        page__live=True,
    ).exclude(Exists(restricted))
    dates = dates.filter(end__lt=now) if archive else dates.filter(end__gte=now)
    tz = timezone.get_current_timezone()
    rows = (
        dates.filter(page__recurrence_rule="")
        .annotate(first=TruncMonth("start", tzinfo=tz), last=TruncMonth("end", tzinfo=tz))
        .order_by()
        .values_list("first", "last")
    )
    # Occurrences of recurring events (their first date is one of them, maybe cancelled).
    occurrences = Occurrence.objects.filter(
        Q(page__expire_at__isnull=True) | Q(page__expire_at__gt=now),
        page__path__startswith=index.path,
        page__depth=index.depth + 1,
        page__live=True,
        cancelled=False,
    ).exclude(Exists(restricted))
    occurrences = occurrences.filter(end__lt=now) if archive else occurrences.filter(end__gte=now)
    rows = rows.union(  # one query; UNION drops the duplicates
        occurrences.annotate(
            first=TruncMonth("start", tzinfo=tz), last=TruncMonth("end", tzinfo=tz)
        )
        .order_by()
        .values_list("first", "last")
    )
    months = set()
    for first, last in rows:
        first, last = timezone.localtime(first, tz), timezone.localtime(last, tz)
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            months.add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(months, reverse=archive)


def apply_filters(events, filters):
    """Narrow an EventPage queryset by the cleaned filters of `EventFilterForm`."""
    if model := TYPE_MODELS.get(filters.get("typ")):
        events = events.filter(content_type=ContentType.objects.get_for_model(model))
    if audience := filters.get("zielgruppe"):
        events = events.filter(
            pk__in=EventPage.audiences.through.objects.filter(audience__slug=audience).values(
                "eventpage_id"
            )
        )
    if event_format := filters.get("format"):
        events = events.filter(event_format=event_format)
    if organiser := filters.get("veranstalter"):
        if organiser == COORDINATION:
            events = events.filter(organiser_page__isnull=True, organiser_name="")
        elif organiser.isascii() and organiser.isdigit():
            # The feed takes any text here: an id no page can have matches nothing.
            page_id = int(organiser)
            events = events.filter(organiser_page_id=page_id) if page_id < 2**31 else events.none()
        else:
            events = events.filter(organiser_name=organiser)
    if month := month_range(filters):
        first, after = month
        events = events.filter(
            Q(
                pk__in=EventDate.objects.filter(
                    start__lt=after, end__gte=first, page__recurrence_rule=""
                ).values("page_id")
            )
            | Q(
                pk__in=Occurrence.objects.filter(
                    start__lt=after, end__gte=first, cancelled=False
                ).values("page_id")
            )
        )
    return events


def month_range(filters):
    """(first moment, first moment after) of the filtered month, or None."""
    if not (month := filters.get("monat")):
        return None
    year, number = (int(part) for part in month.split("-"))
    tz = timezone.get_current_timezone()
    first = datetime.combine(datetime(year, number, 1), time.min, tz)
    last_day = calendar.monthrange(year, number)[1]
    after = datetime.combine(datetime(year, number, last_day), time.min, tz) + timedelta(days=1)
    return first, after


def with_listing_data(events, dates_from=None):
    """For the calendar's cards: venue, audiences (`listed_audiences`, by name) and the
    dates (`listed_dates`, from `dates_from` on, by start) in 3 queries total. Both as
    plain lists: a page's `audiences.all` goes through modelcluster's live queryset each
    time it is read."""
    dates = EventDate.objects.order_by("start", "pk")
    if dates_from is not None:
        dates = dates.filter(end__gte=dates_from)
    return events.select_related("venue").prefetch_related(
        Prefetch("dates", queryset=dates, to_attr="listed_dates"),
        Prefetch(
            "audiences", queryset=Audience.objects.order_by("name"), to_attr="listed_audiences"
        ),
    )


def attach_occurrences(events, filters=None, *, archive=False, now=None):
    """Set `listed_occurrences` on the recurring events among `events` (a list): the
    occurrences not cancelled in the visible range (upcoming ones, or past ones in the
    archive; with a month filter, those of the month), by start. One query, and none when
    no listed event recurs."""
    recurring = {event.pk: event for event in events if event.recurrence_rule}
    if not recurring:
        return events
    now = now or timezone.now()
    occurrences = Occurrence.objects.filter(page_id__in=recurring, cancelled=False)
    month = month_range(filters or {})
    if month:
        occurrences = occurrences.filter(start__lt=month[1], end__gte=month[0])
    ended = Q(end__lt=now) if archive else Q(end__gte=now)
    occurrences = occurrences.filter(ended)
    for event in recurring.values():
        event.listed_occurrences = []
    for occurrence in occurrences.order_by("start", "pk"):
        recurring[occurrence.page_id].listed_occurrences.append(occurrence)
    return events


def next_occurrence_start(now, outer="pk"):
    """The start of an event's next occurrence that has not ended (recurring events)."""
    return Subquery(
        Occurrence.objects.filter(page=OuterRef(outer), end__gte=now, cancelled=False)
        .order_by("start")
        .values("start")[:1]
    )


def next_date_start(now, outer="pk"):
    """The start of a single event's first date that has not ended (a subquery)."""
    return Subquery(
        EventDate.objects.filter(page=OuterRef(outer), end__gte=now)
        .order_by("start")
        .values("start")[:1]
    )


def next_date_end(now, outer="pk"):
    """The end of a single event's first date to end that has not ended (a subquery)."""
    return Subquery(
        EventDate.objects.filter(page=OuterRef(outer), end__gte=now)
        .order_by("end")
        .values("end")[:1]
    )


def next_occurrence_end(now, outer="pk"):
    """The end of a recurring event's first occurrence to end that has not ended and is not
    cancelled (a subquery)."""
    return Subquery(
        Occurrence.objects.filter(page=OuterRef(outer), end__gte=now, cancelled=False)
        .order_by("end")
        .values("end")[:1]
    )


# ---- the calendar page's lists (upcoming and archive)
#
# The order of a calendar's events changes only with a write (which starts a new frame
# generation, `kinderschutz_cms.frame`) or at a moment known ahead: when a listed date
# ends, when an event expires, when an event's last date ends (the archive). So the
# ordered ids are read once (`build_listing`), kept in the frame cache until the first of
# those moments (`calendar_listing`), and a request loads only the events it shows, by
# primary key (`load_listed`), or nothing when their rendered cards are kept too.


@dataclass(frozen=True)
class CalendarListing:
    """What one calendar lists for one set of filters, upcoming or in the archive.

    `ids`: the events in calendar order. `seated`: those among them whose cards show the
    seats left (registration with a capacity, not cancelled; never in the archive).
    `until`: the first moment at which the list, or what its cards show of the events'
    dates, can change without any write (a listed date or occurrence ending, an event
    expiring, an event's last date ending); None when there is none ahead. The list holds
    while `now < until`.
    """

    ids: tuple[int, ...]
    seated: frozenset[int] = frozenset()
    until: datetime | None = None

    def holds_at(self, now: datetime) -> bool:
        return self.until is None or now < self.until


def _earliest(texts, zone) -> datetime | None:
    """The earliest of moments read as text (`Cast(…, CharField())`, None for NULL).

    Compared as text, parsed once (`instant`): both backends write a moment in UTC (the
    connection's zone) as ISO 8601 of the same width up to the seconds, a fraction of a
    second after them, so the smallest text is the earliest moment; and converting every
    row's datetime costs more than the calendar's query (a calendar of 1,000 events)."""
    texts = [text for text in texts if text]
    return instant(min(texts), zone) if texts else None


def build_listing(index, filters=None, *, archive=False, now=None) -> CalendarListing:
    """The `CalendarListing` of `index` for `filters` at `now`, reading every visible
    event of the calendar that passes the filters: the cost `calendar_listing` pays once
    per frame generation and time boundary (one query upcoming, two for the archive).

    Upcoming: events with a date that has not ended (`end >= now`: a course that began
    this morning stays listed while it lasts), once each, by their next date (the start
    of the first date that has not ended), then by id; a recurring event by its next
    occurrence not cancelled. Archive: events whose every date has ended (a series: its
    last occurrence not cancelled, `recurrence_end`), the most recent end first, then by
    id. Both read the stored span of an event's dates (`EventPage.last_date_end`, kept by
    every way a date is written): the archive orders by it, the upcoming list skips the
    events it says are over before asking for their dates.

    The boundary: upcoming, the earliest end of a listed event's dates still listed (a
    series: of its occurrences); archive, the earliest last end of an event not yet in
    it; both, the earliest expiry of a listed event. An event that is not listed can only
    join the upcoming list by a write (a new date, publishing), which starts a new
    generation.
    """
    now = now or timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    zone = connections[events.db].timezone  # of a text without an offset (SQLite's)
    expiry = Cast("expire_at", CharField())
    last_end = Coalesce("recurrence_end", "last_date_end")
    if archive:
        events = events.annotate(last_end=last_end)
        rows = (
            events.filter(last_end__lt=now)
            .order_by("-last_end", "pk")
            .values_list("pk", expiry.copy())
        )
        ids, expiries = [], []
        for pk, expire_at in rows:
            ids.append(pk)
            expiries.append(expire_at)
        joining = events.filter(last_end__gte=now).aggregate(first=Min("last_end"))["first"]
        until = _earliest(expiries, zone)
        if joining is not None and (until is None or joining < until):
            until = joining
        return CalendarListing(ids=tuple(ids), until=until)
    has_date = Exists(EventDate.objects.filter(page=OuterRef("pk"), end__gte=now))
    has_occurrence = Exists(
        Occurrence.objects.filter(page=OuterRef("pk"), end__gte=now, cancelled=False)
    )
    # Occurrences exist only for recurring events (`store_occurrences`), whose own first
    # date is one of them, maybe cancelled: the occurrences first.
    rows = (
        events.filter(Q(last_date_end__gte=now) | Q(recurrence_end__gte=now))
        .filter(Q(has_date, recurrence_rule="") | has_occurrence)
        .annotate(
            next_start=Coalesce(next_occurrence_start(now), next_date_start(now)),
            next_end=Cast(Coalesce(next_occurrence_end(now), next_date_end(now)), CharField()),
            expiry=expiry,
        )
        .order_by("next_start", "pk")
        .values_list("pk", "registration_enabled", "capacity", "status", "next_end", "expiry")
    )
    ids, seated, ends = [], set(), []
    for pk, registration_enabled, capacity, status, next_end, expire_at in rows:
        ids.append(pk)
        ends += (next_end, expire_at)
        if registration_enabled and capacity is not None and status != EventStatus.CANCELLED:
            seated.add(pk)
    return CalendarListing(ids=tuple(ids), seated=frozenset(seated), until=_earliest(ends, zone))


def filters_key(filters) -> str:
    """The cleaned filters as a short stable text (a digest of their pairs: organisers'
    names may hold any character, "&" and "=" too), for cache keys."""
    text = repr(sorted((filters or {}).items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def calendar_listing(index, filters=None, *, archive=False, now=None, keep=True) -> CalendarListing:
    """`build_listing`, kept in the frame cache per calendar, list and filters until its
    boundary (`CalendarListing.until`), at most `frame.TIMEOUT`; a new frame generation
    (any page, date, venue, audience, view restriction … saved) ends it at once. No
    query when kept. `keep=False` (filters the page does not link to,
    `EventFilterForm.is_offered_choice`): built each time, never stored."""
    from kinderschutz_cms import frame

    now = now or timezone.now()
    if not keep:
        return build_listing(index, filters, archive=archive, now=now)
    entry_key = frame.key("calendar_listing", index.pk, int(archive), filters_key(filters))
    listing = cache.get(entry_key)
    if listing is None or not listing.holds_at(now):
        listing = build_listing(index, filters, archive=archive, now=now)
        timeout = frame.TIMEOUT
        if listing.until is not None:
            left = math.ceil((listing.until - now).total_seconds())
            timeout = max(1, min(timeout, left))
        cache.set(entry_key, listing, timeout)
    return listing


def load_listed(ids, filters=None, *, archive=False, now=None, seats=None) -> list[EventPage]:
    """The events `ids`, in that order, with what their cards show: venue, audiences,
    dates (`with_listing_data`: upcoming from `now` on, all in the archive), occurrences
    (`attach_occurrences`), `seats_taken` from `seats` (upcoming), `next_start` (the
    start of the first date or occurrence the card lists) and `listed_key` (what the
    card's `frame_fragment` shows that changes without a new frame generation, besides
    the seats left: the dates still listed). Three queries, a fourth when one recurs."""
    now = now or timezone.now()
    if not ids:
        return []
    rows = with_listing_data(
        EventPage.objects.filter(pk__in=ids).order_by(), None if archive else now
    )
    by_pk = {event.pk: event for event in rows}
    events = [by_pk[pk] for pk in ids if pk in by_pk]
    attach_occurrences(events, filters, archive=archive, now=now)
    seats = seats or {}
    for event in events:
        dates = getattr(event, "listed_occurrences", None) or event.listed_dates
        event.next_start = dates[0].start if dates else None
        if not archive:
            event.seats_taken = seats.get(event.pk, 0)
        event.listed_key = [(d.pk, d.start, d.end) for d in event.listed_dates] + [
            (o.pk, o.start, o.end, o.original_start)
            for o in getattr(event, "listed_occurrences", ())
        ]
    return events


class ShownEvents:
    """The events of one page of a calendar list, loaded (`load_listed`) when first read,
    not when counted: `ids` and `seats_taken` are known before, so that a page whose cards
    are kept rendered loads none."""

    def __init__(self, ids, listed: "ListedEvents"):
        self.ids, self.listed = tuple(ids), listed

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self.events)

    def __getitem__(self, item):
        return self.events[item]

    @functools.cached_property
    def seats_taken(self) -> dict[int, int]:
        """{event id: seats held now} of the shown events (upcoming): read on every
        request, one query."""
        if self.listed.archive:
            return {}
        # Of all shown events, not only those whose cards show seats (`seated`): the
        # same queries for every page of the list.
        from registrations.queries import seats_taken_by_event

        return seats_taken_by_event(self.ids, self.listed.now)

    @functools.cached_property
    def events(self) -> list[EventPage]:
        listed = self.listed
        return load_listed(
            self.ids,
            listed.filters,
            archive=listed.archive,
            now=listed.now,
            seats=None if listed.archive else self.seats_taken,
        )


class ListedEvents:
    """A calendar's list (`calendar_listing`) as the sequence `Paginator` pages through:
    its length is the number of ids (no query), a slice the `ShownEvents` of those ids."""

    def __init__(self, index, filters=None, *, archive=False, now=None, keep=True):
        self.filters, self.archive = filters or {}, archive
        self.now = now or timezone.now()
        self.listing = calendar_listing(
            index, self.filters, archive=archive, now=self.now, keep=keep
        )

    def __len__(self):
        return len(self.listing.ids)

    def __iter__(self):
        return iter(self[0 : len(self)])

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("ListedEvents takes a slice without a step")
        return ShownEvents(self.listing.ids[item], self)


def upcoming_events(index, filters=None, now=None) -> ListedEvents:
    """The calendar's upcoming events (`build_listing`), to be sliced: the ids from the
    frame cache, a slice's events in three queries (`load_listed`) and the seats left in
    one (`ShownEvents.seats_taken`), whatever the calendar's size."""
    return ListedEvents(index, filters, now=now)


def past_events(index, filters=None, now=None) -> ListedEvents:
    """Events whose every date has ended, the most recent first (the archive), as
    `upcoming_events` lists them."""
    return ListedEvents(index, filters, archive=True, now=now)


def feed_dates(events, now=None, window=True):
    """The dates a calendar file contains, for an EventPage queryset.

    With `window` (`feed_window`), only dates that touch it: ending after its start and
    beginning before its end; for a recurring event (one date, its first occurrence) the
    series from its first start to its last end (`recurrence_end`). Cancelled events only
    until `CANCELLED_GRACE` after their cancellation. Both bounds are on the indexed
    `start` and `end` columns; a series is found through `recurrence_end` (indexed too).

    The window stays one condition with an OR across the two tables. A UNION of two
    indexed ranges (`id IN (dates by end UNION ALL dates by their series' end)`) was
    tried for issue #19: no faster at a Land's size, where most dates are in the window,
    and on PostgreSQL, with freshly inserted rows not yet analysed, the cold build of the
    Land-size feed took 13.8 s instead of about 1 s (in the server; not examined
    further). The OR is planned as the calendar's events, then their dates by `page_id`.
    """
    now = now or timezone.now()
    dates = EventDate.objects.filter(page__in=events.values("pk"))
    if window:
        since, until = feed_window(now)
        dates = dates.filter(
            Q(end__gte=since) | Q(page__recurrence_end__gte=since), start__lte=until
        ).filter(
            ~Q(page__status=EventStatus.CANCELLED)
            | Q(page__cancelled_at__gte=now - CANCELLED_GRACE)
        )
    return dates


def with_feed_data(dates):
    """Dates with their event, venue and audiences: 2 queries, whatever the size."""
    return (
        dates.select_related("page", "page__venue")
        .prefetch_related("page__audiences")
        .order_by("start", "pk")
    )


# The datetime columns of a feed row are read as text (`FEED_ROW_MOMENTS`, parsed by
# `instant`): the drivers' and Django's conversion of a datetime costs several times
# `datetime.fromisoformat`, and a feed reads four of them for each of its thousands of dates.
FEED_ROW_MOMENTS = {
    "start_text": "start",
    "end_text": "end",
    "modified_text": "last_modified",
    "published_text": "page__last_published_at",
}
FEED_ROW_FIELDS = (
    "pk",
    "uid",
    "start_text",
    "end_text",
    "all_day",
    "title",
    "note",
    "sequence",
    "modified_text",
    "page_id",
    "page__slug",
    "page__title",
    "page__status",
    "page__teaser",
    "page__event_format",
    "published_text",
    "page__content_type__app_label",
    "page__content_type__model",
    "page__recurrence_rule",
    "page__venue__name",
    "page__venue__room",
    "page__venue__street",
    "page__venue__postcode",
    "page__venue__town",
    "entry_version",
)


def feed_audiences() -> dict[int, str]:
    """{audience id: name}, in the audiences' order: one query."""
    return dict(Audience.objects.values_list("pk", "name"))


def entry_version():
    """The version of a date's feed entry, as an expression: `versioning.ENTRY_VERSION_FIELDS`
    read as text, a NULL as an empty text, joined in the database (one string per row, no
    conversion or joining in Python): whatever changes a date's VEVENT changes it
    (`events.feed_entries`)."""
    from .versioning import ENTRY_VERSION_FIELDS

    parts = []
    for field in ENTRY_VERSION_FIELDS:
        parts += [Coalesce(Cast(field, CharField()), Value("")), Value("|")]
    return Concat(*parts[:-1], output_field=CharField())


def feed_entry_versions(dates) -> list[tuple[int, str]]:
    """(date id, `entry_version`) of `dates` by start: one query of small columns."""
    rows = dates.annotate(entry_version=entry_version()).order_by("start", "pk")
    return list(rows.values_list("pk", "entry_version"))


def feed_row_audiences(dates, audience_names) -> dict[int, tuple[str, ...]]:
    """{event id: its audiences' names in the audiences' order} of the events of `dates`:
    one query of (event, audience) pairs.

    Its own query, not a subquery per row: PostgreSQL ran that once per date (a fifth of
    the rows query at a Land's size), and its estimated cost put the whole query above
    `jit_above_cost`, whose compilation cost another fifth."""
    order = {pk: position for position, pk in enumerate(audience_names)}
    pairs = (
        EventPage.audiences.through.objects.filter(eventpage_id__in=dates.values("page_id"))
        .order_by()
        .values_list("eventpage_id", "audience_id")
    )
    ids_of = {}
    for page_id, audience_id in pairs:
        if audience_id in order:  # not one created since `audience_names` was read
            ids_of.setdefault(page_id, []).append(audience_id)
    combinations, result = {}, {}
    for page_id, ids in ids_of.items():
        key = tuple(sorted(ids, key=order.__getitem__))
        names = combinations.get(key)
        if names is None:  # a few combinations of audiences recur across all events
            names = combinations[key] = tuple(audience_names[pk] for pk in key)
        result[page_id] = names
    return result


def feed_rows(dates, chunk_size=500, audience_names=None) -> Iterator[FeedRow]:
    """The plain values of `dates`, in no particular order, for `ical`: 3 queries,
    whatever the size.

    One query for the audiences' names (none if `audience_names` is given), one for the
    dates with their event, venue, the event's type (content type) and `entry_version`,
    then one for the events' audiences (`feed_row_audiences`), converted in chunks of
    `chunk_size` rows (`rows_in_chunks`): no model instances, and Python values for one
    chunk at a time.

    Unordered: the caller places each row by its `date_id` (`feeds.calendar_chunks`
    writes the entries by start and id), and sorting the wide rows was a third of the
    query's time on PostgreSQL at a Land's size (a sort spilled to disk beside hash joins
    that need none).
    """
    if audience_names is None:
        audience_names = feed_audiences()
    moments = {name: Cast(field, CharField()) for name, field in FEED_ROW_MOMENTS.items()}
    rows = (
        dates.annotate(entry_version=entry_version(), **moments)
        .order_by()
        .values_list(*FEED_ROW_FIELDS)
    )
    chunks = rows_in_chunks(rows, chunk_size)
    first = next(chunks, None)  # runs the rows query
    if first is None:
        return
    # The audiences after the rows, never before: what they say is then at least as new
    # as the `entry_version` the rows carry, under which the entry is kept.
    audiences_of = feed_row_audiences(dates, audience_names)
    zone = connections[dates.db].timezone  # of a text without an offset (SQLite's)
    type_labels, venues = {}, {}
    parse, suffix = datetime.fromisoformat, None
    for (
        date_id,
        uid,
        start,
        end,
        all_day,
        date_title,
        note,
        sequence,
        date_modified,
        page_id,
        slug,
        title,
        status,
        teaser,
        event_format,
        published_at,
        app_label,
        model_name,
        rrule,
        *venue,
        version,
    ) in itertools.chain((first,), chunks):
        if suffix is None:
            # The texts of one query all carry an offset (PostgreSQL) or none (SQLite, in
            # the connection's zone): "+00:00" appended to the latter, in UTC, parses them
            # as `instant` does, without a call per value (four per row).
            suffix = "" if parse(start).tzinfo is not None else "+00:00"
        if zone is UTC or not suffix:
            start, end = parse(start + suffix), parse(end + suffix)
            date_modified = date_modified and parse(date_modified + suffix)
            published_at = published_at and parse(published_at + suffix)
        else:
            start, end = instant(start, zone), instant(end, zone)
            date_modified = date_modified and instant(date_modified, zone)
            published_at = published_at and instant(published_at, zone)
        if (app_label, model_name) not in type_labels:
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:  # a page class no longer installed
                model = EventPage
            type_labels[app_label, model_name] = str(model._meta.verbose_name)
        venue = tuple(venue)
        lines = venues.get(venue)
        if lines is None:
            lines = venues[venue] = tuple(address_lines(*venue)) if venue[0] is not None else ()
        yield FeedRow(  # positionally, in its order: a third of the cost of keywords
            uid,
            start,
            end,
            all_day,
            date_title,
            note,
            sequence,
            date_modified,
            page_id,
            slug,
            title,
            status,
            teaser,
            event_format,
            published_at,
            type_labels[app_label, model_name],
            lines,
            audiences_of.get(page_id, ()),
            rrule,
            date_id,
            version,
        )


def rows_in_chunks(rows, chunk_size: int) -> Iterator[tuple]:
    """The tuples of a `values_list` queryset, fetched `chunk_size` at a time through an
    ordinary (client-side) cursor and converted by Django as `iterator()` would.

    Not `iterator()` itself: on PostgreSQL it declares a server-side cursor, which the
    planner plans for its first tenth of rows (`cursor_tuple_fraction`): for a feed,
    nested loops over the `start` index, one index lookup of event, page, type and venue
    per date, 2-3 times the server time of the plan for all rows (hash joins), and a
    round trip per chunk. An ordinary cursor gets that plan; the driver holds the raw
    result (a few MB at a Land's size, less than the feed itself) and the rows become
    Python values one chunk at a time, as before. On SQLite both are the same cursor.

    The plan for all rows needs the tables analysed (autovacuum does so after a bulk
    load): without statistics PostgreSQL takes a calendar's pages for one row and plans
    nested loops whatever the cursor (measured at a Land's size: as slow as the cursor's
    plan, not worse).
    """
    compiler = rows.query.get_compiler(using=rows.db)
    cursor = compiler.execute_sql(CURSOR)  # the caller closes it (below)
    if cursor is None:  # a query Django knows to be empty (`.none()`, `pk__in=[]`)
        return
    empty = compiler.connection.features.empty_fetchmany_value
    try:
        chunks = iter(lambda: cursor.fetchmany(chunk_size), empty)
        yield from compiler.results_iter(chunks, tuple_expected=True)
    finally:
        cursor.close()


def instant(text: str, zone=UTC) -> datetime:
    """An aware datetime from a datetime column cast to text: ISO 8601 on SQLite (without
    an offset, in the connection's `zone`, UTC) and PostgreSQL (with one; its DateStyle
    ISO, the default, which psycopg needs to read a timestamptz too)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        return value
    if zone is UTC:  # parsed again with the offset: `replace(tzinfo=…)` costs five times more
        return datetime.fromisoformat(text + "+00:00")
    return value.replace(tzinfo=zone)


def feed_exceptions(dates):
    """{event id: [ical.SeriesException]}: the cancelled and moved occurrences of the
    recurring events among `dates`' events, in one query."""
    from .ical import SeriesException

    occurrences = (
        Occurrence.objects.filter(page__in=dates.values("page_id"))
        .filter(Q(cancelled=True) | Q(moved=True))
        .select_related("venue")
        .order_by("original_start", "pk")
    )
    result = {}
    for occurrence in occurrences:
        venue = occurrence.venue
        result.setdefault(occurrence.page_id, []).append(
            SeriesException(
                original_start=occurrence.original_start,
                cancelled=occurrence.cancelled,
                start=occurrence.start,
                end=occurrence.end,
                venue_lines=tuple(venue.address_lines()) if venue else None,
                note=occurrence.note,
            )
        )
    return result


def feed_version(dates):
    """One aggregate query that changes whenever the feed's content can have changed.

    Count and id sum catch added/removed dates and unpublished events, the maxima catch
    edits of dates, of the events (every publish sets `last_published_at`) and of venues.
    The first and last start give the years of the VTIMEZONE before any date is read.
    """
    return dates.order_by().aggregate(
        count=Count("pk"),
        id_sum=Sum("pk"),
        dates_modified=Max("last_modified"),
        events_published=Max("page__last_published_at"),
        venues_modified=Max("page__venue__updated_at"),
        first_start=Min("start"),
        last_start=Max("start"),
        # When the same rows give another feed by time alone (`feeds.valid_until`).
        first_end=Min("end"),
        cancelled_from=Min("page__cancelled_at", filter=Q(page__status=EventStatus.CANCELLED)),
        expires=Min("page__expire_at"),
    )


def upcoming_for_home(limit=3, now=None, *, site_root_path: str | None = None):
    """The next `limit` public events of one site (`site_root_path`: the tree path of its
    root page, see `kinderschutz_cms.sites`) that have not started, with the seats left,
    for the home page. Events of every calendar of that site count, no other site's.
    Without `site_root_path`, of all sites (tests of the counts only; the home page always
    names its site).

    Which events are next is kept in the frame cache (`kinderschutz_cms.frame`): it
    changes only with a write that starts a new frame generation (a page, its dates or
    occurrences, a view restriction) or when time reaches the first start or expiry of
    an event shown; the entry says from when until when it holds and is chosen again
    outside that span (one query, `_choose_for_home`). The seats taken are counted on
    every request (one query, none when no event shown limits its seats): a registration
    or a hold running out changes them without a new generation.
    """
    from django.core.cache import cache

    from kinderschutz_cms import frame
    from registrations.queries import seats_taken_by_event

    now = now or timezone.now()
    key = frame.key("home-upcoming", site_root_path or "", limit)
    chosen = cache.get(key)
    if chosen is None or not chosen.since <= now < chosen.until:
        chosen = _choose_for_home(limit, now, site_root_path or "")
        cache.set(key, chosen, frame.TIMEOUT)
    limited = [
        page.pk
        for page, _ in chosen.events
        if page.registration_enabled and page.capacity is not None
    ]
    taken = seats_taken_by_event(limited, now)
    return [
        HomeTeaser(
            page=page,
            start=start,
            seats_left=(
                max(page.capacity - taken.get(page.pk, 0), 0) if page.pk in limited else None
            ),
            waitlist=page.waitlist_enabled,
        )
        for page, start in chosen.events
    ]


@dataclass(frozen=True)
class HomeChoice:
    """The events the home page shows next, as (page, next start), and the span of time
    [`since`, `until`) in which that choice holds without a write."""

    events: tuple
    since: datetime
    until: datetime


def _choose_for_home(limit: int, now: datetime, site_root_path: str) -> HomeChoice:
    """The next `limit` public events of the site below `site_root_path` that have not
    started (by their next start: a single event's next date, a recurring event's next
    occurrence not cancelled; ties by id), in one query.

    Bounded by the events shown, not by all events (issue #19): the candidates are the
    first `limit` single events by their next date and the first `limit` recurring events
    by their next occurrence, each walked in start order (a date or occurrence is its
    event's next one when no earlier one of the event is still to come: NOT EXISTS on the
    event's own few rows); only those get a next start and are sorted. Occurrences exist
    only for recurring events (`store_occurrences`).
    """
    events = (
        EventPage.objects.live()
        .filter(public_q())
        .filter(in_site(site_root_path))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .exclude(status=EventStatus.CANCELLED)
    )

    def first_to_start(model, listed, **condition):
        earlier = model.objects.filter(
            Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), pk__lt=OuterRef("pk")),
            page_id=OuterRef("page_id"),
            start__gte=now,
            **condition,
        )
        return (
            model.objects.filter(
                Exists(listed.filter(pk=OuterRef("page_id"))), start__gte=now, **condition
            )
            .exclude(Exists(earlier))
            .order_by("start", "page_id")
            .values("page_id")[:limit]
        )

    next_start = Coalesce(
        Subquery(
            EventDate.objects.filter(page=OuterRef("pk"), start__gte=now, page__recurrence_rule="")
            .order_by("start")
            .values("start")[:1]
        ),
        Subquery(
            Occurrence.objects.filter(page=OuterRef("pk"), start__gte=now, cancelled=False)
            .order_by("start")
            .values("start")[:1]
        ),
    )
    shown = (
        EventPage.objects.filter(
            Q(pk__in=first_to_start(EventDate, events.filter(recurrence_rule="")))
            | Q(pk__in=first_to_start(Occurrence, events, cancelled=False))
        )
        .annotate(next_start=next_start)
        .order_by("next_start", "pk")[:limit]
    )
    chosen = tuple((event, event.next_start) for event in shown)
    # The choice holds until an event shown starts or expires: events not shown start
    # later still, and expiring only takes an event away.
    ends = [start for _, start in chosen] + [e.expire_at for e, _ in chosen if e.expire_at]
    return HomeChoice(
        events=chosen, since=now, until=min(ends, default=datetime.max.replace(tzinfo=UTC))
    )


@dataclass(frozen=True)
class HomeTeaser:
    """An upcoming event as the home page shows it. `seats_left` None: no limit shown."""

    page: EventPage
    start: datetime
    seats_left: int | None = None
    waitlist: bool = False
