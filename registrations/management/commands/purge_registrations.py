"""Anonymise registrations of past events after REGISTRATION_RETENTION_DAYS (run daily);
also releases expired double opt-in holds."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations.services.privacy import purge_expired
from registrations.services.waitlist import release_unconfirmed


class Command(BaseCommand):
    help = "Anmeldungen vergangener Veranstaltungen nach der Aufbewahrungsfrist anonymisieren."

    def handle(self, *args, **options):
        released = release_unconfirmed()
        count = purge_expired(timezone.localdate())
        self.stdout.write(f"{count} registration(s) anonymised, {released} hold(s) released")
