"""Validators of calendar files kept in the cache, so an unchanged feed costs no query.

A subscribed calendar asks for its feed every hour and nearly always gets 304. Answering
that through Wagtail (site, page routing, view restrictions) and the version aggregate
costs 8 queries; `events.views.calendar_file` answers it from an entry of this cache
without any, before Wagtail routes anything. What is kept, and under which key:

- **Key:** the feed's address as the client asked for it: scheme, host (with port), path,
  the normalised filters (`normalised_query`), the language, the format version of the
  bytes, and the current **generation** (below). A host is part of the key, so a site
  never receives another site's feed for the same path. Unknown query parameters are left
  out (they change nothing); a filter the feed refuses (400) is never answered from here.
- **Entry:** ETag, Last-Modified and Content-Disposition (`Validators`), stored by
  `events.feeds.calendar_response` after it answered the request the slow way. The bytes
  themselves are cached separately by ETag (`feeds.body_key`), only for feeds below the
  streaming bound.
- **Bounded:** an entry is only stored for a feed that has dates and whose page has no
  view restriction, and only for the filters the view applied: a filter value that
  matches nothing (anything can be typed) never creates an entry, so the entries are
  bounded by the filter combinations that exist. An organiser id is written in one form
  (`012` and `12` are one key).
- **Invalidation:** every change that can alter a feed replaces the generation, a random
  token in the cache, at once and after the transaction commits: saving, publishing, unpublishing,
  moving or deleting any page; saving or deleting an event date, venue, audience, view
  restriction or site (`connect`). Old entries are then unreachable and expire. A token
  (not a counter) cannot come back after the cache lost it.
- **Time:** a feed also changes without any write: a date leaves the six months' window,
  a cancelled event its 30 days, a page expires. An entry lives until the first such
  moment (`feeds.valid_until`) and never longer than `ENTRY_SECONDS` (the clients' own
  `max-age`), which also bounds how long a process with a private memory cache (several
  processes without `REDIS_URL`, see docs/deployment.md) can miss another's invalidation.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

GENERATION_KEY = "events:feeds:generation"
ENTRY_SECONDS = 900


@dataclass(frozen=True)
class Validators:
    """What answers a request for a feed without building it."""

    etag: str
    last_modified: int  # a timestamp
    disposition: str


def generation() -> str:
    """The current generation token (created if the cache has none)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), None)
        token = cache.get(GENERATION_KEY)
    return token


def _new_generation():
    cache.set(GENERATION_KEY, secrets.token_hex(8), None)


def invalidate():
    """Make every stored entry unreachable: now, and again when the current transaction
    commits (a request that read the old rows meanwhile may have stored an entry under the
    generation set now)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def normalised_query(request) -> str | None:
    """The request's feed filters as one stable string; None if the feed would refuse them."""
    from .forms import EventFilterForm

    form = EventFilterForm(request.GET or None, with_month=False)
    if form.is_bound and not form.is_valid():
        return None
    filters = form.filters()
    organiser = filters.get("veranstalter", "")
    if organiser.isascii() and organiser.isdigit():
        filters["veranstalter"] = str(int(organiser))
    return "&".join(f"{key}={value}" for key, value in sorted(filters.items()))


def entry_key(request, token, query) -> str:
    from .ical import FORMAT_VERSION

    parts = (
        token,
        FORMAT_VERSION,
        request.scheme,
        request.get_host(),
        request.path,
        query,
        get_language() or "",
    )
    return "events:feeds:entry:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def lookup(request) -> Validators | None:
    """The validators stored for this request's feed, if any."""
    query = normalised_query(request)
    if query is None:
        return None
    return cache.get(entry_key(request, generation(), query))


def store(request, token, query, validators: Validators, seconds: int):
    """Keep `validators` for this request's feed under generation `token` (read before the
    feed's queries ran, so a change committed meanwhile makes the entry unreachable).
    `query` is the filter string the view applied; nothing is kept if the request's own
    filters differ (the view ignored them)."""
    if seconds > 0 and query == normalised_query(request):
        cache.set(entry_key(request, token, query), validators, min(seconds, ENTRY_SECONDS))


def _changed(sender, instance=None, **kwargs):
    invalidate()


def _page_changed(sender, instance=None, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate()


def _external_calendar_changed(sender, instance=None, update_fields=None, **kwargs):
    """An external calendar's approval or "republish" changes the feed; recording a fetch
    does not (its imports invalidate themselves, `events.external.import_items`)."""
    if update_fields and set(update_fields) <= STATUS_FIELDS:
        return
    invalidate()


STATUS_FIELDS = {"last_fetched_at", "last_success_at", "last_error", "event_count"}


def connect():
    """Invalidate on every write that can change a feed (see the module docstring)."""
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import Audience, EventDate, ExternalCalendar, Venue

    post_save.connect(
        _external_calendar_changed, sender=ExternalCalendar, dispatch_uid="events_feeds_external"
    )
    post_delete.connect(_changed, sender=ExternalCalendar, dispatch_uid="events_feeds_del_ext")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_changed, dispatch_uid=f"events_feeds_{id(signal)}")
    # Any page class: a saved or deleted page can be a calendar, an event or an ancestor
    # whose slug is part of the feed's URLs.
    post_save.connect(_page_changed, dispatch_uid="events_feeds_page_saved")
    post_delete.connect(_page_changed, dispatch_uid="events_feeds_page_deleted")
    for model in (EventDate, Venue, Audience, PageViewRestriction, Site):
        post_save.connect(_changed, sender=model, dispatch_uid=f"events_feeds_{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"events_feeds_del_{model.__name__}"
        )
