"""Send the reminder e-mail `reminder_days_before` days before an event (run daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Erinnerungs-E-Mails an bestätigte Teilnehmer:innen senden (täglich ausführen)."

    def handle(self, *args, **options):
        count = send_reminders(timezone.localdate())
        self.stdout.write(f"{count} reminder(s) queued")
