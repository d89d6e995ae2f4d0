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
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from kinderschutz_cms.frame import public_q

from .choices import EventStatus
from .forms import COORDINATION
from .models import (
    Audience,
    EventDate,
    EventPage,
    FachtagPage,
    NetworkMeetingPage,
    TrainingPage,
)

TYPE_MODELS = {
    "fortbildung": TrainingPage,
    "fachtag": FachtagPage,
    "netzwerktreffen": NetworkMeetingPage,
}

# The feed shows the past six months and everything ahead; a cancelled event stays for
# 30 days after its cancellation so subscribers' calendars learn about it.
FEED_PAST = timedelta(days=183)
CANCELLED_GRACE = timedelta(days=30)


def visible_events(index, now=None):
    """Events below `index` that the public may see: live, not private, not expired."""
    now = now or timezone.now()
    return (
        EventPage.objects.child_of(index)
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
    if month := filters.get("monat"):
        year, number = (int(part) for part in month.split("-"))
        tz = timezone.get_current_timezone()
        first = datetime.combine(datetime(year, number, 1), time.min, tz)
        last_day = calendar.monthrange(year, number)[1]
        after = datetime.combine(datetime(year, number, last_day), time.min, tz) + timedelta(days=1)
        events = events.filter(
            pk__in=EventDate.objects.filter(start__lt=after, end__gte=first).values("page_id")
        )
    return events


def with_listing_data(events, dates_from=None):
    """Venue, audiences and the dates (from `dates_from` on, by start) in 3 queries total."""
    dates = EventDate.objects.order_by("start", "pk")
    if dates_from is not None:
        dates = dates.filter(end__gte=dates_from)
    return events.select_related("venue").prefetch_related(
        Prefetch("dates", queryset=dates, to_attr="listed_dates"), "audiences"
    )


def upcoming_events(index, filters=None, now=None):
    """Events with a date that has not ended, once each, by their next date."""
    now = now or timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    events = events.annotate(next_start=Min("dates__start", filter=Q(dates__end__gte=now)))
    events = events.filter(next_start__isnull=False).order_by("next_start", "pk")
    return with_listing_data(events, dates_from=now)


def past_events(index, filters=None, now=None):
    """Events whose every date has ended, the most recent first (the archive)."""
    now = now or timezone.now()
    events = apply_filters(visible_events(index, now), filters or {})
    events = events.annotate(last_end=Max("dates__end")).filter(last_end__lt=now)
    return with_listing_data(events.order_by("-last_end", "pk"))


def feed_dates(events, now=None, window=True):
    """The dates a calendar file contains, for an EventPage queryset.

    With `window`, only dates that ended less than `FEED_PAST` ago; cancelled events only
    until `CANCELLED_GRACE` after their cancellation.
    """
    now = now or timezone.now()
    dates = EventDate.objects.filter(page__in=events.values("pk"))
    if window:
        dates = dates.filter(end__gte=now - FEED_PAST).filter(
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


def feed_version(dates):
    """One aggregate query that changes whenever the feed's content can have changed.

    Count and id sum catch added/removed dates and unpublished events, the maxima catch
    edits of dates, of the events (every publish sets `last_published_at`) and of venues.
    """
    return dates.order_by().aggregate(
        count=Count("pk"),
        id_sum=Sum("pk"),
        dates_modified=Max("last_modified"),
        events_published=Max("page__last_published_at"),
        venues_modified=Max("page__venue__updated_at"),
    )


def upcoming_for_home(limit=3, now=None, *, site_root_path: str | None = None):
    """The next `limit` public events of one site (`site_root_path`: the tree path of its
    root page, see `kinderschutz_cms.sites`) that have not started, with the seats left,
    for the home page: one query. Events of every calendar of that site count, no other
    site's. Without `site_root_path`, of all sites (tests of the counts only; the home page
    always names its site).

    The next start is a subquery rather than a join, so that counting registrations
    in the same query does not multiply rows.
    """
    from registrations.queries import annotate_counts

    now = now or timezone.now()
    next_start = (
        EventDate.objects.filter(page=OuterRef("pk"), start__gte=now)
        .order_by("start")
        .values("start")[:1]
    )
    events = annotate_counts(
        EventPage.objects.live()
        .filter(public_q())
        .filter(path__startswith=site_root_path or "")
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .exclude(status=EventStatus.CANCELLED)
        .annotate(next_start=Subquery(next_start))
        .filter(next_start__isnull=False),
        now,
    ).order_by("next_start", "pk")[:limit]
    return [
        HomeTeaser(
            page=event,
            start=event.next_start,
            seats_left=(
                max(event.capacity - event.seats_taken, 0)
                if event.registration_enabled and event.capacity is not None
                else None
            ),
            waitlist=event.waitlist_enabled,
        )
        for event in events
    ]


@dataclass(frozen=True)
class HomeTeaser:
    """An upcoming event as the home page shows it. `seats_left` None: no limit shown."""

    page: EventPage
    start: datetime
    seats_left: int | None = None
    waitlist: bool = False
