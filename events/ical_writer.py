"""Whole calendar feeds as bytes, written straight from `ical.Entry` values.

icalendar builds an object per property and folds each line character by character: for
a feed of 1,000 dates that is most of the time a request takes. This writer emits the same
bytes for the VEVENTs of a feed, property by property, and lets icalendar write what
occurs once per file (the VCALENDAR properties and the VTIMEZONE, `ical.calendar_header`,
`ical.timezone_component`). So:

- **Byte for byte what icalendar writes** for the same `Entry` (`ical.event_component` +
  `Calendar.to_ical()`): the same property order (icalendar's canonical order, then
  alphabetical), TEXT escaping (backslash, semicolon, comma, newlines; icalendar's
  escaping is copied here including its quirk of reading a literal ``\\N`` as a line
  break), UTC stamps with ``Z``, local times with the calendar's TZID, DATE values for
  all-day dates, and folding after at most 74 octets (continuation lines start with a
  space) without splitting a UTF-8 character or separating a backslash from what it
  escapes. `tests/events/test_ical_writer.py` checks this against icalendar for hostile
  and ordinary values, and every feed test parses the result with icalendar.
- **Chunked:** `calendar_chunks` yields the file in pieces of `CHUNK_ENTRIES` VEVENTs, so
  a feed can be streamed from a database iterator in bounded memory.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Event, vRecur

from . import ical
from .ical import Entry

CHUNK_ENTRIES = 200
END_CALENDAR = b"END:VCALENDAR\r\n"
LIMIT = 74  # octets of a line before a fold (icalendar folds before reaching 75)
ESCAPING = b"\\^"  # never last in a folded piece: they escape what follows


_SPECIAL = re.compile(r"[\\;,\r\n]").search  # what `escape` changes


def escape(text: str) -> str:
    """TEXT escaping exactly as icalendar's (RFC 5545 3.3.11)."""
    if not _SPECIAL(text):  # most values (UIDs, titles, names): one search, no copies
        return text
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded as icalendar folds it: greedy pieces of at most 74 octets,
    never inside a UTF-8 character; a piece does not end with a backslash or caret that
    has a character after it (the escape stays with what it escapes). Cut as bytes, once
    encoded: the same pieces as icalendar's, character by character."""
    if len(line) <= LIMIT and (line.isascii() or len(line.encode()) <= LIMIT):
        return line
    encoded = line.encode()
    pieces = []
    start, length = 0, len(encoded)
    while start < length:
        end = start + LIMIT
        if end >= length:
            pieces.append(encoded[start:])
            break
        while encoded[end] & 0xC0 == 0x80:  # a continuation byte: back to its start
            end -= 1
        if encoded[end - 1] in ESCAPING and end - start > 1:
            end -= 1
        pieces.append(encoded[start:end])
        start = end
    return b"\r\n ".join(pieces).decode()


def _basic(moment: datetime) -> str:
    """YYYYMMDDTHHMMSS of a datetime (its wall-clock time), by %-formatting its fields:
    `isoformat` asks the zone for its offset first, which costs more than the rest (a
    feed writes three per entry)."""
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 (half the time of an f-string)
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


@lru_cache(maxsize=1024)  # the stamps of a feed repeat: an event's dates share theirs
def _utc(moment: datetime) -> str:
    return _basic(moment.astimezone(UTC)) + "Z"


@lru_cache(maxsize=8)
def _local_form(tzid: str) -> tuple[str, str]:
    """(parameters, suffix) icalendar writes a datetime of zone `tzid` with, e.g.
    (";TZID=Europe/Berlin", "") or ("", "Z") for UTC: asked of icalendar once."""
    from zoneinfo import ZoneInfo

    sample = Event()
    sample.add("dtstart", datetime(2001, 2, 3, 4, 5, 6, tzinfo=ZoneInfo(tzid)))
    line = sample.content_line("DTSTART", sample["DTSTART"])
    head, value = line.split(":", 1)
    if value not in ("20010203T040506", "20010203T040506Z"):  # pragma: no cover
        raise ValueError(f"Unexpected datetime form for {tzid}: {line}")
    return head.removeprefix("DTSTART"), value.removeprefix("20010203T040506")


def _moment(name: str, value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"
    params, suffix = _local_form(value.tzinfo.key)
    return f"{name}{params}:{_basic(value)}{suffix}"


@lru_cache(maxsize=256)
def _rrule(value: str) -> str:
    """An RRULE value in icalendar's order of its parts (FREQ, UNTIL, COUNT, INTERVAL, …)."""
    return vRecur.from_ical(value).to_ical().decode()


def _moments(name: str, values) -> str:
    """A list of DATE or DATE-TIME values (EXDATE) of one kind and zone, on one line."""
    first = _moment(name, values[0])
    head = first.split(":", 1)[0]
    return fold(head + ":" + ",".join(_moment(name, value).split(":", 1)[1] for value in values))


@lru_cache(maxsize=2048)
def _text_line(name: str, value: str) -> str:
    """A TEXT property's line, escaped and folded: the values of a feed repeat (its few
    categories, venues and statuses; an event's description for each of its dates)."""
    return fold(name + escape(value))


@lru_cache(maxsize=256)
def _categories(categories: tuple[str, ...]) -> str:
    return fold("CATEGORIES:" + ",".join(escape(category) for category in categories))


def vevent(item: Entry) -> str:
    """One VEVENT, its lines joined and ended by CRLF."""
    stamp = _utc(item.stamp)
    lines = [
        "BEGIN:VEVENT",
        _text_line("SUMMARY:", item.summary),
        _moment("DTSTART", item.start),
        _moment("DTEND", item.end),
        "DTSTAMP:" + stamp,
        fold("UID:" + escape(item.uid)),
    ]
    if item.recurrence_id is not None:
        lines.append(_moment("RECURRENCE-ID", item.recurrence_id))
    lines.append(f"SEQUENCE:{int(item.sequence)}")
    if item.rrule:
        lines.append(fold("RRULE:" + _rrule(item.rrule)))
    if item.exdates:
        lines.append(_moments("EXDATE", item.exdates))
    lines += [
        _categories(item.categories),
        _text_line("DESCRIPTION:", item.description),
        "LAST-MODIFIED:" + stamp,
    ]
    if item.location:
        lines.append(_text_line("LOCATION:", item.location))
    lines.append(_text_line("STATUS:", item.status))
    lines.append("TRANSP:OPAQUE")
    if item.url:
        lines.append(fold("URL:" + item.url))
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines)


