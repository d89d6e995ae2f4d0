"""Fetch every external calendar and import its events (run hourly, e.g. from cron or a
systemd timer). A failing feed is recorded on its source and does not stop the others;
the command exits 0 unless it could not run at all."""

from django.core.management.base import BaseCommand

from events.external import refresh_all
from events.models import ExternalCalendar


class Command(BaseCommand):
    help = "Externe Kalender der Mitgliedsorganisationen abrufen und ihre Termine importieren."

    def handle(self, *args, **options):
        results = refresh_all()
        names = dict(ExternalCalendar.objects.values_list("pk", "name"))
        for pk, result in results.items():
            if result is None:
                error = ExternalCalendar.objects.filter(pk=pk).values_list("last_error", flat=True)
                self.stdout.write(f"{names.get(pk, pk)}: failed: {error.first()}")
            else:
                self.stdout.write(
                    f"{names.get(pk, pk)}: {result.kept} events "
                    f"({result.created} new, {result.updated} changed, {result.removed} removed)"
                )
