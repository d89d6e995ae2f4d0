"""Members' own calendars: fetch an external iCal feed safely, parse it, import its events.

Guarantees:

- **Fetching** (`fetch`): only http and https. The host name is resolved once per hop and
  every address it resolves to must be public (no private, loopback, link-local,
  multicast, reserved or unspecified address, IPv4-mapped ones included), unless the host
  is in `KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS` (empty by default; tests only). The
  connection goes to the checked address itself, with the original Host header and TLS
  server name, so a second DNS answer cannot point it elsewhere (DNS rebinding).
  Redirects are followed by hand, at most `MAX_REDIRECTS`, each hop checked the same way.
  One deadline (`KINDERSCHUTZ_EXTERNAL_CALENDAR_TIMEOUT`) covers connecting, every hop and
  reading; reading stops beyond `KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_BYTES`.
- **Parsing** (`parse`): icalendar; each VEVENT with a UID and DTSTART becomes an
  `ExternalItem` (plain data). Floating times count as Europe/Berlin; DATE values are
  all-day (end on the last day); cancelled events and overrides of single occurrences
  replace the occurrence they name. A recurring event (RRULE, with its EXDATEs) becomes
  one item per occurrence within the feed's window (`listing.feed_window`), at most
  `MAX_OCCURRENCES`, each with the series' UID and its start as UID (`occurrence_uid`);
  a rule of hours, minutes or seconds, or one that cannot be read, keeps its first date
  only. Reading a rule stops at the window's end even if it never occurs again
  (`recurrence.occurrences_through`), so a rule without dates costs no more than a
  rule of that span. HTML in descriptions is reduced to text; only http(s) links are kept.
- **Importing** (`import_items`): in one transaction, rows are matched by UID within the
  source, updated when changed, created when new, and deleted when the feed no longer
  has them. Only events within the feed's window (`KINDERSCHUTZ_FEED_PAST_DAYS` back,
  `KINDERSCHUTZ_FEED_FUTURE_DAYS` ahead, `listing.feed_window`) are kept, at most
  `KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_EVENTS` per source.
- **Refreshing** (`refresh`, `refresh_all`): any failure is recorded on the source
  (`last_error`, in German, shown in the admin) and never stops the other sources; the
  previous events stay until a fetch succeeds.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar

from . import conf
from .models import ExternalCalendar, ExternalEvent

BERLIN = ZoneInfo("Europe/Berlin")
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "Kinderschutz-CMS calendar import"
# A recurring event: at most this many occurrences are imported, and reading its rule
# stops after `MAX_RULE_STEPS` dates from its first (a daily series of decades).
MAX_OCCURRENCES = 500
MAX_RULE_STEPS = 50_000
EXPANDED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def _window(now: datetime | None) -> tuple[datetime, datetime]:
    from .listing import feed_window

    return feed_window(now)


class FetchError(Exception):
    """A feed that cannot be used; the message (German) is shown in the admin."""


@dataclass(frozen=True)
class ExternalItem:
    """One event of an external feed, as plain values."""

    uid: str
    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    location: str = ""
    url: str = ""
    description: str = ""
    sequence: int = 0
    last_modified: datetime | None = None


# ---- fetching


def refused_address(address: str) -> bool:
    """Whether an IP address is one a feed must never be fetched from."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_address(host: str, port: int) -> str:
    """The address to connect to, after checking every address `host` resolves to."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise FetchError(
            _("Der Server „%(host)s“ wurde nicht gefunden.") % {"host": host}
        ) from error
    if not addresses:
        raise FetchError(_("Der Server „%(host)s“ wurde nicht gefunden.") % {"host": host})
    allowed = {name.lower() for name in conf.get("KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS")}
    if host.lower() not in allowed and any(refused_address(a) for a in addresses):
        raise FetchError(
            _(
                "Die Adresse „%(host)s“ zeigt in ein internes Netz (privat, lokal oder "
                "reserviert); solche Kalender werden nicht abgerufen."
            )
            % {"host": host}
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address; Host header from the host name."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to a checked address; Host header and TLS server name from the host."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(_("Der Server hat nicht rechtzeitig geantwortet."))
    return left


def fetch(url: str) -> bytes:
    """The body of `url`, following at most `MAX_REDIRECTS` checked redirects."""
    timeout = float(conf.get("KINDERSCHUTZ_EXTERNAL_CALENDAR_TIMEOUT"))
    limit = int(conf.get("KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_BYTES"))
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(_("Nur Adressen mit http:// oder https:// sind erlaubt."))
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise FetchError(_("Die Adresse ist ungültig.")) from error
        address = checked_address(parts.hostname, port)
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(parts.hostname, address, port, _remaining(deadline))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar"}
            )
            sock = connection.sock  # kept: the response may detach it from the connection
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("Weiterleitung ohne Ziel."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(
                    _("Der Server antwortete mit dem Status %(status)s.")
                    % {"status": response.status}
                )
            return _read(response, sock, limit, deadline)
        except TimeoutError as error:
            raise FetchError(_("Der Server hat nicht rechtzeitig geantwortet.")) from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(
                _("Der Kalender konnte nicht abgerufen werden (%(reason)s).")
                % {"reason": type(error).__name__}
            ) from error
        finally:
            connection.close()
    raise FetchError(_("Zu viele Weiterleitungen (mehr als %(count)s).") % {"count": MAX_REDIRECTS})


def _read(response, sock, limit: int, deadline: float) -> bytes:
    too_large = FetchError(
        _("Der Kalender ist größer als %(size)s MB und wurde nicht eingelesen.")
        % {"size": round(limit / 1_000_000, 1)}
    )
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise too_large
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
        _remaining(deadline)
    return b"".join(chunks)


# ---- parsing


def _aware(value) -> tuple[datetime, bool]:
    """(aware datetime, all-day?) of a DATE or DATE-TIME value."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=BERLIN)
        return value, False
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=BERLIN), True
    raise ValueError("not a date")


