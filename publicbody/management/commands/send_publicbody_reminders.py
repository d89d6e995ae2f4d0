"""Reminders to the coordination (run daily; idempotent): the accessibility statement's
yearly review, and barrier reports close to their answer deadline."""

from django.core.management.base import BaseCommand

from publicbody.services.reports import remind_due
from publicbody.services.reviews import remind_reviews


class Command(BaseCommand):
    help = "Erinnerungen: Erklärung zur Barrierefreiheit überprüfen, Barrieremeldungen beantworten."

    def handle(self, *args, **options):
        reviews = remind_reviews()
        reports = remind_due()
        self.stdout.write(f"{reviews} review reminder(s), {reports} report reminder(s) queued")
