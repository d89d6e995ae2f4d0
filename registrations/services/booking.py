"""Booking: register, confirm the address, cancel, approve, reject, promote by hand.

Guarantees:

- Every function that can change who holds a seat runs in one transaction that first
  takes the event lock (`locking.locked_event`, `locking.locked`); inside it the seats
  are counted and the registration is inserted or changed, so no event (and no
  workshop) is ever overbooked.
- When a seat is freed the waitlist moves up in the same transaction (`waitlist`).
- E-mails are written to the outbox in the same transaction and sent after the commit
  (`outbox`): a rolled back change never sends mail.
- One active registration per e-mail address and event (checked under the lock, and by a
  unique constraint as the last line of defence).
- Recurring events take registrations per occurrence (`Registration.occurrence_date`):
  capacity, seats, waitlist and the one registration per address count per occurrence.
  The lock stays the event's (all occurrences of a series queue on one row): a
  registration for one occurrence waits for one for another, which costs nothing at a
  network's size and keeps one lock order for every writer.
- Refusals raise `RegistrationError` with a German message and a `code`; nothing changed.
"""

from datetime import timedelta

from django.apps import apps
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinderschutz_cms.sites import site_pages_q

from .. import queries
from ..errors import AlreadyRegistered, RegistrationError
from ..models import (
    ACTIVE_STATUSES,
    BookingStatus,
    EmailKind,
    EmailMessage,
    Registration,
    RegistrationStatus,
    new_secret,
    normalise_email,
)
from ..queries import SEAT_HOLDING
from . import locking, waitlist
from .outbox import mail_limit_reached, notify_coordinators, queue_email

__all__ = [
    "AlreadyRegistered",
    "RegistrationError",
    "approve",
    "cancel",
    "cancel_for_event",
    "cancel_silently",
    "confirm_email",
    "email_corrected",
    "mark_attended",
    "people_to_notify_of_cancellation",
    "promote",
    "register",
    "reject",
    "self_cancel_refusal",
]

# The e-mail that tells a person the state their registration is in.
STATE_EMAIL = {
    RegistrationStatus.PENDING_EMAIL: EmailKind.CONFIRM_EMAIL,
    RegistrationStatus.CONFIRMED: EmailKind.CONFIRMATION,
    RegistrationStatus.WAITLISTED: EmailKind.WAITLIST,
    RegistrationStatus.PENDING_APPROVAL: EmailKind.PENDING_APPROVAL,
}


_UNREAD = object()


def _placement(event, now, exclude_pk=None, taken=None, occurrence_date=None):
    """The status a new (or newly confirmed) registration gets, or an error if full.
    `taken`: the seats held, if already counted under the lock."""
    if event.capacity is not None:
        if taken is None:
            taken = queries.seats_taken(
                event, now, exclude_pk=exclude_pk, occurrence_date=occurrence_date
            )
        if taken >= event.capacity:
            if event.waitlist_enabled:
                return RegistrationStatus.WAITLISTED
            raise RegistrationError(_("Die Veranstaltung ist leider ausgebucht."), code="full")
    if event.approval_required:
        return RegistrationStatus.PENDING_APPROVAL
    return RegistrationStatus.CONFIRMED


def _check_open(event, now, start, taken, occurrence_date=None):
    info = queries.availability_from(event, now, start, taken, occurrence_date)
    if not info.is_open:
        raise RegistrationError(info.message, code="closed")


def _sector_of(event, organisation):
    """The sector of the member organisation of the event's own network (site) with this
    exact name, or "" (one query; nothing when the members app is not installed)."""
    if not organisation or not apps.is_installed("members"):
        return ""
    sector = (
        apps.get_model("members", "MemberPage")
        .objects.filter(site_pages_q(event), title__iexact=organisation.strip())
        .order_by("path")
        .values_list("sector__name", flat=True)
        .first()
    )
    return (sector or "")[:200]


