"""The feed's row writer (`ical_writer.RowWriter`) gives, for every row, the text of the
reference path `vevent(ical.entry(row))`, also for the dates of an event after the first
(whose shared lines it reuses), in German and in English."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from events import ical, ical_writer
from events.choices import EventFormat, EventStatus

from .test_ical_writer import HOSTILE

BERLIN = ZoneInfo("Europe/Berlin")
URL = "https://netzwerk.example/veranstaltungen/fortbildung-%C3%A4/"


def row(text="", **overrides):
    values = {
        "uid": "0123456789abcdef@kinderschutz-cms",
        "start": datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        "end": datetime(2026, 3, 29, 14, 30, tzinfo=UTC),
        "all_day": False,
        "date_title": "",
        "note": "",
        "sequence": 2,
        "date_modified": datetime(2026, 2, 1, 10, 0, 0, 123456, tzinfo=UTC),
        "page_id": 7,
        "slug": "fortbildung-ä",
        "title": f"Fortbildung {text}",
        "status": EventStatus.SCHEDULED,
        "teaser": f"<p>Grundlagen {text}</p>",
        "event_format": EventFormat.IN_PERSON,
        "published_at": datetime(2026, 2, 3, 8, 0, tzinfo=UTC),
        "type_label": "Fortbildung",
        "venue_lines": ("Kreishaus", f"Raum {text}", "Hauptstraße 1, 12345 Stadt"),
        "audiences": ("Kita", f"Schule, {text}"),
    }
    values.update(overrides)
    return ical.FeedRow(**values)


ROWS = [
    *(row(text) for text in HOSTILE),
    *(row(date_title=text, note=text) for text in HOSTILE),
    row("zweiter Termin", start=datetime(2026, 4, 2, 7, tzinfo=UTC), uid="zweiter@x"),
    row("ganztags", all_day=True, end=datetime(2026, 3, 30, 21, 59, tzinfo=UTC)),
    row("ganztags, Ende vor Beginn", all_day=True, end=datetime(2026, 3, 28, tzinfo=UTC)),
    row("Winterzeit", start=datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    row("abgesagt", status=EventStatus.CANCELLED),
    row("verschoben", status=EventStatus.POSTPONED),
    row("online", event_format=EventFormat.ONLINE),
    row("hybrid", event_format=EventFormat.HYBRID),
    row("hybrid ohne Ort", event_format=EventFormat.HYBRID, venue_lines=()),
    row("ohne Ort", venue_lines=(), audiences=()),
    row("nie geändert", date_modified=None),
    row("nie veröffentlicht", published_at=None),
    row("später geändert", date_modified=datetime(2026, 5, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("url", [URL, ""])
def test_row_writer_writes_what_the_reference_path_writes(language, url):
    with translation.override(language):
        writer = ical_writer.RowWriter(tz=BERLIN, language=language)
        for _ in range(2):  # the second time from the writer's shared lines
            for item in ROWS:
                reference = ical_writer.vevent(
                    ical.entry(item, url=url, tz=BERLIN, language=language)
                )
                assert writer.vevent(item, url) == reference, item


def test_the_shared_lines_are_bounded(monkeypatch):
    monkeypatch.setattr(ical_writer.RowWriter, "MEMO_EVENTS", 3)
    writer = ical_writer.RowWriter(tz=BERLIN, language="de")
    for number in range(10):
        item = row(str(number), start=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=number))
        assert writer.vevent(item, URL) == ical_writer.vevent(ical.entry(item, url=URL, tz=BERLIN))
        assert len(writer.texts) <= 3
