"""The anonymous page cache (kinderschutz_cms/page_cache.py): what it keeps, for whom, and
when it lets go. The test settings switch it off; every test here switches it on."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from kinderschutz_cms.page_cache import HIT_HEADER
from registrations import spam
from registrations.services.booking import register
from tests.events.factories import make_index
from tests.registration.factories import form_data, make_registration_event, register_url

HOST_B = "b.example.org"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.KINDERSCHUTZ_PAGE_CACHE_SECONDS = 300
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    settings.REGISTRATION_INVALID_RATE_LIMIT = None
    settings.REGISTRATION_EMAIL_RATE_LIMIT = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calendar(home_page):
    return make_index(home_page)


@pytest.fixture
def event(calendar):
    return make_registration_event(calendar, "Fortbildung Kinderschutz", capacity=5)


def queries_of(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response, len(queries)


def field_value(html, name):
    match = re.search(r'name="' + name + r'"[^>]*?value="([^"]*)"', html)
    return match.group(1) if match else None


def test_a_second_anonymous_view_answers_from_the_cache_without_queries(client, event, calendar):
    for path in ("/", calendar.url, event.url):
        first, _ = queries_of(client, path)
        second, count = queries_of(client, path)
        assert second.get(HIT_HEADER) == "hit", path
        assert count <= 1, path
        assert second.content == first.content


def test_a_logged_in_editor_never_gets_a_kept_page(admin_client, home_page):
    anonymous = Client()
    queries_of(anonymous, "/")
    assert queries_of(anonymous, "/")[0].get(HIT_HEADER) == "hit"
    response, count = queries_of(admin_client, "/")
    assert response.get(HIT_HEADER) is None
    assert count > 1


def test_publishing_a_page_answers_anew(client, home_page):
    queries_of(client, "/")
    home_page.title = "Netzwerk Kinderschutz Neustadt"
    home_page.save_revision().publish()
    response, _ = queries_of(client, "/")
    assert response.get(HIT_HEADER) != "hit"
    assert "Netzwerk Kinderschutz Neustadt" in response.content.decode()


def test_a_registration_changing_the_seats_left_renews_event_page_and_calendar(
    client, event, calendar, django_capture_on_commit_callbacks
):
    def seats(path):
        return re.findall(r"noch (\d+) Pl", client.get(path).content.decode())

    assert seats(event.url) == ["5"]
    assert seats(calendar.url) == ["5"]
    assert client.get(event.url).get(HIT_HEADER) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        register(event, form_data(event))
    assert seats(event.url) == ["4"]
    assert seats(calendar.url) == ["4"]


def test_the_kept_form_carries_a_token_and_stamp_a_post_accepts(event):
    Client().get(register_url(event))  # kept
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(register_url(event)) for visitor in visitors]
    assert [page.get(HIT_HEADER) for page in pages] == ["hit", "hit"]
    tokens = [field_value(page.content.decode(), "csrfmiddlewaretoken") for page in pages]
    stamps = [field_value(page.content.decode(), spam.STAMP_FIELD) for page in pages]
    assert all(tokens) and all(stamps)
    assert tokens[0] != tokens[1] and stamps[0] != stamps[1]
    assert "\x00" not in pages[0].content.decode()

    data = form_data(event) | {
        "csrfmiddlewaretoken": tokens[0],
        spam.STAMP_FIELD: stamps[0],
    }
    response = visitors[0].post(register_url(event), data)
    assert response.status_code == 302
    # The seat it took is shown at once: the form's key is the availability it shows.
    page = visitors[1].get(register_url(event)).content.decode()
    assert "noch 4 Plätze frei" in page


def test_a_closed_form_opens_on_time_though_nothing_was_written(client, event, monkeypatch):
    """Registration opens at a time, without any write and so without any invalidation:
    the form page is never kept whole under a key that does not know what it shows."""
    event.registration_opens_at = timezone.now() + timedelta(hours=1)
    event.save()
    for _ in range(2):
        assert "noch nicht geöffnet" in client.get(register_url(event)).content.decode()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2))
    opened = client.get(register_url(event)).content.decode()
    assert "noch nicht geöffnet" not in opened
    assert 'name="email"' in opened


def test_a_form_with_errors_is_never_kept_nor_answered_from_the_cache(client, event):
    client.get(register_url(event))
    typed = form_data(event) | {"email": "kein-at-zeichen", "last_name": "Getippt"}
    response = client.post(register_url(event), typed)
    assert response.status_code == 400
    assert "Getippt" in response.content.decode()
    assert response.get(HIT_HEADER) is None


def test_the_kept_form_costs_only_the_availability_queries(client, event):
    _, first = queries_of(client, register_url(event))
    response, count = queries_of(client, register_url(event))
    assert response.get(HIT_HEADER) == "hit"
    assert count <= 4 < first


def test_two_sites_never_see_each_others_page(client, home_page):
    root = Page.get_first_root_node()
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk Beta", slug="beta"))
    Site.objects.create(hostname=HOST_B, port=80, root_page=home_b)
    a1, b1 = client.get("/"), client.get("/", HTTP_HOST=HOST_B)
    a2, b2 = client.get("/"), client.get("/", HTTP_HOST=HOST_B)
    assert a2.get(HIT_HEADER) == b2.get(HIT_HEADER) == "hit"
    assert "Netzwerk Beta" in b2.content.decode()
    assert "Netzwerk Beta" not in a2.content.decode()
    assert a1.content == a2.content and b1.content == b2.content


def test_english_and_german_are_separate_entries(client, settings, home_page):
    german = client.get("/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/")
    assert english.get(HIT_HEADER) != "hit"
    assert english.content != german.content
    assert client.get("/").content == english.content


def test_a_session_cookie_or_a_search_is_never_answered_from_the_cache(client, home_page):
    client.get("/")
    client.cookies["sessionid"] = "irgendwas"
    assert client.get("/").get(HIT_HEADER) is None
    del client.cookies["sessionid"]
    # a Wagtail page asked with a search parameter (the search view itself is no page)
    client.get("/", {"q": "kinderschutz"})
    assert client.get("/", {"q": "kinderschutz"}).get(HIT_HEADER) is None
    assert client.get("/").get(HIT_HEADER) == "hit"


def test_only_parameters_a_page_reads_are_kept(client, calendar):
    """Made-up parameters (cache busters, a flood of variants) are rendered as without
    the cache and never kept; an encoded "&" is not the same key as a real one."""
    for n in range(3):
        client.get("/", {"x": str(n)})
        assert client.get("/", {"x": str(n)}).get(HIT_HEADER) is None
    client.get(calendar.url + "?seite=1%26typ%3Dfachtag")
    assert client.get(calendar.url + "?seite=1&typ=fachtag").get(HIT_HEADER) is None
    assert client.get(calendar.url + "?seite=1&typ=fachtag").get(HIT_HEADER) == "hit"


@pytest.mark.parametrize(
    "path, query",
    [
        ("/", {"seite": "2"}),  # another page's parameter
        ("/", {"page": "1"}),
        ("calendar", {"seite": "7"}),  # a page number it does not show
        ("calendar", {"seite": "x"}),
        ("calendar", {"monat": "1901-01"}),  # a month not in its list
        ("calendar", {"typ": "fortbildung", "format": "online"}),  # combined
        ("calendar", {"typ": "gibt-es-nicht"}),  # an error
        ("news", {"tag": "gibt-es-nicht"}),
        ("news", {"page": "99"}),
        ("directory", {"page": "abc"}),
        ("directory", {"sector": "gibt-es-nicht"}),
    ],
)
def test_answers_a_page_does_not_offer_are_never_kept(client, home_page, path, query):
    """Values a page renders but does not link to (issue #19 review: each would else be
    one more whole page in the shared cache, for anybody trying values): answered, and
    answered anew each time; what the page offers is kept."""
    from tests.members.factories import make_member_index
    from tests.news.factories import make_index as make_news_index

    pages = {
        "/": home_page,
        "calendar": make_index(home_page),
        "news": make_news_index(home_page),
        "directory": make_member_index(home_page),
    }
    url = pages[path].url
    for _ in range(2):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.get(HIT_HEADER) is None
    client.get(url)
    assert client.get(url).get(HIT_HEADER) == "hit"


def test_switched_off_keeps_nothing(client, settings, home_page):
    settings.KINDERSCHUTZ_PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert client.get("/").get(HIT_HEADER) is None


def two_networks(home_page, client):
    """Site A (testserver, `home_page`) with a calendar and site B, both home pages kept."""
    root = Page.get_first_root_node()
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk Beta", slug="beta"))
    site_b = Site.objects.create(hostname=HOST_B, port=80, root_page=home_b)
    calendar_a = make_index(home_page)
    for _ in range(2):
        client.get("/")
        client.get("/", HTTP_HOST=HOST_B)
    return calendar_a, site_b


def kept(client, **extra):
    return client.get("/", **extra).get(HIT_HEADER) == "hit"


def test_a_page_changed_in_one_network_keeps_the_others_pages(client, home_page):
    calendar_a, _site_b = two_networks(home_page, client)
    assert kept(client) and kept(client, HTTP_HOST=HOST_B)

    calendar_a.title = "Termine Alpha"
    calendar_a.show_in_menus = True
    calendar_a.save_revision().publish()
    assert kept(client, HTTP_HOST=HOST_B)
    page_a = client.get("/")
    assert page_a.get(HIT_HEADER) != "hit" and "Termine Alpha" in page_a.content.decode()

    # an event with its dates (rows of the page) in network A: network B still kept
    client.get("/")
    make_registration_event(calendar_a, "Neu in Alpha")
    assert kept(client, HTTP_HOST=HOST_B)
    assert not kept(client)


def test_a_network_s_settings_renew_its_pages_only(client, home_page):
    from kinderschutz_cms.models import NetworkSettings

    _calendar_a, site_b = two_networks(home_page, client)
    settings_b = NetworkSettings.for_site(site_b)
    client.get("/", HTTP_HOST=HOST_B)
    client.get("/")
    settings_b.network_name = "Kinderschutz Beta-Land"
    settings_b.save()
    assert kept(client)
    page_b = client.get("/", HTTP_HOST=HOST_B)
    assert page_b.get(HIT_HEADER) != "hit"
    assert "Kinderschutz Beta-Land" in page_b.content.decode()


def test_a_change_shared_by_all_networks_renews_every_network(client, home_page):
    from events.models import Audience

    two_networks(home_page, client)
    Audience.objects.create(name="Fachkräfte Jugendhilfe", slug="jugendhilfe")
    assert not kept(client) and not kept(client, HTTP_HOST=HOST_B)
    # moving a page changes its links wherever they are shown
    calendar_b = make_index(Site.objects.get(hostname=HOST_B).root_page, slug="termine-b")
    client.get("/")
    client.get("/", HTTP_HOST=HOST_B)
    assert kept(client) and kept(client, HTTP_HOST=HOST_B)
    calendar_b.move(home_page, pos="last-child")
    assert not kept(client) and not kept(client, HTTP_HOST=HOST_B)


def add_registrations(event, count):
    from registrations.models import Registration

    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            first_name="Erika",
            last_name=f"Muster{i}",
            email=f"erika{i}@example.org",
            email_normalised=f"erika{i}@example.org",
        )
        for i in range(count)
    )


def test_deleting_registrations_renews_the_seats_in_constant_queries(
    client, event, django_capture_on_commit_callbacks
):
    """Deleting many registrations (an event with thousands, a bulk action) sends a
    signal per row; the seat generation is renewed once, with one query, at commit."""
    from registrations.models import Registration

    counts = []
    for size in (5, 60):
        add_registrations(event, size)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert Registration.objects.filter(event=event).delete()[0] >= size
        counts.append(len(queries))
    assert counts[0] == counts[1]

    def seats():
        return re.findall(r"noch (\d+) Pl", client.get(event.url).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        register(event, form_data(event))
    assert seats() == ["4"] and client.get(event.url).get(HIT_HEADER) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Registration.objects.filter(event=event).delete()
    assert seats() == ["5"]


@pytest.mark.django_db(transaction=True)
def test_saving_many_rows_of_a_page_asks_for_the_sites_once(client, event):
    """Every saved row of a page (a series published with 150 dates) renews the sites
    that show it: the sites are not read again per row, and the commit renews each site
    once, from one callback, whatever the number of rows (real commits here)."""
    from django.db import reset_queries, transaction

    from events.models import EventDate

    start = event.dates.first().start
    client.get(event.url)  # the site roots are read once (a page kept, cache warm)
    counts, site_queries, callbacks = [], [], []
    for size in (5, 50):
        reset_queries()  # a full log (9000 queries) would capture nothing
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                for i in range(size):
                    day = start + timedelta(days=size + i)
                    EventDate(page=event, start=day, end=day + timedelta(hours=2)).save()
            sql = [query["sql"] for query in queries]  # a request resets the log
            callbacks.append(
                sum(
                    func.__module__ == "kinderschutz_cms.page_cache"
                    for _sids, func, _robust in connection.run_on_commit
                )
            )
            assert client.get(event.url).get(HIT_HEADER) != "hit"  # renewed now as well
        assert len(sql) >= size  # captured (each row is inserted)
        # the rows' own queries (a uid check, the insert) aside
        counts.append(sum('"events_eventdate"' not in query for query in sql))
        site_queries.append(sum('"wagtailcore_site"' in query for query in sql))
        client.get(event.url)
        assert client.get(event.url).get(HIT_HEADER) == "hit"
    assert site_queries == [0, 0]
    assert callbacks == [1, 1]
    assert counts[0] == counts[1]
    with transaction.atomic():
        EventDate(
            page=event, start=start + timedelta(days=200), end=start + timedelta(days=201)
        ).save()
        client.get(event.url)  # kept inside the transaction, before the commit
    assert client.get(event.url).get(HIT_HEADER) != "hit"  # the commit renewed the site


def test_a_network_added_later_is_renewed_on_its_own(client, home_page):
    """The site roots are kept until a site changes: a network added after they were
    read is known at its next change, which leaves the other networks' pages kept."""
    calendar_a, _site_b = two_networks(home_page, client)
    calendar_a.save_revision().publish()  # the site roots read and kept
    root = Page.get_first_root_node()
    home_c = root.add_child(instance=type(home_page)(title="Netzwerk Gamma", slug="gamma"))
    Site.objects.create(hostname="c.example.org", port=80, root_page=home_c)
    for _ in range(2):
        client.get("/")
        client.get("/", HTTP_HOST="c.example.org")
    assert kept(client) and kept(client, HTTP_HOST="c.example.org")
    home_c.title = "Netzwerk Gamma-Land"
    home_c.save_revision().publish()
    assert kept(client)
    assert not kept(client, HTTP_HOST="c.example.org")
