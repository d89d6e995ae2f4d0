"""Privacy (DSGVO): retention, a person's data export (Art. 15/20) and erasure (Art. 17).

Guarantees:

- `purge_expired` anonymises every registration of an event that ended more than
  `REGISTRATION_RETENTION_DAYS` days ago: the personal fields are blanked, the links are
  revoked, the outbox rows forget recipient and subject, and Wagtail's log entries that
  name the person are blanked too. Status, attendance and the organisation's sector stay
  for the statistics.
- `erase_person` first cancels the person's active registrations (so the waitlist moves
  up, silently for them), then anonymises all of them.
- `export_person` returns plain data, no model objects.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import conf
from ..models import ACTIVE_STATUSES, EmailMessage, Registration, new_secret, normalise_email
from . import locking
from .booking import cancel_silently

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


def retention_days():
    return int(conf.get("REGISTRATION_RETENTION_DAYS"))


def purge_expired(today=None):
    """Anonymise registrations of events that ended more than `REGISTRATION_RETENTION_DAYS`
    days before `today`. Returns the count."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        timezone.datetime.combine(
            today - timedelta(days=retention_days()), timezone.datetime.min.time()
        )
    )
    events = locking.event_model().registration_ended_before(cutoff).values("pk")
    now = timezone.now()
    with transaction.atomic():
        count = _anonymise(
            Registration.objects.filter(event_id__in=events, anonymised_at__isnull=True), now
        )
        # Coordinator notices of those events carry a name in their rendering context.
        EmailMessage.objects.filter(event_id__in=events).update(recipient="", subject="")
        anonymise_log_entries()  # of registrations deleted in the admin
    return count


def _iso(value):
    return value.isoformat() if value else None


def _of_person(email, events):
    regs = Registration.objects.filter(email_normalised=normalise_email(email))
    return regs if events is None else regs.filter(event__in=events)


def export_person(email, events=None):
    """All registrations of one e-mail address as plain data (Art. 15/20 DSGVO); with
    `events` (a queryset) only those of these events (a coordinator of one site)."""
    regs = (
        _of_person(email, events)
        .filter(anonymised_at__isnull=True)
        .select_related("event")
        .prefetch_related("bookings__workshop")
        .order_by("created_at", "id")
    )
    return [
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
            "privacy_consent_at": _iso(reg.privacy_consent_at),
            "privacy_notice_version": reg.privacy_notice_version,
            "health_consent_at": _iso(reg.health_consent_at),
            "attended": reg.attended,
        }
        for reg in regs
    ]


def erase_person(email, now=None, events=None):
    """Erase one person's data on request (Art. 17 DSGVO): active registrations are
    cancelled first (so the waitlist moves up), then all are anonymised (with `events`:
    only those of these events)."""
    now = now or timezone.now()
    for reg in _of_person(email, events).filter(status__in=ACTIVE_STATUSES):
        cancel_silently(reg, now)
    with transaction.atomic():
        return _anonymise(_of_person(email, events).filter(anonymised_at__isnull=True), now)
