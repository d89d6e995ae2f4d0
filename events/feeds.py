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
4. **Build:** the dates' plain values in one query (`listing.feed_rows`, no model
   instances), each turned into an `ical.Entry` and written by `ical_writer`.

**Caching and streaming.** A calendar with more dates than `KINDERSCHUTZ_FEED_STREAM_FROM`
(2,000 by default, `events.conf`) is streamed: rows come from a database cursor in chunks
and leave as chunks of VEVENTs, so memory stays bounded whatever the size, and its bytes
are not cached (a cache entry of many megabytes would cost what streaming saves); its
validators are, so subscribers still get their 304 without a query. Smaller calendars are
built in memory, sent with Content-Length and their bytes cached by ETag.
"""

import hashlib
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from kinderschutz_cms.links import page_url

from . import conf, feed_cache, ical, ical_writer, listing

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_AGE = 900
CACHE_SECONDS = 24 * 60 * 60


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
        version.get("first_end") and version["first_end"] + listing.FEED_PAST,
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


def calendar_chunks(dates, version, *, name, base_url, language, extra_entries=()):
    """The calendar file of `dates` in pieces (see `ical_writer.calendar_chunks`), then
    `extra_entries` (re-published external events, `events.external`)."""
    with translation.override(language):
        cal = ical.calendar_header(name)
        starts = [version["first_start"], version["last_start"]] if version["count"] else []
        starts += [item.start for item in extra_entries if isinstance(item.start, datetime)]
        if starts:
            cal.add_component(ical.calendar_timezone_for(min(starts), max(starts)))
        head = cal.to_ical()
        tz = ical.calendar_timezone()

        def entries():
            exceptions = None  # read once, when the first recurring event comes
            for row in listing.feed_rows(dates):
                item = ical.entry(row, url=f"{base_url}{iri_to_uri(row.slug)}/", tz=tz)
                if not row.rrule:
                    yield item
                    continue
                if exceptions is None:
                    exceptions = listing.feed_exceptions(dates)
                yield from ical.series_entries(row, item, exceptions.get(row.page_id, ()), tz=tz)
            yield from extra_entries

        yield from ical_writer.calendar_chunks(head, entries())


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
):
    """Answer a calendar request: 304 if unchanged, else the built calendar.

    `dates` is an EventDate queryset of visible dates of events that are children of
    `parent` (the calendar page), so their URLs are the parent's URL plus their slug
    (no per-event URL routing). `extra_version` holds whatever else
    the content depends on (the name, the filters). The moving window needs nothing
    extra: a date leaving it changes the count and id sum. `query` is the normalised
    filter string applied (`feed_cache`), `gate` the page whose view restrictions decide
    whether the answer may be cached for everyone (default: `parent`). `extra_entries`
    are written after the dates; `extra_version` must change with them.
    """
    token = feed_cache.generation()  # before any query: see feed_cache.store
    # The bytes also depend on the language (translated words) and on the site's address
    # and the calendar's path (absolute URLs of its events), so these are part of the version.
    language = get_language()
    extra_version = f"{extra_version}|{language}|{request.scheme}://{request.get_host()}"
    extra_version += f"|{parent.url_path}"
    extra_version += f"|{ical.FORMAT_VERSION}"  # how the bytes are written
    version = listing.feed_version(dates)
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
