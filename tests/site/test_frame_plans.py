"""The frame's queries that run on every page when its cache is cold read an index, never
every page of the installation (issue #19: a Land's 51 sites in one page tree)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from kinderschutz_cms import frame
from publicbody import language_links


def _plans(run):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL serves LIKE from the index"
)
@pytest.mark.parametrize("what", ["restrictions", "language links"])
def test_frame_queries_read_an_index_not_every_page(home_page, what):
    site = Site.objects.get(root_page=home_page)
    run = frame.restrictions if what == "restrictions" else lambda: language_links.for_site(site)
    plans = _plans(run)
    assert plans
    for plan in plans:
        assert not re.search(r"SCAN wagtailcore_page\b(?!_|viewrestriction)", plan), plan
