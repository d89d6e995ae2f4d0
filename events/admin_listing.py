"""The admin's list of events ("Veranstaltungen" → "Alle Veranstaltungen").

A flat listing of every event page the user may work on (Wagtail's `PageListingViewSet`),
newest first date first, with the first date, the type, the event's status, the seats
taken / capacity and the waitlist (linked to the event's registrations for users who may
see them), and whether registration is open now. Filters: type, status, upcoming/past,
registration on/off, site; search by title. Each title links to the page editor.

A series taking registrations per date (`Occurrence` rows) shows the seats of its next
date ("nächster Termin 12.03.2027: 2/10 Plätze"), not the sum over all its dates, and counts
as open while a date lies ahead (the form offers the dates with seats left).

Queries are fixed: one for the page of events with its annotations (first and last date,
next date of a series, seat counts through `registrations.queries.annotate_counts`), one
for the per-date counts of the series on the page, plus Wagtail's own.

At a Land's size (issue #19) the default order reads the index of the stored first date
(`EventPage.first_date_start`) and stops after a page, so the per-row subqueries run for
the 20 rows shown; "upcoming/past" reads the stored `last_date_end`. Sorting by seats
taken still counts every listed event's registrations (one indexed subquery each; about
1.5× the default order's time at 10,000 events): a stored counter would have to be kept
by the booking service under its lock, which this listing does not justify.
"""

import django_filters
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTypeColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from kinderschutz_cms.admin_tables import (
    LinkColumn,
    PlainPageTitleColumn,
    ScopedPageFilters,
    SiteChoiceFilter,
    TextDateTimeColumn,
    explorable_leaf_pages,
)
from registrations.queries import annotate_counts, occurrence_counts

from .choices import EventStatus
from .models import EventPage, Occurrence

EVENT_TYPES = [
    ("trainingpage", _("Fortbildung")),
    ("fachtagpage", _("Fachtag")),
    ("networkmeetingpage", _("Netzwerktreffen")),
]


def _next_occurrence(field, now):
    rows = Occurrence.objects.filter(page=OuterRef("pk"), cancelled=False, end__gte=now)
    return Subquery(rows.order_by("start", "pk").values(field)[:1])


def annotate_events(events, now=None):
    """`events` with `first_start` and `last_end` (the stored span of the event's dates,
    `EventPage.first_date_start` / `last_date_end`: indexed, so ordering and filtering by
    them reads an index), the seat counts (`seats_taken`, `waitlisted`, `pending`) and,
    for a series, its next date (`next_occurrence_start` and the rule's
    `next_occurrence_original`), each a subquery, so no join multiplies the rows."""
    now = now or timezone.now()
    return annotate_counts(
        events.annotate(
            first_start=F("first_date_start"),
            last_end=F("last_date_end"),
            next_occurrence_start=_next_occurrence("start", now),
            next_occurrence_original=_next_occurrence("original_start", now),
        ),
        now=now,
    )


def add_occurrence_counts(events, now=None) -> None:
    """Set `occurrence_seats` ((taken, waitlisted) of the next date, one query) on the
    series among `events` (annotated by `annotate_events`); None on the others."""
    from .recurrence import local_zone

    keys = {}
    for event in events:
        event.occurrence_seats = None
        if event.recurrence_rule and event.next_occurrence_original is not None:
            day = timezone.localtime(event.next_occurrence_original, local_zone()).date()
            keys[event.pk] = (event.pk, day)
    counts = occurrence_counts(keys.values(), now)
    for event in events:
        if event.pk in keys:
            event.occurrence_seats = counts[keys[event.pk]]


def registration_is_open(event, now=None) -> bool:
    """Whether `event` (annotated by `annotate_events`) takes registrations now.

    The same rule as `registrations.queries.availability`, read from the annotations so a
    listing needs no query per row: enabled, not cancelled, not begun, opened, before the
    deadline, and a seat left or a waitlist.
    """
    now = now or timezone.now()
    if not event.registration_enabled or event.status == EventStatus.CANCELLED:
        return False
    start = event.first_start
    deadline = event.registration_deadline or start
    if start is None or start <= now:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    if deadline and now >= deadline:
        return False
    if event.recurrence_rule:
        # per date: open while a date lies ahead; the form offers those with seats left
        return getattr(event, "next_occurrence_start", None) is not None
    if event.capacity is not None and event.seats_taken >= event.capacity:
        return event.waitlist_enabled
    return True


