"""Anonymous views of public pages, kept whole in the shared cache.

Every visitor without a session sees a public page alike, so its HTML is kept in Django's
cache (`CACHES["default"]`: Redis when REDIS_URL is set, shared by all workers) and
answered from there without rendering: no query, no template. Two ways in:

- **Whole pages** (`PageCacheMiddleware`): the answer of a public Wagtail page to an
  anonymous GET or HEAD, kept after it was rendered once and answered before any URL is
  resolved. Kept only when all of these hold, so nothing personal or per-request is ever
  shared:

  - the request: GET or HEAD, no session or messages cookie (nobody logged in, no
    password of a private section passed, no message waiting), not under the admin, a
    query string of at most `MAX_PARAMETERS` short parameters, each one that a page
    declared it reads (`read_parameters`: filters, page numbers; made-up parameters and
    cache busters are rendered as without the cache and never fill it), none of them a
    search (`UNCACHED_PARAMETERS`), and each vouched for by the page as one of the
    answers it links to (`offered`: not filters combined, a page number from a
    hand-made link, another page's parameter);
  - the page: a Wagtail page was served (`served`, from the `before_serve_page` hook), not
    a preview, in no private section (password, login or group restriction);
  - the answer: status 200, HTML, not streamed, no `Cache-Control` private/no-store/
    no-cache (personal pages set it, `registrations.views.personal_page`), no cookie set,
    no CSRF token used (a form: see below), the session not changed, `Vary` on nothing
    but the cookie and the language (`SiteLanguageMiddleware` varies every page on the
    cookie for the language choice, which is part of the key).

  Personal links (a token in the path) and search results are plain Django views, never
  Wagtail pages, and are not kept.

- **Pages with a form** (`form_page`, called by the view, e.g. the registration form
  `<event>/anmelden/`): the HTML is kept with placeholders where the CSRF token and the
  other per-request hidden fields (`fresh`, e.g. the signed form-start stamp of
  `registrations.spam`) were, and every answer fills in fresh values: `get_token(request)`,
  so the CSRF cookie is set as usual, and a new stamp. Only GET: a bound form (with
  errors, with what someone typed) is never kept nor answered from here. Its key carries
  what the view passes as `shows`, the state that changes without an editor (the
  registration's availability: open, seats left, waitlist, as counted by the view's own
  cheap query on every request) instead of the site's seat generation: a registration
  that changes what the form shows makes a new entry, one that does not (another event,
  one more on the waitlist) keeps it. A form that shows more counts (workshop or date
  seats, `live_counts`) also depends on the site's seat generation below. A form page is
  never kept whole by the middleware: it opens and closes at times, without any write.
  The placeholders are checked: if a field's value could not be replaced everywhere it
  is mentioned, the page is not kept (a token left in it would reach every visitor).

The public pages run no inline script and the Content-Security-Policy is one fixed header
without a nonce (`middleware.ContentSecurityPolicyMiddleware`), so nothing else differs
per request.

**Key:** scheme, host (with port), the request's Wagtail Site, path, query string with
its parameters sorted and encoded, the active language, and the generations: this
module's global content generation, the content generation of the request's site and,
for whole pages, the seat generation of the request's site. (Not the frame cache's
generation, which advances on any page of any site: what a page reads from the frame,
navigation, settings, restrictions, routes, changes with the same writes as below.)

**Invalidation** (`connect`), now and again when the transaction commits: a change that
belongs to pages renews the content generation of the sites that show them, so that the
other networks of a multi-site installation keep their pages: saving, deleting,
publishing or unpublishing a page (the sites whose root is the page or one of its
ancestors, or below it), a row that belongs to a page (a `page` key: event dates,
registration questions, signatures, view restrictions), a site's settings (that site).
What cannot be attributed to a site renews the global generation: sites, snippets
shared by all (venues, audiences, sectors …), images, documents, generic settings,
moving a page (its links change wherever they are shown), a page outside every site, and
`invalidate()` called directly. A page linked from another network keeps its old title
there until that network's entries expire (`KINDERSCHUTZ_PAGE_CACHE_SECONDS`). The seat
generation of a site changes when a transaction that took an event lock commits
(`seats_changed`, called by `registrations.services.locking.lock_event`: every change of
who holds a seat, waitlist moves and cancellations included) and when a transaction that
deleted registrations commits (one query for all of them, `_registration_deleted`).
Generations are random tokens read before the page's own queries run: an entry
rendered from rows a concurrent transaction is changing is stored under the generation
that transaction's commit replaces, so it is never answered afterwards.

**Time:** entries live `KINDERSCHUTZ_PAGE_CACHE_SECONDS` (default 300; 0 turns the cache
off). That also bounds what changes without any write: a date passing, a page expiring,
an unconfirmed hold on a seat running out (the event page's seats left; the form's
count is taken on every request), and how long a process with a private memory cache
(no REDIS_URL, several processes) misses another's invalidation.
"""

