"""The served calendar files read the same in other clients as in `zoneinfo`.

A subscriber's calendar does not know Europe/Berlin by name: it computes every instant
from the VTIMEZONE in the file. So the feed is parsed the way the defect of issue #17 was
found, by Mozilla's ical.js (Thunderbird's parser, run with Node, the file's VTIMEZONE
registered as Thunderbird does) and by icalendar reading the VTIMEZONE itself, and every
DTSTART/DTEND is compared with the instant `zoneinfo` gives, for dates on both sides of
both switches in two different years.
"""

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import EventDate

from .factories import make_event

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("icaljs_instants.mjs")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def icaljs():
    """A function running ical.js over .ics bytes (installed by scripts/ensure-vnu.sh)."""
    if shutil.which("node") is None:
        pytest.fail("node is missing (make system-deps installs npm and Node)")
    installed = subprocess.run(
        ["bash", str(REPO / "scripts" / "ensure-vnu.sh")], capture_output=True, text=True
    )
    if installed.returncode != 0:
        pytest.fail(f"ical.js could not be installed: {installed.stderr.strip()}")

    def parse(content):
        result = subprocess.run(
            ["node", str(SCRIPT)], input=content, capture_output=True, cwd=REPO, timeout=60
        )
        assert result.returncode == 0, result.stderr.decode()
        return json.loads(result.stdout)

    return parse


def last_sunday(year, month):
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def dates_around_switches(years):
    """Berlin wall-clock (start, end) pairs before and after each switch of `years`,
    plus one across the switch in its night. (Not in the hour that exists twice: its
    wall-clock time is ambiguous, and ical.js takes its second occurrence, where
    RFC 5545 3.3.5 says the first.)"""
    pairs = []
    for year in years:
        spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
        for day in (spring, autumn):
            for offset in (-1, 1, 7):
                start = datetime.combine(day + timedelta(days=offset), datetime.min.time())
                pairs.append((start.replace(hour=9), start.replace(hour=16, minute=30)))
        night = datetime.combine(spring, datetime.min.time())
        pairs.append((night.replace(hour=1, minute=30), night.replace(hour=4)))
        night = datetime.combine(autumn, datetime.min.time())
        pairs.append((night.replace(hour=1), night.replace(hour=4)))
    return [(start.replace(tzinfo=BERLIN), end.replace(tzinfo=BERLIN)) for start, end in pairs]


def expected_instants(dates):
    return {date.uid: (date.start.astimezone(UTC), date.end.astimezone(UTC)) for date in dates}


def icaljs_instants(icaljs, content):
    def utc(value):
        return datetime.fromtimestamp(value["utc"], UTC)

    return {row["uid"]: (utc(row["start"]), utc(row["end"])) for row in icaljs(content)}


def icalendar_instants(content):
    """Instants from icalendar, with the offsets taken from the file's VTIMEZONE."""
    cal = Calendar.from_ical(content)
    zones = {str(vtz["TZID"]): vtz.to_tz(lookup_tzid=False) for vtz in cal.walk("VTIMEZONE")}

    def utc(prop):
        zone = zones[prop.params["TZID"]]
        return prop.dt.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)

    return {
        str(event["UID"]): (utc(event["DTSTART"]), utc(event["DTEND"]))
        for event in cal.walk("VEVENT")
    }


def test_feed_instants_agree_in_icaljs_icalendar_and_zoneinfo(client, index, icaljs):
    year = timezone.localdate().year
    pairs = dates_around_switches([year + 1, year + 2])
    make_event(index, "Rund um die Zeitumstellung", dates=pairs[: len(pairs) // 2])
    make_event(index, "Ein Jahr später", dates=pairs[len(pairs) // 2 :])
    expected = expected_instants(EventDate.objects.all())
    assert len(expected) == len(pairs)

    response = client.get(f"{index.url}ical/")
    assert response.status_code == 200

    assert icaljs_instants(icaljs, response.content) == expected
    assert icalendar_instants(response.content) == expected


def test_single_event_file_reads_the_same_in_icaljs(client, index, icaljs):
    year = timezone.localdate().year
    page = make_event(index, dates=dates_around_switches([year + 1, year + 2])[::2])

    response = client.get(f"{page.url}ical/")

    assert icaljs_instants(icaljs, response.content) == expected_instants(page.dates.all())


def test_email_attachment_reads_the_same_in_icaljs(index, icaljs):
    """The .ics of the confirmation e-mail comes from the same builder."""
    from registrations.emails import calendar_file

    year = timezone.localdate().year
    page = make_event(index, dates=dates_around_switches([year + 1, year + 2])[1::3])

    content = calendar_file(page)

    assert icaljs_instants(icaljs, content) == expected_instants(page.dates.all())
