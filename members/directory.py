"""The member directory's query: filters, search, alphabetical order, pagination.

One place for everything the directory lists. The number of queries is fixed, however many
members exist, and is none on a warm site, filtered or not: every filter and the search are
answered in Python from the directory's index (`directory_index`: 3 queries once per frame
generation), whose columns are in German order; one page of members with sector, IseF
contacts and services 3 (none while the frame cache holds the page's rendered cards, or
each card's: a member is loaded only for a card not kept). The filter choices (3 queries)
and the view restrictions are read from the shared cache of kinderschutz_cms.frame too,
which every page, sector, tag or contact change invalidates (members/apps.py). The cache
holds one index per directory and, for no filter or one choice filter, the ids and cards of
a page, never an entry per search or combination, which a crawler could multiply.

Search is a case-insensitive substring match over name, provider, place, description (as
stored, HTML) and services, each word of the query must match somewhere. Unlike Wagtail's
search backends it needs no search index to be kept up to date, and finds parts of words
("beratung" in "Erziehungsberatungsstelle"), which suits a directory of a few hundred or a
few thousand organisations. `filter_members` states it as a queryset (icontains; SQLite folds
case for ASCII only, so each word is also tried lower-cased and capitalised: "ärzt" finds
"Ärztliche ..."); `matching_ids` answers the same from the index, comparing lower-cased text
as PostgreSQL does (tests/members/test_directory_index.py holds the two together).

Order is alphabetical by German rules (DIN 5007: ä as a, ß as ss), done in Python over the
titles, because neither database sorts German titles correctly with its default
collation; the page of members is then loaded by id.
"""

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.forms import BooleanField, BoundField, ChoiceField
from taggit.models import Tag

from kinderschutz_cms import frame
from kinderschutz_cms.frame import public_q

from . import conf
from .forms import DirectoryFilterForm
from .models import ContactPerson, MemberPage, MemberServiceTag, Sector

MAX_SEARCH_WORDS = 10

_GERMAN_SORT = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def german_sort_key(title):
    """Sort key for German titles: case-insensitive, umlauts sorted with their base letter."""
    return title.casefold().translate(_GERMAN_SORT)


def members_below(index_page):
    """Live, public members below `index_page`."""
    return MemberPage.objects.live().filter(public_q()).descendant_of(index_page)


def filter_options(members):
    """Choices for the filter form: all sectors; the places and services `members` have.

    Places are (town, [districts]) pairs, both in German alphabetical order.
    """
    sectors = list(Sector.objects.all())
    places = {}
    rows = members.exclude(town="").order_by().values_list("town", "district").distinct()
    for town, district in rows:
        districts = places.setdefault(town, set())
        if district:
            districts.add(district)
    place_list = [
        (town, sorted(districts, key=german_sort_key))
        for town, districts in sorted(places.items(), key=lambda item: german_sort_key(item[0]))
    ]
    services = sorted(
        Tag.objects.filter(
            members_memberservicetag_items__content_object__in=members.values("pk")
        ).distinct(),
        key=lambda tag: german_sort_key(tag.name),
    )
    return {"sectors": sectors, "places": place_list, "services": services}


def _search_condition(word):
    variants = {word, word.lower(), word.capitalize()}
    condition = Q()
    for variant in variants:
        tagged = MemberServiceTag.objects.filter(
            content_object=OuterRef("pk"), tag__name__icontains=variant
        )
        condition |= (
            Q(title__icontains=variant)
            | Q(provider_name__icontains=variant)
            | Q(town__icontains=variant)
            | Q(district__icontains=variant)
            | Q(description__icontains=variant)
            | Q(Exists(tagged))
        )
    return condition


def filter_members(
    members,
    *,
    query="",
    sector_slug=None,
    town=None,
    district=None,
    service_slug=None,
    isef_only=False,
    concept_status=None,
):
    """Narrow a MemberPage queryset by the directory's filters (all combine with AND)."""
    if sector_slug:
        members = members.filter(sector__slug=sector_slug)
    if town:
        members = members.filter(town=town)
    if district:
        members = members.filter(district=district)
    if service_slug:
        members = members.filter(
            Exists(
                MemberServiceTag.objects.filter(
                    content_object=OuterRef("pk"), tag__slug=service_slug
                )
            )
        )
    if concept_status:
        members = members.filter(concept_status=concept_status)
    if isef_only:
        members = members.filter(
            Exists(ContactPerson.objects.filter(page=OuterRef("pk"), is_isef=True))
        )
    for word in query.split()[:MAX_SEARCH_WORDS]:
        members = members.filter(_search_condition(word))
    return members


