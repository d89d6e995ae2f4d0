from django.core.management.base import BaseCommand
from django.utils import timezone

from kinderschutz_cms.accounts.retention import purge_login_records


class Command(BaseCommand):
    help = "Löscht Anmeldeversuche und Protokolleinträge nach der Aufbewahrungsfrist."

    def handle(self, *args, **options):
        purged = purge_login_records(timezone.now())
        self.stdout.write(
            f"{purged.attempts} attempt records, {purged.audit_events} audit records deleted"
        )