import hashlib
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass, fields, is_dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import get_language

from . import conf, frame

logger = logging.getLogger(__name__)

PREFIX = "kinderschutz:pages"
CONTENT_KEY = f"{PREFIX}:content"  # the global content generation
MAX_PARAMETERS = 6
MAX_PARAMETER_LENGTH = 100
UNCACHED_PARAMETERS = frozenset({"q", "query", "suche"})
CSRF_FIELD = "csrfmiddlewaretoken"
ALLOWED_VARY = frozenset({"cookie", "accept-language"})
HIT_HEADER = "X-Page-Cache"


def seconds() -> int:
    """How long an entry lives (`KINDERSCHUTZ_PAGE_CACHE_SECONDS`); 0: no cache."""
    return int(conf.get("KINDERSCHUTZ_PAGE_CACHE_SECONDS"))


# ---- generations


def _seats_key(root_page_id) -> str:
    return f"{PREFIX}:seats:{root_page_id}"


def _site_content_key(root_page_id) -> str:
    return f"{PREFIX}:content:{root_page_id}"


def _generations(site) -> tuple[str, str, str]:
    """(global content generation, content generation of `site`, seat generation of
    `site`): one cache read, created if missing."""
    names = (CONTENT_KEY, _site_content_key(site.root_page_id), _seats_key(site.root_page_id))
    found = cache.get_many(names)
    values = []
    for name in names:
        value = found.get(name)
        if value is None:
            cache.add(name, secrets.token_hex(8), None)
            value = cache.get(name)
        values.append(value)
    return values[0], values[1], values[2]


def _keep(key, entry):
    """Store `entry`; a failing cache (Redis down or full) costs the entry, not the answer."""
    try:
        cache.set(key, entry, seconds())
    except Exception:  # noqa: BLE001 - any backend error: answer without keeping
        logger.warning("Page cache: could not keep %s", key, exc_info=True)


def _renew(name):
    cache.set(name, secrets.token_hex(8), None)


_pending = threading.local()


