"""The demo's imported member calendar: the Kinderschutzbund's own events.

The events come from `demo/kinderschutzbund.ics`, read through the same parser and import
as a fetched feed (`events.external.import_file`), never from the internet. So that the
demo always shows upcoming dates, the file's dates are written relative to today:
`@+9T180000` is the day nine days from today at 18:00, `@+41` a date 41 days ahead.
"""

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from wagtail.models import Site

from events.external import import_file
from events.models import ExternalCalendar

FILE = Path(__file__).with_name("kinderschutzbund.ics")
NAME = "Kinderschutzbund Musterstadt e. V."
RELATIVE = re.compile(rb"@\+(\d+)")


def ics_for_today(today=None) -> bytes:
    """The demo file with its relative dates resolved against `today`."""
    today = today or timezone.localdate()
    return RELATIVE.sub(
        lambda m: (today + timedelta(days=int(m.group(1)))).strftime("%Y%m%d").encode(),
        FILE.read_bytes(),
    )


def build(home, stdout=None):
    """One approved external calendar of a member, with its events (idempotent)."""
    from members.models import MemberPage

    site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
    member = MemberPage.objects.filter(title__icontains="Kinderschutzbund").first()
    source, _ = ExternalCalendar.objects.get_or_create(
        site=site,
        name=NAME,
        defaults={
            "url": "https://kinderschutzbund-musterstadt.example.org/termine.ics",
            "member": member,
            "approved_at": timezone.now(),
        },
    )
    result = import_file(source, ics_for_today())
    if stdout is not None:
        stdout.write(f"Externer Kalender: {result.kept} Termine von {NAME}.")
    return source
