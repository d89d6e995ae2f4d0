"""Site search: live, public pages of one site, grouped by what they are.

Pages are grouped by their app (APP_GROUPS: "members" → "Netzwerkpartner", "events" →
"Veranstaltungen", "news" → "Aktuelles"); everything else is listed under "Seiten". The
search itself is Wagtail's (database backend: full text on PostgreSQL with German stemming,
FTS5 on SQLite).

Editors can promote pages or external links for a search term (Wagtail's "Promoted search
results", `wagtail.contrib.search_promotions`); `promotions` finds them for a query and the
results page lists them first, marked "Empfohlen".

On SQLite, the hits are ranked by one query over the full-text index (`_ranked_on_sqlite`):
Wagtail's SQLite backend scores each matching page with a correlated subquery that runs the
full-text match again, so a term most pages contain ("Kinderschutz") cost time growing with
the square of the hits (issue #19: 0.3 s CPU at 1,000 members and events, against 2 ms for
the same ranking done in one pass).
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, IntegerField, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import normalise_query_string

from .frame import private_q
from .sites import in_site

MAX_QUERY_LENGTH = 200
_NOT_A_WORD = re.compile(r"[^\w§-]+")
# How many hits the search fetches at most, and how many each group shows at first.
MAX_RESULTS = 200
PER_GROUP = 5
PER_PAGE = 20

APP_GROUPS = {
    "members": _("Netzwerkpartner"),
    "events": _("Veranstaltungen"),
    "news": _("Aktuelles"),
}
DEFAULT_GROUP = _("Seiten")
# The order of groups on the results page; groups not listed follow in order of first hit.
GROUP_ORDER = ["members", "events", "news", "pages"]


@dataclass
class ResultGroup:
    """One kind of page in the results: its key (for `?kind=`), label, its hits (`hits`:
    (page id, content type id) pairs, best first) and the pages shown of them (`pages`:
    the first PER_GROUP, or on `results_page` the requested page of a selected group).
    Only the pages shown are read from the database, and only when `pages` is first
    read (the results page keeps each result rendered in the frame cache, per page:
    `first_shown`, a group whose results are all kept reads no page)."""

    key: str
    label: str
    hits: list = field(default_factory=list)
    results_page: DjangoPage | None = None
    shown: list = field(default_factory=list, repr=False)  # the hits `pages` shows
    load: Callable[[], dict] | None = field(default=None, repr=False, compare=False)
    _pages: list | None = field(default=None, repr=False, compare=False)
    _by_id: dict | None = field(default=None, repr=False, compare=False)

    @property
    def pages(self):
        if self._pages is None:
            loaded = self.load() if self.load is not None else {}
            self._pages = [loaded[page_id] for page_id, _ in self.shown if page_id in loaded]
        return self._pages

    @property
    def count(self):
        return len(self.hits)

    def first_shown(self) -> list["ShownHit"]:
        """The first PER_GROUP hits shown, each reading its page only when asked
        (`ShownHit.page`): a result kept rendered needs none."""
        return [ShownHit(page_id, self) for page_id, _ in self.shown[:PER_GROUP]]

    def page_of(self, page_id):
        """The page `page_id` among those shown (all read at once), None if it is gone."""
        if self._by_id is None:
            self._by_id = {page.pk: page for page in self.pages}
        return self._by_id.get(page_id)

    @property
    def has_more(self):
        return self.count > PER_GROUP


@dataclass
class ShownHit:
    """A hit on the results page: its page id (the key of its kept rendering, one per
    page, site and language whatever was searched, so the cache holds at most one entry
    per page) and its page, read with the group's others when first asked."""

    id: int
    group: ResultGroup

    @property
    def page(self):
        return self.group.page_of(self.id)


@dataclass
class Promotion:
    """A result an editor promoted for the query: a page of the site or an external link."""

    title: str
    description: str
    page: Page | None = None
    external_url: str = ""


