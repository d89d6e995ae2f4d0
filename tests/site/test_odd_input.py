"""Odd values in the public pages' GET parameters: never a server error (issue #9).

Each parameter a visitor (or a crawler, or an attacker) can put into the URL of the
calendar, its archive and feed, the member directory, the news and the search gets
huge, negative, non-numeric, overlong, NUL-containing, repeated and bidi values. The
answer is a normal page (200) or, where a page cannot honour the request, a 400.
"""

import pytest

from tests.events.factories import at, make_audience, make_event, make_index
from tests.members.factories import make_member, make_member_index
from tests.news.factories import make_article
from tests.news.factories import make_index as make_news_index

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "99999999999999999999999999",
    "-1",
    "abc",
    "",
    "x" * 5000,
    "\x00",
    "2026-03\x00",
    "'; DROP TABLE wagtailcore_page; --",
    "\u202e²🧒",
    "0000-01",
    "9999-12",
]

CALENDAR = ["typ", "zielgruppe", "format", "monat", "veranstalter", "seite"]
CASES = [
    *(("/veranstaltungen/", name) for name in CALENDAR),
    *(("/veranstaltungen/archiv/", name) for name in CALENDAR),
    *(("/veranstaltungen/ical/", name) for name in CALENDAR),
    *(("/netzwerkpartner/", name) for name in ("q", "sector", "place", "service", "isef", "page")),
    *(("/aktuelles/", name) for name in ("tag", "page")),
    *(("/suche/", name) for name in ("q", "kind", "page")),
]


@pytest.fixture
def site_with_content(home_page):
    index = make_index(home_page)
    make_event(index, "Bald", audiences=[make_audience()])
    make_event(index, "Vorbei", dates=[(at(-20, 9), at(-20, 12))], organiser_name="Verein")
    directory = make_member_index(parent=home_page)
    make_member(parent=directory, title="Erziehungsberatung", district="Nord")
    news = make_news_index(home_page)
    make_article(news, tags=["schutzkonzepte"])
    return home_page


@pytest.mark.parametrize(("path", "name"), CASES)
def test_odd_values_never_fail_a_public_page(client, site_with_content, path, name):
    for value in ODD_VALUES:
        query = {name: [value, "2"] if value == "-1" else value}
        response = client.get(path, query)
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 400:
            assert path.endswith("/ical/"), query
