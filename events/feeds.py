"""The HTTP side of the calendar files: conditional GET, headers, caching, streaming.

Thin by design: which dates go in comes from `events.listing`, what a calendar file says
from `events.ical` (the rules) and `events.ical_writer` (the bytes). The way a request
takes:

1. **Cached validators** (`events.feed_cache`, looked up by `events.views.calendar_file`
   before Wagtail routes the request): an unchanged feed answers 304, and a feed whose
   bytes are cached answers 200, without a query.
2. **Version aggregate:** otherwise Wagtail routes to the page, and one aggregate query
   (`listing.feed_version`) gives ETag and Last-Modified: 304 without building anything.
   The validators are stored for step 1.
3. **Cached bytes** by ETag (the ETag is derived from the data, so the bytes it names can
   be shared by every process and every client of the same feed).
4. **Build from entries:** the dates' versions in one query, their serialised VEVENTs
   from the shared cache (`feed_entries`: a few buckets, one `get_many`; neither when
   the cache holds none of the calendar's), the missing ones built from their plain
   values (`listing.feed_rows`: rows and audiences, two queries, no model instances) by
   `ical` and `ical_writer` (`RowWriter`: what an event's dates share written once) and
   stored in their buckets; then joined (`calendar_chunks`).

**Window.** A feed holds the events of `listing.feed_window`: `KINDERSCHUTZ_FEED_PAST_DAYS`
back, `KINDERSCHUTZ_FEED_FUTURE_DAYS` ahead (`events.conf`); older ones stay on the
calendar's archive page. A date entering the window ahead changes count and id sum, so
the ETag; cached validators (step 1) may miss that for at most `feed_cache.ENTRY_SECONDS`.

**Caching and streaming.** A calendar with more dates than `KINDERSCHUTZ_FEED_STREAM_FROM`
(2,000 by default, `events.conf`) is streamed: its entries leave in chunks of VEVENTs,
without a second copy of the whole file, so memory stays bounded by the window, and its bytes
are not cached (a cache entry of many megabytes would cost what streaming saves); its
validators are, so subscribers still get their 304 without a query. Smaller calendars are
built in memory, sent with Content-Length and their bytes cached by ETag.
"""

import hashlib
import itertools
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from kinderschutz_cms.links import page_url

from . import conf, feed_cache, feed_entries, ical, ical_writer, listing
from .models import EventDate

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_AGE = 900
CACHE_SECONDS = 24 * 60 * 60
MISSING_BY_ID = 500  # up to this many missing entries, their rows are read by id


