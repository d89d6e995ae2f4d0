"""Recurring events: the rule an editor sets, as an RFC 5545 RRULE, and its occurrences.

An event with a recurrence rule has exactly one date (`EventDate`), its first occurrence;
the rule repeats it. What an editor can say, and the RRULE it becomes:

- täglich, alle n Tage (optionally only on some weekdays): ``FREQ=DAILY;INTERVAL=n``
- wöchentlich, alle n Wochen, on weekdays: ``FREQ=WEEKLY;INTERVAL=n;BYDAY=MO,WE``
- monatlich am n-ten Wochentag, alle n Monate: ``FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE``
  (1.–4. or the last: ``-1WE``)
- ending on a day (``UNTIL``, the end of that day in Berlin, written in UTC as RFC 5545
  asks for a DTSTART with TZID) or after a number of occurrences (``COUNT``), or neither.

**Local time.** Occurrences are computed in the site's zone (Europe/Berlin) on the wall
clock: a meeting every Wednesday at 10:00 is at 10:00 before and after the switch to and
from summer time (its UTC instant moves by an hour). That is also what a calendar client
computes from ``DTSTART;TZID=Europe/Berlin`` and the RRULE of the feed.

**Limit.** A rule without an end, or with a long one, is expanded to at most
`KINDERSCHUTZ_RECURRENCE_MAX_OCCURRENCES` occurrences (260 by default, five years of a
weekly meeting); COUNT may not exceed it.

**The first date is an occurrence.** RFC 5545 leaves undefined what happens when DTSTART
does not match its rule, and clients differ (ical.js shows it, python-dateutil does not), so
the admin form refuses a first date that the rule would not produce.

**Rules that hardly ever occur.** python-dateutil looks for the next occurrence of a rule
however far away it is: an imported ``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30`` never occurs,
and dateutil walks every year to 9999 before it says so (seconds of CPU per feed).
`occurrences_through` walks only the calendar span up to the end that is asked for.

**Exceptions** (`RecurrenceException`) name an occurrence by its original local date:
cancelled (EXDATE in the feed) or moved (its own start and end, maybe another venue: a
VEVENT with RECURRENCE-ID in the feed).
"""

import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import islice

from dateutil.rrule import YEARLY, rrule, rrulestr
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DAILY, WEEKLY, MONTHLY = "DAILY", "WEEKLY", "MONTHLY"
FREQUENCY_CHOICES = [
    ("", gettext_lazy("keine Wiederholung")),
    (DAILY, gettext_lazy("täglich")),
    (WEEKLY, gettext_lazy("wöchentlich")),
    (MONTHLY, gettext_lazy("monatlich am n-ten Wochentag")),
]
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_CHOICES = [
    ("MO", gettext_lazy("Montag")),
    ("TU", gettext_lazy("Dienstag")),
    ("WE", gettext_lazy("Mittwoch")),
    ("TH", gettext_lazy("Donnerstag")),
    ("FR", gettext_lazy("Freitag")),
    ("SA", gettext_lazy("Samstag")),
    ("SU", gettext_lazy("Sonntag")),
]
POSITION_CHOICES = [
    (1, gettext_lazy("ersten")),
    (2, gettext_lazy("zweiten")),
    (3, gettext_lazy("dritten")),
    (4, gettext_lazy("vierten")),
    (-1, gettext_lazy("letzten")),
]
DEFAULT_MAX_OCCURRENCES = 260


def max_occurrences():
    """`KINDERSCHUTZ_RECURRENCE_MAX_OCCURRENCES`: the most occurrences a rule expands to."""
    return getattr(settings, "KINDERSCHUTZ_RECURRENCE_MAX_OCCURRENCES", DEFAULT_MAX_OCCURRENCES)


def local_zone():
    return timezone.get_default_timezone()


@dataclass(frozen=True)
class Rule:
    """What the editor set, before it is written as an RRULE."""

    frequency: str
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    position: int | None = None
    until: date | None = None
    count: int | None = None