def _text(component, name: str, limit: int) -> str:
    """A text property as plain text: tags removed, whitespace of lines collapsed."""
    value = component.get(name)
    if value is None:
        return ""
    lines = (" ".join(line.split()) for line in strip_tags(str(value)).splitlines())
    text = "\n".join(line for line in lines if line)
    return text[:limit] if name == "DESCRIPTION" else " ".join(text.split())[:limit]


def _link(value) -> str:
    url = str(value or "").strip()
    return url[:500] if urlsplit(url).scheme in ("http", "https") else ""


def parse(data: bytes, now: datetime | None = None) -> list[ExternalItem]:
    """The events of an iCalendar file (see module docstring); FetchError if unreadable.
    Recurring events are expanded within the feed's window around `now`."""
    try:
        calendar = Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError and others on bad input
        raise FetchError(_("Die Datei ist keine lesbare iCal-Datei.")) from error
    if calendar.name != "VCALENDAR":
        raise FetchError(_("Die Datei ist keine lesbare iCal-Datei."))
    components = calendar.walk("VEVENT")
    overrides = {}  # (UID, original start) -> the VEVENT that replaces that occurrence
    for component in components:
        if component.get("RECURRENCE-ID") is not None:
            try:
                original = _aware(component.decoded("RECURRENCE-ID"))[0]
            except (ValueError, TypeError, AttributeError, KeyError):
                continue
            overrides[str(component.get("UID", "")).strip()[:255], original] = component
    since, until = _window(now)
    items = []
    for component in components:
        if component.get("RECURRENCE-ID") is not None:
            continue
        try:
            item = _item(component)
            if item is not None and component.get("RRULE") is not None:
                items.extend(_occurrences(component, item, overrides, since, until))
            elif item is not None:
                items.append(item)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError):
            continue  # one unreadable event does not spoil the others
    return items


