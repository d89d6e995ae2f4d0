"""The registration service: the only code that changes a registration.

Every function that can change who holds a seat runs in one transaction that first takes
the **event lock** (`_lock_event`):

- PostgreSQL: `SELECT ... FOR UPDATE` on the event's row (and then on its workshops), so
  concurrent registrations for the same event queue up on that row; other events are not
  affected.
- SQLite: the connection runs every transaction as `BEGIN IMMEDIATE` (see
  `kinderschutz_cms.settings.base.database_from_env`), so `transaction.atomic()` already
  holds the database's write lock before the seats are counted.

Inside the lock the seats are counted, the registration is inserted (or changed) and, when
a seat is freed, the waitlist moves up in order (`created_at`, `id`). E-mails are written
to the outbox (`EmailMessage`) in the same transaction and handed to the task queue only
after the commit (`transaction.on_commit`), so a failing mail server never loses or blocks
a registration, and a rolled back registration never sends mail.

Errors a person can cause raise `RegistrationError` with a German message; views show it.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import conf
from .choices import EventStatus
from .models import (
    BookingStatus,
    EmailKind,
    EmailMessage,
    EmailStatus,
    EventPage,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopBooking,
)
from .models.registrations import ACTIVE_STATUSES, new_secret, normalise_email, split_email_list

logger = logging.getLogger(__name__)

SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_APPROVAL)


class RegistrationError(Exception):
    """A refusal a person can understand (German message); nothing was changed."""

    def __init__(self, message, code="invalid", status=409):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status = status


class AlreadyRegistered(RegistrationError):
    def __init__(self):
        super().__init__(
            _(
                "Mit dieser E-Mail-Adresse besteht bereits eine Anmeldung für diese "
                "Veranstaltung. Den Link zu Ihrer Anmeldung finden Sie in unserer E-Mail."
            ),
            code="duplicate",
        )


# --------------------------------------------------------------------------- queries


def seat_holding_q(now=None, prefix=""):
    """Registrations that occupy a seat: confirmed, awaiting approval, or a live hold."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": SEAT_HOLDING}) | Q(
        **{
            f"{prefix}status": RegistrationStatus.PENDING_EMAIL,
            f"{prefix}hold_expires_at__gt": now,
        }
    )


def seats_taken(event, now=None):
    return Registration.objects.filter(seat_holding_q(now), event=event).count()


def workshop_seats_taken(workshop_ids):
    """{workshop_id: confirmed bookings} for the given workshops (one query)."""
    rows = (
        WorkshopBooking.objects.filter(
            workshop_id__in=list(workshop_ids), status=BookingStatus.CONFIRMED
        )
        .values("workshop_id")
        .annotate(n=Count("id"))
    )
    return {row["workshop_id"]: row["n"] for row in rows}


