"""Read-only questions about seats: who holds one, how many are left, whether an event
takes registrations now. Nothing here writes.

`annotate_counts` is the one function listings (calendar, home page, admin explorer,
dashboard) use to show seat counts: one query for any number of events.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinderschutz_cms import frame

from .models import (
    ACTIVE_STATUSES,
    BookingStatus,
    Registration,
    RegistrationStatus,
    WorkshopBooking,
)

SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_APPROVAL)


def seat_holding_q(now=None, prefix=""):
    """Registrations that occupy a seat: confirmed, awaiting approval, or a live hold."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": SEAT_HOLDING}) | Q(
        **{
            f"{prefix}status": RegistrationStatus.PENDING_EMAIL,
            f"{prefix}hold_expires_at__gt": now,
        }
    )


def seats_taken(event, now=None, exclude_pk=None, occurrence_date=None):
    """The seats of `event` held now (by registrations other than `exclude_pk`); of a
    recurring event, those of the occurrence on `occurrence_date` (None: a single event,
    whose registrations have no occurrence)."""
    qs = Registration.objects.filter(
        seat_holding_q(now), event=event, occurrence_date=occurrence_date
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def seats_taken_by_event(event_ids, now=None) -> dict[int, int]:
    """{event id: seats held now} of the events `event_ids` (one query, none without
    ids; an event without a seat held is missing), counted as `annotate_counts` counts
    them: for the calendar's and home page's lists, which know their events ahead."""
    if not event_ids:
        return {}
    rows = (
        Registration.objects.filter(seat_holding_q(now), event_id__in=event_ids)
        .order_by()
        .values_list("event_id")
        .annotate(taken=Count("pk"))
    )
    return dict(rows)


@dataclass
class SeatState:
    """What a registration needs to know under the event lock (`seat_state`)."""

    taken: int  # seats held now
    expired_holds: int  # double opt-in holds that ran out but still hold their row
    already_registered: bool  # the e-mail address has an active registration


def expired_holds_q(now):
    return Q(
        status=RegistrationStatus.PENDING_EMAIL,
        hold_expires_at__isnull=False,
        hold_expires_at__lte=now,
    )


def seat_state(event, now=None, email_normalised=None, occurrence_date=None):
    """Seats held, expired holds and whether `email_normalised` is actively registered
    for `event` (of a series: for the occurrence on `occurrence_date`): one query
    (conditional counts over the event's registrations). Expired holds are counted over
    the whole event, as `waitlist.release_expired_holds` releases them all."""
    now = now or timezone.now()
    this = Q(occurrence_date=occurrence_date)
    counts = {
        "taken": Count("pk", filter=seat_holding_q(now) & this),
        "expired_holds": Count("pk", filter=expired_holds_q(now)),
    }
    if email_normalised:
        counts["same_email"] = Count(
            "pk",
            filter=Q(email_normalised=email_normalised, status__in=ACTIVE_STATUSES) & this,
        )
    row = Registration.objects.filter(event=event).aggregate(**counts)
    return SeatState(
        taken=row["taken"] or 0,
        expired_holds=row["expired_holds"] or 0,
        already_registered=bool(row.get("same_email")),
    )


def occurrence_seats_taken(event, now=None):
    """{occurrence_date: seats held} of a recurring event's occurrences (one query)."""
    rows = (
        Registration.objects.filter(seat_holding_q(now), event=event, occurrence_date__isnull=False)
        .order_by()
        .values("occurrence_date")
        .annotate(n=Count("pk"))
    )
    return {row["occurrence_date"]: row["n"] for row in rows}


def occurrence_counts(pairs, now=None) -> dict[tuple[int, object], tuple[int, int]]:
    """{(event_id, occurrence_date): (seats held, waitlisted)} for the given (event id,
    occurrence date) pairs of recurring events (one query, none without pairs); a pair
    without registrations is (0, 0). Listings of series show these per-date figures
    instead of `annotate_counts`' sums over all dates."""
    pairs = set(pairs)
    counts = dict.fromkeys(pairs, (0, 0))
    if not pairs:
        return counts
    rows = (
        Registration.objects.filter(
            event_id__in={event_id for event_id, _day in pairs},
            occurrence_date__in={day for _event_id, day in pairs},
        )
        .order_by()
        .values("event_id", "occurrence_date")
        .annotate(
            taken=Count("pk", filter=seat_holding_q(now)),
            waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
    )
    for row in rows:
        key = (row["event_id"], row["occurrence_date"])
        if key in counts:
            counts[key] = (row["taken"], row["waitlisted"])
    return counts


def next_date_counts(event_ids, now=None) -> dict[int, tuple[object, int, int]]:
    """{event_id: (occurrence_date, seats held, waitlisted)} of the next date (today or
    later) with registrations of each given event that takes registrations per date (one
    query); events without per-date registrations are left out, a series whose dated
    registrations all lie in the past gets (None, 0, 0). For listings that know no more
    of a series than its registrations (explorer buttons, dashboard).

    Past dates are never read: per event, the next day is the first entry of the
    (event, occurrence_date) index from today on, and only that day's registrations are
    counted, so a series running for years costs what a new one does.

    "Next" is by day, today included, as long as the day lasts: a registration knows the
    day of its occurrence, not its hours. The calendar lists an occurrence until it ended
    (`end >= now`); registering for it closes when it starts (`start > now`). These stay
    different on purpose: visitors see today's course while it runs, and no one signs
    up for one that has begun; the counts of today's date are what a coordinator at the
    door needs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    event_ids = list(event_ids)
    if not event_ids:
        return {}
    events = Registration._meta.get_field("event").related_model.objects
    next_day = (
        Registration.objects.filter(event=OuterRef("pk"), occurrence_date__gte=today)
        .order_by("occurrence_date")
        .values("occurrence_date")[:1]
    )

    def on_next_day(condition):
        rows = (
            Registration.objects.filter(
                condition, event=OuterRef("pk"), occurrence_date=OuterRef("next_day")
            )
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    rows = (
        events.filter(pk__in=event_ids)
        .filter(
            Exists(Registration.objects.filter(event=OuterRef("pk"), occurrence_date__isnull=False))
        )
        .annotate(next_day=Subquery(next_day))
        .annotate(
            taken=on_next_day(seat_holding_q(now)),
            waitlisted=on_next_day(Q(status=RegistrationStatus.WAITLISTED)),
        )
        .order_by()
        .values_list("pk", "next_day", "taken", "waitlisted")
    )
    return {
        pk: (day, taken, waitlisted) if day is not None else (None, 0, 0)
        for pk, day, taken, waitlisted in rows
    }


def workshop_seats_taken(workshop_ids):
    """{workshop_id: confirmed bookings} for the given workshops (one query, none
    without workshops)."""
    workshop_ids = list(workshop_ids)
    if not workshop_ids:
        return {}
    rows = (
        WorkshopBooking.objects.filter(workshop_id__in=workshop_ids, status=BookingStatus.CONFIRMED)
        .values("workshop_id")
        .annotate(n=Count("id"))
    )
    return {row["workshop_id"]: row["n"] for row in rows}


def annotate_counts(events, now=None):
    """An event queryset with `seats_taken`, `waitlisted` and `pending` (one query).

    Each count is a correlated subquery, not a join: the queryset may join other rows
    (e.g. `Min("dates__start")`) without multiplying the registrations per date.
    """
    now = now or timezone.now()
    pending = Q(status__in=[RegistrationStatus.PENDING_APPROVAL, RegistrationStatus.PENDING_EMAIL])
    return events.annotate(
        seats_taken=_registration_count(seat_holding_q(now)),
        waitlisted=_registration_count(Q(status=RegistrationStatus.WAITLISTED)),
        pending=_registration_count(pending),
    )


def upcoming_with_counts(events, limit=10, now=None):
    """The `limit` events of `events` whose next date (the first that has not ended) comes
    first, in that order, annotated `next_start` and with `annotate_counts`.

    Bounded by the rows shown, not by all events (issue #19: a Land's 10,000): the dates
    are read in start order from their index, `limit` × 10 at a time, until `limit`
    distinct events are found (one query unless events have many dates ahead); only those
    events are then counted (one query).
    """
    from django.db.models import Min

    now = now or timezone.now()
    date_model = events.model._meta.get_field("dates").related_model
    # EXISTS, not `page__in=events`: with an IN list SQLite reads the dates of every
    # listed event through the page index and sorts them all (a Land: 20,000 dates, 90 ms
    # on the dashboard); with EXISTS it walks the start index and stops at the limit.
    dates = (
        date_model.objects.filter(Exists(events.filter(pk=OuterRef("page_id"))), end__gte=now)
        .order_by("start", "pk")
        .values_list("page_id", flat=True)
    )
    ids, batch, offset = [], limit * 10, 0
    while len(ids) < limit:
        chunk = list(dates[offset : offset + batch])
        ids.extend(pk for pk in dict.fromkeys(chunk) if pk not in ids)
        if len(chunk) < batch:
            break
        offset += batch
    ids = ids[:limit]
    if not ids:
        return []
    shown = events.filter(pk__in=ids).annotate(
        next_start=Min("dates__start", filter=Q(dates__end__gte=now))
    )
    return list(annotate_counts(shown, now).order_by("next_start", "pk"))


def _registration_count(condition):
    """The number of the outer event's registrations matching `condition` (a subquery)."""
    rows = (
        Registration.objects.filter(condition, event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@dataclass
class Availability:
    """What the registration box shows and whether the form is offered."""

    is_open: bool
    message: str = ""
    capacity: int | None = None
    seats_left: int | None = None
    waitlist: bool = False
    deadline: object = None
    opens_at: object = None
    workshops_left: dict = field(default_factory=dict)
    # A recurring event: the occurrences one can choose (`per_occurrence`); the seats
    # above are then those of `occurrence` (None: none chosen, seats not counted).
    per_occurrence: bool = False
    occurrences: list = field(default_factory=list)
    occurrence: object = None


_UNKNOWN = object()


def availability(event, now=None, *, start=_UNKNOWN, taken=_UNKNOWN, occurrence=_UNKNOWN):
    """Whether `event` takes registrations now, and the seats left (2 queries).

    `start` (the event's first start) and `taken` (seats held) may be passed in when the
    caller knows them already (no query then); `taken=None` leaves the seats uncounted
    (`seats_left` None: a full event without waitlist then counts as open).

    A recurring event (`registration_occurrences()` not None) takes registrations per
    occurrence: open while one of its occurrences is still ahead; with an `occurrence`
    chosen, its start stands for the event's (deadline "until it begins") and the seats
    are that occurrence's. One more query for the occurrences.
    """
    now = now or timezone.now()
    if not event.registration_enabled:  # no query for events without registration
        return Availability(
            is_open=False, message=_("Für diese Veranstaltung ist keine Anmeldung möglich.")
        )
    occurrences = event.registration_occurrences(now)
    if occurrences is not None:
        return _series_availability(event, now, occurrences, occurrence, taken)
    if start is _UNKNOWN:
        start = event.registration_start()
    return availability_from(event, now, start, taken)


def availability_from(event, now, start, taken=_UNKNOWN, occurrence_date=None):
    """`availability` once the start is known: the event's first start, or the chosen
    occurrence's (`occurrence_date`: whose seats count). No query but the count."""
    deadline = event.registration_deadline or start
    result = Availability(
        is_open=False,
        capacity=event.capacity,
        deadline=deadline,
        opens_at=event.registration_opens_at,
    )
    if event.is_cancelled:
        result.message = _("Die Veranstaltung ist abgesagt; eine Anmeldung ist nicht möglich.")
        return result
    if start is None or start <= now:
        result.message = _("Die Veranstaltung hat bereits begonnen oder ist vorbei.")
        return result
    if event.registration_opens_at and now < event.registration_opens_at:
        result.message = _("Die Anmeldung ist noch nicht geöffnet.")
        return result
    if deadline and now >= deadline:
        result.message = _("Der Anmeldeschluss ist vorbei.")
        return result
    if taken is _UNKNOWN:
        taken = (
            seats_taken(event, now, occurrence_date=occurrence_date)
            if event.capacity is not None
            else None
        )
    if event.capacity is not None and taken is not None:
        result.seats_left = max(event.capacity - taken, 0)
        if result.seats_left == 0:
            if not event.waitlist_enabled:
                result.message = _("Die Veranstaltung ist ausgebucht.")
                return result
            result.waitlist = True
    result.is_open = True
    return result


def _series_availability(event, now, occurrences, occurrence, taken):
    """`availability` of a recurring event (see there)."""
    if occurrence is _UNKNOWN or occurrence is None:
        result = availability_from(event, now, occurrences[0].start if occurrences else None, None)
        if not occurrences and not event.is_cancelled:
            result.message = _("Für diese Terminreihe steht kein weiterer Termin an.")
        result.per_occurrence, result.occurrences = True, occurrences
        return result
    start = occurrence.start if not occurrence.cancelled else None
    result = availability_from(event, now, start, taken, occurrence.occurrence_date)
    result.per_occurrence, result.occurrences, result.occurrence = True, occurrences, occurrence
    return result


def page_availability(event):
    """`availability(event)` counted once per page object: the registration box and the
    event page's search-engine data (`events.jsonld`) share one count per request."""
    cached = event.__dict__.get("_registration_availability")
    if cached is None:
        cached = event._registration_availability = availability(event)
    return cached


def workshop_slots(event):
    """[(time_slot, [workshop, ...])] of the slots with parallel workshops, each workshop
    with `seats_left` (None = unlimited); 2 queries."""
    slots = event.registration_workshop_slots()
    workshops = [w for slot in slots for w in slot.workshops.all()]
    taken = workshop_seats_taken(w.pk for w in workshops)
    result = []
    for slot in slots:
        items = list(slot.workshops.all())
        if not items:
            continue
        for workshop in items:
            workshop.seats_left = (
                None
                if workshop.capacity is None
                else max(workshop.capacity - taken.get(workshop.pk, 0), 0)
            )
        result.append((slot, items))
    return result


def registration_questions(event) -> list:
    """The extra questions of `event`'s registration form, in their order.

    Kept in the frame cache per event (`kinderschutz_cms.frame`: a new generation on every
    page change and on every saved or deleted question, `signals.connect`), so a form
    without questions, or with unchanged ones, costs no query. A page with its questions
    in memory (a preview, an unsaved page) uses those.
    """
    if event.pk is None or "registration_questions" in getattr(
        event, "_cluster_related_objects", {}
    ):
        return list(event.registration_questions.all())
    return frame.cached(
        "registration-questions",
        event.pk,
        build=lambda: list(event.registration_questions.all()),
    )
