"""The calendar's queries: which events and dates are listed, filtered and fed.

Which site: the calendar page lists and feeds its own events (its children), which are
always pages of the calendar's site; a second calendar, on the same site or another, has
its own list and feed. Only the home page's teaser looks across calendars, and only
across those of its own site (`upcoming_for_home`).

Every function returns a queryset whose evaluation costs a fixed number of queries,
however many events exist: next/last dates are annotations, dates, venues and audiences
come in with `select_related`/`prefetch_related`, and `.specific()` is never needed
because all listed fields live on the `EventPage` table.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import (
    Aggregate,
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


def first_to_come(events, now, limit: int):
    """The ids of the first `limit` single events of `events` whose first listed date is
    still to come (`start >= now`), by that date (a subquery).

    Read from the start index, not by grouping the events' dates: the dates to come are
    walked in start order across all calendars, and the walk stops at `limit` events of
    `events`. A date is its event's first listed date when no earlier date of the event
    has not ended (NOT EXISTS, on the event's own few dates). Ties in start by event id,
    like the listing.
    """
    earlier = EventDate.objects.filter(
        Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), pk__lt=OuterRef("pk")),
        page_id=OuterRef("page_id"),
        end__gte=now,
    )
    return (
        EventDate.objects.filter(
            Exists(events.filter(pk=OuterRef("page_id"), recurrence_rule="")),
            start__gte=now,
            end__gte=now,
        )
        .exclude(Exists(earlier))
        .order_by("start", "page_id")
        .values("page_id")[:limit]
    )


class UpcomingEvents:
    """The calendar's upcoming events (`upcoming_events`) as the sequence `Paginator`
    pages through: its length is `count_upcoming` (one query), a slice is one query for
    the events shown plus two for their dates and audiences (`with_listing_data`)."""

    def __init__(self, index, filters, now):
        self.index, self.filters, self.now = index, filters, now

    def count(self) -> int:
        return count_upcoming(self.index, self.filters, self.now)

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("UpcomingEvents takes a slice without a step")
        offset, stop = item.start or 0, item.stop
        if stop is None or stop <= offset:
            return []
        return list(self.query(offset, stop - offset))

    def query(self, offset: int, limit: int):
        """The queryset of the events from `offset` (in calendar order) to `offset +
        limit`, with the seats taken (`registrations.queries.annotate_counts`) and
        `next_start`.

        Three kinds of events can be among them: single events whose next date is to
        come, of which only the first `offset + limit` are candidates (`first_to_come`,
        from the start index); single events with a date running now (begun, not ended:
        `start < now <= end`), which come first in calendar order and which no index
        bounds by start; and recurring events (by their next occurrence not cancelled,
        from the occurrences' (event, start) index). The last two are found in the one
        pass over the calendar's events that the count makes too, with an EXISTS per
        event on its own dates. Only the candidates, not every event of the calendar, get
        a next start and seat counts and are sorted.
        """
        from registrations.queries import annotate_counts

        now = self.now
        events = apply_filters(visible_events(self.index, now), self.filters)
        running = Exists(EventDate.objects.filter(page=OuterRef("pk"), start__lt=now, end__gte=now))
        # Occurrences exist only for recurring events (`store_occurrences`).
        occurring = Exists(
            Occurrence.objects.filter(page=OuterRef("pk"), end__gte=now, cancelled=False)
        )
        candidates = (
            Q(pk__in=first_to_come(events, now, offset + limit))
            | Q(running, recurrence_rule="")
            | occurring
        )
        # The cheap parts first: each step copies the query built so far. A recurring
        # event's first date is its first occurrence, maybe cancelled: the occurrences
        # first, which only recurring events have.
        shown = with_listing_data(events, now).annotate(
            next_start=Coalesce(next_occurrence_start(now), next_date_start(now))
        )
        shown = annotate_counts(shown.order_by("next_start", "pk"), now)
        return shown.filter(candidates)[offset : offset + limit]


def upcoming_events(index, filters=None, now=None) -> UpcomingEvents:
    """Events with a date that has not ended, once each, by their next date (a recurring
    event by its next occurrence not cancelled), with the seats taken and `next_start`.

    A running date counts until its end (`end >= now`): a course that began this morning
    stays listed while it lasts. Returned as `UpcomingEvents`, to be sliced (a page costs
    three queries, whatever the calendar's size) and counted (`count_upcoming`)."""
    return UpcomingEvents(index, filters or {}, now or timezone.now())


def count_upcoming(index, filters=None, now=None) -> int:
    """How many events `upcoming_events` lists (one query): the same events, told by
    whether a next date exists rather than by the earliest one, so without its grouping
    over every date and without the seat counts, which the count needs neither of."""
    now = now or timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    has_date = Exists(EventDate.objects.filter(page=OuterRef("pk"), end__gte=now))
    has_occurrence = Exists(
        Occurrence.objects.filter(page=OuterRef("pk"), end__gte=now, cancelled=False)
    )
    return events.filter(Q(has_date, recurrence_rule="") | has_occurrence).count()


def past_events(index, filters=None, now=None):
    """Events whose every date has ended, the most recent first (the archive)."""
    now = now or timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    events = events.annotate(last_end=Coalesce("recurrence_end", Max("dates__end")))
    events = events.filter(last_end__lt=now)
    return with_listing_data(events.order_by("-last_end", "pk"))


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


class JoinedIds(Aggregate):
    """The values of an integer column joined by commas, in no particular order
    (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
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
    "audience_ids",
)


def feed_audiences() -> dict[int, str]:
    """{audience id: name}, in the audiences' order: one query."""
    return dict(Audience.objects.values_list("pk", "name"))


def feed_entry_versions(dates) -> list[tuple[int, str]]:
    """(date id, version) of `dates` by start: one query of small columns.

    The version joins `versioning.ENTRY_VERSION_FIELDS` read as text, a NULL as an empty
    text, in the database (one string per row, no conversion or joining in Python):
    whatever changes a date's VEVENT changes it (`events.feeds`).
    """
    from .versioning import ENTRY_VERSION_FIELDS

    parts = []
    for field in ENTRY_VERSION_FIELDS:
        parts += [Coalesce(Cast(field, CharField()), Value("")), Value("|")]
    version = Concat(*parts[:-1], output_field=CharField())
    rows = dates.annotate(entry_version=version).order_by("start", "pk")
    return list(rows.values_list("pk", "entry_version"))


def feed_rows(dates, chunk_size=500, audience_names=None) -> Iterator[FeedRow]:
    """The plain values of `dates`, in no particular order, for `ical`: 2 queries,
    whatever the size.

    One query for the audiences' names (none if `audience_names` is given), one for the
    dates with their event, venue, the event's type (content type) and audience ids (a
    subquery), converted in chunks of `chunk_size` rows (`rows_in_chunks`): no model
    instances, and Python values for one chunk at a time.

    Unordered: the caller places each row by its `date_id` (`feeds.calendar_chunks`
    writes the entries in the order of `feed_entry_versions`), and sorting the wide rows
    was a third of the query's time on PostgreSQL at a Land's size (a sort spilled to
    disk beside hash joins that need none).
    """
    if audience_names is None:
        audience_names = feed_audiences()
    audience_order = {pk: position for position, pk in enumerate(audience_names)}
    audience_ids = Subquery(
        EventPage.audiences.through.objects.filter(eventpage_id=OuterRef("page_id"))
        .order_by()
        .values("eventpage_id")
        .annotate(ids=JoinedIds("audience_id"))
        .values("ids")
    )
    moments = {name: Cast(field, CharField()) for name, field in FEED_ROW_MOMENTS.items()}
    rows = (
        dates.annotate(audience_ids=audience_ids, **moments)
        .order_by()
        .values_list(*FEED_ROW_FIELDS)
    )
    zone = connections[dates.db].timezone  # of a text without an offset (SQLite's)
    type_labels, audiences_of, venues = {}, {}, {}
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
        joined_ids,
    ) in rows_in_chunks(rows, chunk_size):
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
        audiences = audiences_of.get(joined_ids)
        if audiences is None:  # a few combinations of audiences recur across all rows
            ids = sorted(
                (int(pk) for pk in joined_ids.split(",")) if joined_ids else (),
                key=audience_order.__getitem__,
            )
            audiences = audiences_of[joined_ids] = tuple(audience_names[pk] for pk in ids)
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
            audiences,
            rrule,
            date_id,
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
    from django.db.models import Count

    from kinderschutz_cms import frame
    from registrations.models import Registration
    from registrations.queries import seat_holding_q

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
    taken = (
        dict(
            Registration.objects.filter(seat_holding_q(now), event_id__in=limited)
            .order_by()
            .values_list("event_id")
            .annotate(n=Count("pk"))
        )
        if limited
        else {}
    )
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
