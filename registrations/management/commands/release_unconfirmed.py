"""Double opt-in: give seats of unconfirmed registrations whose hold expired to the
waitlist (run every few minutes, or rely on the lazy release at the next registration)."""

from django.core.management.base import BaseCommand

from registrations.services.waitlist import release_unconfirmed


class Command(BaseCommand):
    help = "Abgelaufene Platzreservierungen (Double-Opt-in) freigeben."

    def handle(self, *args, **options):
        self.stdout.write(f"{release_unconfirmed()} hold(s) released")