def annotate_counts(events, now=None):
    """EventPage queryset with `seats_taken`, `waitlisted` and `pending` (one query).

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


def event_start(event):
    first = event.dates.order_by("start").first()
    return first.start if first else None


def event_end(event):
    last = event.dates.order_by("-end").first()
    return last.end if last else None


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


def availability(event, now=None):
    """Whether `event` takes registrations now, and the seats left (2 queries)."""
    now = now or timezone.now()
    if not event.registration_enabled:  # no query for events without registration
        return Availability(
            is_open=False, message=_("Für diese Veranstaltung ist keine Anmeldung möglich.")
        )
    start = event_start(event)
    deadline = event.registration_deadline or start
    result = Availability(
        is_open=False,
        capacity=event.capacity,
        deadline=deadline,
        opens_at=event.registration_opens_at,
    )
    if event.status == EventStatus.CANCELLED:
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
    if event.capacity is not None:
        result.seats_left = max(event.capacity - seats_taken(event, now), 0)
        if result.seats_left == 0:
            if not event.waitlist_enabled:
                result.message = _("Die Veranstaltung ist ausgebucht.")
                return result
            result.waitlist = True
    result.is_open = True
    return result


def workshop_slots(event):
    """[(time_slot, [workshop, ...])] of the slots with parallel workshops, each workshop
    with `seats_left` (None = unlimited); 2 queries."""
    from .models import TimeSlot

    slots = list(
        TimeSlot.objects.filter(page_id=event.pk, kind="workshops")
        .prefetch_related("workshops")
        .order_by("sort_order", "start", "pk")
    )
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


# --------------------------------------------------------------------------- locking


def _skip_lock():
    return bool(getattr(settings, "REGISTRATION_TEST_SKIP_LOCK", False))


def _race_delay():
    delay = float(getattr(settings, "REGISTRATION_TEST_RACE_DELAY", 0) or 0)
    if delay:
        time.sleep(delay)


def _lock_event(event_id):
    """Take the event lock inside the current transaction and return the fresh event.

    All writers lock the event first and its workshops second, so they cannot deadlock.
    """
    event = EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)
    list(
        Workshop.objects.select_for_update(of=("self",))
        .filter(time_slot__page_id=event_id)
        .values_list("pk", flat=True)
    )
    return event


# --------------------------------------------------------------------------- e-mail


def queue_email(kind, registration=None, *, event=None, recipient=None, throttle=False):
    """Write an outbox row now and send it after the commit (see events.tasks).

    With `throttle` (mails a person's own action causes: registering, cancelling) a
    recipient over `REGISTRATION_MAIL_LIMIT` gets no mail: the row is recorded as
    suppressed and never sent (see `_mail_limit_reached`); the action itself goes on.
    """
    from .emails import subject_for

    event = event or registration.event
    recipient = recipient or registration.email
    if "\n" in recipient or "\r" in recipient:
        raise ValueError("invalid recipient")
    suppressed = throttle and _mail_limit_reached(recipient)
    message = EmailMessage.objects.create(
        registration=registration,
        event=event,
        kind=kind,
        recipient=recipient,
        subject=subject_for(kind, event)[:255],
        status=EmailStatus.SUPPRESSED if suppressed else EmailStatus.QUEUED,
    )
    if suppressed:
        logger.warning("E-mail %s suppressed: mail limit of its recipient reached", message.pk)
    else:
        transaction.on_commit(lambda: enqueue_email(message.pk))
    return message


def _mail_limit_reached(recipient, now=None):
    """Mail bombing guard: has `recipient` had `REGISTRATION_MAIL_LIMIT` mails (not
    counting suppressed ones and notices to the coordination) within its window?

    Counted in the outbox itself (one query on `created_at`), so every process agrees
    and the count includes mails of the current transaction.
    """
    limit = conf.limit("REGISTRATION_MAIL_LIMIT")
    if not limit:
        return False
    count, window = limit
    now = now or timezone.now()
    recent = (
        EmailMessage.objects.filter(
            created_at__gte=now - timedelta(seconds=window), recipient__iexact=recipient.strip()
        )
        .exclude(status=EmailStatus.SUPPRESSED)
        .exclude(kind=EmailKind.COORDINATOR_NOTICE)
    )
    return recent.count() >= count


def enqueue_email(message_id, run_after=None):
    """Hand a message to the task queue; if that fails, `retry_emails` picks it up."""
    from .tasks import send_email_message

    try:
        task = send_email_message
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        task.enqueue(message_id)
    except Exception as exc:  # the queue being down must never break a registration
        logger.warning("Could not enqueue e-mail %s: %s", message_id, type(exc).__name__)


def _notify_coordinators(registration):
    for address in split_email_list(registration.event.coordinator_emails):
        queue_email(
            EmailKind.COORDINATOR_NOTICE,
            registration,
            recipient=address,
        )


# --------------------------------------------------------------------------- register


def _placement(event, now, exclude_pk=None):
    """The status a new (or newly confirmed) registration gets, or an error if full."""
    if event.capacity is not None:
        qs = Registration.objects.filter(seat_holding_q(now), event=event)
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        taken = qs.count()
        _race_delay()
        if taken >= event.capacity:
            if event.waitlist_enabled:
                return RegistrationStatus.WAITLISTED
            raise RegistrationError(_("Die Veranstaltung ist leider ausgebucht."), code="full")
    else:
        _race_delay()
    if event.approval_required:
        return RegistrationStatus.PENDING_APPROVAL
    return RegistrationStatus.CONFIRMED


def _check_open(event, now):
    info = availability(event, now)
    if not info.is_open:
        raise RegistrationError(info.message, code="closed")


def _sector_of(organisation):
    """The sector of the member organisation with this exact name, or "" (one query)."""
    from members.models import MemberPage

    if not organisation:
        return ""
    member = (
        MemberPage.objects.filter(title__iexact=organisation.strip())
        .select_related("sector")
        .first()
    )
    return str(member.sector)[:200] if member and member.sector else ""


def register(event, data, *, workshops=None, language=None, now=None):
    """Register a person for `event`; returns the new `Registration`.

    `data` holds the cleaned form fields (first_name, last_name, email, organisation,
    role, phone, answers, health_consent). `workshops` maps time slot ids to
    `(workshop_id, wants_waitlist)`.

    Outcome: CONFIRMED, WAITLISTED, PENDING_APPROVAL, or PENDING_EMAIL (double opt-in;
    then the seat is held for `double_opt_in_hold_hours` if there was one). Raises
    `RegistrationError` if registration is closed, the event (without waitlist) or a
    chosen workshop (without waitlist) is full, or the e-mail is already registered.
    """
    now = now or timezone.now()
    workshops = workshops or {}
    email = normalise_email(data["email"])
    # Looked up before the lock is taken: the lock is held only for counting and writing.
    data = {**data, "organisation_sector": _sector_of(data.get("organisation", ""))}
    if _skip_lock():
        # Test-only: the unsafe variant the concurrency control test must catch.
        # Seats are counted outside any transaction, then inserted in a separate one.
        status = _placement(event, now)
        with transaction.atomic():
            return _insert(event, data, email, status, workshops, language, now)
    try:
        with transaction.atomic():
            locked = _lock_event(event.pk)
            _check_open(locked, now)
            _release_expired_holds(locked, now)
            if Registration.objects.filter(
                event=locked, email_normalised=email, status__in=ACTIVE_STATUSES
            ).exists():
                raise AlreadyRegistered()
            status = _placement(locked, now)
            return _insert(locked, data, email, status, workshops, language, now)
    except IntegrityError as exc:
        # The unique constraint is the last line of defence against a double submit.
        text = str(exc)
        if "registration_one_active_per_email" in text or "email_normalised" in text:
            raise AlreadyRegistered() from None
        raise


def _insert(event, data, email, status, workshops, language, now):
    pending_email = event.double_opt_in
    holds_seat = status in SEAT_HOLDING
    registration = Registration(
        event=event,
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
    for slot_id, (workshop_id, _wants_waitlist) in workshops.items():
        WorkshopBooking.objects.create(
            registration=registration,
            workshop_id=workshop_id,
            time_slot_id=slot_id,
            status=BookingStatus.REQUESTED,
            created_at=now,
        )
    if registration.status in SEAT_HOLDING or registration.hold_expires_at:
        _place_bookings(registration, now, strict=True)

    kind = {
        RegistrationStatus.PENDING_EMAIL: EmailKind.CONFIRM_EMAIL,
        RegistrationStatus.CONFIRMED: EmailKind.CONFIRMATION,
        RegistrationStatus.WAITLISTED: EmailKind.WAITLIST,
        RegistrationStatus.PENDING_APPROVAL: EmailKind.PENDING_APPROVAL,
    }[registration.status]
    queue_email(kind, registration, throttle=True)
    if registration.status != RegistrationStatus.PENDING_EMAIL:
        _notify_coordinators(registration)
    return registration


def _place_bookings(registration, now, strict=False):
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
            raise RegistrationError(
                _(
                    "Der Workshop „%(title)s“ ist inzwischen ausgebucht. Bitte wählen Sie einen "
                    "anderen."
                )
                % {"title": workshop.title},
                code="workshop_full",
            )
        else:
            booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])


# --------------------------------------------------------------------------- changes


def _locked_registration(registration):
    """Lock the event of `registration` and return a fresh copy of it."""
    event = _lock_event(registration.event_id)
    fresh = Registration.objects.select_related("event").get(pk=registration.pk)
    fresh.event = event
    return fresh


def confirm_email(registration, now=None):
    """Double opt-in: the link in the e-mail was used. Places the registration now:
    its held seat (or a free one) → confirmed / pending approval, else waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
        if reg.status == RegistrationStatus.CANCELLED and reg.email_confirmed_at is None:
            raise RegistrationError(
                _("Ihre Reservierung ist abgelaufen. Bitte melden Sie sich erneut an."),
                code="expired",
            )
        if reg.status != RegistrationStatus.PENDING_EMAIL:
            return reg
        try:
            status = _placement(reg.event, now, exclude_pk=reg.pk)
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
            _place_bookings(reg, now)
        queue_email(
            {
                RegistrationStatus.CONFIRMED: EmailKind.CONFIRMATION,
                RegistrationStatus.WAITLISTED: EmailKind.WAITLIST,
                RegistrationStatus.PENDING_APPROVAL: EmailKind.PENDING_APPROVAL,
            }[status],
            reg,
        )
        _notify_coordinators(reg)
        return reg


def _free_seat(reg, now, new_status, kind, throttle=False):
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
        _promote_workshop(workshop_id, now)
    if held:
        _promote_waitlist(reg.event, now)


def cancel(registration, *, by_coordinator=False, now=None):
    """Cancel a registration (self-service or by the coordination).

    Frees its seat and workshop places; the waitlists move up in the same transaction,
    and every personal link sent so far stops working (the returned registration has
    the new secret). Cancelling an already cancelled registration changes nothing. A
    person cannot cancel their own registration once the event is over
    (`RegistrationError`).
    """
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
        if not reg.is_active:
            return reg
        if not by_coordinator:
            check_self_cancel(reg, now)
        _free_seat(
            reg,
            now,
            RegistrationStatus.CANCELLED,
            EmailKind.CANCELLATION,
            throttle=not by_coordinator,
        )
        revoke_links(reg)
        return reg


def self_cancel_refusal(registration, now=None):
    """Why the person may not cancel `registration` themselves, or None if they may."""
    if not registration.is_active:
        return _("Diese Anmeldung ist nicht mehr aktiv.")
    end = event_end(registration.event)
    if end is not None and end <= (now or timezone.now()):
        return _(
            "Die Veranstaltung ist vorbei; die Anmeldung kann nicht mehr storniert werden. "
            "Bei Fragen wenden Sie sich bitte an die Netzwerkkoordination."
        )
    return None


def check_self_cancel(registration, now=None):
    refusal = self_cancel_refusal(registration, now)
    if refusal:
        raise RegistrationError(refusal, code="ended")


def reject(registration, now=None):
    """The coordination declines a registration (any active state); the seat moves on."""
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
        if not reg.is_active:
            raise RegistrationError(_("Diese Anmeldung ist nicht mehr aktiv."))
        _free_seat(reg, now, RegistrationStatus.REJECTED, EmailKind.REJECTION)
        return reg


def approve(registration, now=None):
    """The coordination accepts a registration awaiting approval (it already holds a seat)."""
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
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
    with transaction.atomic():
        reg = _locked_registration(registration)
        if reg.status != RegistrationStatus.WAITLISTED:
            raise RegistrationError(_("Diese Anmeldung steht nicht auf der Warteliste."))
        event = reg.event
        if not force and event.capacity is not None and seats_taken(event, now) >= event.capacity:
            raise RegistrationError(_("Es ist kein Platz frei."), code="full")
        _seat(reg, now)
        return reg


def _seat(reg, now):
    reg.status = (
        RegistrationStatus.PENDING_APPROVAL
        if reg.event.approval_required
        else RegistrationStatus.CONFIRMED
    )
    reg.promoted_at = now
    reg.save(update_fields=["status", "promoted_at", "updated_at"])
    _place_bookings(reg, now)
    queue_email(
        EmailKind.PROMOTION
        if reg.status == RegistrationStatus.CONFIRMED
        else EmailKind.PENDING_APPROVAL,
        reg,
    )


def _promote_waitlist(event, now):
    """Fill free seats from the waitlist, first come first served (`created_at`, `id`)."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - seats_taken(event, now)
        if free <= 0:
            return []
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).order_by("created_at", "id")
    if free is not None:
        waiting = waiting[:free]
    promoted = []
    for reg in waiting:
        reg.event = event
        _seat(reg, now)
        promoted.append(reg)
    return promoted


def _promote_workshop(workshop_id, now):
    """Give a freed workshop place to the next waitlisted booking whose registration holds
    a seat and has no confirmed workshop in that slot yet."""
    workshop = Workshop.objects.get(pk=workshop_id)
    taken = workshop_seats_taken([workshop_id]).get(workshop_id, 0)
    if workshop.capacity is not None and taken >= workshop.capacity:
        return None
    candidates = (
        WorkshopBooking.objects.filter(workshop_id=workshop_id, status=BookingStatus.WAITLISTED)
        .filter(seat_holding_q(now, "registration__"))
        .exclude(
            registration__bookings__time_slot_id=workshop.time_slot_id,
            registration__bookings__status=BookingStatus.CONFIRMED,
        )
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


def change_workshop(registration, time_slot_id, workshop_id, now=None):
    """Choose another workshop in a slot (e.g. when the wanted one is full)."""
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
        if not reg.is_active:
            raise RegistrationError(_("Diese Anmeldung ist nicht mehr aktiv."))
        freed = list(
            reg.bookings.filter(
                time_slot_id=time_slot_id, status=BookingStatus.CONFIRMED
            ).values_list("workshop_id", flat=True)
        )
        reg.bookings.filter(time_slot_id=time_slot_id).exclude(
            status=BookingStatus.CANCELLED
        ).update(status=BookingStatus.CANCELLED)
        WorkshopBooking.objects.create(
            registration=reg,
            workshop_id=workshop_id,
            time_slot_id=time_slot_id,
            status=BookingStatus.REQUESTED,
            created_at=now,
        )
        if reg.status in SEAT_HOLDING:
            _place_bookings(reg, now, strict=True)
        for wid in freed:
            _promote_workshop(wid, now)
        return reg


def mark_attended(registration, attended=True):
    """Record attendance (attendance list)."""
    with transaction.atomic():
        reg = _locked_registration(registration)
        if reg.status != RegistrationStatus.CONFIRMED:
            raise RegistrationError(_("Nur bestätigte Anmeldungen können teilnehmen."))
        reg.attended = attended
        reg.save(update_fields=["attended", "updated_at"])
        return reg


def _release_expired_holds(event, now):
    """Double opt-in: unconfirmed registrations whose hold ran out give their seat back."""
    expired = list(
        Registration.objects.filter(
            event=event,
            status=RegistrationStatus.PENDING_EMAIL,
            hold_expires_at__isnull=False,
            hold_expires_at__lte=now,
        )
    )
    for reg in expired:
        reg.event = event
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
            _promote_workshop(workshop_id, now)
    if expired:
        _promote_waitlist(event, now)
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
        with transaction.atomic():
            released += _release_expired_holds(_lock_event(event_id), now)
    return released


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
    are no longer active), and nobody who was told before (by an earlier version that did
    not mark registrations) is told twice. Returns the number of people notified.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
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


def fill_free_seats(event, now=None):
    """Give seats that are free after a publish (e.g. a raised capacity of the event or
    of a workshop) to the waitlist, in waitlist order, before any new registrant.

    Runs under the event lock, so it cannot overbook against a concurrent registration;
    queues the usual promotion e-mails. Nothing moves for a cancelled event or one that
    has begun. Returns the promoted registrations and workshop bookings.
    """
    now = now or timezone.now()
    waiting = Q(status=RegistrationStatus.WAITLISTED) | Q(bookings__status=BookingStatus.WAITLISTED)
    if not Registration.objects.filter(waiting, event_id=event.pk).exists():
        return [], []  # most publishes: nobody waits, no lock needed
    with transaction.atomic():
        event = _lock_event(event.pk)
        start = event_start(event)
        if event.status == EventStatus.CANCELLED or start is None or start <= now:
            return [], []
        _release_expired_holds(event, now)
        promoted = _promote_waitlist(event, now)
        bookings = []
        workshop_ids = Workshop.objects.filter(time_slot__page_id=event.pk).values_list(
            "pk", flat=True
        )
        for workshop_id in workshop_ids:
            while booking := _promote_workshop(workshop_id, now):
                bookings.append(booking)
        return promoted, bookings


def revoke_links(registration):
    """Invalidate every personal link sent so far (a new secret, also on `registration`,
    so links made from it afterwards work)."""
    registration.secret = new_secret()
    Registration.objects.filter(pk=registration.pk).update(secret=registration.secret)


def email_corrected(registration):
    """The coordination corrected the e-mail address of `registration` (already saved).

    The links sent to the old address stop working; an active registration gets its
    current state's e-mail again at the new address, with new links (a registration
    still awaiting e-mail confirmation: the confirmation request).
    """
    with transaction.atomic():
        reg = _locked_registration(registration)
        revoke_links(reg)
        registration.secret = reg.secret
        kind = {
            RegistrationStatus.PENDING_EMAIL: EmailKind.CONFIRM_EMAIL,
            RegistrationStatus.CONFIRMED: EmailKind.CONFIRMATION,
            RegistrationStatus.WAITLISTED: EmailKind.WAITLIST,
            RegistrationStatus.PENDING_APPROVAL: EmailKind.PENDING_APPROVAL,
        }.get(reg.status)
        if kind:
            queue_email(kind, reg)
        return reg


# --------------------------------------------------------------------------- DSGVO


PERSONAL_FIELDS = {
    "first_name": "",
    "last_name": "",
    "email": "",
    "email_normalised": "",
    "organisation": "",
    "role": "",
    "phone": "",
    "answers": {},
}


def _anonymise(queryset, now):
    """Blank the personal fields; keep status, attendance, sector and the dates."""
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    Registration.objects.filter(pk__in=ids).update(
        anonymised_at=now, secret=new_secret(), **PERSONAL_FIELDS
    )
    EmailMessage.objects.filter(registration_id__in=ids).update(recipient="", subject="")
    anonymise_log_entries(ids)
    return len(ids)


def anonymise_log_entries(registration_ids=None):
    """Wagtail's audit log names a registration in `label` (its title: the person's name)
    and may copy field values into `data`: blank both for the given registrations, or
    (None) for registrations that no longer exist (deleted in the admin)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.models import ModelLogEntry

    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration, for_concrete_model=False)
    )
    if registration_ids is None:
        existing = Registration.objects.annotate(key=Cast("pk", CharField())).values("key")
        entries = entries.exclude(object_id__in=existing)
    else:
        entries = entries.filter(object_id__in=[str(pk) for pk in registration_ids])
    return entries.update(label=str(_("anonymisiert")), data={})


