"""The member directory's query: filters, search, alphabetical order, pagination.

One place for everything the directory lists. The number of queries is fixed, however many
members exist: the filtered and ordered ids 1 (none without a search while the frame cache
holds them), one page of members with sector, IseF contacts and services 3 (none while the
frame cache holds that page's rendered cards: `members` is loaded when first read). The
filter choices (3 queries) and the view restrictions are read from the shared cache of
kinderschutz_cms.frame, which every page, sector or tag change invalidates
(members/apps.py).

Search is a case-insensitive substring match (icontains) over name, provider, place,
description and services, each word of the query must match somewhere. Unlike Wagtail's
search backends it behaves the same on SQLite and PostgreSQL, composes with the other
filters as a plain queryset, needs no index to be kept up to date, and finds parts of words
("beratung" in "Erziehungsberatungsstelle"), which suits a directory of a few hundred
organisations. SQLite folds case for ASCII only, so each word is also tried lower-cased and
capitalised ("ärzt" finds "Ärztliche ...").

Order is alphabetical by German rules (DIN 5007: ä as a, ß as ss), done in Python over the
(id, title) pairs of the filtered members, because neither database sorts German titles
correctly with its default collation; the page of members is then loaded by id.
"""

import hashlib
from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
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


def _ordered_ids(index_page, members, filters) -> tuple[list[int], str]:
    """`alphabetical_ids` of the filtered members, and the key they are cached under ("" if
    they are not); with no filter or one choice filter (what a visitor following a link
    asks for), from the frame cache (a page, sector or tag change renews it), so the
    directory's first page does not read and sort every member's title on each request.
    A search or combined filters are counted afresh: a crawler walking every combination
    of the options must not fill the shared cache."""
    if "query" in filters or len(filters) > 1:
        return alphabetical_ids(filter_members(members, **filters)), ""
    # the key part is a digest: filter values are free text (a town) a cache may refuse
    choice = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:32]
    ids = frame.cached(
        "directory-ids",
        index_page.pk,
        choice,
        build=lambda: alphabetical_ids(filter_members(members, **filters)),
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
        self._members = None

    def _loaded(self):
        if self._members is None:
            self._members = load_members(self.ids)
        return self._members

    def __getitem__(self, index):
        return self._loaded()[index]

    def __len__(self):
        return len(self._loaded())


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
    return {
        # the rendered cards of a page of cached ids are kept as long as the ids are
        "cards_key": f"{choice}:{page_obj.number}" if choice else "",
        "filter_form": form,
        "is_filtered": bool(filters),
        "members": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": list(paginator.get_elided_page_range(page_obj.number, on_each_side=2)),
        "result_count": paginator.count,
    }