def _checked_occurrence(event, occurrence, now):
    """The occurrence's day, or an error: a series needs one of its own occurrences that
    is not cancelled and still ahead; a single event none (read before the lock)."""
    if occurrence is None:
        if event.registration_occurrences(now) is not None:
            raise RegistrationError(_("Bitte wählen Sie einen Termin."), code="invalid")
        return None
    if getattr(occurrence, "page_id", None) != event.pk:
        raise RegistrationError(
            _("Dieser Termin gehört nicht zu dieser Veranstaltung."), code="invalid"
        )
    if occurrence.cancelled:
        raise RegistrationError(_("Dieser Termin fällt aus."), code="closed")
    if occurrence.start <= now:
        raise RegistrationError(
            _("Dieser Termin hat bereits begonnen oder ist vorbei."), code="closed"
        )
    return occurrence.occurrence_date


def register(
    event, data, *, workshops=None, language=None, now=None, start=_UNREAD, occurrence=None
):
    """Register a person for `event`; returns the new `Registration`.

    `data` holds the cleaned form fields (first_name, last_name, email, organisation,
    role, phone, answers, health_consent). `workshops` maps time slot ids to workshop ids.
    `start`: the event's first start (`registration_start()`), if the caller read it.
    `occurrence`: of a recurring event, the chosen occurrence (from
    `event.registration_occurrences()`; required there, refused ("invalid", "closed")
    if it is another event's, cancelled or begun); its start replaces `start`.

    Outcome: CONFIRMED, WAITLISTED, PENDING_APPROVAL, or PENDING_EMAIL (double opt-in;
    then the seat is held for `double_opt_in_hold_hours` if there was one). Raises
    `RegistrationError` if registration is closed ("closed"), the event ("full") or a
    chosen workshop ("workshop_full") is full without waitlist, or the e-mail is already
    registered ("duplicate").

    The event lock is held for four statements: lock the event row, one query for the
    seats held, the address's active registration and expired holds
    (`queries.seat_state`), insert the registration, insert its outbox row (plus, with
    workshops, their lock and one insert of the bookings; with expired holds, their
    release). Everything that does not decide who gets a seat is read before the lock:
    the organisation's sector, the event's first date (an editor moving the dates is
    not a change of seats; whether the event is cancelled, its deadline and capacity
    are read from the locked row), and whether the address has reached its mail limit.
    Nothing under the lock renders or reads back what it wrote; the e-mail is handed to
    the task queue after the commit (`outbox`).

    Why a COUNT under the lock and not a seat counter (`UPDATE ... SET taken = taken + 1
    WHERE taken < capacity`): a double opt-in hold frees its seat by time alone (no
    statement runs when it expires), registrations also change seats when the admin
    deletes them (cascades) or the retention purge anonymises them, and the capacity is
    edited in the page editor; a counter would have to be corrected in each of these
    paths and could drift, while the count is always right. The counter would also not
    save a statement: the lock is still needed for the waitlist order and the one
    registration per address, and the count is one indexed query on the locked event.
    """
    now = now or timezone.now()
    workshops = workshops or {}
    email = normalise_email(data["email"])
    # Read before the lock is taken: the lock is held only for counting and writing.
    data = {**data, "organisation_sector": _sector_of(event, data.get("organisation", ""))}
    day = _checked_occurrence(event, occurrence, now)
    if occurrence is not None:
        start = occurrence.start
    elif start is _UNREAD:
        start = event.registration_start()
    data["occurrence_date"] = day
    suppressed = mail_limit_reached(data["email"].strip())
    try:
        with locking.locked_event(event.pk, workshops=False) as locked:
            state = queries.seat_state(locked, now, email, occurrence_date=day)
            _check_open(locked, now, start, state.taken, day)
            places = locking.lock_workshops(locked.pk) if workshops else {}
            if state.expired_holds:
                if not places:
                    locking.lock_workshops(locked.pk)
                waitlist.release_expired_holds(locked, now)
                state = queries.seat_state(locked, now, email, occurrence_date=day)
            if state.already_registered:
                raise AlreadyRegistered()
            status = _placement(locked, now, taken=state.taken)
            return _insert(
                locked, data, email, status, workshops, places, language, now, suppressed
            )
    except IntegrityError as exc:
        # The unique constraint is the last line of defence against a double submit.
        text = str(exc)
        if "registration_one_active_per_email" in text or "email_normalised" in text:
            raise AlreadyRegistered() from None
        raise