def purge_expired(today=None):
    """Anonymise registrations of events that ended more than
    `REGISTRATION_RETENTION_DAYS` (default 180) days before `today`. Returns the count."""
    today = today or timezone.localdate()
    days = int(getattr(settings, "REGISTRATION_RETENTION_DAYS", 180))
    cutoff = timezone.make_aware(
        timezone.datetime.combine(today - timedelta(days=days), timezone.datetime.min.time())
    )
    from django.db.models import Max

    events = (
        EventPage.objects.annotate(last_end=Max("dates__end"))
        .filter(last_end__lt=cutoff)
        .values("pk")
    )
    now = timezone.now()
    with transaction.atomic():
        count = _anonymise(
            Registration.objects.filter(event_id__in=events, anonymised_at__isnull=True), now
        )
        # Coordinator notices of those events carry a name in their rendering context.
        EmailMessage.objects.filter(event_id__in=events).update(recipient="", subject="")
        anonymise_log_entries()  # of registrations deleted in the admin
    return count


def export_person(email):
    """All registrations of one e-mail address as plain data (Art. 15/20 DSGVO)."""
    email = normalise_email(email)
    rows = []
    regs = (
        Registration.objects.filter(email_normalised=email, anonymised_at__isnull=True)
        .select_related("event")
        .prefetch_related("bookings__workshop")
        .order_by("created_at", "id")
    )
    for reg in regs:
        rows.append(
            {
                "event": reg.event.title,
                "status": reg.status,
                "first_name": reg.first_name,
                "last_name": reg.last_name,
                "email": reg.email,
                "organisation": reg.organisation,
                "role": reg.role,
                "phone": reg.phone,
                "answers": reg.answers,
                "workshops": [
                    {"workshop": b.workshop.title, "status": b.status} for b in reg.bookings.all()
                ],
                "created_at": reg.created_at.isoformat(),
                "privacy_consent_at": reg.privacy_consent_at.isoformat()
                if reg.privacy_consent_at
                else None,
                "privacy_notice_version": reg.privacy_notice_version,
                "health_consent_at": reg.health_consent_at.isoformat()
                if reg.health_consent_at
                else None,
                "attended": reg.attended,
            }
        )
    return rows


