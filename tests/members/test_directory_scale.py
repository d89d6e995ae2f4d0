"""The member directory at a Land's size (issue #19): a page of the unfiltered or one-choice
directory is rendered from the frame cache, so a repeated view reads no member, at 10 as at
600 members; a search or combined filters read no member either (they are answered from the
directory's index in the frame cache), and a changed member shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import MemberPage
from tests.bulk import bulk_add_children
from tests.members.factories import make_member_index, sector

pytestmark = pytest.mark.django_db

SIZES = [10, 600]
VIEWS = {
    "first page": {},
    "page 2": {"page": "2"},
    "one sector": {"sector": "schule"},
    "search": {"q": "Mitglied 000"},
}


def _members(directory, start, size):
    sectors = [sector("schule"), sector("beratungsstellen"), sector("sonstige")]
    bulk_add_children(
        directory,
        [
            MemberPage(
                title=f"Mitglied {i:04d}",
                slug=f"mitglied-{i:04d}",
                sector=sectors[i % 3],
                town=["Musterstadt", "Lindenau"][i % 2],
                postcode="31134",
            )
            for i in range(start, size)
        ],
    )
    cache.clear()  # as after any change an editor makes (bulk writes send no signals)


def _get(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, queries.captured_queries


def test_directory_costs_the_same_at_two_sizes(client, home_page):
    directory = make_member_index(home_page)
    seen = {}
    for start, size in zip([0, *SIZES], SIZES, strict=False):
        _members(directory, start, size)
        for name, params in VIEWS.items():
            client.get(directory.url, params)  # warm, as a running site
            response, queries = _get(client, directory.url, params)
            html = response.content.decode()
            assert html.count('<li class="card">') == len(response.context["members"]), name
            seen.setdefault(name, []).append((len(queries), len(response.content)))
        assert f"{size} Netzwerkpartner gefunden" in client.get(directory.url).content.decode()
    for name, ((small, _), (large, large_bytes)) in seen.items():
        assert small == large, name
        assert large_bytes < 60_000, name


@pytest.mark.parametrize("view", ["first page", "page 2", "one sector"])
def test_repeated_view_reads_no_member(client, home_page, view):
    directory = make_member_index(home_page)
    _members(directory, 0, 60)
    client.get(directory.url, VIEWS[view])

    response, queries = _get(client, directory.url, VIEWS[view])

    assert '<li class="card">' in response.content.decode()
    tables = ["members_memberpage", "members_contactperson", "taggit_tag", "members_sector"]
    read = [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]
    assert not read, read


def test_any_search_reads_no_member_and_is_not_kept(client, home_page):
    """Searches and combined filters are answered from the directory's index, one frame
    cache entry per directory (members.directory.directory_index), and their cards from
    the cards kept per member: a search never asked before reads no member either, so no
    entry per search is needed."""
    directory = make_member_index(home_page)
    _members(directory, 0, 30)
    for page in ["1", "2"]:  # every member's card rendered once, as on a running site
        client.get(directory.url, {"page": page})
    tables = ["members_memberpage", "members_contactperson", "taggit_tag", "members_sector"]

    for params, count in [
        ({"q": "Mitglied 0012"}, 1),
        ({"q": "mitglied 002"}, 11),  # never asked before: 0002, 0020-0029
        ({"q": "0001", "sector": "beratungsstellen"}, 1),
        ({"place": "Lindenau", "sector": "schule"}, 5),
    ]:
        response, queries = _get(client, directory.url, params)
        assert f"{count} Netzwerkpartner gefunden" in response.content.decode(), params
        read = [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]
        assert not read, (params, read)


def test_search_finds_a_changed_member_at_once(client, home_page):
    directory = make_member_index(home_page)
    _members(directory, 0, 30)
    assert "0 Netzwerkpartner" in client.get(directory.url, {"q": "aaron"}).content.decode()

    member = MemberPage.objects.get(slug="mitglied-0003")
    member.title = "Aaron-Familienzentrum"
    member.save_revision().publish()

    html = client.get(directory.url, {"q": "aaron"}).content.decode()
    assert "1 Netzwerkpartner gefunden" in html
    assert "Aaron-Familienzentrum</a>" in html


def test_changed_member_shows_at_once(client, home_page):
    directory = make_member_index(home_page)
    _members(directory, 0, 30)
    assert "Mitglied 0000</a>" in client.get(directory.url).content.decode()

    member = MemberPage.objects.get(slug="mitglied-0000")
    member.title = "Aaron-Familienzentrum"
    member.save_revision().publish()

    html = client.get(directory.url).content.decode()
    assert "Aaron-Familienzentrum</a>" in html
    assert "Mitglied 0000</a>" not in html