def seats_label(event) -> str:
    """ "12/20 Plätze, 2 Warteliste", or "12 angemeldet" without a capacity; for a series
    (`occurrence_seats` set by `add_occurrence_counts`) those of its next date, prefixed
    "nächster Termin 12.03.2027:"."""
    taken, waitlisted = event.seats_taken, event.waitlisted
    seats = getattr(event, "occurrence_seats", None)
    if seats is not None:
        taken, waitlisted = seats
    if event.capacity is None:
        text = _("%(taken)s angemeldet") % {"taken": taken}
    else:
        text = _("%(taken)s/%(capacity)s Plätze") % {"taken": taken, "capacity": event.capacity}
    if waitlisted:
        text += ", " + _("%(n)s Warteliste") % {"n": waitlisted}
    if seats is not None:
        day = timezone.localtime(event.next_occurrence_start)
        text = _("nächster Termin %(date)s: %(seats)s") % {
            "date": date_format(day, "SHORT_DATE_FORMAT"),
            "seats": text,
        }
    return text


class SeatsColumn(LinkColumn):
    """Seats and waitlist, linked to the event's registrations (for users who may see
    them; others see the numbers only)."""

    def get_value(self, instance):
        if not instance.registration_enabled:
            return "–"
        return seats_label(instance)

    def get_link_url(self, instance, parent_context):
        user = parent_context["request"].user
        if instance.registration_enabled and user.has_perm("registrations.view_registration"):
            return reverse("registrations:index") + f"?event={instance.pk}"
        return None


class RegistrationOpenColumn(Column):
    def get_value(self, instance):
        if not instance.registration_enabled:
            return _("keine Anmeldung")
        return _("offen") if registration_is_open(instance) else _("geschlossen")


class EventFilterSet(ScopedPageFilters, PageFilterSet):
    site = SiteChoiceFilter()
    has_child_pages = None  # events have no child pages
    owner = None  # see ScopedPageFilters
    edited_by = None
    event_type = django_filters.ChoiceFilter(
        label=_("Art"), choices=EVENT_TYPES, method="filter_type", empty_label=_("alle")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status der Veranstaltung"), choices=EventStatus.choices, empty_label=_("alle")
    )
    when = django_filters.ChoiceFilter(
        label=_("Zeitraum"),
        choices=[("upcoming", _("bevorstehend")), ("past", _("vergangen"))],
        method="filter_when",
        empty_label=_("alle"),
    )
    registration_enabled = django_filters.BooleanFilter(label=_("Anmeldung möglich"))

    class Meta:
        model = EventPage
        fields = []

    def filter_type(self, queryset, name, value):
        return queryset.filter(content_type__model=value) if value else queryset

    def filter_when(self, queryset, name, value):
        """Upcoming: the event's last date, or its series' last occurrence
        (`recurrence_end`), ends now or later; a running series is upcoming, not past.
        Both columns are indexed."""
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(Q(last_end__gte=now) | Q(recurrence_end__gte=now))
        if value == "past":
            return queryset.filter(last_end__lt=now).exclude(recurrence_end__gte=now)
        return queryset


class EventListingIndexView(IndexView):
    # 20 rows (Wagtail's page listings show 50): with Wagtail's frame of about 65 KB, the
    # page stays under 100 KB (issue #19); the pagination pages on.
    paginate_by = 20
    default_ordering = "-first_start"
    base_filterset_class = EventFilterSet
    base_columns = [
        BulkActionsColumn("bulk_actions"),
        PlainPageTitleColumn("title", label=_("Veranstaltung"), sort_key="title"),
        TextDateTimeColumn("first_start", label=_("Datum"), sort_key="first_start"),
        PageTypeColumn(
            "type",
            label=_("Art"),
            accessor="page_type_display_name",
            sort_key="content_type__model",
        ),
        Column("status", label=_("Status der Veranstaltung"), accessor="get_status_display"),
        SeatsColumn("seats", label=_("Plätze / Warteliste"), sort_key="seats_taken"),
        RegistrationOpenColumn("registration_open", label=_("Anmeldung")),
        PageStatusColumn("page_status", label=_("Veröffentlichung"), sort_key="live"),
    ]

    def get_base_queryset(self):
        # Ranges of the tree path, so that the default order walks the
        # `first_date_start` index (see explorable_leaf_pages).
        events = self.model.objects.filter(
            explorable_leaf_pages(self.request.user, self.permission_policy)
        )
        return annotate_events(self.annotate_queryset(events))

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        order = queryset.query.order_by
        if len(order) == 1 and isinstance(order[0], str):
            # Many events share a first date (a Land's networks run the same programme):
            # the id as the last key keeps the listing's pages apart. SQLite's index on
            # `first_date_start` carries the id (the rowid) already.
            queryset = queryset.order_by(order[0], "-pk" if order[0].startswith("-") else "pk")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        add_occurrence_counts(context["object_list"])
        return context

    def get_add_url(self):
        return None  # an event is added below its calendar in the page tree


class EventListingViewSet(PageListingViewSet):
    model = EventPage
    name = "event_pages"
    url_prefix = "events/list"
    icon = "date"
    menu_label = _("Alle Veranstaltungen")
    index_view_class = EventListingIndexView
    filterset_class = EventFilterSet
