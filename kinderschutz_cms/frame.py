"""What every public page reads besides its own content, kept in the shared cache.

Every page shows the main navigation, the footer from the site's `NetworkSettings`, and
must check Wagtail's view restrictions (private sections); every listing hides pages in
private sections. Read from the database, that is five queries or more on every request,
whatever the page. Here they are read once and kept in Django's cache (Redis in
production, shared by all workers):

- `restrictions()`: every `PageViewRestriction` with the tree path of its page, and the
  tree paths of alias pages (whose restrictions Wagtail takes from their source page).
  `public_q()` is the condition `PageQuerySet.public()` builds, without its query;
  `RestrictionsFromCache.get_view_restrictions()` is Wagtail's check without its two.
- `navigation(site)`: the home page's live, public children shown in menus, per site.
- `NetworkSettings.for_request` (kinderschutz_cms/models.py): the settings, per site.
- `site_for_request(request)`: the request's Site with its specific root page, per host.
- the pages on a routed path, per site root and path (kinderschutz_cms/routing.py).
- rendered parts of pages (`{% frame_fragment %}`, kinderschutz_cms/templatetags/
  site_tags.py): a page's body, the home page's news, the news list, the calendar's and
  the directory's cards and unfiltered filter fields, per site and language, and per
  whatever else they show that changes without a new generation (seats left, the
  dates still listed), which is part of their key.

Nothing personal is kept: only what every visitor of a site sees alike. All keys carry a
generation number that `invalidate()` advances (signal receivers connected in
`connect()`) whenever a page is saved, published, unpublished, moved or deleted, a view
restriction or a Site changes, settings, an image or a document are saved (or a model
an app asked `watch()` for: audiences, venues, dates, sectors, tags …); a new generation
makes every earlier entry unreachable at once, on every worker that shares the cache. The entries
also expire after `TIMEOUT` seconds: with a per-process cache (LocMemCache, no REDIS_URL)
and several workers, one worker's invalidation cannot reach another's memory, so a
change made through one worker (a new view restriction included) reaches the others
only when their entries expire. Run several workers with a shared cache (REDIS_URL),
as the feed cache and the rate limits already require.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site

PREFIX = "kinderschutz:frame"
TIMEOUT = 300


def _generation():
    generation = cache.get(f"{PREFIX}:generation")
    if generation is None:
        generation = 1
        cache.add(f"{PREFIX}:generation", generation, None)
    return generation


def key(*parts) -> str:
    """A cache key of the current generation, e.g. `key("navigation", site.pk)`."""
    return ":".join(str(p) for p in (PREFIX, _generation(), *parts))


def cached(name: str, *parts, build):
    """The cached value under `key(name, *parts)`, built with `build()` when missing."""
    entry_key = key(name, *parts)
    value = cache.get(entry_key)
    if value is None:
        value = build()
        cache.set(entry_key, value, TIMEOUT)
    return value


def _advance():
    try:
        cache.incr(f"{PREFIX}:generation")
    except ValueError:  # no generation yet: nothing cached under one either
        cache.set(f"{PREFIX}:generation", 2, None)


def invalidate(**kwargs):
    """Make every cached entry unreachable: now, and again when the current transaction
    commits (a request that read the old rows meanwhile may have cached them under the
    generation set now). A signal receiver; arguments ignored."""
    _advance()
    transaction.on_commit(_advance)


# ---- view restrictions


@dataclass(frozen=True)
class Restrictions:
    by_path: tuple[tuple[str, int], ...]  # (tree path of the restricted page, restriction id)
    alias_paths: frozenset[str]  # tree paths of alias pages


def restrictions() -> Restrictions:
    """Every view restriction and every alias page of the installation (two queries,
    once per generation)."""

    def build():
        rows = PageViewRestriction.objects.values_list("page__path", "pk").order_by("pk")
        # "alias_of > 0" (ids are positive), unordered: for "IS NOT NULL", or ordered by
        # path, SQLite reads every page of the installation instead of the alias index
        # (issue #19: 2.5 ms at a Land's 51 sites, against 0.01 ms)
        aliases = Page.objects.filter(alias_of_id__gt=0).order_by().values_list("path", flat=True)
        return Restrictions(by_path=tuple(rows), alias_paths=frozenset(aliases))

    return cached("restrictions", build=build)


def private_q(field: str = "") -> Q:
    """The condition `PageQuerySet.private_q()` builds (pages in a private section,
    nothing if there is none), without its query. `field` names the page relation to
    follow, as in `kinderschutz_cms.sites.in_site`."""
    from .sites import in_site

    private = Q()
    for path, _pk in restrictions().by_path:
        private |= in_site(path, field)
    return private if private else Q(pk__in=[])


def public_q(field: str = "") -> Q:
    """Pages outside every private section: `.filter(public_q())` is `.public()`
    without its query."""
    return ~private_q(field) if restrictions().by_path else Q()


class RestrictionsFromCache:
    """Page mixin: Wagtail's view-restriction check (`get_view_restrictions`, called
    before serving every page) answered from `restrictions()`: no query for a page in no
    private section. Pages that are aliases, or below one, keep Wagtail's own lookup."""

    def get_view_restrictions(self):
        known = restrictions()
        own_and_ancestors = {
            self.path[:end] for end in range(Page.steplen, len(self.path) + 1, Page.steplen)
        }
        if own_and_ancestors & known.alias_paths:
            return super().get_view_restrictions()
        ids = [pk for path, pk in known.by_path if path in own_and_ancestors]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)


