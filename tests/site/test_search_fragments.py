"""The results page keeps each result rendered in the frame cache, one entry per page
(`ResultGroup.first_shown`), whatever was searched: the ranking runs on every request, the
pages shown are read only when one of them is not kept, and no query text makes the cache
grow (issue #19)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinderschutz_cms.models import ContentPage
from tests.news.factories import make_article, make_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home_page):
    index = make_index(home_page)
    make_article(index, title="Schutzkonzepte im Sportverein", slug="sportverein")
    page = ContentPage(title="Meldewege", slug="meldewege", intro="Schutzkonzepte und Meldewege.")
    home_page.add_child(instance=page)
    return page


def search(client, query, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/suche/", {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode(), queries


def test_a_repeated_search_reads_no_page(client, pages):
    search(client, "Meldewege")  # warm what every page reads (site, settings, navigation)
    first, first_queries = search(client, "Schutzkonzepte")
    again, queries = search(client, "Schutzkonzepte")
    assert again == first
    # Two page models are shown (an article, a content page): one read each, the first
    # time only; the search itself (and the promotions) run every time.
    assert len(queries) == len(first_queries) - 2


def test_another_query_with_the_same_hits_reads_no_page_and_keeps_nothing_new(client, pages):
    from django.core.cache import cache

    search(client, "Meldewege")
    _, first_queries = search(client, "Schutzkonzepte")
    keys_before = _frame_keys(cache)
    html, queries = search(client, "SCHUTZKONZEPTE")
    assert "Schutzkonzepte im Sportverein" in html and "Meldewege" in html
    assert len(queries) == len(first_queries) - 2
    assert _frame_keys(cache) == keys_before


def _frame_keys(cache):
    """The frame cache's keys (the test settings' per-process cache)."""
    return {key for key in cache._cache if ":kinderschutz:frame:" in key}


def test_an_edited_title_shows_at_once(client, pages):
    search(client, "Schutzkonzepte")
    pages.title = "Meldewege im Kinderschutz"
    pages.save_revision().publish()  # a new frame generation
    html, _ = search(client, "Schutzkonzepte")
    assert "Meldewege im Kinderschutz" in html


def test_a_new_hit_shows_at_once(client, pages, home_page):
    search(client, "Schutzkonzepte")
    extra = ContentPage(title="Schutzkonzepte für Kitas", slug="kitas")
    home_page.add_child(instance=extra)
    html, _ = search(client, "Schutzkonzepte")
    assert "Schutzkonzepte für Kitas" in html


@pytest.fixture
def seven_pages(home_page):
    """More hits of one group than it shows on the results page (PER_GROUP)."""
    for n in range(7):
        page = ContentPage(
            title=f"Schutzkonzept Seite {n}", slug=f"seite-{n}", intro="Schutzkonzept"
        )
        home_page.add_child(instance=page)


@pytest.mark.usefixtures("seven_pages")
def test_each_query_links_its_own_group_page(client):
    first, _ = search(client, "Schutzkonzept")
    second, _ = search(client, "schutzkonzept")  # the same hits, another query
    assert "?q=Schutzkonzept&amp;kind=pages" in first
    assert "?q=schutzkonzept&amp;kind=pages" in second


@pytest.mark.usefixtures("seven_pages")
def test_a_group_page_shows_its_results(client):
    search(client, "Schutzkonzept")
    html, _ = search(client, "Schutzkonzept", kind="pages")
    assert html.count('class="search-result"') == 7
