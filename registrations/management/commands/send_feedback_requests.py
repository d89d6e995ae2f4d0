"""Invite attendees to the feedback survey of their event (run daily; idempotent)."""

from django.core.management.base import BaseCommand

from registrations.feedback import invite_due


class Command(BaseCommand):
    help = "Teilnehmende nach der Veranstaltung um Feedback bitten (einmal je Anmeldung)."

    def handle(self, *args, **options):
        self.stdout.write(f"{invite_due()} feedback invitation(s) queued")
