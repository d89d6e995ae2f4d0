"""The public agreement page at a Land's size (issue #19): thousands of signatures cost what
fifty do. The counts per sector and the rendered page of accessions are kept in the frame
cache, so a repeated view reads no signature; a new or withdrawn signature shows at once."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import agreements
from members.models import MemberPage, Signatory
from tests.bulk import bulk_add_children
from tests.members.factories import make_agreement, make_member_index, make_signatory, sector

pytestmark = pytest.mark.django_db

SIZES = [10, 600]


def _sign(agreement, directory, start, size):
    """Members `start` to `size`, every one signed, in three sectors; the frame cache
    renewed as after any change an editor makes (bulk writes send no signals)."""
    sectors = [sector("schule"), sector("beratungsstellen"), sector("sonstige")]
    members = bulk_add_children(
        directory,
        [
            MemberPage(
                title=f"Mitglied {i:04d}",
                slug=f"mitglied-{i:04d}",
                sector=sectors[i % 3],
                town="Musterstadt",
            )
            for i in range(start, size)
        ],
    )
    Signatory.objects.bulk_create(
        Signatory(
            page=agreement,
            member=member,
            signed_on=datetime.date(2021, 5, 1) + datetime.timedelta(days=i),
        )
        for i, member in enumerate(members, start=start)
    )
    cache.clear()


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, queries.captured_queries


def test_agreement_page_costs_the_same_at_two_sizes(client, home_page):
    directory = make_member_index(home_page)
    agreement = make_agreement(home_page, slug="kooperationsvereinbarung")
    seen = []
    for start, size in zip([0, *SIZES], SIZES, strict=False):
        _sign(agreement, directory, start, size)
        client.get(agreement.url)  # warm, as a running site
        client.get(agreement.url, {"page": "2"})

        response, queries = _get(client, agreement.url)
        second, second_queries = _get(client, agreement.url, page="2")

        html = response.content.decode()
        assert f"{size} Organisationen haben unterzeichnet" in html
        rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', html)
        assert sum(int(n) for _name, n in rows) == size
        shown = min(size, agreements.SIGNATORIES_PER_PAGE)
        assert html.count("unterzeichnet am") == shown
        assert f"Mitglied {size - 1:04d}</a>" in html  # newest first
        seen.append((len(queries), len(second_queries), len(response.content)))
    (small, small_second, small_bytes), (large, large_second, large_bytes) = seen
    assert (small, small_second) == (large, large_second)
    assert large_bytes < 30_000
    # the page 2 of 600 lists 50 others, the 10 signatures have no page 2 (page 1 again)
    assert second.content.decode().count("unterzeichnet am") == agreements.SIGNATORIES_PER_PAGE


def test_repeated_view_reads_no_signature(client, home_page):
    directory = make_member_index(home_page)
    agreement = make_agreement(home_page, slug="kooperationsvereinbarung")
    _sign(agreement, directory, 0, 120)
    client.get(agreement.url, {"page": "3"})

    _, queries = _get(client, agreement.url, page="3")

    assert not [q["sql"] for q in queries if "members_signatory" in q["sql"]]


def test_new_and_withdrawn_signatures_show_at_once(client, home_page):
    directory = make_member_index(home_page)
    agreement = make_agreement(home_page, slug="kooperationsvereinbarung")
    _sign(agreement, directory, 0, 3)
    assert "3 Organisationen haben unterzeichnet" in client.get(agreement.url).content.decode()
    newcomer = bulk_add_children(
        directory, [MemberPage(title="Familienzentrum Neu", slug="neu", sector=sector("schule"))]
    )[0]

    make_signatory(page=agreement, member=newcomer, signed_on=datetime.date(2026, 1, 5))
    html = client.get(agreement.url).content.decode()
    assert "4 Organisationen haben unterzeichnet" in html
    assert "Familienzentrum Neu</a>" in html

    signature = Signatory.objects.get(member=newcomer)
    signature.withdrawn_on = datetime.date(2026, 2, 1)
    signature.save()
    html = client.get(agreement.url).content.decode()
    assert "3 Organisationen haben unterzeichnet" in html
    assert "Familienzentrum Neu" not in html
