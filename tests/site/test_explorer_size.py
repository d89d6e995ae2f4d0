"""The page explorer of a calendar, a member directory (and a news index) at a Land's size
(issue #19, kinderschutz_cms.explorer): under 100 KB however many children the page has,
every action of Wagtail's per-row "More" menu still reachable, permissions unchanged."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, Site

from events.models import EventPage
from kinderschutz_cms.explorer import ROWS_PER_PAGE
from kinderschutz_cms.models import NetworkHomePage
from members.admin_signing import sign_url
from members.models import MemberPage
from registrations.services import booking
from tests.bulk import bulk_add_children
from tests.events.factories import make_index, make_many_events
from tests.members.factories import make_agreement, make_member, make_member_index
from tests.registration.factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db

LIMIT = 100_000  # bytes: "every response under 100 KB except feeds and exports"
ROW = 'data-bulk-action-checkbox class="bulk-action-checkbox"'


def explore(client, page, **params):
    return client.get(reverse("wagtailadmin_explore", args=[page.pk]), params)


def listing_table(html):
    """The explorer's table of children (the page's header has dropdowns of its own)."""
    match = re.search(r'<table class="listing.*?</table>', html, re.S)
    assert match, "no listing table"
    return match.group(0)


def grow_calendar(calendar, count, owner=None):
    """`count` more events as a Land's calendar holds them: long titles, edited (an
    "Updated" date per row), taking registrations (a seats button per row)."""
    ids = [page.pk for page in make_many_events(calendar, count)]
    Page.objects.filter(pk__in=ids).update(
        title=Concat(
            Value("Fortbildung "),
            Cast("id", CharField()),
            Value(": Gewichtige Anhaltspunkte erkennen und handeln"),
        ),
        latest_revision_created_at=timezone.now() - timedelta(days=3),
        owner=owner,
    )
    EventPage.objects.filter(pk__in=ids).update(registration_enabled=True, capacity=20)
    return ids


def grow_directory(directory, start, count):
    bulk_add_children(
        directory,
        [
            MemberPage(
                title=f"Evangelische Kindertagesstätte Sonnenschein Musterstadt {n:04d}",
                slug=f"kita-{n:04d}",
                town="Musterstadt-Nord",
                latest_revision_created_at=timezone.now(),
            )
            for n in range(start, start + count)
        ],
    )


@pytest.fixture
def calendar(home_page):
    return make_index(home_page)


@pytest.fixture
def directory(home_page):
    return make_member_index(home_page)


def test_calendar_explorer_stays_under_100_kb_at_two_sizes(admin_client, calendar):
    """Wagtail's explorer was 284 KB for a calendar of 200 events (50 rows of 4.3 KB, the
    "More" dropdown 2.6 KB of each); now 20 lighter rows a page, the same for 30 events
    as for 180."""
    event = make_registration_event(calendar, "Kinderschutz in der Kita", capacity=2)
    booking.register(event, service_data())
    sizes = []
    for count in (30, 150):
        grow_calendar(calendar, count)
        explore(admin_client, calendar)  # warm caches
        response = explore(admin_client, calendar)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count(ROW) == ROWS_PER_PAGE
        sizes.append(len(response.content))
    small, large = sizes
    assert large < LIMIT, sizes
    assert abs(large - small) < 1_000, sizes  # the pagination's numbers, not a row more


def test_directory_explorer_stays_under_100_kb_at_two_sizes(admin_client, directory):
    make_agreement(directory, title="Kooperationsvereinbarung Kinderschutz 2025")
    sizes = []
    for start, count in ((0, 30), (30, 150)):
        grow_directory(directory, start, count)
        explore(admin_client, directory)
        response = explore(admin_client, directory)
        assert response.status_code == 200
        assert response.content.decode().count(ROW) == ROWS_PER_PAGE
        sizes.append(len(response.content))
    small, large = sizes
    assert large < LIMIT, sizes
    assert abs(large - small) < 1_000, sizes


def test_news_index_explorer_stays_under_100_kb(admin_client, home_page):
    from news.models import NewsIndexPage, NewsPage

    news = home_page.add_child(instance=NewsIndexPage(title="Aktuelles", slug="aktuelles"))
    bulk_add_children(
        news,
        [
            NewsPage(
                title=f"Neue Fortbildungsreihe zum Schutzauftrag bei Kindeswohlgefährdung {n}",
                slug=f"meldung-{n}",
                date=timezone.localdate(),
                latest_revision_created_at=timezone.now(),
            )
            for n in range(60)
        ],
    )
    response = explore(admin_client, news)
    assert response.status_code == 200
    assert response.content.decode().count(ROW) == ROWS_PER_PAGE
    assert len(response.content) < LIMIT


def test_the_explorer_queries_do_not_grow_with_the_children(
    admin_client, calendar, django_assert_max_num_queries
):
    grow_calendar(calendar, 25)
    explore(admin_client, calendar)
    connection.queries_log.clear()  # full after the bulk inserts: counts would read 0
    with django_assert_max_num_queries(80) as first:
        explore(admin_client, calendar)
    queries = len(first.captured_queries)
    grow_calendar(calendar, 100)
    explore(admin_client, calendar)  # the site root paths, cached again
    connection.queries_log.clear()
    with django_assert_max_num_queries(queries):
        explore(admin_client, calendar)


def test_each_row_keeps_its_links_and_the_more_menu_lives_in_the_editor(admin_client, calendar):
    """A row links the editor (title), the live page (status) and the registrations (seats);
    the "More" menu's move, copy, delete, unpublish and history are in the editor's header
    menu, and the bulk actions work on ticked rows."""
    event = make_registration_event(calendar, "Kinderschutz in der Kita", capacity=10)
    booking.register(event, service_data())

    table = listing_table(explore(admin_client, calendar).content.decode())
    assert "w-dropdown" not in table  # no per-row "More" dropdown
    assert reverse("wagtailadmin_pages:edit", args=[event.pk]) in table
    assert f'href="{event.url}"' in table  # the status, linked to the live page
    assert reverse("registrations:index") + f"?event={event.pk}" in table
    assert "1/10 Plätze, 9 frei" in table
    assert f'data-object-id="{event.pk}"' in table  # the bulk actions' checkbox

    editor = admin_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    html = editor.content.decode()
    for name in ("move", "copy", "delete", "unpublish", "history"):
        assert reverse(f"wagtailadmin_pages:{name}", args=[event.pk]) in html, name


def test_a_member_is_signed_from_its_editor(admin_client, directory):
    """The "More" menu's "Unterzeichnung erfassen" (members.admin_signing) is also a
    header button of the member's editor."""
    member = make_member(directory, title="Kita Sonnenschein")
    table = listing_table(explore(admin_client, directory).content.decode())
    assert sign_url(member) not in table
    assert reverse("wagtailadmin_pages:edit", args=[member.pk]) in table
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[member.pk])).content
    assert sign_url(member) in html.decode()


