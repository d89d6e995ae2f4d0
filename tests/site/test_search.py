import pytest
from django.db import connection  # noqa: F401 (skipif condition)

from kinderschutz_cms import search
from kinderschutz_cms.models import ContentPage
from tests.news.factories import make_article, make_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home_page):
    index = make_index(home_page)
    make_article(index, title="Fachtag Schutzkonzepte: Rückblick", slug="fachtag-rueckblick")
    make_article(
        index,
        title="Neue Ansprechpersonen",
        slug="ansprechpersonen",
        teaser="Zwei neue insoweit erfahrene Fachkräfte beraten zu Fragen rund um Schutzkonzepte.",
    )
    page = ContentPage(
        title="Meldewege",
        slug="meldewege",
        body=[("paragraph", "<p>Beratung durch die IseF, auch für Schutzkonzepte.</p>")],
    )
    home_page.add_child(instance=page)
    draft = ContentPage(title="Schutzkonzepte Entwurf", slug="entwurf", live=False)
    home_page.add_child(instance=draft)
    return index


def test_results_are_grouped_by_kind(client, pages):
    response = client.get("/suche/", {"q": "Schutzkonzepte"})

    assert response.status_code == 200
    groups = {group.label: [p.title for p in group.pages] for group in response.context["groups"]}
    assert sorted(groups["Aktuelles"]) == [
        "Fachtag Schutzkonzepte: Rückblick",
        "Neue Ansprechpersonen",
    ]
    assert groups["Seiten"] == ["Meldewege"]
    html = response.content.decode()
    assert '<h2 id="search-group-news">Aktuelles' in html
    assert html.index("search-group-news") < html.index("search-group-pages")
    assert "Entwurf" not in html
    assert "3 Treffer für „Schutzkonzepte“" in html


def test_pages_are_indexed_when_saved(client, pages, home_page):
    home_page.add_child(instance=ContentPage(title="Rufbereitschaft", slug="rufbereitschaft"))

    groups = client.get("/suche/", {"q": "Rufbereitschaft"}).context["groups"]

    assert [p.title for g in groups for p in g.pages] == ["Rufbereitschaft"]


def test_large_group_is_capped_and_can_be_shown_whole(client, home_page):
    index = make_index(home_page)
    for number in range(search.PER_GROUP + 2):
        make_article(index, title=f"Fortbildung Modul {number}", slug=f"modul-{number}")

    html = client.get("/suche/", {"q": "Fortbildung"}).content.decode()

    assert html.count('class="search-result"') == search.PER_GROUP
    assert "?q=Fortbildung&amp;kind=news" in html
    response = client.get("/suche/", {"q": "Fortbildung", "kind": "news"})
    assert response.content.decode().count('class="search-result"') == search.PER_GROUP + 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 100_000,
        "<script>",
        "' OR 1=1 --",
        "a AND OR NOT",
        '"',
        "*",
        "-a",
        "§ 8a SGB-VIII",
    ],
)
def test_any_query_gives_a_page(client, pages, query):
    response = client.get("/suche/", {"q": query, "kind": "x" * 1000, "page": "abc"})

    assert response.status_code == 200
    assert len(response.context["search_query"]) <= search.MAX_QUERY_LENGTH
    assert "<script>" not in response.content.decode()


def test_no_hits_says_so(client, pages):
    html = client.get("/suche/", {"q": "Zebrastreifen"}).content.decode()

    assert "Keine Treffer" in html


def test_search_form_is_labelled(client, home_page):
    html = client.get("/suche/").content.decode()

    assert '<label for="search-query">Suchbegriff</label>' in html
    assert '<label for="site-search-query">Website durchsuchen</label>' in html
    assert 'role="search"' in html
    assert html.count("<h1") == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="German stemming: PostgreSQL only")
def test_postgresql_search_finds_inflected_german_words(client, pages):
    groups = client.get("/suche/", {"q": "Schutzkonzepten"}).context["groups"]

    assert sum(group.count for group in groups) == 3


def test_query_is_cleaned():
    assert search.clean_query("  Fach\n  tag ") == "Fach tag"
    assert len(search.clean_query("y" * 1000)) == search.MAX_QUERY_LENGTH
    assert search.clean_query(None) == ""
    assert search.search_terms('"Kinder-schutz" (§ 8a) OR *') == "Kinder-schutz § 8a OR"


def test_promoted_results_come_first_marked_as_recommended(client, pages, home_page):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    hotline = ContentPage(title="Kinderschutz-Hotline", slug="hotline")
    home_page.add_child(instance=hotline)
    draft = ContentPage.objects.get(slug="entwurf")
    query = Query.get("Schutzkonzepte")
    SearchPromotion.objects.create(query=query, page=hotline, description="Rund um die Uhr.")
    SearchPromotion.objects.create(query=query, page=draft, description="Nicht veröffentlicht.")
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://www.hilfeportal-missbrauch.de/",
        external_link_text="Hilfe-Portal Sexueller Missbrauch",
    )

    html = client.get("/suche/", {"q": "  schutzkonzepte "}).content.decode()

    recommended = html.split('id="search-promoted"', 1)[1].split("</section>", 1)[0]
    assert "Empfohlen" in recommended
    assert '<a href="/hotline/">Kinderschutz-Hotline</a>' in recommended
    assert "Rund um die Uhr." in recommended
    assert 'href="https://www.hilfeportal-missbrauch.de/"' in recommended
    assert "Schutzkonzepte Entwurf" not in html  # promoted, but not published
    assert html.index('id="search-promoted"') < html.index('id="search-group-')
    assert "search-promoted" not in client.get("/suche/", {"q": "Meldewege"}).content.decode()
