"""The admin's list of all events: date, type, status, seats and waitlist, registration
open or closed, filters and search, links to the editor and the registrations."""

import re

import pytest
from django.urls import reverse

from events.choices import EventStatus
from registrations.services import booking
from tests.registration.factories import make_registration_event, service_data

from .factories import at, make_event, make_index

pytestmark = pytest.mark.django_db

URL = "/admin/events/list/"


@pytest.fixture
def calendar(home_page):
    return make_index(home_page)


def test_events_listing_shows_date_type_seats_and_registration_state(admin_client, calendar):
    full = make_registration_event(calendar, "Volle Fortbildung", capacity=1)
    booking.register(full, service_data(last_name="Eins", email="eins@example.org"))
    booking.register(full, service_data(last_name="Zwei", email="zwei@example.org"))
    make_event(calendar, "Treffen ohne Anmeldung", dates=[(at(40, 10), at(40, 12))])
    closed = make_registration_event(
        calendar, "Abgesagte Fortbildung", status=EventStatus.CANCELLED
    )

    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Volle Fortbildung" in html and "Treffen ohne Anmeldung" in html
    assert reverse("wagtailadmin_pages:edit", args=[full.pk]) in html
    assert reverse("registrations:index") + f"?event={full.pk}" in html
    assert "1/1 Plätze, 1 Warteliste" in html
    assert "Fortbildung" in html
    assert "keine Anmeldung" in html
    assert "offen" in html  # the full event still has its waitlist
    assert "geschlossen" in html  # the cancelled one
    assert closed.title in html


def test_events_listing_filters_and_search(admin_client, calendar):
    make_registration_event(calendar, "Kinderschutz in der Kita")
    make_event(calendar, "Altes Netzwerktreffen", dates=[(at(-40, 10), at(-40, 12))])

    html = admin_client.get(URL, {"when": "past"}).content.decode()
    assert "Altes Netzwerktreffen" in html and "Kinderschutz in der Kita" not in html
    html = admin_client.get(URL, {"registration_enabled": "true"}).content.decode()
    assert "Kinderschutz in der Kita" in html and "Altes Netzwerktreffen" not in html
    html = admin_client.get(URL, {"q": "Kita"}).content.decode()
    assert "Kinderschutz in der Kita" in html and "Altes Netzwerktreffen" not in html
    html = admin_client.get(URL, {"event_type": "fachtagpage"}).content.decode()
    assert "Kinderschutz in der Kita" not in html


def test_events_listing_query_count_does_not_grow(
    admin_client, calendar, django_assert_max_num_queries
):
    for n in range(3):
        make_registration_event(calendar, f"Fortbildung {n}")
    admin_client.get(URL)
    with django_assert_max_num_queries(60) as first:
        admin_client.get(URL)
    for n in range(3, 12):
        make_registration_event(calendar, f"Fortbildung {n}")
    with django_assert_max_num_queries(len(first.captured_queries) + 3):
        admin_client.get(URL)


def test_a_series_shows_the_seats_of_its_next_date_not_the_sum_of_all_dates(admin_client, calendar):
    from django.utils import timezone
    from django.utils.formats import date_format

    from events.models import Occurrence
    from tests.registration.test_occurrence_registration import make_series

    series = make_series(calendar, at(8, 10), capacity=2, waitlist_enabled=False)
    first, second = Occurrence.objects.filter(page=series).order_by("start")[:2]
    for n in range(2):
        booking.register(series, service_data(email=f"a{n}@example.org"), occurrence=first)
    booking.register(series, service_data(email="b@example.org"), occurrence=second)

    html = admin_client.get(URL).content.decode()
    assert "3/2 Plätze" not in html
    day = date_format(timezone.localtime(first.start), "SHORT_DATE_FORMAT")
    assert f"nächster Termin {day}: 2/2 Plätze" in html
    assert "geschlossen" not in html  # the other dates still have seats


def _listing_html(client, url):
    client.get(url)  # warm caches
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_events_listing_stays_under_100_kb_and_does_not_grow_with_the_events(
    admin_client, calendar
):
    """Issue #19: 50 rows, each with Wagtail's "More" dropdown, were 300 KB; now a page
    of 20 rows without the dropdown, the same size for one page of events as for three,
    under 100 KB (Wagtail's frame is about 65 KB of it)."""
    from demo.bulk_events import add_trainings
    from events.admin_listing import EventListingIndexView
    from events.models import EventPage

    per_page = EventListingIndexView.paginate_by
    sizes = []
    for count in (per_page + 1, 2 * per_page):
        pages = add_trainings(calendar, count)
        # every row with seats, a waitlist and a long title: the widest row
        EventPage.objects.filter(pk__in=[p.pk for p in pages]).update(
            registration_enabled=True, capacity=20, waitlist_enabled=True
        )
        type(pages[0]).objects.filter(pk__in=[p.pk for p in pages]).update(
            title="Kinderschutz in der Kita: Handlungsschritte nach § 8a SGB VIII"
        )
        sizes.append(_listing_html(admin_client, URL))
    assert all(len(html) < 100_000 for html in sizes), [len(html) for html in sizes]
    # The pagination's numbers, not a row more; numbers count as one character each, since
    # ids gain digits with the rows (on PostgreSQL its sequences also run on across tests).
    small, large = (len(re.sub(rb"\d+", b"0", html)) for html in sizes)
    assert abs(large - small) < 500, (small, large)