def erase_person(email, now=None):
    """Erase one person's data on request (Art. 17 DSGVO): active registrations are
    cancelled first (so the waitlist moves up), then all are anonymised."""
    now = now or timezone.now()
    email = normalise_email(email)
    for reg in Registration.objects.filter(email_normalised=email, status__in=ACTIVE_STATUSES):
        cancel_silently(reg, now)
    with transaction.atomic():
        return _anonymise(
            Registration.objects.filter(email_normalised=email, anonymised_at__isnull=True), now
        )


def cancel_silently(registration, now=None):
    """Cancel without telling the person (erasure); the waitlist still moves up."""
    now = now or timezone.now()
    with transaction.atomic():
        reg = _locked_registration(registration)
        if reg.is_active:
            _free_seat(reg, now, RegistrationStatus.CANCELLED, None)
        return reg


def uses_row_locks():
    return connection.features.has_select_for_update


def send_reminders(today=None):
    """Queue the reminder for confirmed registrations of events whose first date is
    `reminder_days_before` days after `today`; each registration is reminded once."""
    today = today or timezone.localdate()
    from django.db.models import Min

    count = 0
    events = (
        EventPage.objects.filter(registration_enabled=True, reminder_days_before__isnull=False)
        .exclude(status=EventStatus.CANCELLED)
        .annotate(first_start=Min("dates__start"))
        .filter(first_start__gt=timezone.now())
    )
    for event in events:
        if (
            timezone.localtime(event.first_start).date()
            - timedelta(days=event.reminder_days_before)
            > today
        ):
            continue
        with transaction.atomic():
            regs = list(
                Registration.objects.select_for_update().filter(
                    event=event, status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True
                )
            )
            for reg in regs:
                reg.event = event
                reg.reminded_at = timezone.now()
                reg.save(update_fields=["reminded_at", "updated_at"])
                queue_email(EmailKind.REMINDER, reg)
                count += 1
    return count