def _insert(event, data, email, status, workshops, places, language, now, suppressed):
    pending_email = event.double_opt_in
    holds_seat = status in SEAT_HOLDING
    registration = Registration(
        event=event,
        occurrence_date=data.get("occurrence_date"),
        status=RegistrationStatus.PENDING_EMAIL if pending_email else status,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"].strip(),
        organisation=data.get("organisation", ""),
        organisation_sector=data.get("organisation_sector", ""),
        role=data.get("role", ""),
        phone=data.get("phone", ""),
        answers=data.get("answers") or {},
        language=(language or get_language() or "de")[:10],
        privacy_consent_at=now,
        privacy_notice_version=event.notice_version,
        health_consent_at=now if data.get("health_consent") else None,
        health_consent_version=event.notice_version if data.get("health_consent") else "",
        created_at=now,
    )
    if pending_email and holds_seat:
        registration.hold_expires_at = now + timedelta(hours=event.hold_hours)
    registration.save()
    if workshops:
        places_held = registration.status in SEAT_HOLDING or registration.hold_expires_at
        waitlist.book_workshops(registration, workshops, places, now, holds_seat=places_held)
    queue_email(
        STATE_EMAIL[registration.status], registration, throttle=True, suppressed=suppressed
    )
    if registration.status != RegistrationStatus.PENDING_EMAIL:
        notify_coordinators(registration)
    return registration


def confirm_email(registration, now=None):
    """Double opt-in: the link in the e-mail was used. Places the registration now:
    its held seat (or a free one) → confirmed / pending approval, else waitlist."""
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        if reg.status == RegistrationStatus.CANCELLED and reg.email_confirmed_at is None:
            raise RegistrationError(
                _("Ihre Reservierung ist abgelaufen. Bitte melden Sie sich erneut an."),
                code="expired",
            )
        if reg.status != RegistrationStatus.PENDING_EMAIL:
            return reg
        try:
            status = _placement(
                reg.event, now, exclude_pk=reg.pk, occurrence_date=reg.occurrence_date
            )
        except RegistrationError:
            reg.status = RegistrationStatus.CANCELLED
            reg.cancelled_at = now
            reg.save(update_fields=["status", "cancelled_at", "updated_at"])
            raise
        reg.status = status
        reg.email_confirmed_at = now
        reg.hold_expires_at = None
        reg.save(update_fields=["status", "email_confirmed_at", "hold_expires_at", "updated_at"])
        if status in SEAT_HOLDING:
            reg.bookings.filter(status=BookingStatus.CONFIRMED).update(
                status=BookingStatus.REQUESTED
            )
            waitlist.place_bookings(reg, now)
        queue_email(STATE_EMAIL[status], reg)
        notify_coordinators(reg)
        return reg


def _revoke_links(registration):
    """Invalidate every personal link sent so far (a new secret, also on `registration`,
    so links made from it afterwards work)."""
    registration.secret = new_secret()
    Registration.objects.filter(pk=registration.pk).update(secret=registration.secret)


def cancel(registration, *, by_coordinator=False, now=None):
    """Cancel a registration (self-service or by the coordination).

    Frees its seat and workshop places; the waitlists move up in the same transaction,
    and every personal link sent so far stops working (the returned registration has
    the new secret). Cancelling an already cancelled registration changes nothing. A
    person cannot cancel their own registration once the event is over ("ended").
    """
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        if not reg.is_active:
            return reg
        if not by_coordinator:
            refusal = self_cancel_refusal(reg, now)
            if refusal:
                raise RegistrationError(refusal, code="ended")
        waitlist.free_seat(
            reg,
            now,
            RegistrationStatus.CANCELLED,
            EmailKind.CANCELLATION,
            throttle=not by_coordinator,
        )
        _revoke_links(reg)
        return reg


def self_cancel_refusal(registration, now=None):
    """Why the person may not cancel `registration` themselves, or None if they may."""
    if not registration.is_active:
        return _("Diese Anmeldung ist nicht mehr aktiv.")
    if registration.occurrence_date is not None:
        end = registration.occurrence_end()  # None if it is gone: cancelling stays possible
    else:
        end = registration.event.registration_end()
    if end is not None and end <= (now or timezone.now()):
        return _(
            "Die Veranstaltung ist vorbei; die Anmeldung kann nicht mehr storniert werden. "
            "Bei Fragen wenden Sie sich bitte an die Netzwerkkoordination."
        )
    return None


