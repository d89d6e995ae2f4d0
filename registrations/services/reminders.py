"""Reminders before an event.

Guarantee: each confirmed registration of an event whose first date is at most
`reminder_days_before` days away gets exactly one reminder (`reminded_at` is set in the
transaction that queues the mail, under a row lock), and none for a cancelled event or
one that has begun. Of a recurring event, a registration is reminded before its own
occurrence (by the day the rule gives it), not before the series' next date.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import EmailKind, Registration, RegistrationStatus
from . import locking
from .outbox import queue_email


def send_reminders(today=None):
    """Queue the reminder for confirmed registrations of events whose first date is
    `reminder_days_before` days after `today` (or nearer). Returns the count."""
    today = today or timezone.localdate()
    count = 0
    events = (
        locking.event_model()
        .registration_upcoming(timezone.now())
        .filter(reminder_days_before__isnull=False)
    )
    for event in events:
        if (
            timezone.localtime(event.first_start).date()
            - timedelta(days=event.reminder_days_before)
            > today
        ):
            continue
        with transaction.atomic():
            own_date_near = Q(occurrence_date__isnull=True) | Q(
                occurrence_date__gte=today,
                occurrence_date__lte=today + timedelta(days=event.reminder_days_before),
            )
            regs = list(
                Registration.objects.select_for_update().filter(
                    own_date_near,
                    event=event,
                    status=RegistrationStatus.CONFIRMED,
                    reminded_at__isnull=True,
                )
            )
            for reg in regs:
                reg.event = event
                reg.reminded_at = timezone.now()
                reg.save(update_fields=["reminded_at", "updated_at"])
                queue_email(EmailKind.REMINDER, reg)
                count += 1
    return count