def occurrence_uid(series_uid: str, start: datetime) -> str:
    """The UID of one imported occurrence: the series' UID and the occurrence's start."""
    return f"{series_uid[:230]}/{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _naive(value, zone) -> datetime:
    """A DATE or DATE-TIME value as a wall time of `zone` (how a rule counts)."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
    return datetime(value.year, value.month, value.day)


def _occurrences(component, item, overrides, since, until) -> list[ExternalItem]:
    """The occurrences of a recurring `item` that touch [since, until], overrides applied
    (a cancelled one left out); the first date alone if the rule is not expanded."""
    from dateutil.rrule import rrulestr

    from .recurrence import occurrences_through

    rules = component.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules]
    if any(str(rule.get("FREQ", [""])[0]).upper() not in EXPANDED_FREQUENCIES for rule in rules):
        return [item]
    zone = item.start.tzinfo
    first = item.start.replace(tzinfo=None)
    duration = item.end - item.start
    low = _naive(since - duration, zone)
    high = _naive(until, zone)
    moments = set()
    for rule in rules:
        rule = rule.copy()
        if "UNTIL" in rule:  # compared in wall time, a DATE as the whole day
            until_value = rule["UNTIL"][0]
            if isinstance(until_value, datetime):
                rule["UNTIL"] = [_naive(until_value, zone)]
            else:
                day = until_value
                rule["UNTIL"] = [datetime(day.year, day.month, day.day, 23, 59, 59)]
        # each rule on its own, its walk bounded by the window's end (a rule that never
        # occurs would otherwise be searched to the year 9999)
        parsed = rrulestr(rule.to_ical().decode(), dtstart=first)
        moments.update(occurrences_through(parsed, high, limit=MAX_RULE_STEPS))
    exdates = component.get("EXDATE") or []
    for listed in exdates if isinstance(exdates, list) else [exdates]:
        for value in listed.dts:
            moments.discard(_naive(value.dt, zone))
    occurrences = []
    for moment in sorted(moments):
        if len(occurrences) >= MAX_OCCURRENCES:
            break
        if moment < low:
            continue
        start = moment.replace(tzinfo=zone)
        uid = occurrence_uid(item.uid, start)
        override = overrides.get((item.uid, start))
        if override is not None:
            replaced = _item(override, replacing=True)
            if replaced is not None:
                occurrences.append(replace(replaced, uid=uid))
            continue
        occurrences.append(replace(item, uid=uid, start=start, end=start + duration))
    return occurrences


def _item(component, *, replacing=False) -> ExternalItem | None:
    uid = str(component.get("UID", "")).strip()
    if not uid or component.get("DTSTART") is None:
        return None
    if component.get("RECURRENCE-ID") is not None and not replacing:
        return None
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start, all_day = _aware(component.decoded("DTSTART"))
    if component.get("DTEND") is not None:
        end = _aware(component.decoded("DTEND"))[0]
    elif component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")
    else:
        end = start + timedelta(days=1) if all_day else start
    if all_day:
        end = max(end - timedelta(days=1), start)  # exclusive end -> last day
    if end < start:
        end = start
    modified = component.get("LAST-MODIFIED")
    last_modified = _aware(component.decoded("LAST-MODIFIED"))[0] if modified else None
    try:
        sequence = max(int(component.get("SEQUENCE", 0)), 0)
    except (TypeError, ValueError):
        sequence = 0
    return ExternalItem(
        uid=uid[:255],
        title=_text(component, "SUMMARY", 255) or _("(ohne Titel)"),
        start=start,
        end=end,
        all_day=all_day,
        location=_text(component, "LOCATION", 255),
        url=_link(component.get("URL")),
        description=_text(component, "DESCRIPTION", 5000),
        sequence=min(sequence, 2**31 - 1),
        last_modified=last_modified,
    )


# ---- importing

FIELDS = (
    "title",
    "start",
    "end",
    "all_day",
    "location",
    "url",
    "description",
    "sequence",
    "last_modified",
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0


def import_items(
    source: ExternalCalendar, items: Iterable[ExternalItem], now: datetime | None = None
) -> ImportResult:
    """Make the source's events those of `items` (by UID), see module docstring."""
    now = now or timezone.now()
    since, until = _window(now)
    limit = int(conf.get("KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_EVENTS"))
    wanted = {}
    for item in sorted(items, key=lambda i: i.start):
        in_window = item.end >= since and item.start <= until
        if in_window and item.uid not in wanted and len(wanted) < limit:
            wanted[item.uid] = item
    result = ImportResult()
    with transaction.atomic():
        existing = {event.uid: event for event in ExternalEvent.objects.filter(source=source)}
        gone = [pk for uid, event in existing.items() if uid not in wanted for pk in [event.pk]]
        result.removed = ExternalEvent.objects.filter(pk__in=gone).delete()[0] if gone else 0
        new, changed = [], []
        for uid, item in wanted.items():
            event = existing.get(uid)
            if event is None:
                new.append(
                    ExternalEvent(
                        source=source,
                        uid=uid,
                        last_seen=now,
                        **{name: getattr(item, name) for name in FIELDS},
                    )
                )
                continue
            event.last_seen = now
            if any(getattr(event, name) != getattr(item, name) for name in FIELDS):
                for name in FIELDS:
                    setattr(event, name, getattr(item, name))
                result.updated += 1
            changed.append(event)
        ExternalEvent.objects.bulk_create(new)
        ExternalEvent.objects.bulk_update(changed, [*FIELDS, "last_seen"], batch_size=500)
        result.created = len(new)
        result.kept = len(wanted)
        if result.created or result.updated or result.removed:
            from . import feed_cache

            feed_cache.invalidate()  # a re-published source changes the calendar's feed
    return result