def _renew_now_and_on_commit(names):
    """Renew `names` now, and again when the current transaction commits (a request that
    read the old rows meanwhile may have kept a page under the generation set now).

    Within a transaction the commit renews each name once, however many rows name it
    (publishing a series of 150 dates: one callback, one renewal per site): the names
    wait in the set of this transaction's callback, found again as long as Django still
    holds it (a rolled back transaction or savepoint drops it, and the next write starts
    a new one). Renewing now stays per row, a cache write: a page rendered inside the
    transaction between two writes must not outlive the second."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        for name in names:
            _renew(name)
        return
    callback = getattr(_pending, "callback", None)
    held = callback is not None and any(
        func is callback for _sids, func, _robust in connection.run_on_commit
    )
    if not held:
        waiting = set()

        def callback():
            for name in waiting:
                _renew(name)

        callback.waiting = waiting
        _pending.callback = callback
        transaction.on_commit(callback)
    for name in names:
        callback.waiting.add(name)
        _renew(name)


def invalidate(**kwargs):
    """Make every kept page of every site unreachable (see `_renew_now_and_on_commit`).
    A signal receiver; arguments ignored."""
    _renew_now_and_on_commit([CONTENT_KEY])


SITE_ROOTS_KEY = f"{PREFIX}:site-roots"
SITE_ROOTS_SECONDS = 300  # bounds what a process with a private memory cache misses


def _site_roots() -> list[tuple[int, int, str]]:
    """(site id, root page id, tree path) of every site: one query, then kept until a
    site is saved or deleted or a page moves (`_sites_changed`), not renewed with the
    pages (every save of a page or a row of one would query the sites again).

    Not Wagtail's `Site.get_site_root_paths()`: it holds the root's URL path and its
    translations, not the tree path and page id the generations are named by."""
    roots = cache.get(SITE_ROOTS_KEY)
    if roots is None:
        from wagtail.models import Site

        roots = list(Site.objects.values_list("pk", "root_page_id", "root_page__path"))
        cache.set(SITE_ROOTS_KEY, roots, SITE_ROOTS_SECONDS)
    return roots


def _sites_changed(**kwargs):
    """A site saved or deleted, a page moved (a root's tree path may change): the site
    roots are read anew, now and after the commit. A signal receiver."""
    cache.delete(SITE_ROOTS_KEY)
    transaction.on_commit(lambda: cache.delete(SITE_ROOTS_KEY))


def invalidate_paths(paths):
    """Make the kept pages of the sites that show the pages at tree paths `paths`
    unreachable: sites whose root is one of them or an ancestor, and sites below one of
    them. A path in no site (or none at all) makes every kept page unreachable."""
    paths = [path for path in paths if path]
    roots = {
        root_page_id
        for _site_id, root_page_id, root_path in _site_roots()
        for path in paths
        if path.startswith(root_path) or root_path.startswith(path)
    }
    if not roots:
        invalidate()
        return
    _renew_now_and_on_commit(_site_content_key(root) for root in roots)


def invalidate_site(site_id):
    """Make the kept pages of the site `site_id` unreachable (its settings changed)."""
    roots = [root for pk, root, _path in _site_roots() if pk == site_id]
    if not roots:
        invalidate()
        return
    _renew_now_and_on_commit(_site_content_key(root) for root in roots)


def seats_changed(event_path: str):
    """The seats of the event at tree path `event_path` may have changed: when the
    transaction commits, every site that shows the event (its root is an ancestor) gets
    a new seat generation. Nothing runs before: this is called under the event lock.
    (A page read before the commit was read under the old generation, which the commit
    replaces.)"""

    def renew():
        for _site_id, root_page_id, root_path in _site_roots():
            if event_path.startswith(root_path):
                _renew(_seats_key(root_page_id))

    transaction.on_commit(renew)


# ---- the key


_PARAMETERS: set[str] = set()


def read_parameters(*names):
    """Declare query parameters that public pages read (filters, page numbers): only
    requests whose parameters are all declared are kept, so made-up parameters (cache
    busters, a flood of variants) are rendered as without the cache and never fill it.
    Called by the apps' `ready()`."""
    _PARAMETERS.update(names)


def offered(request, *names):
    """Say that the page answers `request` with one of the few answers it links to for
    the query parameters `names` (no filter or one from its lists, a page number it
    shows, a known tag): only an answer whose every parameter its page vouched for is
    kept, whole or as a form page. Values a page renders but does not offer (filters
    combined, a month or page number from a hand-made link, an unknown tag, another
    page's parameter) are never kept, so nobody can fill the cache by trying values."""
    request._page_cache_offered = getattr(request, "_page_cache_offered", frozenset()) | set(names)


def _vouched_for(request) -> bool:
    """Whether the page vouched for every query parameter of `request` (`offered`)."""
    return set(request.GET) <= getattr(request, "_page_cache_offered", frozenset())


def _query(request) -> str | None:
    """The query string with sorted parameters; None if it is not kept (too many or long
    parameters, a parameter no page declared, a search)."""
    items = sorted(request.GET.lists())
    if len(items) > MAX_PARAMETERS:
        return None
    parts = []
    for name, values in items:
        if name in UNCACHED_PARAMETERS or name not in _PARAMETERS or len(values) > 3:
            return None
        for value in values:
            if len(value) > MAX_PARAMETER_LENGTH:
                return None
            parts.append((name, value))
    # Encoded, so that "?a=1%26b%3D2" and "?a=1&b=2" (rendered differently) differ here too.
    return urlencode(parts)


def _cookie_free(request) -> bool:
    from django.contrib.messages.storage.cookie import CookieStorage

    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


@dataclass(frozen=True)
class Plan:
    """Where an anonymous request's page is (or will be) kept."""

    key: str
    seats: str  # the seat generation of the request's site when the key was made


def plan(request, *parts, with_seats=True) -> Plan | None:
    """The cache key of `request` (with `parts` added), or None if its answer is never
    kept: not GET/HEAD, a session or messages cookie, the admin, no known site, an
    unkept query string, or the cache switched off. `with_seats`: the key includes the
    site's seat generation (whole pages: any of them may show seats); a form page keys
    what it shows itself and checks the seat generation only if it shows more counts."""
    if request.method not in ("GET", "HEAD") or seconds() <= 0 or not _cookie_free(request):
        return None
    if request.path.startswith(tuple(conf.get("CONTENT_SECURITY_POLICY_EXEMPT_PREFIXES"))):
        return None
    site = getattr(request, "_wagtail_site", None)
    query = _query(request)
    if site is None or query is None:
        return None
    content, site_content, seat_generation = _generations(site)
    fields_ = (
        content,
        site_content,
        seat_generation if with_seats else "",
        request.scheme,
        request.get_host(),
        str(site.pk),
        request.path,
        query,
        get_language() or "",
        *(str(part) for part in parts),
    )
    digest = hashlib.sha256(json.dumps(fields_).encode()).hexdigest()
    return Plan(key=f"{PREFIX}:entry:{digest}", seats=seat_generation)


# ---- what may be kept


def served(page, request):
    """Record that `request` is answered by the Wagtail page `page` (the
    `before_serve_page` hook); only such answers are kept."""
    request._page_cache_page = page


def _public_page(request) -> bool:
    page = getattr(request, "_page_cache_page", None)
    if page is None or getattr(request, "is_preview", False):
        return False
    restricted = frame.restrictions()
    if any(page.path.startswith(path) for path, _pk in restricted.by_path):
        return False
    # An alias takes the restrictions of its source page: not kept.
    return getattr(page, "alias_of_id", None) is None


def _shareable(request, response, csrf_allowed=False) -> bool:
    """Whether `response` is the same for every anonymous visitor (module docstring)
    and one of the answers its page offers (`offered`)."""
    if not _vouched_for(request):
        return False
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - ALLOWED_VARY or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not csrf_allowed:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


@dataclass(frozen=True)
class Entry:
    """A kept answer: status, headers (without cookies or length) and the HTML."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    seats: str | None = None  # seat generation it depends on (forms with live counts)

    @classmethod
    def of(cls, response, content=None, seats=None):
        # Without cookies, and without a length: a form's fresh fields change it.
        skipped = {"set-cookie", "content-length"}
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in skipped)
        return cls(response.status_code, headers, content or response.content, seats)

    def response(self, content=None) -> HttpResponse:
        answer = HttpResponse(content or self.content, status=self.status)
        for name, value in self.headers:
            answer[name] = value
        answer[HIT_HEADER] = "hit"
        return answer


class PageCacheMiddleware:
    """Answers anonymous GET/HEAD requests for public pages from the cache and keeps
    those answers (module docstring). Place it after `SiteFromCacheMiddleware` (the
    site) and `CsrfViewMiddleware` (which sets the CSRF cookie of form pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = plan(request)
        if where is None:
            return self.get_response(request)
        entry = cache.get(where.key)
        if entry is not None and entry.seats is None:
            return entry.response()
        response = self.get_response(request)
        if _public_page(request) and _shareable(request, response):
            _keep(where.key, Entry.of(response))
        return response


# ---- pages with a form


def _state(value):
    """A stable text of what a page shows (`shows`): dataclasses field by field,
    translated strings as text, model instances by class and key."""
    if is_dataclass(value) and not isinstance(value, type):
        return (
            "("
            + ",".join(f"{f.name}={_state(getattr(value, f.name))}" for f in fields(value))
            + ")"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(_state(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_state(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, models.Model):
        return f"{value._meta.label}#{value.pk}"
    if isinstance(value, Promise):
        return str(value)
    return repr(value)


def _field_pattern(name):
    return re.compile(r'(name="' + re.escape(name) + r'"[^>]*?value=")[^"]*(")')


def _placeholder(name) -> str:
    return f"\x00page-cache:{name}\x00"


def form_page(request, *, shows, fresh, render):
    """The answer of a page with a form: from the cache with fresh hidden fields, or
    `render()`d and kept with placeholders (module docstring).

    `shows`: what the page shows that changes without an editor (part of the key);
    `fresh`: {hidden field name: function making its value}, the CSRF token added;
    `render()`: returns (response, live_counts), `live_counts` True if the page also
    shows counts beyond `shows` (the entry then ends with the site's seat generation).
    """
    fill = {CSRF_FIELD: lambda: get_token(request), **fresh}
    # Never kept whole by the middleware: its key does not know `shows` (a closed form
    # opens at a time, without any write).
    request._page_cache_page = None
    where = plan(request, "form", _state(shows), with_seats=False)
    if where is not None:
        entry = cache.get(where.key)
        if entry is not None and entry.seats in (None, where.seats):
            html = entry.content.decode()
            for name, make in fill.items():
                html = html.replace(_placeholder(name), escape(make()))
            return entry.response(html.encode())
    response, live_counts = render()
    if where is not None and _shareable(request, response, csrf_allowed=True):
        html = response.content.decode()
        for name in fill:
            html, replaced = _field_pattern(name).subn(
                lambda m, name=name: m.group(1) + _placeholder(name) + m.group(2), html
            )
            # Every mention of the field must have become a placeholder: a token that
            # stayed (another markup) would be served to every visitor.
            if html.count(f'"{name}"') != replaced:
                return response
        seats = where.seats if live_counts else None
        _keep(where.key, Entry.of(response, html.encode(), seats))
    return response


# ---- invalidation


def _changed(sender, instance=None, created=False, **kwargs):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if created and isinstance(instance, BaseSiteSetting | BaseGenericSetting):
        # Made with its defaults by for_site() on a site's first request: what pages
        # showed before is what they show now (as in frame._changed).
        return
    if not isinstance(instance, _watched()):
        return
    if isinstance(instance, Page):
        invalidate_paths([instance.path])
    elif isinstance(instance, BaseSiteSetting):
        invalidate_site(instance.site_id)
    elif (field := _page_field(type(instance))) is not None:
        invalidate_paths([_page_path(instance, field)])
    else:
        invalidate()


def _page_published(sender, instance=None, **kwargs):
    """`page_published` / `page_unpublished`: the sites that show the page."""
    invalidate_paths([instance.path] if instance is not None else [])


_PAGE_FIELDS: dict[type, object] = {}


def _page_field(model):
    """The `page` key of a row that belongs to a page (event dates, questions, view
    restrictions, signatures …), or None."""
    if model not in _PAGE_FIELDS:
        from django.core.exceptions import FieldDoesNotExist
        from wagtail.models import Page

        try:
            field = model._meta.get_field("page")
        except FieldDoesNotExist:  # no page of its own
            field = None
        related = getattr(field, "related_model", None)
        is_page = isinstance(related, type) and issubclass(related, Page) and field.many_to_one
        _PAGE_FIELDS[model] = field if is_page else None
    return _PAGE_FIELDS[model]


def _page_path(instance, field) -> str | None:
    """The tree path of the page `instance` belongs to: from the page it holds (rows
    saved with their page, as a publish does), else one query."""
    from wagtail.models import Page

    if field.is_cached(instance):
        page = field.get_cached_value(instance)
        return getattr(page, "path", None)
    page_id = getattr(instance, field.attname)
    return Page.objects.filter(pk=page_id).values_list("path", flat=True).first()


_deleted_for_events = threading.local()


def _registration_deleted(sender, instance=None, **kwargs):
    """A deleted registration frees a seat of its event: noted here, and the sites that
    show the events are renewed once when the transaction commits
    (`_renew_seats_of_deleted`). Deleting many rows at once (an event with thousands of
    registrations, a bulk action) costs no query per row: Django deletes in a transaction
    and sends this signal per row."""
    pending = getattr(_deleted_for_events, "ids", None)
    if pending is None:
        pending = _deleted_for_events.ids = set()
    pending.add(instance.event_id)
    # once per row, but only the first callback finds anything to do (a rolled back
    # transaction's ids are renewed with the next commit: one renewal too many at worst)
    transaction.on_commit(_renew_seats_of_deleted)


def _renew_seats_of_deleted():
    """The seat generation of every site that shows an event whose registrations were
    deleted: one query for their paths (none left: the event went with them, and its
    deletion renewed the content of its sites)."""
    from wagtail.models import Page

    ids = getattr(_deleted_for_events, "ids", None)
    if not ids:
        return
    _deleted_for_events.ids = set()
    paths = list(Page.objects.filter(pk__in=ids).values_list("path", flat=True))
    roots = {
        root_page_id
        for _site_id, root_page_id, root_path in _site_roots()
        for path in paths
        if path.startswith(root_path)
    }
    for root_page_id in roots:
        _renew(_seats_key(root_page_id))


def _registration_model():
    from django.apps import apps

    if not apps.is_installed("registrations"):
        return None
    return apps.get_model("registrations", "Registration")


_WATCHED: list[tuple[type, ...]] = []


def _watched() -> tuple[type, ...]:
    """The models whose rows pages show: pages, restrictions, sites, settings, images,
    documents, every snippet but registrations (their seats have their own generation)
    and what other apps watch for the frame cache. Collected on first use, when every
    app has registered its snippets (Wagtail does so when it loads the hooks)."""
    if not _WATCHED:
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.snippets.models import get_snippet_models

        registration = _registration_model()
        snippets = [m for m in get_snippet_models() if m is not registration]
        _WATCHED.append(
            (
                Page,
                PageViewRestriction,
                Site,
                BaseSiteSetting,
                BaseGenericSetting,
                get_image_model(),
                get_document_model(),
                *snippets,
                *frame.WATCHED,
            )
        )
    return _WATCHED[0]


def connect():
    """Connect the invalidation (module docstring); called from the app's `ready`."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    registration = _registration_model()
    uid = "kinderschutz_page_cache"
    post_save.connect(_changed, weak=False, dispatch_uid=f"{uid}_save")
    post_delete.connect(_changed, weak=False, dispatch_uid=f"{uid}_delete")
    for signal in (page_published, page_unpublished):
        signal.connect(_page_published, weak=False, dispatch_uid=f"{uid}_{id(signal)}")
    post_page_move.connect(invalidate, weak=False, dispatch_uid=f"{uid}_move")
    post_page_move.connect(_sites_changed, weak=False, dispatch_uid=f"{uid}_move_roots")
    for signal in (post_save, post_delete):
        signal.connect(
            _sites_changed, sender=Site, weak=False, dispatch_uid=f"{uid}_sites_{id(signal)}"
        )
    if registration is not None:
        post_delete.connect(
            _registration_deleted, sender=registration, weak=False, dispatch_uid=f"{uid}_reg"
        )
