"""Public pages through the test client: the directory, a member, an agreement."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.conf import DEFAULTS

from .factories import (
    make_agreement,
    make_contact,
    make_member,
    make_members,
    make_signatory,
    sector,
)

PER_PAGE = DEFAULTS["KINDERSCHUTZ_MEMBERS_PER_PAGE"]
URL = "/netzwerkpartner/"


def listed(response):
    """Titles of the members listed on a directory page, in order."""
    assert response.status_code == 200
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def network(index_page):
    """Four members that differ in every filterable way."""
    kita = make_member(
        parent=index_page, title="Kita Sonnenschein", sector=sector("kindertagesbetreuung"),
        town="Musterstadt", district="Nordstadt", provider_name="Kinderhilfe Nord gGmbH",
    )  # fmt: skip
    ebs = make_member(
        parent=index_page, title="Erziehungsberatungsstelle", sector=sector("beratungsstellen"),
        town="Lindenau", description="<p>Beratung für Eltern und Jugendliche.</p>",
    )  # fmt: skip
    ambulanz = make_member(
        parent=index_page, title="Ärztliche Kinderschutzambulanz",
        sector=sector("gesundheitswesen"), town="Musterstadt", district="Altstadt",
    )  # fmt: skip
    polizei = make_member(
        parent=index_page, title="Polizeistation Lindenau",
        sector=sector("polizei-und-ordnungsbehoerden"), town="Lindenau",
    )  # fmt: skip
    make_member(parent=index_page, title="Entwurf einer Praxis", live=False)
    make_contact(page=ebs, name="Olena Petrenko", is_isef=True)
    make_contact(page=kita, name="Sabine Kita", is_isef=False)
    kita.services.add("Kinder 0–3 Jahre", "Elternberatung")
    kita.save()
    ebs.services.add("Elternberatung", "Jugendliche")
    ebs.save()
    return {"kita": kita, "ebs": ebs, "ambulanz": ambulanz, "polizei": polizei}


def test_directory_lists_live_members_alphabetically_with_count(client, network):
    response = client.get(URL)
    assert listed(response) == [
        "Ärztliche Kinderschutzambulanz",
        "Erziehungsberatungsstelle",
        "Kita Sonnenschein",
        "Polizeistation Lindenau",
    ]
    html = response.content.decode()
    assert "4 Netzwerkpartner gefunden" in html
    assert html.count("<h1") == 1
    assert '<label for="id_sector">Bereich</label>' in html
    assert '<label for="id_isef">' in html
    # IseF marked with text, not colour alone
    assert "IseF vorhanden" in html
    assert "Olena Petrenko" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "beratungsstellen"}, ["Erziehungsberatungsstelle"]),
        ({"place": "Lindenau"}, ["Erziehungsberatungsstelle", "Polizeistation Lindenau"]),
        ({"place": "Musterstadt|Altstadt"}, ["Ärztliche Kinderschutzambulanz"]),
        ({"service": "elternberatung"}, ["Erziehungsberatungsstelle", "Kita Sonnenschein"]),
        ({"isef": "on"}, ["Erziehungsberatungsstelle"]),
        ({"q": "jugendliche"}, ["Erziehungsberatungsstelle"]),  # description
        ({"q": "ggmbh"}, ["Kita Sonnenschein"]),  # provider
        ({"q": "beratung lindenau"}, ["Erziehungsberatungsstelle"]),  # every word must match
        ({"q": "ärztliche"}, ["Ärztliche Kinderschutzambulanz"]),  # umlaut, any case
        ({"q": "nordstadt"}, ["Kita Sonnenschein"]),  # district
        ({"service": "elternberatung", "place": "Musterstadt"}, ["Kita Sonnenschein"]),
        ({"isef": "on", "sector": "schule"}, []),
    ],
)
def test_directory_filters(client, network, params, expected):
    assert listed(client.get(URL, params)) == expected


def test_filter_choices_come_from_the_data(client, network):
    html = client.get(URL).content.decode()
    assert '<option value="Musterstadt|Nordstadt">Nordstadt</option>' in html
    assert '<option value="elternberatung">Elternberatung</option>' in html
    assert '<option value="schule">Schule</option>' in html


def test_empty_result_says_so(client, network):
    response = client.get(URL, {"q": "gibtesnicht"})
    html = response.content.decode()
    assert "0 Netzwerkpartner gefunden" in html
    assert "Keine Netzwerkpartner entsprechen Ihrer Auswahl." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "unbekannt"}, "Diese Auswahl gibt es nicht."),
        ({"place": "Atlantis"}, "Diese Auswahl gibt es nicht."),
        ({"service": "<script>"}, "Diese Auswahl gibt es nicht."),
        ({"q": "x" * 5000}, "Bitte geben Sie höchstens 200 Zeichen ein."),
        ({"q": "kita\x00"}, "Nullzeichen sind nicht erlaubt."),  # PostgreSQL rejects NUL
        ({"place": "Lindenau\x00"}, "Diese Auswahl gibt es nicht."),
    ],
)
def test_bad_filter_input_is_ignored_with_a_german_message(client, network, params, message):
    response = client.get(URL, params)
    assert len(listed(response)) == 4  # the bad filter is not applied
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_malformed_page_number_still_renders(client, index_page):
    make_members(index_page, PER_PAGE + 3)
    for page in ["abc", "-1", "0", "99999", "1.5", "9" * 5000, ""]:
        response = client.get(URL, {"page": page})
        assert response.status_code == 200, page
        assert len(listed(response)) in (PER_PAGE, 3), page
    assert len(listed(client.get(URL, {"page": "99999"}))) == 3  # the last page


def test_pagination(client, index_page):
    make_members(index_page, PER_PAGE * 2 + 5)
    first = client.get(URL)
    html = first.content.decode()
    assert f"{PER_PAGE * 2 + 5} Netzwerkpartner gefunden" in html
    assert '<nav class="pagination" aria-label="Seiten der Ergebnisliste">' in html
    assert '<span aria-current="page">1</span>' in html
    assert listed(first)[0] == "Mitglied 0000"
    third = client.get(URL, {"page": "3"})
    assert listed(third) == [f"Mitglied {i:04d}" for i in range(PER_PAGE * 2, PER_PAGE * 2 + 5)]
    # filters are kept in the page links
    filtered = client.get(URL, {"place": "Lindenau"}).content.decode()
    assert "?place=Lindenau&amp;page=2" in filtered


def _directory_queries(client, params=None):
    client.get(URL, params)  # warm up per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_directory_query_count_does_not_grow_with_members(
    client, index_page, django_assert_max_num_queries
):
    make_members(index_page, 10)
    few = _directory_queries(client)
    few_filtered = _directory_queries(client, {"isef": "on", "q": "mitglied", "page": "1"})

    make_members(index_page, 190, start=10)
    many = _directory_queries(client)
    many_filtered = _directory_queries(client, {"isef": "on", "q": "mitglied", "page": "2"})

    assert few == many
    assert few_filtered == many_filtered
    with django_assert_max_num_queries(20):
        client.get(URL, {"page": "5"})


def test_member_page_shows_contacts_and_signed_agreements(client, home_page, network):
    ebs = network["ebs"]
    ebs.street = "Kirchweg 3"
    ebs.phone = "05121 309-77"
    ebs.email = "ebs@example.org"
    ebs.save()
    make_contact(page=ebs, name="Frank Albers", languages="Deutsch, Polnisch")
    v1 = make_agreement(parent=home_page, slug="v1", version="1.0")
    v2 = make_agreement(
        parent=home_page, slug="v2", version="2.0", valid_from=datetime.date(2025, 4, 1)
    )
    make_signatory(page=v1, member=ebs, signed_on=datetime.date(2021, 5, 3))
    make_signatory(page=v2, member=ebs, signed_on=datetime.date(2025, 6, 30))

    response = client.get("/netzwerkpartner/erziehungsberatungsstelle/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Insoweit erfahrene Fachkraft (IseF)" in html
    assert "Frank Albers" in html and "Deutsch, Polnisch" in html
    assert 'href="tel:05121309-77"' in html
    assert html.index("Fassung 2.0") < html.index("Fassung 1.0")
    assert "unterzeichnet am 30. Juni 2025" in html
    assert "unterzeichnet am 3. Mai 2021" in html


def test_member_page_without_signature(client, network):
    html = client.get("/netzwerkpartner/kita-sonnenschein/").content.decode()
    assert "Noch keine Kooperationsvereinbarung unterzeichnet." in html
    assert "IseF" not in html.split("Ansprechpersonen", 1)[1].split("</ul>", 1)[0]


def test_agreement_page_counts_signatories_by_sector_newest_first(
    client, home_page, network, django_assert_max_num_queries
):
    v1 = make_agreement(parent=home_page, slug="kooperationsvereinbarung-2021")
    v2 = make_agreement(
        parent=home_page, slug="kooperationsvereinbarung", version="2.0",
        valid_from=datetime.date(2025, 4, 1), supersedes=v1,
    )  # fmt: skip
    make_signatory(page=v2, member=network["kita"], signed_on=datetime.date(2025, 4, 10))
    make_signatory(page=v2, member=network["ebs"], signed_on=datetime.date(2025, 9, 1))
    make_signatory(page=v2, member=network["polizei"], signed_on=datetime.date(2025, 5, 1))

    client.get("/kooperationsvereinbarung/")
    with django_assert_max_num_queries(15):
        response = client.get("/kooperationsvereinbarung/")

    html = response.content.decode()
    assert "3 Organisationen haben unterzeichnet" in html
    assert "aktuelle Fassung" in html
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', html)
    assert rows == [
        ("Kindertagesbetreuung", "1"),
        ("Polizei und Ordnungsbehörden", "1"),
        ("Beratungsstellen", "1"),
    ]  # in the sectors' sort order
    accessions = html.split("Beitritte, neueste zuerst", 1)[1]
    assert (
        accessions.index("Erziehungsberatungsstelle")
        < accessions.index("Polizeistation Lindenau")
        < accessions.index("Kita Sonnenschein")
    )

    old = client.get("/kooperationsvereinbarung-2021/").content.decode()
    assert "Diese Fassung ist nicht die aktuelle." in old
    assert "0 Organisationen haben unterzeichnet" in old


def test_member_page_queries_do_not_grow_with_contacts_or_signatures(client, home_page, index_page):
    def queries(member):
        client.get(member.url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(member.url).status_code == 200
        return len(ctx.captured_queries)

    small = make_member(parent=index_page, title="Klein")
    big = make_member(parent=index_page, title="Groß")
    make_contact(page=small)
    for _ in range(5):
        make_contact(page=big, is_isef=True)
    for n in range(3):
        agreement = make_agreement(parent=home_page, version=f"{n}.0")
        make_signatory(page=agreement, member=big)
        if n == 0:
            make_signatory(page=agreement, member=small)
    small.services.add("A")
    small.save()
    big.services.add("A", "B", "C", "D")
    big.save()

    assert queries(small) == queries(big)


def test_agreement_page_queries_do_not_grow_with_signatories(client, home_page, index_page):
    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = make_agreement(parent=home_page, slug="klein")
    large = make_agreement(parent=home_page, slug="gross")
    members = make_members(index_page, 30, sector_slugs=("schule", "polizei-und-ordnungsbehoerden"))
    make_signatory(page=small, member=members[0])
    for member in members:
        make_signatory(page=large, member=member)

    assert queries("/klein/") == queries("/gross/")


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


def test_one_choice_filter_is_kept_combined_filters_are_not(client, network, monkeypatch):
    """The ordered ids and rendered cards of the unfiltered directory or one choice filter
    are kept in the frame cache; a combination of filters or a search is answered from the
    directory's index and each member's card, and never stored itself, so a crawler walking
    every combination cannot fill the shared cache."""
    from django.core.cache import cache

    from kinderschutz_cms import frame

    stored = []
    key = frame.key
    monkeypatch.setattr(frame, "key", lambda *parts: stored.append(parts[:2]) or key(*parts))

    cache.clear()
    one = {"sector": "beratungsstellen"}
    assert _queries(client, one) > _queries(client, one)  # the second from the cache
    assert listed(client.get(URL, one)) == ["Erziehungsberatungsstelle"]
    assert ("directory-ids",) in {parts[:1] for parts in stored}
    assert ("fragment", "directory-cards") in stored
    for combined in [
        {"service": "elternberatung", "place": "Musterstadt"},
        {"q": "kita"},
        {"q": "kita", "sector": "kindertagesbetreuung"},
    ]:
        stored.clear()
        assert listed(client.get(URL, combined)) == ["Kita Sonnenschein"]
        names = {parts[:1] for parts in stored}
        assert ("directory-index",) in names
        assert ("directory-ids",) not in names
        assert ("fragment", "directory-cards") not in stored