def refresh(source: ExternalCalendar, now: datetime | None = None) -> ImportResult | None:
    """Fetch, parse and import one source; record success or the error on the source."""
    now = now or timezone.now()
    source.last_fetched_at = now
    try:
        items = parse(fetch(source.url), now)
        result = import_items(source, items, now)
    except FetchError as error:
        source.last_error = str(error)
        source.save(update_fields=["last_fetched_at", "last_error"])
        return None
    except Exception as error:  # never let one feed stop the others
        source.last_error = _("Unerwarteter Fehler beim Import (%(reason)s).") % {
            "reason": type(error).__name__
        }
        source.save(update_fields=["last_fetched_at", "last_error"])
        return None
    source.last_success_at = now
    source.last_error = ""
    source.event_count = result.kept
    source.save(update_fields=["last_fetched_at", "last_success_at", "last_error", "event_count"])
    return result


def refresh_all(now: datetime | None = None) -> dict[int, ImportResult | None]:
    """Refresh every source, each on its own; {source id: result or None (failed)}."""
    return {source.pk: refresh(source, now) for source in ExternalCalendar.objects.all()}


def import_file(source: ExternalCalendar, data: bytes, now: datetime | None = None):
    """Import a local .ics file's content into `source` (the demo): parse and import, no
    network; records the outcome on the source like `refresh`."""
    now = now or timezone.now()
    result = import_items(source, parse(data, now), now)
    source.last_fetched_at = source.last_success_at = now
    source.last_error = ""
    source.event_count = result.kept
    source.save()
    return result


# ---- listing


def upcoming_external(site_id: int, now: datetime | None = None, limit: int | None = None):
    """The approved external events of a site that have not ended, by start, with their
    source: one query. Shown on the site's calendar pages beside its own events."""
    from .models.external import approved_q

    now = now or timezone.now()
    limit = limit or int(conf.get("KINDERSCHUTZ_EXTERNAL_EVENTS_LISTED"))
    return list(
        ExternalEvent.objects.filter(approved_q("source__"), source__site_id=site_id, end__gte=now)
        .select_related("source")
        .order_by("start", "pk")[:limit]
    )


# ---- our feed (only sources that chose to be re-published)


def republished_entries(site_id: int, now: datetime | None = None) -> list:
    """The `ical.Entry`s of the approved, re-published external events of a site in the
    feed's window: one query. They keep their own UIDs (never ours) and name their source
    in SUMMARY and CATEGORIES."""
    from . import ical
    from .models.external import approved_q

    since, until = _window(now)
    events = (
        ExternalEvent.objects.filter(
            approved_q("source__"),
            source__site_id=site_id,
            source__republish=True,
            end__gte=since,
            start__lte=until,
        )
        .select_related("source")
        .order_by("start", "pk")
    )
    tz = ical.calendar_timezone()
    entries = []
    for event in events:
        if event.all_day:
            first = timezone.localtime(event.start, tz).date()
            start, end = first, max(timezone.localtime(event.end, tz).date(), first)
            end += timedelta(days=1)
        else:
            start, end = timezone.localtime(event.start, tz), timezone.localtime(event.end, tz)
        stamp = event.last_modified or event.source.last_success_at or event.last_seen
        entries.append(
            ical.Entry(
                uid=event.uid,
                stamp=stamp.astimezone(ZoneInfo("UTC")),
                sequence=event.sequence,
                start=start,
                end=end,
                summary=f"{event.title} ({event.source.name})",
                status="CONFIRMED",
                location=event.location,
                url=event.link,
                description=event.description,
                categories=(event.source.name,),
            )
        )
    return entries


def entries_version(entries) -> str:
    """What the feed's ETag must change with when re-published entries change."""
    import hashlib

    digest = hashlib.sha256()
    for item in entries:
        digest.update(repr(item).encode())
    return digest.hexdigest()[:16]
