"""The directory's filters and search answered from its index in the frame cache (issue #19,
members.directory.directory_index): the same members in the same order as the query of
`filter_members`, for every filter and combination; private, unpublished and other sites'
members never among them; a change shows at once; the filter fields of a filtered page
kept per chosen value and showing that value."""

import itertools
import re

import pytest
from django.contrib.auth.models import Group
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction, Site

from kinderschutz_cms.models import NetworkHomePage
from members import directory
from members.choices import ConceptStatus

from .factories import make_contact, make_member, make_member_index, sector

pytestmark = pytest.mark.django_db
URL = "/netzwerkpartner/"


def listed(response):
    assert response.status_code == 200
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def members(index_page):
    """Members that differ in every filterable and searchable way, with members the
    directory must never list beside them."""
    specs = [
        ("Ärztliche Kinderschutzambulanz", "gesundheitswesen", "Musterstadt", "Altstadt"),
        ("Erziehungsberatungsstelle", "beratungsstellen", "Lindenau", ""),
        ("Ehe-, Familien- und Lebensberatung", "beratungsstellen", "Musterstadt", "Nordstadt"),
        ("Kita Sonnenschein", "kindertagesbetreuung", "Musterstadt", "Nordstadt"),
        ("Öffentliche Bibliothek", "sonstige", "Lindenau", ""),
        ("Oberschule am Park", "schule", "Lindenau", ""),
        ("Straßensozialarbeit 100%", "sonstige", "Musterstadt", "Altstadt"),
        ("zebra_kids e. V.", "sonstige", "", ""),
    ]
    statuses = [ConceptStatus.ADOPTED, ConceptStatus.IN_PROGRESS, ConceptStatus.NONE]
    pages = []
    for number, (title, sector_slug, town, district) in enumerate(specs):
        pages.append(
            make_member(
                parent=index_page,
                title=title,
                sector=sector(sector_slug),
                town=town,
                district=district,
                concept_status=statuses[number % 3],
                provider_name=["Kinderhilfe Nord gGmbH", "Stadt Lindenau", ""][number % 3],
                description=["<p>Beratung für <strong>Eltern</strong>.</p>", ""][number % 2],
            )  # fmt: skip
        )
    make_contact(page=pages[1], is_isef=True)
    make_contact(page=pages[2], is_isef=True)
    make_contact(page=pages[2], is_isef=True)  # two IseF contacts: listed once
    make_contact(page=pages[3], is_isef=False)
    for page, tags in [(pages[1], ["Elternberatung", "Jugendliche"]), (pages[3], ["Kinder 0–3"])]:
        page.services.add(*tags)
        page.save()
    # never listed: a draft, a member in a private section, another site's member
    make_member(parent=index_page, title="Entwurf einer Beratung", live=False)
    private = make_member(parent=index_page, title="Interne Beratung", town="Lindenau")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([Group.objects.create(name="Intern")])
    other_home = NetworkHomePage(title="Anderes Netzwerk", slug="anderes")
    Page.get_first_root_node().add_child(instance=other_home)
    Site.objects.create(hostname="anderes.test", port=80, root_page=other_home)
    make_member(parent=make_member_index(other_home), title="Fremde Beratung", town="Lindenau")
    return pages


FILTERS = [
    {},
    {"sector_slug": "beratungsstellen"},
    {"sector_slug": "unbekannt"},
    {"town": "Lindenau"},
    {"town": "Musterstadt", "district": "Nordstadt"},
    {"service_slug": "elternberatung"},
    {"concept_status": ConceptStatus.ADOPTED},
    {"isef_only": True},
]
QUERIES = [
    "beratung",
    "BERATUNG lindenau",  # every word, each anywhere
    "ärztliche",
    "Öffentliche",
    "strasse",  # ß is not ss
    "straßen",
    "strong",  # the description is searched as stored (HTML)
    "ggmbh",
    "jugendliche",  # a service tag's name
    "kinder 0–3",
    "100%",  # no wildcard
    "zebra_",
    "_kids",
    "a_b",
    "nordstadt",
    "gibtesnicht",
    "e " * 12 + "gibtesnicht",  # only the first ten words count
]


def _combinations():
    for one, two in itertools.combinations(FILTERS, 2):
        yield {**one, **two}
    for query in QUERIES:
        yield {"query": query}
        yield {"query": query, "isef_only": True}
        yield {"query": query, "town": "Musterstadt"}


def test_index_answers_as_the_query_does(index_page, members):
    below = directory.members_below(index_page)
    index = directory.directory_index(below)

    differing = {}
    for filters in _combinations():
        expected = directory.alphabetical_ids(directory.filter_members(below, **filters))
        if directory.matching_ids(index, filters) != expected:
            differing[repr(filters)] = expected
    assert not differing
    assert directory.matching_ids(index, {"query": "beratung"})  # the cases find something


