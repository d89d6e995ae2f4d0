"""The cached site frame (kinderschutz_cms.frame): navigation, settings and view
restrictions are read from the cache, per site, and every change that alters them shows
on the next request: publishing, unpublishing, moving, deleting a page, a new or removed
view restriction, a settings save."""

import re

import pytest
from django.core.cache import cache
from wagtail.models import Page, PageViewRestriction, Site

from kinderschutz_cms import frame
from kinderschutz_cms.models import ContentPage, NetworkHomePage, NetworkSettings
from tests.members.factories import make_member, make_member_index


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def menu(client, url="/", **headers):
    html = client.get(url, **headers).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    return re.findall(r">([^<>]+)</a>", nav.group(0)) if nav else []


def add_page(parent, title, **fields):
    page = ContentPage(title=title, show_in_menus=True, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_navigation_is_read_from_the_cache(client, home_page, django_assert_max_num_queries):
    add_page(home_page, "Meldewege")
    site = Site.objects.get()
    client.get("/")
    with django_assert_max_num_queries(0):
        assert frame.navigation(site) != []


def test_publishing_and_unpublishing_change_the_menu_at_once(client, home_page):
    add_page(home_page, "Meldewege")
    assert menu(client) == ["Meldewege"]

    other = add_page(home_page, "Impressum")
    assert menu(client) == ["Meldewege", "Impressum"]

    other.unpublish()
    assert menu(client) == ["Meldewege"]


def test_editing_moving_and_deleting_change_the_menu_at_once(client, home_page):
    first = add_page(home_page, "Meldewege")
    second = add_page(home_page, "Impressum")
    assert menu(client) == ["Meldewege", "Impressum"]

    first.title = "Meldewege im Kinderschutz"
    first.save_revision().publish()
    assert menu(client) == ["Meldewege im Kinderschutz", "Impressum"]

    second.move(first, pos="last-child")
    assert menu(client) == ["Meldewege im Kinderschutz"]

    Page.objects.get(pk=first.pk).delete()
    assert menu(client) == []


def test_a_new_view_restriction_hides_the_page_and_guards_it_at_once(client, home_page):
    page = add_page(home_page, "Intern", intro="Geheimer Inhalt")
    assert menu(client) == ["Intern"]
    assert "Geheimer Inhalt" in client.get(page.url).content.decode()

    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert menu(client) == []
    assert "Geheimer Inhalt" not in client.get(page.url).content.decode()  # password form

    restriction.delete()
    assert menu(client) == ["Intern"]


def test_a_restricted_section_is_guarded_below_it_and_hidden_from_listings(client, home_page):
    index = make_member_index(parent=home_page)
    member = make_member(parent=index, title="Kita Geheim")
    assert "Kita Geheim" in client.get(index.url).content.decode()

    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(member.url)
    assert response.status_code == 302  # to the login, not the page
    assert "login" in response["Location"]

    public_index = make_member_index(parent=home_page, slug="partner")
    make_member(parent=public_index, title="Kita Offen")
    listed = client.get(public_index.url).content.decode()
    assert "Kita Offen" in listed


def test_settings_are_cached_per_site_and_refreshed_on_save(client, home_page):
    site_a = Site.objects.get()
    NetworkSettings.objects.create(site=site_a, network_name="Netzwerk A")
    root = Page.get_first_root_node()
    home_b = root.add_child(instance=NetworkHomePage(title="B", slug="b"))
    site_b = Site.objects.create(hostname="b.example.org", port=80, root_page=home_b)
    NetworkSettings.objects.create(site=site_b, network_name="Netzwerk B")
    add_page(home_page, "Nur in A")

    assert "Netzwerk A" in client.get("/").content.decode()
    assert "Netzwerk B" in client.get("/", HTTP_HOST="b.example.org").content.decode()
    assert menu(client) == ["Nur in A"]
    assert menu(client, HTTP_HOST="b.example.org") == []

    settings = NetworkSettings.objects.get(site=site_a)
    settings.network_name = "Netzwerk A neu"
    settings.save()
    assert "Netzwerk A neu" in client.get("/").content.decode()


# ---- routing below the home page (kinderschutz_cms/routing.py)


def test_routes_of_a_routable_page_come_before_its_children(client, home_page):
    from tests.events.factories import make_index as make_calendar

    calendar = make_calendar(home_page)
    child = ContentPage(title="Archiv", slug="archiv")
    calendar.add_child(instance=child)
    response = client.get(calendar.url + "archiv/")
    assert response.status_code == 200
    assert response.context["page"].pk == calendar.pk  # the archive route, as in Wagtail


def test_a_draft_on_the_way_routes_on_and_a_draft_at_the_end_is_not_found(client, home_page):
    section = ContentPage(title="Bereich", slug="bereich", live=False)
    home_page.add_child(instance=section)
    below = add_page(section, "Unterseite", intro="Unter einem Entwurf")
    assert "Unter einem Entwurf" in client.get(below.url or "/bereich/unterseite/").content.decode()
    assert client.get("/bereich/").status_code == 404
    assert client.get("/bereich/gibt-es-nicht/").status_code == 404
    assert client.get("/bereich/unterseite/zu-tief/").status_code == 404


def test_the_site_of_a_request_is_read_from_the_cache(client, home_page):
    """A warm page request finds its Wagtail Site without querying the sites table; a
    changed site (a new host name) is found on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]

    site = Site.objects.get()
    other = NetworkHomePage(title="Zweites Netzwerk", slug="zweites")
    Page.get_first_root_node().add_child(instance=other)
    Site.objects.create(hostname="zweites.test", port=80, root_page=other)
    assert "Zweites Netzwerk" in client.get("/", HTTP_HOST="zweites.test").content.decode()
    assert site.root_page.title in client.get("/").content.decode()


def test_the_pages_on_a_path_are_read_from_the_cache_until_the_tree_changes(client, home_page):
    """A warm request of an event's registration form finds the pages on its path in the
    frame cache: the only page query left is the event itself. Renaming a page (its
    slug), moving or unpublishing it shows on the next request; a path that is not found
    is not kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.events.factories import make_index as make_calendar
    from tests.registration.factories import make_registration_event

    calendar = make_calendar(home_page)
    event = make_registration_event(calendar)
    url = event.url + "anmelden/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    page_queries = [q["sql"] for q in queries.captured_queries if "wagtailcore_page" in q["sql"]]
    assert len(page_queries) == 1, page_queries  # the event page with its own fields

    event.slug = "neuer-name"
    event.save_revision().publish()
    assert client.get(url).status_code == 404
    assert client.get(calendar.url + "neuer-name/anmelden/").status_code == 200

    other = make_calendar(home_page, title="Zweiter Kalender", slug="zweiter-kalender")
    event.refresh_from_db()
    event.move(other, pos="last-child")
    assert client.get(calendar.url + "neuer-name/anmelden/").status_code == 404
    assert client.get(other.url + "neuer-name/anmelden/").status_code == 200

    event.refresh_from_db()
    event.unpublish()
    assert client.get(other.url + "neuer-name/anmelden/").status_code == 404

    before = set(cache._cache) if hasattr(cache, "_cache") else set()
    assert client.get(other.url + "gibt-es-nicht/").status_code == 404
    after = set(cache._cache) if hasattr(cache, "_cache") else set()
    assert not [k for k in after - before if ":route:" in k]
