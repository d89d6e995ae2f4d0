"""Retention: registrations of past events are anonymised after the configured days."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EventDate
from registrations.models import EmailMessage, Registration
from registrations.services import booking, privacy

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


def test_purge_anonymises_old_events_and_keeps_counts(index, settings):
    settings.REGISTRATION_RETENTION_DAYS = 180
    old = make_registration_event(index, title="Alt", capacity=5)
    recent = make_registration_event(index, title="Neu", capacity=5)
    a = booking.register(old, service_data(email="old@example.org", phone="0151 1"))
    Registration.objects.filter(pk=a.pk).update(organisation_sector="Schule", attended=True)
    booking.register(old, service_data())
    keep = booking.register(recent, service_data(email="recent@example.org"))
    # the old event ended 200 days ago, the recent one 100 days ago
    now = timezone.now()
    for page, days in ((old, 200), (recent, 100)):
        EventDate.objects.filter(page=page).update(
            start=now - timedelta(days=days, hours=3), end=now - timedelta(days=days)
        )
    call_command("purge_registrations")
    a.refresh_from_db()
    assert a.anonymised_at is not None
    personal = (a.first_name, a.last_name, a.email, a.phone, a.organisation, a.answers)
    assert personal == ("", "", "", "", "", {})
    assert (a.status, a.attended, a.organisation_sector) == ("confirmed", True, "Schule")
    assert not EmailMessage.objects.filter(registration__event=old).exclude(recipient="").exists()
    keep.refresh_from_db()
    assert keep.anonymised_at is None and keep.email == "recent@example.org"
    # what remains: counts per event and sector
    assert Registration.objects.filter(event=old, status="confirmed").count() == 2
    assert privacy.purge_expired() == 0  # idempotent
    settings.REGISTRATION_RETENTION_DAYS = 90
    assert privacy.purge_expired() == 1