def weekdays_of(value) -> tuple[str, ...]:
    """The weekday codes of a stored value ("MO,WE") in week order."""
    codes = value.split(",") if isinstance(value, str) else list(value or ())
    return tuple(code for code in WEEKDAY_CODES if code in codes)


def to_rrule(rule: Rule, first_start: datetime, *, all_day=False) -> str:
    """The RRULE value (without "RRULE:") of `rule` for a series starting `first_start`.

    Weekly and monthly rules without weekdays take the first date's weekday.
    """
    if not rule.frequency:
        return ""
    local = timezone.localtime(first_start, local_zone())
    weekdays = rule.weekdays or (WEEKDAY_CODES[local.weekday()],)
    parts = [f"FREQ={rule.frequency}"]
    if rule.interval and rule.interval > 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.frequency == MONTHLY:
        parts.append(f"BYDAY={rule.position or 1}{weekdays[0]}")
    elif rule.frequency == WEEKLY or rule.weekdays:
        parts.append("BYDAY=" + ",".join(weekdays))
    if rule.until:
        if all_day:
            parts.append(f"UNTIL={rule.until:%Y%m%d}")
        else:
            last = datetime.combine(rule.until, time(23, 59, 59), local_zone()).astimezone(UTC)
            parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
    if rule.count:
        parts.append(f"COUNT={rule.count}")
    return ";".join(parts)


@dataclass(frozen=True)
class Span:
    """One occurrence: `start`/`end` aware in the site's zone; `original_start` the start
    the rule gives it (its RECURRENCE-ID), equal to `start` unless it was moved."""

    start: datetime
    end: datetime
    original_start: datetime
    cancelled: bool = False
    moved: bool = False
    venue_id: int | None = None
    note: str = ""


def expand(rrule: str, start: datetime, end: datetime, *, all_day=False, limit=None):
    """The (start, end) pairs of the rule's occurrences, the first date included, at most
    `limit` (default: the setting). Computed on the local wall clock, so times stay put
    across daylight-saving switches; each result is aware in the site's zone."""
    if not rrule:
        return []
    limit = limit or max_occurrences()
    tz = local_zone()
    local_start, local_end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    naive_start = local_start.replace(tzinfo=None)
    duration = local_end.replace(tzinfo=None) - naive_start
    if all_day or "UNTIL=" not in rrule or rrule.split("UNTIL=")[1][8:9] != "T":
        dtstart = naive_start  # a DATE UNTIL, or none: expand in naive wall-clock time
    else:
        dtstart = local_start
    pairs = []
    for moment in islice(rrulestr(rrule, dtstart=dtstart), limit):
        wall = moment.replace(tzinfo=None)
        pairs.append((wall.replace(tzinfo=tz), (wall + duration).replace(tzinfo=tz)))
    return pairs


class _WalkEnded(Exception):
    """The capped rule reached a calendar period past the end it was asked for."""


class _PeriodCappedRule(rrule):
    """A dateutil rule whose walk ends at the first calendar period past a given one.

    dateutil has no public way to bound its search: UNTIL is compared with occurrences
    only, so a rule that produces none never reaches it. What it does at the start of
    every period it walks (a year for YEARLY, a month for MONTHLY, and at each change of
    month for DAILY and WEEKLY) is to rebuild its masks for that period's year and month,
    reading `_bynweekday` first thing; that read looks at the year (and, but for YEARLY,
    the month) being rebuilt, and once it is past `_last_period` the walk ends. Every
    occurrence from there on lies in or after that year (month), so nothing up to the
    end is ever dropped, whatever the rule (counting the reads instead did drop some:
    dateutil reads the attribute once more per listed month of a yearly rule). If a
    dateutil release rebuilt differently, the walk would only be unbounded again, never
    wrong (tests/events/test_recurrence.py compares with plain dateutil and checks the
    bound)."""

    _last_period = (datetime.max.year, 12)

    @property
    def _bynweekday(self):
        caller = sys._getframe(1)
        if caller.f_code.co_name == "rebuild":
            year, month = caller.f_locals.get("year"), caller.f_locals.get("month")
            if isinstance(year, int) and isinstance(month, int):
                # a yearly period begins in January, whatever month dateutil passes
                period = (year, 1) if self._freq == YEARLY else (year, month)
                if period > self._last_period:
                    raise _WalkEnded
        return self.__dict__["_bynweekday"]


