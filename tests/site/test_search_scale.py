"""The site search at a Land's size (issue #19): its cost follows what it shows, not how many
pages match. A term every page contains is searched among 10 and 400 members and events:
the same queries, a page of the same size, the hits in Wagtail's own order of relevance,
and only the pages shown read from the database."""

import re

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from events.models import EventIndexPage, TrainingPage
from kinderschutz_cms import search
from kinderschutz_cms.models import ContentPage
from members.models import MemberIndexPage, MemberPage
from tests.bulk import bulk_add_children
from tests.events.factories import make_index as make_calendar
from tests.members.factories import make_member_index

pytestmark = pytest.mark.django_db

SIZES = [10, 400]


def _network(home_page, size, start=0):
    """Members and trainings `start` to `size` that all mention the Schutzauftrag (§ 8a
    SGB VIII), indexed, and (the first time) a content page about it."""
    if start == 0:
        make_member_index(home_page)
        make_calendar(home_page)
    directory = MemberIndexPage.objects.get()
    calendar = EventIndexPage.objects.get()
    members = bulk_add_children(
        directory,
        [
            MemberPage(
                title=f"Beratung Schutzauftrag {i:04d}",
                slug=f"beratung-{i:04d}",
                town="Musterstadt",
                description="<p>Beratung zum Schutzauftrag für Familien"
                + " und Fachkräfte" * (i % 7)
                + ".</p>",
            )
            for i in range(start, size)
        ],
    )
    trainings = bulk_add_children(
        calendar,
        [
            TrainingPage(title=f"Fortbildung Schutzauftrag {i:04d}", slug=f"fortbildung-{i:04d}")
            for i in range(start, size)
        ],
    )
    backend = get_search_backend()
    backend.add_bulk(MemberPage, members)
    backend.add_bulk(TrainingPage, trainings)
    ContentPage.objects.filter(slug="schutzauftrag").delete()
    home_page.refresh_from_db()
    home_page.add_child(instance=ContentPage(title="Schutzauftrag", slug="schutzauftrag"))


def _get(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/suche/", params)
    assert response.status_code == 200
    return response, queries.captured_queries


def test_search_costs_the_same_queries_and_bytes_at_two_sizes(client, home_page):
    cache.clear()
    seen = []
    for start, size in zip([0, *SIZES], SIZES, strict=False):
        _network(home_page, size, start)
        client.get("/suche/", {"q": "Schutzauftrag"})  # warm, as a running site

        response, queries = _get(client, q="Schutzauftrag")
        selected, selected_queries = _get(client, q="Schutzauftrag", kind="members", page="2")

        html = response.content.decode()
        groups = response.context["groups"]
        total = min(2 * size + 1, search.MAX_RESULTS)
        assert f"{total} Treffer für „Schutzauftrag“" in html
        assert sum(group.count for group in groups) == total
        # Which groups reach the first MAX_RESULTS hits follows the backend's ranking
        # (PostgreSQL ranks the members' longer texts first), always in this order.
        keys = [group.key for group in groups]
        assert "members" in keys and keys == [
            key for key in ("members", "events", "pages") if key in keys
        ]
        shown = sum(min(group.count, search.PER_GROUP) for group in groups)
        assert html.count('class="search-result"') == shown
        members = groups[0].count
        page_two = len(Paginator(range(members), search.PER_PAGE).get_page(2))
        assert selected.content.decode().count('class="search-result"') == page_two
        seen.append((len(queries), len(selected_queries), len(response.content)))
    (queries_small, selected_small, bytes_small), (queries_large, selected_large, bytes_large) = (
        seen
    )
    # the search and the promotions: the results are kept rendered in the frame cache
    # since the warming request, so no page is read (`ResultGroup.first_shown`); for one group's
    # page of results: the search, its members, the promotions
    assert (queries_small, selected_small) == (2, 3)
    assert queries_large <= queries_small and selected_large == selected_small
    assert bytes_large < bytes_small + 500  # only longer numbers in the counts and titles


def test_only_the_pages_shown_are_read(client, home_page):
    _network(home_page, 60)

    _, queries = _get(client, q="Schutzauftrag")

    member_reads = [q["sql"] for q in queries if 'FROM "members_memberpage"' in q["sql"]]
    assert len(member_reads) == 1
    ids = re.search(r'"page_ptr_id" IN \(([^)]*)\)', member_reads[0]).group(1).split(",")
    assert len(ids) == search.PER_GROUP


def test_hits_come_in_wagtails_order_of_relevance(home_page):
    _network(home_page, 30)
    site = Site.objects.get(root_page=home_page)
    pages = Page.objects.live().filter(path__startswith=home_page.path)

    expected = [page.pk for page in pages.search("Schutzauftrag Familien", operator="and")]
    groups = search.search_site("Schutzauftrag Familien", site)

    assert [page_id for group in groups for page_id, _ in group.hits] == expected
    assert len(expected) == 30


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's full-text index")
def test_sqlite_ranks_in_one_pass_over_the_matches(home_page):
    """Wagtail's `.search()` scores each page by a subquery repeating the full-text match:
    time growing with the square of the hits (0.3 s at 1,000 members and events)."""
    _network(home_page, 10)
    site = Site.objects.get(root_page=home_page)

    with CaptureQueriesContext(connection) as captured:
        search.search_site("Schutzauftrag", site)
    with connection.cursor() as cursor:
        [sql] = [q["sql"] for q in captured.captured_queries if " MATCH " in q["sql"]]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())

    assert plan.count("VIRTUAL TABLE") == 1, plan  # the match is run once
