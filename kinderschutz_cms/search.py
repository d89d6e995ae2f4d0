"""Site search: live, public pages of one site, grouped by what they are.

Pages are grouped by their app (APP_GROUPS: "members" → "Netzwerkpartner", "events" →
"Veranstaltungen", "news" → "Aktuelles"); everything else is listed under "Seiten". The
search itself is Wagtail's (database backend: full text on PostgreSQL with German stemming,
FTS5 on SQLite).

Editors can promote pages or external links for a search term (Wagtail's "Promoted search
results", `wagtail.contrib.search_promotions`); `promotions` finds them for a query and the
results page lists them first, marked "Empfohlen".
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from .frame import private_q

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
    """One kind of page in the results: its key (for `?kind=`), label and pages."""

    key: str
    label: str
    pages: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.pages)

    def first(self):
        return self.pages[:PER_GROUP]

    @property
    def has_more(self):
        return len(self.pages) > PER_GROUP


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
    """The group a (specific) page belongs to: its app label, or "pages"."""
    for model in type(page).__mro__:
        meta = getattr(model, "_meta", None)
        if meta is not None and meta.label_lower in GROUP_MODELS:
            return meta.app_label
    return "pages"


def group_label(key):
    return APP_GROUPS.get(key, DEFAULT_GROUP)


def search_site(query, site):
    """Search the live, public pages of `site` (not its root) and group the hits.

    Returns the groups in GROUP_ORDER, each with its pages in order of relevance. The
    number of queries does not depend on the number of hits: one search query, then one
    query per group model and per other page type (`_as_shown`).
    """
    terms = search_terms(clean_query(query))
    if not terms or site is None:
        return []
    hits = list(
        Page.objects.live()
        .exclude(private_q())
        .descendant_of(site.root_page, inclusive=True)
        .search(terms, operator="and")[:MAX_RESULTS]
    )
    groups = {}
    for page in _as_shown(hits):
        key = group_key(page)
        if key not in groups:
            groups[key] = ResultGroup(key=key, label=group_label(key))
        groups[key].pages.append(page)
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


def _as_shown(hits):
    """`hits` (plain pages, in order) as instances of their load model: one query per
    load model, not one per page type as `.specific()` would."""
    from django.contrib.contenttypes.models import ContentType

    by_model = {}
    for page in hits:
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        model = _load_model(model) if model is not None else Page
        by_model.setdefault(model, []).append(page.pk)
    loaded = {}
    for model, ids in by_model.items():
        loaded.update(model.objects.filter(pk__in=ids).in_bulk() if model is not Page else {})
    return [loaded.get(page.pk, page) for page in hits]


def paginate_group(group, page_number):
    """One group's hits, paginated (for "all hits in Aktuelles")."""
    return Paginator(group.pages, PER_PAGE).get_page(page_number)