def alphabetical_ids(members):
    """The ids of `members` in German alphabetical order of their titles (one query)."""
    rows = members.values_list("pk", "title")
    return [pk for pk, title in sorted(rows, key=lambda row: (german_sort_key(row[1]), row[0]))]


@dataclass(frozen=True)
class DirectoryIndex:
    """What the filters and the search read of a directory's members, one column per field,
    each in the members' German alphabetical order; kept in the frame cache (columns of
    plain values are read back from it many times faster than an object per member)."""

    ids: tuple[int, ...]
    sector_slugs: tuple[str | None, ...]
    towns: tuple[str, ...]
    districts: tuple[str, ...]
    concept_statuses: tuple[str, ...]
    with_isef: frozenset[int]  # positions of the members with an IseF contact
    services: dict[str, tuple[int, ...]]  # service tag slug: positions of its members
    # the searched fields and service names of each member, lower-cased, one per line
    # (a search word holds no whitespace, so it matches within one field, as the OR of
    # `filter_members` does)
    texts: tuple[str, ...]


def directory_index(members) -> DirectoryIndex:
    """The `DirectoryIndex` of `members` (three queries)."""
    tags = {}
    for member_id, slug, name in MemberServiceTag.objects.filter(
        content_object__in=members.values("pk")
    ).values_list("content_object_id", "tag__slug", "tag__name"):
        tags.setdefault(member_id, []).append((slug, name))
    isef = set(
        ContactPerson.objects.filter(is_isef=True, page__in=members.values("pk"))
        .order_by()
        .values_list("page_id", flat=True)
    )
    rows = members.order_by().values_list(
        "pk", "title", "provider_name", "town", "district", "description",
        "sector__slug", "concept_status",
    )  # fmt: skip
    rows = sorted(rows, key=lambda row: (german_sort_key(row[1]), row[0]))
    services = {}
    texts = []
    for position, (pk, title, provider, town, district, description, *_rest) in enumerate(rows):
        names = []
        for slug, name in tags.get(pk, ()):
            services.setdefault(slug, []).append(position)
            names.append(name)
        text = "\n".join([title, provider, town, district, description, *names])
        texts.append(unicodedata.normalize("NFC", text).lower())  # as the form's query
    return DirectoryIndex(
        ids=tuple(row[0] for row in rows),
        sector_slugs=tuple(row[6] for row in rows),
        towns=tuple(row[3] for row in rows),
        districts=tuple(row[4] for row in rows),
        concept_statuses=tuple(row[7] for row in rows),
        with_isef=frozenset(i for i, row in enumerate(rows) if row[0] in isef),
        services={slug: tuple(positions) for slug, positions in services.items()},
        texts=tuple(texts),
    )


def matching_ids(index: DirectoryIndex, filters: dict) -> list[int]:
    """The ids of the members in `index` that pass `filters` (the keyword arguments of
    `filter_members`, with which it agrees), in German alphabetical order.

    The search compares lower-cased text, as PostgreSQL's icontains does (SQLite's folds
    ASCII only, which `filter_members` makes up for by also trying each word lower-cased
    and capitalised), in composed form (NFC) on both sides; `filter_members` compares the
    stored text as it is, so a member stored in decomposed form is found here only."""
    found = range(len(index.ids))
    for column, name in [
        (index.sector_slugs, "sector_slug"),
        (index.towns, "town"),
        (index.districts, "district"),
        (index.concept_statuses, "concept_status"),
    ]:
        if value := filters.get(name):
            found = [i for i in found if column[i] == value]
    if service := filters.get("service_slug"):
        tagged = set(index.services.get(service, ()))
        found = [i for i in found if i in tagged]
    if filters.get("isef_only"):
        found = [i for i in found if i in index.with_isef]
    texts = index.texts
    for word in filters.get("query", "").split()[:MAX_SEARCH_WORDS]:
        word = word.lower()
        found = [i for i in found if word in texts[i]]
    ids = index.ids
    return [ids[i] for i in found]


def _index(index_page, members) -> DirectoryIndex:
    return frame.cached("directory-index", index_page.pk, build=lambda: directory_index(members))


def _ordered_ids(index_page, members, filters) -> tuple[list[int], str]:
    """The ids of the filtered members in German alphabetical order, and the key they are
    cached under ("" if they are not).

    Every filter and the search are answered in Python from the directory's index
    (`directory_index`), one frame cache entry per directory (a page, sector, tag or
    contact change renews it): no query, and no sorting of titles, on a request. The ids
    of no filter or one choice filter (what a visitor following a link asks for) are kept
    too, and with them the page's rendered cards; a search or combined filters are not,
    so a crawler walking every combination of the options cannot fill the shared cache."""
    if "query" in filters or len(filters) > 1:
        return matching_ids(_index(index_page, members), filters), ""
    # the key part is a digest: filter values are free text (a town) a cache may refuse
    choice = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:32]
    ids = frame.cached(
        "directory-ids",
        index_page.pk,
        choice,
        build=lambda: matching_ids(_index(index_page, members), filters),
    )
    return ids, choice