def webcal_url(url):
    """The same URL with the webcal:// scheme, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


def body_key(etag):
    return f"events:ical:{etag}"


def _validators(version, extra):
    stamps = [
        version.get(key)
        for key in ("dates_modified", "events_published", "venues_modified")
        if version.get(key)
    ]
    last_modified = max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)
    raw = "|".join(
        str(part)
        for part in (
            version.get("count"),
            version.get("id_sum"),
            *(version.get(key) for key in ("dates_modified", "events_published")),
            version.get("venues_modified"),
            extra,
        )
    )
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    return etag, int(last_modified.timestamp())


def valid_until(version):
    """The first moment the same dates give another feed without any write: a date
    leaves the window, a cancelled event its grace period, an event expires."""
    moments = [
        version.get("first_end") and version["first_end"] + listing.feed_past(),
        version.get("cancelled_from") and version["cancelled_from"] + listing.CANCELLED_GRACE,
        version.get("expires"),
    ]
    return min((moment for moment in moments if moment), default=None)


def _set_headers(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def restricted(page):
    """Whether a view restriction applies to `page` (its own or an ancestor's): 1 query."""
    from wagtail.models import Page, PageViewRestriction

    pages = Page.objects.ancestor_of(page, inclusive=True)
    return PageViewRestriction.objects.filter(page__in=pages).exists()


def cached_response(request):
    """Step 1: 304 or the cached bytes from the cached validators, without a query; None
    if this request needs Wagtail (nothing cached, or the bytes are not)."""
    validators = feed_cache.lookup(request)
    if validators is None:
        return None
    etag, last_modified = validators.etag, validators.last_modified
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _set_headers(not_modified, etag, last_modified)
    body = cache.get(body_key(etag))
    if body is None:
        return None
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = validators.disposition
    return _set_headers(response, etag, last_modified)


def entry_bytes(row, *, url, tz, exceptions=(), language=None, writer=None) -> bytes:
    """The VEVENT(s) of one `FeedRow`, written: one per date, or for a recurring event its
    series with EXDATEs and a VEVENT per moved occurrence (`ical.series_entries`).
    `language`: the active one, read once per feed by the caller; `writer`: the feed's
    `ical_writer.RowWriter` (same zone and language), which writes a date's VEVENT
    reusing what its event's other dates share."""
    if writer is not None and not row.rrule:
        return writer.vevent(row, url).encode()
    item = ical.entry(row, url=url, tz=tz, language=language)
    items = ical.series_entries(row, item, exceptions, tz=tz) if row.rrule else (item,)
    return "".join(ical_writer.vevent(each) for each in items).encode()


def _built_entries(dates, versions, found, *, base_url, names, tz):
    """{date id: (start, version, bytes)} of the entries of `dates` not `found`, built.

    `versions` None (nothing cached, `feed_entries.Entries.kept`): every date of `dates`.
    Else those of `versions` not `found`: if few, their rows by id alone (the ids come from
    `dates` a moment ago, so the window's and the calendar's conditions need not be
    checked again, and the query reads those rows through the primary key, however large
    the calendar); if many, the rows of all `dates`, skipping those found (one query
    either way, so the count stays the same whatever the size)."""
    source = dates
    if versions is not None:
        missing = [date_id for date_id in versions if date_id not in found]
        if not missing:
            return {}
        if len(missing) <= MISSING_BY_ID:
            source = EventDate.objects.filter(pk__in=missing)
    built, exceptions, language, urls = {}, None, get_language(), {}
    writer = ical_writer.RowWriter(tz=tz, language=language)
    for row in listing.feed_rows(source, audience_names=names):
        if versions is not None and (row.date_id in found or row.date_id not in versions):
            continue
        occurrences = ()
        if row.rrule:
            if exceptions is None:  # read once, when the first recurring event comes
                exceptions = listing.feed_exceptions(source)
            occurrences = exceptions.get(row.page_id, ())
        url = urls.get(row.slug)
        if url is None:
            url = urls[row.slug] = f"{base_url}{iri_to_uri(row.slug)}/"
        body = entry_bytes(
            row, url=url, tz=tz, exceptions=occurrences, language=language, writer=writer
        )
        built[row.date_id] = (row.start, row.entry_version, body)
    return built


def calendar_chunks(
    dates,
    version,
    *,
    name,
    base_url,
    language,
    extra_entries=(),
    audience_names=None,
    all_dates=False,
):
    """The calendar file of `dates` in pieces, then `extra_entries` (re-published external
    events, `events.external`).

    Each date's VEVENT(s) are serialised once per version and kept in the shared cache
    (`feed_entries`): one query gives the dates' versions, one `get_many` the cached
    entries, and only the missing ones are built (their rows in one query); with nothing
    kept, every entry is built from the rows alone. A change of one event therefore
    builds that event's entries only, in whichever process asks first; every other
    worker reuses them. `audience_names`: `listing.feed_audiences()`, read here
    if not given. `all_dates`: `dates` are every date the calendar publishes (its
    unfiltered feed), so cached entries of other dates can be dropped.
    """
    with translation.override(language):
        cal = ical.calendar_header(name)
        starts = [version["first_start"], version["last_start"]] if version["count"] else []
        starts += [item.start for item in extra_entries if isinstance(item.start, datetime)]
        if starts:
            cal.add_component(ical.calendar_timezone_for(min(starts), max(starts)))
        head = cal.to_ical()
        tz = ical.calendar_timezone()
        names = listing.feed_audiences() if audience_names is None else audience_names
        context = "|".join(
            (ical.FORMAT_VERSION, language or "", base_url, *(names.values()), *map(str, names))
        )
        entries = feed_entries.Entries(context)
        versions, found = None, {}
        if entries.kept():
            versions = dict(listing.feed_entry_versions(dates))
            found = entries.read(versions, every=all_dates)
        built = _built_entries(dates, versions, found, base_url=base_url, names=names, tz=tz)
        entries.store(
            {date_id: (entry, body) for date_id, (_, entry, body) in built.items()},
            keep=versions if all_dates else None,
        )
        if versions is None:  # by start, as `feed_entry_versions` gives them
            order = sorted(built, key=lambda date_id: (built[date_id][0], date_id))
        else:
            order = versions
        pieces = (
            found[date_id] if date_id in found else built[date_id][2]
            for date_id in order
            if date_id in found or date_id in built
        )
        extra = (ical_writer.vevent(item).encode() for item in extra_entries)
        yield from ical_writer.chunks_of(head, itertools.chain(pieces, extra))


def calendar_response(
    request,
    dates,
    *,
    name,
    parent,
    extra_version="",
    filename=None,
    query="",
    gate=None,
    extra_entries=(),
    all_dates=False,
):
    """Answer a calendar request: 304 if unchanged, else the built calendar.

    `dates` is an EventDate queryset of visible dates of events that are children of
    `parent` (the calendar page), so their URLs are the parent's URL plus their slug
    (no per-event URL routing). `extra_version` holds whatever else
    the content depends on (the name, the filters). The moving window needs nothing
    extra: a date leaving it changes the count and id sum. `query` is the normalised
    filter string applied (`feed_cache`), `gate` the page whose view restrictions decide
    whether the answer may be cached for everyone (default: `parent`). `extra_entries`
    are written after the dates; `extra_version` must change with them. `all_dates`:
    `dates` are every date the calendar publishes (`calendar_chunks`).
    """
    token = feed_cache.generation()  # before any query: see feed_cache.store
    # The bytes also depend on the language (translated words) and on the site's address
    # and the calendar's path (absolute URLs of its events), so these are part of the version.
    language = get_language()
    extra_version = f"{extra_version}|{language}|{request.scheme}://{request.get_host()}"
    extra_version += f"|{parent.url_path}"
    extra_version += f"|{ical.FORMAT_VERSION}"  # how the bytes are written
    version = listing.feed_version(dates)
    # The audiences' names are CATEGORIES of every entry and have no timestamp: a
    # renamed audience must give another ETag (and other entries, `calendar_chunks`).
    names = listing.feed_audiences()
    extra_version += "|" + "|".join(f"{pk}={label}" for pk, label in names.items())
    etag, last_modified = _validators(version, extra_version)
    disposition = "attachment" if filename else "inline"
    disposition = f'{disposition}; filename="{filename or "kalender.ics"}"'
    if version["count"] and not restricted(gate or parent):
        until = valid_until(version)
        seconds = feed_cache.ENTRY_SECONDS
        if until is not None:
            seconds = min(seconds, int((until - timezone.now()).total_seconds()))
        validators = feed_cache.Validators(etag, last_modified, disposition)
        feed_cache.store(request, token, query, validators, seconds)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _set_headers(not_modified, etag, last_modified)

    streamed = version["count"] > conf.get("KINDERSCHUTZ_FEED_STREAM_FROM")
    body = None if streamed else cache.get(body_key(etag))
    if body is None:
        chunks = calendar_chunks(
            dates,
            version,
            name=name,
            base_url=page_url(parent, request),
            language=language,
            extra_entries=extra_entries,
            audience_names=names,
            all_dates=all_dates,
        )
        if streamed:
            response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
            response["Content-Disposition"] = disposition
            return _set_headers(response, etag, last_modified)
        body = b"".join(chunks)
        cache.set(body_key(etag), body, CACHE_SECONDS)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    return _set_headers(response, etag, last_modified)
