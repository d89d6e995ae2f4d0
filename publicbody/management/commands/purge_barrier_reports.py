"""Retention of barrier reports (run daily, next to purge_registrations)."""

from django.core.management.base import BaseCommand

from publicbody.services.reports import purge_answered


class Command(BaseCommand):
    help = "Personenbezogene Angaben beantworteter Barrieremeldungen nach Ablauf der Frist löschen."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_answered()} report(s) anonymised")
