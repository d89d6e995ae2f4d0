"""Remind the maintainers who have not answered a check round (members/checks.py).

Run it daily (cron or a timer); it is idempotent: each member of a round is reminded once,
`KINDERSCHUTZ_CHECK_REMINDER_DAYS` days after the round started.
"""

from django.core.management.base import BaseCommand

from members.checks import send_reminders


class Command(BaseCommand):
    help = "Erinnert Netzwerkpartner, die auf eine Prüfrunde noch nicht geantwortet haben."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} reminded")