def load_members(ids):
    """The members with these ids, in this order, ready to list without further queries.

    Each member has `sector`, its services prefetched and `isef_contacts` (a list).
    """
    members = (
        MemberPage.objects.filter(pk__in=ids)
        .select_related("sector")
        .prefetch_related(
            "services",
            Prefetch(
                "contact_persons",
                queryset=ContactPerson.objects.filter(is_isef=True),
                to_attr="isef_contacts",
            ),
        )
    )
    by_id = {member.pk: member for member in members}
    return [by_id[pk] for pk in ids if pk in by_id]


class LazyMembers(Sequence):
    """`load_members(ids)`, loaded when first read: the directory renders its cards from
    the frame cache (`{% frame_fragment %}`) whenever it can, and then reads no member."""

    def __init__(self, ids):
        self.ids = list(ids)
        self._members = self._by_pk = None

    def _loaded(self):
        if self._members is None:
            self._members = load_members(self.ids)
        return self._members

    def __getitem__(self, index):
        return self._loaded()[index]

    def __len__(self):
        return len(self._loaded())

    def member(self, pk):
        """The member with id `pk` (loading the page's members on first use), or None."""
        if self._by_pk is None:
            self._by_pk = {member.pk: member for member in self._loaded()}
        return self._by_pk.get(pk)

    @property
    def cards(self) -> list["MemberCard"]:
        """One `MemberCard` per id, none of them loaded."""
        return [MemberCard(pk, self) for pk in self.ids]


class MemberCard:
    """A card of the list: the member's id, which keys its rendered card in the frame
    cache, and the member, loaded (with the rest of the page) only for a card not there."""

    __slots__ = ("pk", "_page")

    def __init__(self, pk: int, page: LazyMembers):
        self.pk, self._page = pk, page

    @property
    def member(self) -> MemberPage | None:
        return self._page.member(self.pk)


def filter_fields(form: DirectoryFilterForm) -> list[tuple[BoundField, str]]:
    """The form's fields, each with what its rendering shows besides the page's choices
    (a key for the frame cache), or "" where it shows what was typed and is rendered
    each time: a bound form selects the chosen option and marks a field in error, while
    the choices stay those of the page. The keys are few: one per choice of a field, one
    for an unchecked or checked box, one for an error (an invalid choice selects
    nothing), one for an empty search box; the frame cache keeps no value a visitor
    typed."""
    if not form.is_bound:
        return [(field, "") for field in form]
    fields = []
    for field in form:
        error = field.name in form.errors
        value = field.value()
        if isinstance(field.field, ChoiceField):
            state = repr(("!" if error else value, error))
        elif isinstance(field.field, BooleanField):  # ticked or not (the value is a bool)
            state = repr((value, error)) if value in (True, False) else ""
        else:
            state = "" if error or value else "empty"
        fields.append((field, state))
    return fields


def directory_context(index_page, params):
    """Template context of the directory for the GET parameters `params`."""
    members = members_below(index_page)
    options = frame.cached(
        "directory-filters", index_page.pk, build=lambda: filter_options(members)
    )
    form = DirectoryFilterForm(params or None, **options)  # unbound: the kept fields
    filters = form.active_filters()
    ids, choice = _ordered_ids(index_page, members, filters)
    paginator = Paginator(ids, conf.get("KINDERSCHUTZ_MEMBERS_PER_PAGE"))
    page_obj = paginator.get_page(params.get("page"))
    page_obj.object_list = LazyMembers(page_obj.object_list)
    valid = not form.is_bound or form.is_valid()
    return {
        # one of the lists the page links to (no filter or one valid choice, a page
        # number it shows): only those may be kept whole (kinderschutz_cms.page_cache)
        "is_offered_choice": bool(
            valid and choice and params.get("page") in (None, str(page_obj.number))
        ),
        # the rendered cards of a page of cached ids are kept as long as the ids are
        "cards_key": f"{choice}:{page_obj.number}" if choice else "",
        "cards": page_obj.object_list.cards,
        "filter_form": form,
        "filter_fields": filter_fields(form),
        "is_filtered": bool(filters),
        "members": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": list(paginator.get_elided_page_range(page_obj.number, on_each_side=2)),
        "result_count": paginator.count,
    }