def occurrences_through(rule: rrule, end: datetime, *, limit: int) -> list[datetime]:
    """The occurrences of `rule` up to `end` (comparable with the rule's DTSTART), in
    order, at most `limit`.

    The work is bounded by the calendar span from DTSTART to the month (for a yearly
    rule: the year) of `end`, not by where the next occurrence lies: a rule that never
    occurs, or only centuries later, costs what a rule of that span costs (milliseconds
    for a feed's window)."""
    capped = _PeriodCappedRule.__new__(_PeriodCappedRule)
    capped.__dict__.update(rule.__dict__)
    dtstart = rule._dtstart
    if end.tzinfo is not None and dtstart.tzinfo is not None:
        end = end.astimezone(dtstart.tzinfo)  # the rule walks DTSTART's wall clock
    capped._last_period = (end.year, end.month)
    moments = []
    try:
        for moment in capped:
            if moment > end or len(moments) >= limit:
                break
            moments.append(moment)
    except _WalkEnded:
        pass
    return moments


def apply_exceptions(pairs, exceptions):
    """`Span`s of the expanded (start, end) `pairs` with the editor's exceptions applied.

    An exception matches the occurrence on its `occurrence_date` (local); cancelled ones
    stay in the list with `cancelled=True` (the feed needs them for EXDATE), moved ones
    carry their new start, end and venue. Exceptions for dates the rule does not produce
    are ignored. Sorted by (new) start.
    """
    tz = local_zone()
    by_day = {exception.occurrence_date: exception for exception in exceptions}
    spans = []
    for start, end in pairs:
        exception = by_day.get(timezone.localtime(start, tz).date())
        if exception is None:
            spans.append(Span(start, end, start))
        elif exception.cancelled:
            spans.append(Span(start, end, start, cancelled=True, note=exception.note))
        elif exception.new_start and exception.new_end:
            spans.append(
                Span(
                    timezone.localtime(exception.new_start, tz),
                    timezone.localtime(exception.new_end, tz),
                    start,
                    moved=True,
                    venue_id=exception.new_venue_id,
                    note=exception.note,
                )
            )
        else:
            spans.append(Span(start, end, start, note=exception.note))
    return sorted(spans, key=lambda span: span.start)


ORDINALS = {1: "ersten", 2: "zweiten", 3: "dritten", 4: "vierten", -1: "letzten"}


def describe(rrule: str) -> str:
    """The rule in words, e.g. "alle 3 Monate am zweiten Mittwoch" (translated)."""
    if not rrule:
        return ""
    parts = dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)
    frequency, interval = parts.get("FREQ"), int(parts.get("INTERVAL", 1))
    days = parts.get("BYDAY", "")
    names = dict(WEEKDAY_CHOICES)
    if frequency == MONTHLY and days:
        position, code = int(days[:-2] or 1), days[-2:]
        ordinal = str(dict(POSITION_CHOICES).get(position, ""))
        if interval == 1:
            text = _("jeden Monat am %(ordinal)s %(weekday)s")
        elif interval == 3:
            text = _("jedes Quartal (alle 3 Monate) am %(ordinal)s %(weekday)s")
        else:
            text = _("alle %(interval)s Monate am %(ordinal)s %(weekday)s")
        text = text % {"ordinal": ordinal, "weekday": names[code], "interval": interval}
    elif frequency == WEEKLY:
        weekdays = ", ".join(str(names[code]) for code in days.split(",") if code in names)
        if interval == 1:
            text = _("jede Woche am %(weekdays)s") % {"weekdays": weekdays}
        else:
            text = _("alle %(interval)s Wochen am %(weekdays)s") % {
                "interval": interval,
                "weekdays": weekdays,
            }
    else:
        text = (
            _("täglich") if interval == 1 else _("alle %(interval)s Tage") % {"interval": interval}
        )
        if days:
            weekdays = ", ".join(str(names[code]) for code in days.split(",") if code in names)
            text += " " + _("(nur %(weekdays)s)") % {"weekdays": weekdays}
    if "COUNT" in parts:
        text += ", " + _("%(count)s Termine") % {"count": parts["COUNT"]}
    elif "UNTIL" in parts:
        value = parts["UNTIL"]
        until = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if "T" in value:  # the end of the local day, written in UTC
            moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            until = timezone.localtime(moment, local_zone()).date()
        text += ", " + _("bis %(date)s") % {"date": until.strftime("%d.%m.%Y")}
    return text