class RowWriter:
    """The VEVENT of a `FeedRow` of a date (not of a series: `ical.series_entries`), the
    same text as `vevent(ical.entry(row, ...))`, for the thousands of rows of one feed.

    What a date shares with the other dates of its event (summary, categories,
    description, place, status, link: the rules of `ical.summary_of`, `description_of`,
    `location_of`) is escaped and folded once and reused for the event's other dates, so
    a row costs its own few lines (times, stamps, UID, SEQUENCE) and one lookup. One
    writer per feed being built: it holds the feed's time zone and language, and at most
    `MEMO_EVENTS` events' text at a time (`tests/events/test_ical_row_writer.py` checks the
    text against `vevent` for hostile and ordinary rows).
    """

    MEMO_EVENTS = 4096

    def __init__(self, *, tz, language=None):
        self.tz = tz
        self.language = language
        self.params, self.suffix = _local_form(tz.key)
        self.texts = {}

    def _texts(self, row, url):
        """(SUMMARY line, CATEGORIES and DESCRIPTION lines, the lines from LOCATION to the
        end) of `row`'s event, written once per event and per date title and note."""
        key = (
            row.title,
            row.date_title,
            row.note,
            row.status,
            row.teaser,
            row.event_format,
            row.type_label,
            row.venue_lines,
            row.audiences,
            url,
        )
        texts = self.texts.get(key)
        if texts is not None:
            return texts
        language = self.language
        summary = fold("SUMMARY:" + escape(ical.summary_of(row, language)))
        middle = (
            _categories((row.type_label, *row.audiences))
            + "\r\n"
            + fold("DESCRIPTION:" + escape(ical.description_of(row, url, language)))
        )
        location = ical.location_of(row, language)
        tail = [fold("LOCATION:" + escape(location))] if location else []
        tail.append(_text_line("STATUS:", ical.STATUS_MAP.get(row.status, "CONFIRMED")))
        tail.append("TRANSP:OPAQUE")
        if url:
            tail.append(fold("URL:" + url))
        tail.append("END:VEVENT\r\n")
        if len(self.texts) >= self.MEMO_EVENTS:
            self.texts.clear()
        texts = self.texts[key] = (summary, middle, "\r\n".join(tail))
        return texts

    def vevent(self, row, url: str) -> str:
        summary, middle, tail = self._texts(row, url)
        if row.all_day:
            tz = self.tz
            first = row.start.astimezone(tz).date()
            last = max(row.end.astimezone(tz).date(), first) + timedelta(days=1)
            start = f"DTSTART;VALUE=DATE:{first.year:04d}{first.month:02d}{first.day:02d}"
            end = f"DTEND;VALUE=DATE:{last.year:04d}{last.month:02d}{last.day:02d}"
        else:
            params, suffix = self.params, self.suffix
            start = f"DTSTART{params}:{_basic(row.start.astimezone(self.tz))}{suffix}"
            end = f"DTEND{params}:{_basic(row.end.astimezone(self.tz))}{suffix}"
        stamp = _basic(ical.modified_at(row)) + "Z"  # in UTC; unique per date: no lru
        uid = fold("UID:" + escape(row.uid))
        return (
            f"BEGIN:VEVENT\r\n{summary}\r\n{start}\r\n{end}\r\nDTSTAMP:{stamp}\r\n{uid}\r\n"
            f"SEQUENCE:{int(row.sequence)}\r\n{middle}\r\nLAST-MODIFIED:{stamp}\r\n{tail}"
        )


def calendar_chunks(head: bytes, entries: Iterable[Entry]) -> Iterator[bytes]:
    """The calendar file in pieces: `head` (icalendar's VCALENDAR properties and VTIMEZONE,
    without its END line), the VEVENTs of `entries` in chunks, then END:VCALENDAR."""
    return chunks_of(head, (vevent(item).encode() for item in entries))


def chunks_of(head: bytes, vevents: Iterable[bytes]) -> Iterator[bytes]:
    """`calendar_chunks` of VEVENTs already written (`events.feeds` keeps them cached)."""
    if head.endswith(END_CALENDAR):
        head = head[: -len(END_CALENDAR)]
    yield head
    chunk = []
    for piece in vevents:
        chunk.append(piece)
        if len(chunk) >= CHUNK_ENTRIES:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)
    yield END_CALENDAR