def cancel_silently(registration, now=None):
    """Cancel without telling the person (erasure, deletion in the admin); the waitlist
    still moves up."""
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        if reg.is_active:
            waitlist.free_seat(reg, now, RegistrationStatus.CANCELLED, None)
        return reg


def reject(registration, now=None):
    """The coordination declines a registration (any active state); the seat moves on."""
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        if not reg.is_active:
            raise RegistrationError(_("Diese Anmeldung ist nicht mehr aktiv."), code="inactive")
        waitlist.free_seat(reg, now, RegistrationStatus.REJECTED, EmailKind.REJECTION)
        return reg


def approve(registration, now=None):
    """The coordination accepts a registration awaiting approval (it already holds a seat)."""
    with locking.locked(registration) as reg:
        if reg.status != RegistrationStatus.PENDING_APPROVAL:
            raise RegistrationError(_("Diese Anmeldung wartet nicht auf Bestätigung."))
        reg.status = RegistrationStatus.CONFIRMED
        reg.save(update_fields=["status", "updated_at"])
        queue_email(EmailKind.APPROVAL, reg)
        return reg


def promote(registration, *, force=False, now=None):
    """Move one waitlisted registration up by hand (coordination).

    Without `force` only if a seat is free; with `force` also beyond the capacity.
    """
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        if reg.status != RegistrationStatus.WAITLISTED:
            raise RegistrationError(_("Diese Anmeldung steht nicht auf der Warteliste."))
        event = reg.event
        if (
            not force
            and event.capacity is not None
            and queries.seats_taken(event, now, occurrence_date=reg.occurrence_date)
            >= event.capacity
        ):
            raise RegistrationError(_("Es ist kein Platz frei."), code="full")
        waitlist.seat(reg, now)
        return reg


def mark_attended(registration, attended=True):
    """Record attendance (attendance list)."""
    with locking.locked(registration) as reg:
        if reg.status != RegistrationStatus.CONFIRMED:
            raise RegistrationError(_("Nur bestätigte Anmeldungen können teilnehmen."))
        reg.attended = attended
        reg.save(update_fields=["attended", "updated_at"])
        return reg


def email_corrected(registration):
    """The coordination corrected the e-mail address of `registration` (already saved).

    The links sent to the old address stop working; an active registration gets its
    current state's e-mail again at the new address, with new links (a registration
    still awaiting e-mail confirmation: the confirmation request).
    """
    with locking.locked(registration) as reg:
        _revoke_links(reg)
        registration.secret = reg.secret
        kind = STATE_EMAIL.get(reg.status)
        if kind:
            queue_email(kind, reg)
        return reg


def people_to_notify_of_cancellation(event):
    """How many registrants a cancellation of `event` would e-mail (the active ones)."""
    return (
        Registration.objects.filter(event_id=event.pk, status__in=ACTIVE_STATUSES)
        .exclude(emails__kind=EmailKind.EVENT_CANCELLED)
        .count()
    )


def cancel_for_event(event, now=None):
    """The organiser cancelled `event` (published with status "abgesagt"): every active
    registration becomes EVENT_CANCELLED ("abgesagt durch Veranstalter"), so it no longer
    holds a seat and exports show why, and each person gets one EVENT_CANCELLED e-mail
    (with the event's `cancellation_message` and a METHOD:CANCEL calendar file).

    Nobody moves up from the waitlist. Publishing again changes nothing (the registrations
    are no longer active), and nobody who was told before is told twice. Returns the
    number of people notified.
    """
    now = now or timezone.now()
    with locking.locked_event(event.pk) as event:
        regs = list(Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES))
        told = set(
            EmailMessage.objects.filter(
                registration__in=regs, kind=EmailKind.EVENT_CANCELLED
            ).values_list("registration_id", flat=True)
        )
        for reg in regs:
            reg.event = event
            reg.bookings.exclude(status=BookingStatus.CANCELLED).update(
                status=BookingStatus.CANCELLED
            )
            reg.status = RegistrationStatus.EVENT_CANCELLED
            reg.cancelled_at = now
            reg.hold_expires_at = None
            reg.secret = new_secret()  # links sent before stop working, as on any cancellation
            reg.save(
                update_fields=["status", "cancelled_at", "hold_expires_at", "secret", "updated_at"]
            )
            if reg.pk not in told:
                queue_email(EmailKind.EVENT_CANCELLED, reg)
        return len(regs) - len(told)