def spans_in(spans, after: datetime | None = None, before: datetime | None = None):
    """The spans not cancelled that end at or after `after` and start before `before`."""
    return [
        span
        for span in spans
        if not span.cancelled
        and (after is None or span.end >= after)
        and (before is None or span.start < before)
    ]


def problems(rule: Rule, first_dates, exception_days=()):
    """What is wrong with `rule` for an event whose dates are `first_dates` [(start, end,
    all_day)], as {field name: German message}; `exception_days` are the occurrence dates of
    the exceptions ("exceptions" holds the days the rule does not produce). Empty if fine."""
    if not rule.frequency:
        return {}
    errors = {}
    if not first_dates:
        return {
            "recurrence_frequency": _(
                "Eine Wiederholung braucht einen ersten Termin: tragen Sie oben unter "
                "„Termine“ den ersten Termin der Reihe ein."
            )
        }
    if len(first_dates) > 1:
        errors["recurrence_frequency"] = _(
            "Eine Terminreihe hat genau einen Termin, den ersten; die weiteren ergeben sich "
            "aus der Regel. Entfernen Sie die übrigen Termine oder die Wiederholung."
        )
    if rule.interval < 1:
        errors["recurrence_interval"] = _("Der Abstand ist mindestens 1.")
    if rule.frequency == MONTHLY and not rule.position:
        errors["recurrence_position"] = _(
            "Wählen Sie, am wievielten Wochentag des Monats (z. B. am zweiten)."
        )
    if rule.until and rule.count:
        errors["recurrence_count"] = _(
            "Geben Sie entweder ein Enddatum oder eine Anzahl an, nicht beides."
        )
    if rule.count and rule.count > max_occurrences():
        errors["recurrence_count"] = _("Höchstens %(max)s Termine pro Reihe.") % {
            "max": max_occurrences()
        }
    start, end, all_day = min(first_dates, key=lambda d: d[0])
    if rule.until and rule.until < timezone.localtime(start, local_zone()).date():
        errors["recurrence_until"] = _("Das Ende der Wiederholung liegt vor dem ersten Termin.")
    if errors:
        return errors
    rrule = to_rrule(rule, start, all_day=all_day)
    pairs = expand(rrule, start, end, all_day=all_day)
    first_local = timezone.localtime(start, local_zone()).replace(tzinfo=None)
    if not pairs or pairs[0][0].replace(tzinfo=None) != first_local:
        errors["recurrence_frequency"] = _(
            "Der erste Termin (%(date)s) passt nicht zur Regel „%(rule)s“: legen Sie ihn "
            "auf einen Tag der Reihe."
        ) % {"date": first_local.strftime("%d.%m.%Y"), "rule": describe(rrule)}
        return errors
    days = {timezone.localtime(pair[0], local_zone()).date() for pair in pairs}
    missing = [day for day in exception_days if day not in days]
    if missing:
        errors["exceptions"] = missing
    return errors