def test_other_pages_keep_wagtails_explorer(admin_client, home_page, calendar):
    """Only pages with many children get the lighter explorer: the home page's few
    children keep Wagtail's "More" dropdown and its 50 rows a page."""
    table = listing_table(explore(admin_client, home_page).content.decode())
    assert "w-dropdown" in table
    assert reverse("wagtailadmin_pages:move", args=[calendar.pk]) in table


def test_sorting_by_menu_order_still_lists_every_child(admin_client, calendar):
    grow_calendar(calendar, ROWS_PER_PAGE + 5)
    table = listing_table(explore(admin_client, calendar, ordering="ord").content.decode())
    assert len(re.findall(r'<tr[^>]* id="page_\d+"', table)) == ROWS_PER_PAGE + 5


def _second_network():
    root = Page.get_first_root_node()
    home = root.add_child(instance=NetworkHomePage(title="Netzwerk Nachbarkreis", slug="b"))
    Site.objects.create(hostname="b.example.org", port=80, root_page=home)
    return home


def test_an_editor_of_network_a_sees_nothing_of_network_b(client, django_user_model, calendar):
    """Wagtail's permission rules are unchanged, and the explorer's filters offer only
    the owners and editors of pages below the page explored (Wagtail's list every owner of
    the installation)."""
    owner_a = django_user_model.objects.create_user("anna", first_name="Anna", last_name="A")
    owner_b = django_user_model.objects.create_user("bernd", first_name="Bernd", last_name="B")
    grow_calendar(calendar, 3, owner=owner_a)
    calendar_b = make_index(_second_network())
    [event_b] = grow_calendar(calendar_b, 1, owner=owner_b)
    Page.objects.filter(pk=event_b).update(title="Nur im Nachbarkreis")

    editor = django_user_model.objects.create_user("redaktion-a", password="x")
    group = Group.objects.create(name="Redaktion A")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=calendar.get_parent(), permission_type="change"
    )
    editor.groups.add(group)
    client.force_login(editor)

    html = explore(client, calendar).content.decode()
    assert html.count(ROW) == 3
    assert "Anna A" in html  # the owner filter
    assert "Bernd B" not in html and "Nachbarkreis" not in html
    response = explore(client, calendar_b)
    assert response.status_code == 302  # Wagtail sends them to their own root
    assert reverse("wagtailadmin_explore", args=[calendar.get_parent().pk]) in response.url
    html = explore(client, calendar, q="Nachbarkreis", search_all=1).content.decode()
    assert "Nur im Nachbarkreis" not in html


def test_the_filters_offer_the_page_types_and_people_of_this_page(admin_client, calendar):
    html = explore(admin_client, calendar).content.decode()
    assert 'name="site"' not in html  # all children lie in one site
    assert 'name="has_child_pages"' not in html  # events have no children
    types = re.findall(r'name="content_type" value="(\d+)"', html)
    from django.contrib.contenttypes.models import ContentType

    names = {ContentType.objects.get(pk=pk).model for pk in types}
    assert names == {"trainingpage", "fachtagpage", "networkmeetingpage"}


def test_the_calendars_own_views_are_wagtails(admin_client, calendar, directory):
    """The viewset that serves the explorer is also the one of the calendar's (and the
    directory's) own views: Wagtail's, unchanged."""
    for page in (calendar, directory):
        for name in ("edit", "add_subpage", "history", "move", "copy", "delete"):
            url = reverse(f"wagtailadmin_pages:{name}", args=[page.pk])
            assert admin_client.get(url).status_code == 200, url


def test_the_people_filters_read_this_pages_children_through_the_path_index(admin_client, calendar):
    """The owner and edited-by choices are found among the pages below the explored one
    as a range of the indexed tree path; descendant_of's `path LIKE '…%'` reads every page
    of the installation on SQLite (16,000 at a Land)."""
    from kinderschutz_cms.explorer import CompactExplorerFilterSet

    filters = CompactExplorerFilterSet(data={}, parent_page=calendar)
    for name in ("owner", "edited_by"):
        sql = str(filters.filters[name].queryset.query)
        assert " LIKE " not in sql.upper(), sql
        assert '"path" >' in sql or '"path" >=' in sql, sql
