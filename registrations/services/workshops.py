"""Changing the chosen workshop of a Fachtag (the participant, from the personal page).

Guarantees:

- `change_workshop` runs in one transaction that first takes the event lock
  (`locking.locked`), like booking: the workshop's seats are counted under it, so two
  participants changing into the last seat cannot both get it; a workshop is never
  overbooked.
- The new workshop is placed like a fresh booking: a seat if one is free, else its
  waitlist (if the event has one), else `RegistrationError("workshop_full")` and nothing
  changed (the old workshop is kept).
- The seat given up in the old workshop moves that workshop's waitlist up in the same
  transaction (`waitlist.promote_workshop`), with its e-mail.
- The person gets the e-mail of their current state again (for a confirmed seat: the
  confirmation), listing the new workshops; through the outbox, sent after the commit.
- Allowed only while the registration is active and the event takes registrations (not
  cancelled, before the registration deadline or the start).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..errors import RegistrationError
from ..models import BookingStatus, RegistrationStatus, WorkshopBooking
from ..queries import SEAT_HOLDING
from . import locking, waitlist
from .booking import STATE_EMAIL
from .outbox import queue_email

__all__ = ["change_workshop", "change_refusal"]


def change_refusal(registration, now=None):
    """Why the person may not change workshops now, or None if they may."""
    now = now or timezone.now()
    event = registration.event
    if not registration.is_active:
        return _("Diese Anmeldung ist nicht mehr aktiv.")
    if event.is_cancelled:
        return _("Die Veranstaltung ist abgesagt.")
    deadline = event.registration_deadline or event.registration_start()
    if deadline is None or deadline <= now:
        return _(
            "Workshops können nur bis zum Anmeldeschluss geändert werden. Bei Fragen wenden "
            "Sie sich bitte an die Netzwerkkoordination."
        )
    return None


def change_workshop(registration, time_slot_id, workshop_id, now=None):
    """Choose workshop `workshop_id` in time slot `time_slot_id` instead of the current one.

    Returns the registration (fresh). Choosing the workshop one already has changes
    nothing and sends nothing. Raises `RegistrationError`: "closed" (see
    `change_refusal`), "invalid" (no workshop of this event's workshop slot),
    "workshop_full" (full without waitlist; the old choice stays).
    """
    now = now or timezone.now()
    with locking.locked(registration) as reg:
        refusal = change_refusal(reg, now)
        if refusal:
            raise RegistrationError(refusal, code="closed")
        slot_ids = {slot.pk for slot in reg.event.registration_workshop_slots()}
        workshop = (
            locking.workshop_model()
            .objects.filter(pk=workshop_id, time_slot_id=time_slot_id)
            .first()
        )
        if workshop is None or int(time_slot_id) not in slot_ids:
            raise RegistrationError(_("Bitte wählen Sie einen Workshop aus der Liste."))
        current = reg.bookings.filter(time_slot_id=time_slot_id).exclude(
            status=BookingStatus.CANCELLED
        )
        if [b.workshop_id for b in current] == [workshop.pk]:
            return reg
        freed = [b.workshop_id for b in current if b.status == BookingStatus.CONFIRMED]
        current.update(status=BookingStatus.CANCELLED)
        WorkshopBooking.objects.create(
            registration=reg,
            workshop=workshop,
            time_slot_id=workshop.time_slot_id,
            status=BookingStatus.REQUESTED,
            created_at=now,
        )
        holds_seat = reg.status in SEAT_HOLDING or (
            reg.status == RegistrationStatus.PENDING_EMAIL
            and reg.hold_expires_at
            and reg.hold_expires_at > now
        )
        if holds_seat:
            waitlist.place_bookings(reg, now, strict=True)
        for freed_id in freed:
            waitlist.promote_workshop(freed_id, now)
        queue_email(STATE_EMAIL[reg.status], reg, throttle=True)
        return reg