# ---- the site of a request


def site_for_request(request) -> Site | None:
    """Wagtail's `Site.find_for_request` (one query on every request) from the cache, per
    host name and port; sets `request._wagtail_site`, where Wagtail looks first. Only for
    host names Django accepts (ALLOWED_HOSTS), so a client cannot fill the cache with
    made-up ones; for others Wagtail's own lookup runs as before."""
    from django.core.exceptions import DisallowedHost
    from django.http.request import split_domain_port

    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    try:
        hostname = split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return Site.find_for_request(request)
    port = request.get_port()

    def build():
        site = Site._find_for_request(request)
        if site is not None:
            # Kept with the site (a cached property): Wagtail starts routing every
            # request at `site.root_page.specific`, one query each time otherwise.
            site.root_page.specific  # noqa: B018
        return site

    site = cached("site", hostname, port, build=build)
    request._wagtail_site = site
    return site


# ---- navigation


def navigation(site: Site) -> list[Page]:
    """The home page's live, public children marked "show in menus" (cached per site)."""

    def build():
        root = site.root_page
        pages = root.get_children().live().filter(public_q()).in_menu().specific(defer=True)
        return list(pages)

    return cached("navigation", site.pk, build=build)


WATCHED: set[type] = set()


def watch(*models):
    """Invalidate when an instance of one of `models` (or a subclass) is saved or deleted,
    for apps that cache something derived from them here (e.g. the directory's filters)."""
    WATCHED.update(models)


def _changed(sender, instance=None, created=False, **kwargs):
    from wagtail.contrib.settings.models import BaseSiteSetting

    if created and isinstance(instance, BaseSiteSetting):
        # Made by for_site() on the first request of a site: nothing cached can be
        # older than it (invalidating here would rebuild everything once more).
        return
    if isinstance(instance, tuple(WATCHED)):
        invalidate()


def connect():
    """Invalidate on every change that can alter navigation, settings or restrictions."""
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.signals import page_unpublished, post_page_move

    # Images and documents: rendered page parts (`{% frame_fragment %}`, site_tags) show
    # their renditions, titles and file URLs.
    watch(Page, PageViewRestriction, Site, BaseSiteSetting, get_image_model(), get_document_model())
    uid = "kinderschutz_frame"
    post_save.connect(_changed, weak=False, dispatch_uid=f"{uid}_save")
    post_delete.connect(_changed, weak=False, dispatch_uid=f"{uid}_delete")
    # Unpublishing and moving save the page too; connected all the same, as Wagtail
    # documents these signals as the moments the tree changes.
    page_unpublished.connect(invalidate, weak=False, dispatch_uid=f"{uid}_unpublish")
    post_page_move.connect(invalidate, weak=False, dispatch_uid=f"{uid}_move")
    m2m_changed.connect(
        invalidate,
        sender=PageViewRestriction.groups.through,
        weak=False,
        dispatch_uid=f"{uid}_groups",
    )