def test_index_lists_only_this_directory_s_public_live_members_in_german_order(index_page, members):
    index = directory.directory_index(directory.members_below(index_page))

    titles = {page.pk: page.title for page in members}
    assert [titles[pk] for pk in index.ids] == [
        "Ärztliche Kinderschutzambulanz",
        "Ehe-, Familien- und Lebensberatung",
        "Erziehungsberatungsstelle",
        "Kita Sonnenschein",
        "Oberschule am Park",
        "Öffentliche Bibliothek",
        "Straßensozialarbeit 100%",
        "zebra_kids e. V.",
    ]


def test_search_never_lists_private_unpublished_or_other_sites_members(client, members):
    for params in [{"q": "beratung"}, {"q": "beratung", "place": "Lindenau"}, {"q": "fremde"}]:
        titles = listed(client.get(URL, params))
        assert not {"Entwurf einer Beratung", "Interne Beratung", "Fremde Beratung"} & set(titles)
    assert listed(client.get(URL, {"q": "beratung"})) == [
        "Ärztliche Kinderschutzambulanz",  # "Beratung" in its description
        "Ehe-, Familien- und Lebensberatung",
        "Erziehungsberatungsstelle",
        "Öffentliche Bibliothek",  # as the first
        "Straßensozialarbeit 100%",  # as the first
    ]


def test_search_sees_a_renamed_service_and_a_new_isef_contact_at_once(client, members):
    search = {"q": "familienhilfe", "isef": "on"}
    assert listed(client.get(URL, search)) == []

    Tag.objects.filter(name="Jugendliche").update(name="x")  # no signal: not seen …
    tag = Tag.objects.get(slug="jugendliche")
    tag.name = "Familienhilfe"
    tag.save()  # … this is
    assert listed(client.get(URL, search)) == ["Erziehungsberatungsstelle"]

    make_contact(page=members[0], is_isef=True)
    assert listed(client.get(URL, {"isef": "on", "place": "Musterstadt"})) == [
        "Ärztliche Kinderschutzambulanz",
        "Ehe-, Familien- und Lebensberatung",
    ]


def _select(html, name):
    return re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


def test_filter_fields_show_each_request_s_own_choice(client, members):
    schule = client.get(URL, {"sector": "schule", "q": "park"}).content.decode()
    assert '<option value="schule" selected>' in _select(schule, "sector")
    assert 'value="park"' in schule

    other = client.get(URL, {"sector": "sonstige"}).content.decode()
    sector_field = _select(other, "sector")
    assert '<option value="sonstige" selected>' in sector_field
    assert '<option value="schule">' in sector_field
    assert 'value="park"' not in other  # the search box is empty again

    place = client.get(URL, {"place": "Musterstadt|Nordstadt", "sector": "sonstige"})
    html = place.content.decode()
    assert '<option value="Musterstadt|Nordstadt" selected>' in _select(html, "place")
    assert '<option value="sonstige" selected>' in _select(html, "sector")


def test_invalid_choice_selects_nothing_and_is_marked(client, members):
    html = client.get(URL, {"sector": "unbekannt", "isef": "on"}).content.decode()
    sector_field = _select(html, "sector")
    assert 'aria-invalid="true"' in sector_field
    assert "selected" not in sector_field.replace('<option value="" selected>', "")
    assert "Diese Auswahl gibt es nicht." in html
    assert listed(client.get(URL, {"sector": "unbekannt", "isef": "on"})) == [
        "Ehe-, Familien- und Lebensberatung",
        "Erziehungsberatungsstelle",
    ]
    valid = _select(client.get(URL, {"sector": "schule"}).content.decode(), "sector")
    assert 'aria-invalid="true"' not in valid


def test_the_checkbox_shows_whether_it_was_ticked(client, members):
    checked = re.compile(r'<input type="checkbox" name="isef"[^>]* checked')
    html = client.get(URL, {"isef": "ja<b>"}).content.decode()
    assert checked.search(html)
    assert "ja&lt;b" not in html
    assert checked.search(client.get(URL, {"isef": "on", "q": "e"}).content.decode())
    assert not checked.search(client.get(URL, {"q": "e"}).content.decode())


def test_search_finds_umlauts_typed_or_pasted_decomposed(client, members, index_page):
    # "Ä" as "A" and a combining diaeresis, as text copied from a PDF often is.
    decomposed = "A\u0308rztliche"
    assert listed(client.get(URL, {"q": decomposed})) == ["Ärztliche Kinderschutzambulanz"]
    make_member(parent=index_page, title="Jugendhilfe Mu\u0308hlental", sector=sector("sonstige"))
    assert listed(client.get(URL, {"q": "mühlental"})) == ["Jugendhilfe Mu\u0308hlental"]
