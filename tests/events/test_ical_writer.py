"""The feed's own VEVENT writer gives icalendar's bytes for the same values, and icalendar
reads them back to the same values (escaping, folding, dates, zones)."""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from icalendar.parser.string import _foldline

from events import ical, ical_writer

BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = [
    "",
    "Schutz, Hilfe; Recht \\ 🧒 END:VCALENDAR",
    'Komma, Semikolon; Backslash \\ "Zitat" Ümläüte ß 🧒\nEND:VEVENT\r\nBEGIN:VEVENT\rX',
    "Pfad C:\\Neu\\Daten und \\n wörtlich, \\N groß",
    "ä" * 80,
    "x" * 73 + "\\" + "y" * 10,
    "x" * 73 + "^" + "y" * 10,
    "x" * 72 + "🧒" * 5 + "\\;" * 30,
    "Lang " * 60,
]


def entry(text="", **overrides):
    values = {
        "uid": "0123456789abcdef@kinderschutz-cms",
        "stamp": datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=UTC),
        "sequence": 3,
        "start": datetime(2026, 3, 29, 9, 0, tzinfo=BERLIN),
        "end": datetime(2026, 3, 29, 16, 30, tzinfo=BERLIN),
        "summary": f"Fortbildung {text}",
        "status": "CONFIRMED",
        "location": f"Kreishaus {text}",
        "url": "https://netzwerk.example/veranstaltungen/fortbildung-%C3%A4/",
        "description": f"Beschreibung {text}\n\nWeitere Informationen: …",
        "categories": ("Fortbildung", f"Kita, {text}", "Schule; Hort"),
    }
    values.update(overrides)
    return ical.Entry(**values)


def icalendar_bytes(entries):
    cal = ical.calendar_header("Veranstaltungen; Süd, Nord")
    cal.add_component(ical.timezone_component("Europe/Berlin", 2025, 2027))
    for item in entries:
        cal.add_component(ical.event_component(item))
    return cal


def written_bytes(cal_without_events, entries):
    return b"".join(ical_writer.calendar_chunks(cal_without_events.to_ical(), entries))


ENTRIES = [
    *(entry(text) for text in HOSTILE),
    entry("ganztags", start=date(2026, 10, 25), end=date(2026, 10, 27)),
    entry("ohne Ort und Link", location="", url=""),
    entry("abgesagt", status="CANCELLED", sequence=0),
    entry("UTC-Start", start=datetime(2026, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))),
    entry("Winterzeit", start=datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)),
    # Recurring events (#15): a series with RRULE and EXDATEs, a moved occurrence.
    entry(
        "Reihe",
        rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;UNTIL=20291231T225959Z",
        exdates=tuple(
            datetime(2026 + n // 4, 1 + 3 * (n % 4), 14, 9, tzinfo=BERLIN) for n in range(9)
        ),
    ),
    entry("Reihe mit Anzahl", rrule="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=12"),
    entry("verlegt", recurrence_id=datetime(2026, 10, 28, 9, 0, tzinfo=BERLIN)),
    entry(
        "ganztägige Reihe",
        start=date(2026, 3, 2),
        end=date(2026, 3, 3),
        rrule="FREQ=DAILY;INTERVAL=2;UNTIL=20260401",
        exdates=(date(2026, 3, 4),),
    ),
    entry(
        "ganztägig verlegt",
        start=date(2026, 3, 5),
        end=date(2026, 3, 6),
        recurrence_id=date(2026, 3, 4),
    ),
]


def test_writer_gives_icalendars_bytes():
    cal = icalendar_bytes([])
    expected = icalendar_bytes(ENTRIES).to_ical()
    assert written_bytes(cal, ENTRIES) == expected


def test_writer_output_reads_back_with_icalendar():
    written = written_bytes(icalendar_bytes([]), ENTRIES)
    events = Calendar.from_ical(written).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        ical_writer_unquirked(item.summary) for item in ENTRIES
    ]
    assert [str(event["LOCATION"]) for event in events if "LOCATION" in event] == [
        ical_writer_unquirked(item.location) for item in ENTRIES if item.location
    ]
    assert events[0]["DTSTART"].dt == ENTRIES[0].start
    assert events[0]["DTSTAMP"].dt == ENTRIES[0].stamp.replace(microsecond=0)
    assert events[len(HOSTILE)]["DTSTART"].dt == date(2026, 10, 25)
    assert list(events[1]["CATEGORIES"].cats) == list(ENTRIES[1].categories)
    assert all(len(line) <= 75 for line in written.split(b"\r\n"))
    written.decode("utf-8")


def ical_writer_unquirked(text):
    """What icalendar reads back: its escaping turns a literal backslash-N into a line
    break (a quirk the writer keeps, for byte equality) and a lone CR into LF."""
    return text.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")


def test_fold_is_icalendars_fold_for_any_text():
    alphabet = 'ab \\^;,:"äß€🧒\u0301'
    generator = random.Random(11)
    for _ in range(3000):
        line = "".join(generator.choice(alphabet) for _ in range(generator.randrange(0, 260)))
        assert ical_writer.fold(line) == _foldline(line), line


@pytest.mark.parametrize("days", [0, 1, 200])
def test_vevent_is_one_block_per_entry(days):
    item = entry(start=datetime(2026, 1, 1, 9, tzinfo=BERLIN) + timedelta(days=days))
    text = ical_writer.vevent(item)
    assert text.startswith("BEGIN:VEVENT\r\n") and text.endswith("END:VEVENT\r\n")
    assert text.count("BEGIN:") == 1
