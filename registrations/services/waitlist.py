"""Seats and workshop places that become free go to whoever waits, in order.

Guarantees (every function here runs inside a transaction that holds the event lock,
`services.locking`, and so cannot overbook against a concurrent registration):

- The waitlist moves up first come first served (`created_at`, `id`), and only into
  seats that are free: never beyond the capacity.
- A freed workshop place goes to the next waitlisted booking whose registration holds a
  seat and has no confirmed workshop in that time slot yet.
- An expired double opt-in hold gives its seat (and workshop places) back.
- Each person who moves up gets one e-mail (through the outbox).
- Of a recurring event, each occurrence has its own seats and waitlist: a seat freed for
  one occurrence goes to the next person waiting for that occurrence only.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..errors import RegistrationError
from ..models import (
    BookingStatus,
    EmailKind,
    Registration,
    RegistrationStatus,
    WorkshopBooking,
)
from ..queries import SEAT_HOLDING, seat_holding_q, seats_taken, workshop_seats_taken
from . import locking
from .outbox import queue_email


def place_bookings(registration, now, strict=False):
    """Turn REQUESTED bookings into CONFIRMED (seat free) or WAITLISTED ones.

    With `strict` (a fresh registration) a full workshop without waitlist is an error the
    person must correct; otherwise (promotion) such a request is dropped.
    """
    requested = list(
        registration.bookings.filter(status=BookingStatus.REQUESTED).select_related("workshop")
    )
    if not requested:
        return
    taken = workshop_seats_taken(b.workshop_id for b in requested)
    waitlist = registration.event.waitlist_enabled
    for booking in requested:
        workshop = booking.workshop
        full = workshop.capacity is not None and taken.get(workshop.pk, 0) >= workshop.capacity
        if not full:
            booking.status = BookingStatus.CONFIRMED
        elif waitlist:
            booking.status = BookingStatus.WAITLISTED
        elif strict:
            raise _workshop_full(workshop)
        else:
            booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])


def book_workshops(registration, workshops, places, now, holds_seat):
    """The workshop bookings of a new registration, in one insert: `workshops` maps time
    slot ids to workshop ids, `places` the event's locked workshops by id
    (`locking.lock_workshops`). Without a seat (waitlist, no hold) they are REQUESTED
    and placed when the seat comes; with one, CONFIRMED while the workshop has places,
    else WAITLISTED, or an error (a full workshop and no waitlist: the person chooses
    another)."""
    taken = workshop_seats_taken(workshops.values()) if holds_seat else {}
    missing = set(workshops.values()) - set(places)
    if missing:  # not one of the event's workshops: as before, booked as chosen
        places = {**places, **locking.workshop_model().objects.in_bulk(missing)}
    bookings = []
    for slot_id, workshop_id in workshops.items():
        workshop = places[workshop_id]
        status = BookingStatus.REQUESTED
        if holds_seat:
            full = workshop.capacity is not None and taken.get(workshop_id, 0) >= workshop.capacity
            if not full:
                status = BookingStatus.CONFIRMED
            elif registration.event.waitlist_enabled:
                status = BookingStatus.WAITLISTED
            else:
                raise _workshop_full(workshop)
        bookings.append(
            WorkshopBooking(
                registration=registration,
                workshop_id=workshop_id,
                time_slot_id=slot_id,
                status=status,
                created_at=now,
            )
        )
    WorkshopBooking.objects.bulk_create(bookings)
    return bookings


def _workshop_full(workshop):
    return RegistrationError(
        _("Der Workshop „%(title)s“ ist inzwischen ausgebucht. Bitte wählen Sie einen anderen.")
        % {"title": workshop.title},
        code="workshop_full",
    )


def seat(reg, now):
    """Give `reg` (waitlisted, under the lock) a seat and tell the person."""
    reg.status = (
        RegistrationStatus.PENDING_APPROVAL
        if reg.event.approval_required
        else RegistrationStatus.CONFIRMED
    )
    reg.promoted_at = now
    reg.save(update_fields=["status", "promoted_at", "updated_at"])
    place_bookings(reg, now)
    queue_email(
        EmailKind.PROMOTION
        if reg.status == RegistrationStatus.CONFIRMED
        else EmailKind.PENDING_APPROVAL,
        reg,
    )


_EVERY = object()


def promote_waitlist(event, now, occurrence_date=_EVERY):
    """Fill free seats from the waitlist, first come first served (`created_at`, `id`):
    of the occurrence on `occurrence_date` (None: a single event), or, by default, of
    every occurrence someone waits for."""
    if occurrence_date is _EVERY:
        days = (
            Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
            .order_by("occurrence_date")
            .values_list("occurrence_date", flat=True)
            .distinct()
        )
        return [reg for day in list(days) for reg in promote_waitlist(event, now, day)]
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - seats_taken(event, now, occurrence_date=occurrence_date)
        if free <= 0:
            return []
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED, occurrence_date=occurrence_date
    ).order_by("created_at", "id")
    if free is not None:
        waiting = waiting[:free]
    promoted = []
    for reg in waiting:
        reg.event = event
        seat(reg, now)
        promoted.append(reg)
    return promoted


def promote_workshop(workshop_id, now):
    """Give a freed workshop place to the next waitlisted booking whose registration holds
    a seat and has no confirmed workshop in that slot yet."""
    workshop = locking.workshop_model().objects.get(pk=workshop_id)
    taken = workshop_seats_taken([workshop_id]).get(workshop_id, 0)
    if workshop.capacity is not None and taken >= workshop.capacity:
        return None
    # One subquery, not two conditions on `registration__bookings`: in `exclude()` those
    # could match two different bookings (a confirmed one in another slot would then
    # keep the person on this waitlist for ever).
    confirmed_in_slot = WorkshopBooking.objects.filter(
        registration=OuterRef("registration"),
        time_slot_id=workshop.time_slot_id,
        status=BookingStatus.CONFIRMED,
    )
    candidates = (
        WorkshopBooking.objects.filter(workshop_id=workshop_id, status=BookingStatus.WAITLISTED)
        .filter(seat_holding_q(now, "registration__"))
        .exclude(Exists(confirmed_in_slot))
        .select_related("registration__event")
        .order_by("created_at", "id")
    )
    booking = candidates.first()
    if booking is None:
        return None
    booking.status = BookingStatus.CONFIRMED
    booking.save(update_fields=["status"])
    queue_email(EmailKind.WORKSHOP_PROMOTION, booking.registration)
    return booking


def free_seat(reg, now, new_status, kind, throttle=False):
    """Move `reg` out of the active states and let the waitlists move up."""
    held = reg.status in SEAT_HOLDING or (
        reg.status == RegistrationStatus.PENDING_EMAIL
        and reg.hold_expires_at
        and reg.hold_expires_at > now
    )
    freed_workshops = list(
        reg.bookings.filter(status=BookingStatus.CONFIRMED).values_list("workshop_id", flat=True)
    )
    reg.bookings.exclude(status=BookingStatus.CANCELLED).update(status=BookingStatus.CANCELLED)
    reg.status = new_status
    reg.cancelled_at = now
    reg.save(update_fields=["status", "cancelled_at", "updated_at"])
    if kind:
        queue_email(kind, reg, throttle=throttle)
    for workshop_id in freed_workshops:
        promote_workshop(workshop_id, now)
    if held:
        promote_waitlist(reg.event, now, reg.occurrence_date)


def release_expired_holds(event, now):
    """Double opt-in: unconfirmed registrations whose hold ran out give their seat back."""
    expired = list(
        Registration.objects.filter(
            event=event,
            status=RegistrationStatus.PENDING_EMAIL,
            hold_expires_at__isnull=False,
            hold_expires_at__lte=now,
        )
    )
    days = set()
    for reg in expired:
        reg.event = event
        days.add(reg.occurrence_date)
        freed = list(
            reg.bookings.filter(status=BookingStatus.CONFIRMED).values_list(
                "workshop_id", flat=True
            )
        )
        reg.bookings.exclude(status=BookingStatus.CANCELLED).update(status=BookingStatus.CANCELLED)
        reg.status = RegistrationStatus.CANCELLED
        reg.cancelled_at = now
        reg.save(update_fields=["status", "cancelled_at", "updated_at"])
        for workshop_id in freed:
            promote_workshop(workshop_id, now)
    for day in sorted(days, key=lambda day: (day is not None, day)):
        promote_waitlist(event, now, day)
    return len(expired)


def release_unconfirmed(now=None):
    """Release every expired double opt-in hold (management command / periodic task)."""
    now = now or timezone.now()
    event_ids = set(
        Registration.objects.filter(
            status=RegistrationStatus.PENDING_EMAIL, hold_expires_at__lte=now
        ).values_list("event_id", flat=True)
    )
    released = 0
    for event_id in event_ids:
        with locking.locked_event(event_id) as event:
            released += release_expired_holds(event, now)
    return released


def fill_free_seats(event, now=None):
    """Give seats that are free after a publish (e.g. a raised capacity of the event or
    of a workshop) to the waitlist, in waitlist order, before any new registrant.

    Queues the usual promotion e-mails. Nothing moves for a cancelled event or one that
    has begun (of a series: for occurrences that have begun). Returns the promoted
    registrations and workshop bookings.
    """
    now = now or timezone.now()
    waiting = Q(status=RegistrationStatus.WAITLISTED) | Q(bookings__status=BookingStatus.WAITLISTED)
    if not Registration.objects.filter(waiting, event_id=event.pk).exists():
        return [], []  # most publishes: nobody waits, no lock needed
    with locking.locked_event(event.pk) as event:
        ahead = event.registration_occurrences(now)  # a series: its occurrences still ahead
        start = event.registration_start() if ahead is None else None
        if event.is_cancelled or (ahead is None and (start is None or start <= now)):
            return [], []
        release_expired_holds(event, now)
        if ahead is None:
            promoted = promote_waitlist(event, now)
        else:
            promoted = [
                reg
                for day in sorted({occurrence.occurrence_date for occurrence in ahead})
                for reg in promote_waitlist(event, now, day)
            ]
        bookings = []
        workshop_ids = (
            locking.workshop_model()
            .objects.filter(time_slot__page_id=event.pk)
            .values_list("pk", flat=True)
        )
        for workshop_id in workshop_ids:
            while booking := promote_workshop(workshop_id, now):
                bookings.append(booking)
        return promoted, bookings
