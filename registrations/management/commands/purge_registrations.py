"""Anonymise registrations of past events after REGISTRATION_RETENTION_DAYS (run daily);
also releases expired double opt-in holds, deletes certificates of attendance older
than KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS and background exports (with their files)
older than KINDERSCHUTZ_EXPORT_KEEP_HOURS; with the members app, deletes signing
invitations (their addresses) after KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations import exports
from registrations.services import certificates
from registrations.services.privacy import purge_expired
from registrations.services.waitlist import release_unconfirmed


class Command(BaseCommand):
    help = "Anmeldungen vergangener Veranstaltungen nach der Aufbewahrungsfrist anonymisieren."

    def handle(self, *args, **options):
        released = release_unconfirmed()
        count = purge_expired(timezone.localdate())
        deleted = certificates.purge_expired()
        exports_deleted = exports.purge_expired()
        self.stdout.write(
            f"{count} registration(s) anonymised, {released} hold(s) released, "
            f"{deleted} certificate(s) deleted, {exports_deleted} export(s) deleted"
        )
        if apps.is_installed("members"):  # optional app: a public body's site has none
            from members.privacy import purge_expired_invitations

            invitations = purge_expired_invitations()
            self.stdout.write(f"{invitations} signing invitation(s) deleted")