def _listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [event.pk for event in response.context["object_list"]]


def test_events_listing_orders_by_the_first_date_newest_first(admin_client, calendar):
    """The default order is the event's first date, latest first; it follows a date
    added or moved later (the stored span, issue #19), and `ordering` reverses it."""
    from events.models import EventDate

    # created in an order that is neither the dates' nor the ids'
    middle = make_event(calendar, "Mitte", dates=[(at(20, 9), at(20, 12)), (at(2, 9), at(2, 12))])
    late = make_event(calendar, "Spät", dates=[(at(30, 9), at(30, 12))])
    early = make_event(calendar, "Früh", dates=[(at(-5, 9), at(-5, 12))])
    assert _listed(admin_client) == [late.pk, middle.pk, early.pk]
    assert _listed(admin_client, ordering="first_start") == [early.pk, middle.pk, late.pk]

    EventDate.objects.create(page=late, start=at(1, 9), end=at(1, 12))  # now the first
    assert _listed(admin_client) == [middle.pk, late.pk, early.pk]
    html = admin_client.get(URL, {"when": "past"}).content.decode()
    assert "Früh" in html and "Mitte" not in html


def _explained(client, url, **params):
    """The SQLite plans of the listing's page query (the one with LIMIT over events)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if 'FROM "events_eventpage"' in sql and sql.rstrip().endswith("LIMIT 20"):
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "sqlite", reason="SQLite's query plan"
)
@pytest.mark.parametrize("ordering", ["-first_start", "first_start"])
def test_events_listing_reads_the_first_date_index_not_every_event(
    admin_client, calendar, ordering
):
    """Issue #19: the page of 20 is read in the order of the `first_date_start` index;
    before, every event's first date was aggregated and all events sorted ("USE TEMP
    B-TREE FOR ORDER BY") before the page was cut."""
    from demo.bulk_events import add_trainings

    add_trainings(calendar, 25)
    plans = _explained(admin_client, URL, ordering=ordering)
    assert len(plans) == 1, plans
    assert "TEMP B-TREE FOR ORDER BY" not in plans[0], plans[0]
    assert "first_date_start" in plans[0], plans[0]


def test_events_listing_queries_are_the_same_at_two_sizes(admin_client, calendar):
    """A page of 20 of 25 events costs the same queries as a page of 20 of 225."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demo.bulk_events import add_trainings
    from events.models import EventPage

    counts = []
    for count in (25, 200):
        pages = add_trainings(calendar, count)
        EventPage.objects.filter(pk__in=[p.pk for p in pages]).update(
            registration_enabled=True, capacity=20
        )
        admin_client.get(URL)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(URL).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def _editor(django_user_model, name, page, codename="change_page"):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name=f"Gruppe {name}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=page, permission=Permission.objects.get(codename=codename)
    )
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(group)
    return user


def test_events_listing_shows_the_events_below_the_editors_pages(
    client, home_page, calendar, django_user_model
):
    """Who may explore which events is Wagtail's rule (the pages below those where a
    group holds a permission), written as ranges of tree paths: a network's editor sees
    that network's events, a group with permissions at the root (Wagtail's default
    groups) every event, an editor of one event that event."""
    from wagtail.models import Page

    root = Page.get_first_root_node()
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b"))
    calendar_b = make_index(home_b)
    ours = make_event(calendar, "Unsere Fortbildung")
    theirs = make_event(calendar_b, "Fortbildung in B")
    also_ours = make_event(calendar, "Zweite Fortbildung", dates=[(at(50, 9), at(50, 12))])

    client.force_login(_editor(django_user_model, "netz-a", home_page))
    assert _listed(client) == [also_ours.pk, ours.pk]
    client.force_login(_editor(django_user_model, "land", root, codename="publish_page"))
    assert set(_listed(client)) == {ours.pk, theirs.pk, also_ours.pk}
    client.force_login(_editor(django_user_model, "eine", theirs))
    assert _listed(client) == [theirs.pk]


def test_events_on_the_same_first_date_are_listed_by_id(admin_client, calendar):
    """A Land's networks run the same programme: events sharing a first date keep one
    order across the listing's pages (the id as the last key), none shown twice."""
    from demo.bulk_events import add_trainings

    count = 25  # one event a day from tomorrow, twice: every first date held by two
    pages = add_trainings(calendar, count) + add_trainings(calendar, count)
    shown = [pk for number in (1, 2, 3) for pk in _listed(admin_client, p=number)]
    by_date = {page.pk: at(number % count + 1) for number, page in enumerate(pages)}
    assert shown == sorted(by_date, key=lambda pk: (by_date[pk], pk), reverse=True)


def test_a_running_series_is_upcoming_not_past(admin_client, calendar):
    """A weekly series that began three weeks ago and has five more weeks to go: its
    stored dates (the first occurrence) are past, its series is not."""
    make_event(
        calendar,
        "Laufende Reihe",
        dates=[(at(-21, 10), at(-21, 11))],
        recurrence_frequency="WEEKLY",
        recurrence_count=8,
    )
    make_event(calendar, "Vorbei", dates=[(at(-30, 10), at(-30, 12))])

    upcoming = admin_client.get(URL, {"when": "upcoming"}).content.decode()
    past = admin_client.get(URL, {"when": "past"}).content.decode()
    assert "Laufende Reihe" in upcoming and "Vorbei" not in upcoming
    assert "Vorbei" in past and "Laufende Reihe" not in past
