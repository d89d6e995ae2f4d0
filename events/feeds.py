"""The HTTP side of the calendar files: conditional GET, headers, webcal links.

Thin by design: which dates go in comes from `events.listing`, what a calendar file says
from `events.ical`. The ETag and Last-Modified come from one aggregate query
(`listing.feed_version`) before anything is built, so an unchanged feed answers 304
without building or serialising a calendar.
"""

import hashlib
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from kinderschutz_cms.links import page_url

from . import ical, listing

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_AGE = 900
CACHE_SECONDS = 24 * 60 * 60


def webcal_url(url):
    """The same URL with the webcal:// scheme, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


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


def _set_headers(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def calendar_response(request, dates, *, name, parent, extra_version="", filename=None):
    """Answer a calendar request: 304 if unchanged, else the built calendar.

    `dates` is an EventDate queryset of visible dates of events that are children of
    `parent` (the calendar page), so their URLs are the parent's URL plus their slug
    (no per-event URL routing). `extra_version` holds whatever else
    the content depends on (the name, the filters). The moving window needs nothing
    extra: a date leaving it changes the count and id sum.
    """
    # The bytes also depend on the language (translated words) and on the site's address
    # (absolute URLs), so both are part of the version.
    extra_version = f"{extra_version}|{get_language()}|{request.scheme}://{request.get_host()}"
    extra_version += f"|{ical.FORMAT_VERSION}"  # how the bytes are written
    etag, last_modified = _validators(listing.feed_version(dates), extra_version)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _set_headers(not_modified, etag, last_modified)

    # The ETag is derived from the data, so the bytes it names can be cached safely: a
    # subscriber without a validator (or a second client) does not rebuild the calendar.
    cache_key = f"events:ical:{etag}"
    body = cache.get(cache_key)
    if body is None:
        base_url = page_url(parent, request)
        cal = ical.build_calendar(
            listing.with_feed_data(dates),
            name=name,
            page_url=lambda event: f"{base_url}{iri_to_uri(event.slug)}/",
        )
        body = cal.to_ical()
        cache.set(cache_key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "attachment" if filename else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename or "kalender.ics"}"'
    return _set_headers(response, etag, last_modified)