def promotions(query, site) -> list[Promotion]:
    """The promoted results for `query`, in the editors' order (two queries at most).

    The term is matched the way Wagtail stores it (normalised: lower case, no punctuation).
    A promoted page is shown only if it is live, public and part of `site`.
    """
    term = normalise_query_string(clean_query(query))
    if not term or site is None:
        return []
    picks = list(
        SearchPromotion.objects.filter(query__query_string=term).order_by("sort_order", "pk")
    )
    page_ids = [pick.page_id for pick in picks if pick.page_id]
    visible = (
        Page.objects.live()
        .exclude(private_q())
        .descendant_of(site.root_page, inclusive=True)
        .filter(pk__in=page_ids)
        .specific()
        .in_bulk()
        if page_ids
        else {}
    )
    result = []
    for pick in picks:
        if pick.page_id:
            page = visible.get(pick.page_id)
            if page is not None:
                result.append(Promotion(page.title, pick.description, page=page))
        elif pick.external_link_url:
            text = pick.external_link_text or pick.external_link_url
            result.append(Promotion(text, pick.description, external_url=pick.external_link_url))
    return result


def clean_query(raw):
    """The query as searched: control characters (NUL, which PostgreSQL refuses in text)
    dropped, whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    printable = "".join(
        char if char.isspace() or unicodedata.category(char) != "Cc" else " " for char in raw or ""
    )
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


def search_terms(query):
    """The words to search for: letters, digits and hyphens; everything else is a space.

    Quotes, brackets, asterisks and the like are operators to SQLite's FTS5 and
    PostgreSQL's tsquery; an unbalanced one would make the database refuse the query.
    """
    return " ".join(_NOT_A_WORD.sub(" ", query).split())


# The page models whose pages make up a group, so that it counts what the directory, the
# calendar and the news list show: the directory, an agreement or the calendar page
# itself are "Seiten", not partners or events.
GROUP_MODELS = {"members.memberpage", "events.eventpage", "news.newspage"}


def group_key(page):
    """The group a (specific) page, or a page model, belongs to: its app label, or "pages"."""
    model = page if isinstance(page, type) else type(page)
    for parent in model.__mro__:
        meta = getattr(parent, "_meta", None)
        if meta is not None and meta.label_lower in GROUP_MODELS:
            return meta.app_label
    return "pages"


def group_label(key):
    return APP_GROUPS.get(key, DEFAULT_GROUP)


def search_site(query, site, kind="", page_number=None):
    """Search the live, public pages of `site` and group the hits (at most MAX_RESULTS).

    Returns the groups in GROUP_ORDER, each with its hits in order of relevance. The pages
    shown are loaded when a group's `pages` are first read: the first PER_GROUP of each
    group, or, when `kind` names a group, only its page `page_number` of results
    (`results_page`). The number of queries does not depend on the number of hits: one
    search query, then (unless the results page has every group's list in the frame
    cache) one query per group model and per other page type shown (`_as_shown`).
    """
    from django.contrib.contenttypes.models import ContentType

    terms = search_terms(clean_query(query))
    if not terms or site is None:
        return []
    pages = Page.objects.live().exclude(private_q()).filter(in_site(site.root_page.path))
    ranked = _ranked_on_sqlite(pages, terms, MAX_RESULTS)
    if ranked is None:
        ranked = [
            (page.pk, page.content_type_id)
            for page in pages.search(terms, operator="and")[:MAX_RESULTS]
        ]
    groups, key_of_type = {}, {}
    for hit in ranked:
        key = key_of_type.get(hit[1])
        if key is None:  # once per page type among the (up to MAX_RESULTS) hits
            model = ContentType.objects.get_for_id(hit[1]).model_class() or Page
            key = key_of_type[hit[1]] = group_key(model)
        if key not in groups:
            groups[key] = ResultGroup(key=key, label=group_label(key))
        groups[key].hits.append(hit)
    selected = groups.get(kind)
    if selected is not None:
        selected.results_page = Paginator(selected.hits, PER_PAGE).get_page(page_number)
        shown = {selected.key: list(selected.results_page.object_list)}
    else:
        shown = {key: group.hits[:PER_GROUP] for key, group in groups.items()}
    # The pages of every group shown are read together (`_as_shown`), when the first
    # group's pages are needed.
    load = functools.cache(lambda: _as_shown([hit for hits in shown.values() for hit in hits]))
    for key, hits in shown.items():
        groups[key].shown, groups[key].load = hits, load
    if selected is not None:
        selected.results_page.object_list = selected.pages
    order = {key: position for position, key in enumerate(GROUP_ORDER)}
    return sorted(groups.values(), key=lambda group: order.get(group.key, len(order)))


def _load_model(model):
    """The model a hit is read as: its group's model (a training, a Fachtag and a meeting
    are all read as events, with the fields a result shows), else its own model."""
    for parent in model.__mro__:
        meta = getattr(parent, "_meta", None)
        if meta is not None and meta.label_lower in GROUP_MODELS:
            return parent
    return model


def _ranked_on_sqlite(pages: QuerySet, terms: str, limit: int) -> list[tuple[int, int]] | None:
    """The ids and content type ids of the first `limit` of `pages` matching all `terms`,
    best first, in the order of Wagtail's SQLite backend (its score: BM25 of title and
    body, the title weighted by its length; then the newest page first), in one query.
    None when the search backend is not Wagtail's SQLite full-text one.

    Starts from the full-text matches and looks each one's page up by primary key, so its
    cost follows the number of matches in the index and never multiplies it by the number
    of pages (Wagtail's `.search()` ranks each page by a subquery that repeats the match).
    """
    if connections[pages.db].vendor != "sqlite":
        # Wagtail's SQLite modules define their models only on SQLite: importing them on
        # another database raises LookupError.
        return None
    try:
        from wagtail.search.backends.database.sqlite.query import (
            MatchExpression,
            SQLiteFTSIndexEntry,
        )
        from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend
    except (ImportError, LookupError):  # no FTS5, or another Wagtail: its own search
        return None
    backend = get_search_backend()
    if not isinstance(backend, SQLiteSearchBackend) or SQLiteFTSIndexEntry is None:
        return None
    compiler = backend.query_compiler_class(pages, terms, operator="and")
    config = compiler.get_config(backend)
    match = MatchExpression(
        compiler.FTS_TABLE_FIELDS, compiler.build_search_query(compiler.query, config=config)
    )
    # A page is indexed under its own (specific) content type, as Wagtail's
    # Page.get_indexed_objects does; other indexed models (images, documents) have ids of
    # their own, which the content type tells apart.
    this_page = pages.filter(
        pk=OuterRef("page_id"), content_type_id=OuterRef("index_entry__content_type_id")
    )
    rows = (
        SQLiteFTSIndexEntry.objects.filter(match)
        .annotate(
            score=compiler._build_rank_expression(compiler.get_search_vectors(), config),
            page_id=Cast("index_entry__object_id", IntegerField()),
        )
        .filter(Exists(this_page))
        .order_by("score", "-page_id")
        .values_list("page_id", "index_entry__content_type_id")
    )
    return list(rows[:limit])


def _as_shown(hits) -> dict:
    """The pages of `hits` ((id, content type id) pairs) by id, as instances of their load
    model: one query per load model, not one per page type as `.specific()` would."""
    from django.contrib.contenttypes.models import ContentType

    by_model = {}
    for page_id, content_type_id in hits:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model = _load_model(model) if model is not None else Page
        by_model.setdefault(model, []).append(page_id)
    loaded = {}
    for model, ids in by_model.items():
        loaded.update(model.objects.filter(pk__in=ids).only(*_shown_fields(model)).in_bulk())
    return loaded


# What a result shows (kinderschutz_cms/search/result.html) and what its link needs.
_LINK_FIELDS = ("title", "url_path", "path", "depth", "locale", "content_type")
_SUMMARY_FIELDS = ("search_description", "teaser", "intro")


def _shown_fields(model) -> list[str]:
    """The fields of `model` a result reads: a hit is a whole page of many columns (a
    member's address, an event's registration settings) of which a result shows three."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in (*_LINK_FIELDS, *_SUMMARY_FIELDS) if name in names]
