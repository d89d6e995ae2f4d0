"""Re-enqueue failed e-mails whose backoff has passed and queued ones that got lost
(run every few minutes)."""

from django.core.management.base import BaseCommand

from registrations.services.outbox import retry_due


class Command(BaseCommand):
    help = "Fehlgeschlagene oder hängende E-Mails erneut senden."

    def handle(self, *args, **options):
        self.stdout.write(f"{retry_due()} e-mail(s) re-enqueued")
