"""Routing below a network's home page in two queries, whatever the depth.

Wagtail routes a path one level at a time: each level fetches a child by slug and then
its specific page, two queries per level, so an event (home → calendar → event) costs
four before its own. `route_below` fetches every page on the path in one query (by
`url_path`, which Wagtail keeps for every page) and then only the last one as its
specific page, with the related rows its class names in `route_select_related`.

It decides as Wagtail's walk would: a page on the way whose class keeps Wagtail's
`Page.route` hands on to its child; one that keeps `RoutablePageMixin.route` answers
itself when one of its own routes matches the rest of the path (as RoutablePageMixin
does, routes before children); any other page class, a gap in the path or an unexpected
duplicate hands over to Wagtail's own walk from there, so nothing routes differently.

The pages on a path (the first query) are kept in the frame cache (kinderschutz_cms.frame)
per site root and path once the path has routed to a page, so a warm request fetches only
its own specific page. Every page change (save, publish, unpublish, move, delete) starts
a new frame generation, so a renamed, moved or unpublished page routes anew at once; a
path that is not found is never kept (made-up paths cannot fill the cache).
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404
from django.urls import Resolver404
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from . import frame
from .sites import in_site


def _answers_itself(model, live, remaining) -> bool | None:
    """Whether a page of `model` on the path routes `remaining` itself (True), hands on
    to its child as Wagtail's Page.route does (False), or routes its own way (None)."""
    if model is None:
        return None
    if model.route is Page.route:
        return False
    if model.route is RoutablePageMixin.route:
        if not live:
            return False
        try:
            model.get_resolver().resolve("/" + "/".join(remaining) + "/")
        except Resolver404:
            return False
        return True
    return None


def load(model, pk):
    """The page `pk` as a `model` instance, with its `route_select_related` rows."""
    related = getattr(model, "route_select_related", ())
    return model._default_manager.select_related(*related).get(pk=pk)


def route_below(root: Page, request, path_components: list[str]):
    """Route `path_components` below `root` (a RouteResult, or Http404)."""
    prefixes = [
        root.url_path + "/".join(path_components[:n]) + "/"
        for n in range(1, len(path_components) + 1)
    ]
    entry_key = frame.key(
        "route", root.pk, hashlib.sha256("/".join(path_components).encode()).hexdigest()
    )
    pages = cache.get(entry_key)
    from_cache = pages is not None
    if not from_cache:
        pages = list(
            Page.objects.filter(
                in_site(root.path), url_path__in=prefixes, depth__gt=root.depth
            ).order_by("depth", "path")
        )
    if not pages:
        raise Http404
    depths = [page.depth for page in pages]
    if depths != list(range(root.depth + 1, root.depth + 1 + len(pages))):
        return Page.route(root, request, path_components)  # Wagtail's walk decides
    parent = root
    for number, page in enumerate(pages):
        remaining = path_components[number + 1 :]
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        last = number == len(pages) - 1
        answers = _answers_itself(model, page.live, remaining)
        if last or answers is not False:
            if model is None:
                raise Http404
            specific = load(model, page.pk)
            specific._cached_parent_obj = parent
            result = specific.route(request, remaining)  # Http404: nothing is kept
            if not from_cache:
                cache.set(entry_key, pages, frame.TIMEOUT)
            return result
        page._cached_parent_obj = parent
        parent = page
    raise Http404  # not reached: the last page answers
