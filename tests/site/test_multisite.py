"""Two networks in one installation: each a Wagtail Site, and nothing leaks between them.

Both sites have the same page slugs (/netzwerkpartner/, /veranstaltungen/, ...), so the
same path answers differently by host. Network A is served as "testserver" (the default
site), network B as "b.example.org". B's agreement is newer than A's and B has more
members and newer news, so a site-global lookup shows up in A's pages.
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kinderschutz_cms import home
from kinderschutz_cms.models import NetworkSettings
from members import agreements
from members.models import AgreementPage
from tests.events.factories import make_event
from tests.events.factories import make_index as make_calendar
from tests.members.factories import (
    make_agreement,
    make_contact,
    make_member,
    make_member_index,
    make_signatory,
)
from tests.news.factories import make_article
from tests.news.factories import make_index as make_news_index

HOST_A = "testserver"
HOST_B = "b.example.org"
SOON = timezone.localdate() + datetime.timedelta(days=20)


def build_network(home_page, name, *, members, signed, version, valid_from, news_date):
    """Directory, agreement with signatories, calendar with an event, news with an
    article: every title carries the network's `name` ("Alpha", "Beta")."""
    directory = make_member_index(parent=home_page)
    pages = [
        make_member(parent=directory, title=f"{name} Einrichtung {i}", slug=f"e-{i}")
        for i in range(1, members + 1)
    ]
    make_contact(page=pages[0], name=f"IseF {name}", is_isef=True)
    agreement = make_agreement(
        parent=home_page,
        title=f"Vereinbarung {name}",
        slug="kooperationsvereinbarung",
        version=version,
        valid_from=valid_from,
        next_review=SOON,
    )
    for member in pages[:signed]:
        make_signatory(page=agreement, member=member)
    calendar = make_calendar(home_page)
    event = make_event(calendar, f"Fortbildung {name}")
    news = make_news_index(home_page)
    make_article(news, title=f"Nachricht {name}", date=news_date)
    return {
        "home": home_page,
        "directory": directory,
        "members": pages,
        "agreement": agreement,
        "calendar": calendar,
        "event": event,
        "news": news,
    }


@pytest.fixture
def networks(home_page):
    """Network A on the default site, network B on its own host, side by side."""
    site_a = Site.objects.get(root_page=home_page)
    site_a.site_name = "Netzwerk A"
    site_a.save()
    root = Page.get_first_root_node()
    # The second network's home is the same page type as the first one's.
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b"))
    site_b = Site.objects.create(hostname=HOST_B, port=80, root_page=home_b, site_name="Netzwerk B")
    a = build_network(
        home_page,
        "Alpha",
        members=2,
        signed=1,
        version="1.0",
        valid_from=datetime.date(2021, 4, 1),
        news_date=datetime.date(2026, 1, 10),
    )
    b = build_network(
        home_b,
        "Beta",
        members=3,
        signed=2,
        version="3.0",
        valid_from=datetime.date(2025, 1, 1),
        news_date=datetime.date(2026, 2, 10),
    )
    a["site"], b["site"] = site_a, site_b
    cache.clear()  # built calendars are cached by ETag
    return a, b


def get(client, host, path, **params):
    response = client.get(path, params, HTTP_HOST=host)
    assert response.status_code == 200, (host, path, response.status_code)
    return response


def test_a_home_page_can_be_created_once_per_site_root(home_page):
    home_model = type(home_page)
    root = Page.get_first_root_node()
    assert home_model.can_create_at(root)  # a second network next to the first
    assert not home_model.can_create_at(home_page)  # but never inside another network


def test_a_page_belongs_to_the_site_of_its_nearest_root(home_page):
    from kinderschutz_cms.models import ContentPage
    from kinderschutz_cms.sites import site_root_path

    district = home_page.add_child(instance=ContentPage(title="Bezirk Nord", slug="nord"))
    inside = district.add_child(instance=ContentPage(title="Meldewege", slug="meldewege"))
    beside = home_page.add_child(instance=ContentPage(title="Impressum", slug="impressum"))
    Site.objects.create(hostname="nord.example.org", port=80, root_page=district)
    root = Page.get_first_root_node()
    unassigned = root.add_child(instance=type(home_page)(title="Noch ohne Site", slug="neu"))
    below_unassigned = unassigned.add_child(instance=ContentPage(title="Seite", slug="seite"))

    assert site_root_path(inside) == district.path  # the nested site, not the outer one
    assert site_root_path(district) == district.path
    assert site_root_path(beside) == home_page.path
    assert site_root_path(home_page) == home_page.path
    assert site_root_path(below_unassigned) == unassigned.path  # its own top-level branch


def test_home_page_teasers_and_numbers_are_the_sites_own(client, networks):
    a, b = networks
    for network, other, host in [(a, b, HOST_A), (b, a, HOST_B)]:
        response = get(client, host, "/")
        html = response.content.decode()
        name, other_name = network["event"].title.split()[-1], other["event"].title.split()[-1]
        assert f"Fortbildung {name}" in html and f"Fortbildung {other_name}" not in html
        assert f"Nachricht {name}" in html and f"Nachricht {other_name}" not in html
        stats = response.context["member_stats"]
        signed = network["agreement"].signatories.count()
        assert stats == home.MemberStats(members=len(network["members"]), signatories=signed)


def test_directory_lists_only_its_sites_members(client, networks):
    a, b = networks
    html_a = get(client, HOST_A, "/netzwerkpartner/").content.decode()
    html_b = get(client, HOST_B, "/netzwerkpartner/").content.decode()
    assert "Alpha Einrichtung 1" in html_a and "Beta Einrichtung" not in html_a
    assert "Beta Einrichtung 3" in html_b and "Alpha Einrichtung" not in html_b


def test_each_site_has_its_own_current_agreement(client, networks):
    a, b = networks
    response = get(client, HOST_A, "/kooperationsvereinbarung/")
    assert response.context["page"] == a["agreement"]
    assert response.context["is_current"] is True
    assert response.context["current_agreement"] == a["agreement"]
    html = response.content.decode()
    assert "aktuelle Fassung" in html and "Zur aktuellen Fassung" not in html
    assert "Alpha Einrichtung 1" in html and "Beta Einrichtung" not in html
    assert get(client, HOST_B, "/kooperationsvereinbarung/").context["is_current"] is True

    assert agreements.current_agreement(a["home"]) == a["agreement"]
    assert agreements.current_agreement(a["members"][0]) == a["agreement"]
    assert agreements.current_agreement(b["home"]) == b["agreement"]


def test_unsigned_members_are_measured_against_their_own_sites_agreement(networks):
    a, b = networks
    unsigned_a = agreements.unsigned_members(a["home"], agreements.current_agreement(a["home"]))
    unsigned_b = agreements.unsigned_members(b["home"], agreements.current_agreement(b["home"]))
    assert list(unsigned_a) == a["members"][1:]
    assert list(unsigned_b) == b["members"][2:]
    assert list(agreements.unsigned_members(a["home"], None)) == a["members"]


def test_calendar_and_ical_feed_list_only_their_own_events(client, networks):
    for host, name, other in [(HOST_A, "Alpha", "Beta"), (HOST_B, "Beta", "Alpha")]:
        html = get(client, host, "/veranstaltungen/").content.decode()
        assert f"Fortbildung {name}" in html and f"Fortbildung {other}" not in html

        feed = Calendar.from_ical(get(client, host, "/veranstaltungen/ical/").content)
        events = feed.walk("VEVENT")
        assert [str(event["SUMMARY"]) for event in events] == [f"Fortbildung {name}"]
        assert all(str(event["URL"]).startswith(f"http://{host}/") for event in events)


def test_search_finds_only_the_requests_site(client, networks):
    for host, name, other in [(HOST_A, "Alpha", "Beta"), (HOST_B, "Beta", "Alpha")]:
        response = get(client, host, "/suche/", q="Fortbildung")
        events = [group for group in response.context["groups"] if group.key == "events"]
        assert [page.title for group in events for page in group.pages] == [f"Fortbildung {name}"]
        assert not get(client, host, "/suche/", q=other).context["groups"]


def test_news_list_and_feeds_show_only_their_own_articles(client, networks):
    for host, name, other in [(HOST_A, "Alpha", "Beta"), (HOST_B, "Beta", "Alpha")]:
        for path in ["/aktuelles/", "/aktuelles/rss/", "/aktuelles/atom/"]:
            content = get(client, host, path).content.decode()
            assert f"Nachricht {name}" in content and f"Nachricht {other}" not in content


@pytest.fixture
def coordinator_a(django_user_model, networks):
    """A coordinator of network A: Wagtail page permissions on A's tree only."""
    a, _ = networks
    group = Group.objects.create(name="Koordination A")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ["add_page", "change_page", "publish_page"]:
        GroupPagePermission.objects.create(
            group=group, page=a["home"], permission=Permission.objects.get(codename=codename)
        )
    user = django_user_model.objects.create_user("koordination-a", password="x")
    user.groups.add(group)
    return user


def _csv_rows(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))[1:]


REPORTS = {
    "members_unsigned:index": (
        lambda a: [m.title for m in a["members"][1:]],
        lambda b: [m.title for m in b["members"][2:]],
    ),
    "members_reviews_due:index": (
        lambda a: [a["agreement"].title],
        lambda b: [b["agreement"].title],
    ),
    "members_isef:index": (lambda a: ["IseF Alpha"], lambda b: ["IseF Beta"]),
}


def test_reports_of_a_coordinator_list_only_their_sites_rows(client, networks, coordinator_a):
    a, b = networks
    client.force_login(coordinator_a)
    for name, (expected_a, _) in REPORTS.items():
        url = reverse(name)
        assert [row[0] for row in _csv_rows(client.get(url, {"export": "csv"}))] == expected_a(a)
        html = client.get(url).content.decode()
        assert "Beta" not in html
        # Another site cannot be chosen: the filter ignores it, nothing of B appears.
        other = client.get(url, {"export": "csv", "site": b["site"].pk})
        assert [row[0] for row in _csv_rows(other)] == expected_a(a)
    html = client.get(reverse("members_unsigned:index")).content.decode()
    assert "Vereinbarung Alpha, Fassung 1.0" in html
    assert 'name="site"' not in html  # one site only: no site filter


def test_reports_can_be_filtered_by_site(admin_client, networks):
    a, b = networks
    for name, (expected_a, expected_b) in REPORTS.items():
        url = reverse(name)
        html = admin_client.get(url).content.decode()
        assert 'name="site"' in html and "Netzwerk B" in html
        for network, expected in [(a, expected_a), (b, expected_b)]:
            response = admin_client.get(url, {"export": "csv", "site": network["site"].pk})
            assert [row[0] for row in _csv_rows(response)] == expected(network)
        both = {row[0] for row in _csv_rows(admin_client.get(url, {"export": "csv"}))}
        assert both == {*expected_a(a), *expected_b(b)}

    # Unfiltered, every site's members are measured against their own site's agreement.
    html = admin_client.get(reverse("members_unsigned:index")).content.decode()
    assert "Netzwerk A: Vereinbarung Alpha, Fassung 1.0" in html
    assert "Netzwerk B: Vereinbarung Beta, Fassung 3.0" in html
    filtered = admin_client.get(reverse("members_unsigned:index"), {"site": b["site"].pk})
    assert "Vereinbarung Beta, Fassung 3.0" in filtered.content.decode()


def agreement_form(supersedes=None):
    return nested_form_data(
        {
            "title": "Kooperationsvereinbarung 2026",
            "slug": "vereinbarung-2026",
            "version": "2.0",
            "supersedes": str(supersedes.pk) if supersedes else "",
            "legal_basis": "§ 3 KKG",
            "valid_from": "2026-01-01",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def signature_form(agreement, member):
    return {
        "page": str(agreement.pk),
        "member": str(member.pk),
        "signed_on": "2026-01-10",
        "method": "paper",
    }


def test_an_agreement_is_signed_by_members_of_its_own_site_only(admin_client, networks):
    a, b = networks
    url = reverse("wagtailadmin_pages:add", args=("members", "agreementpage", a["home"].pk))

    response = admin_client.post(url, agreement_form(b["agreement"]))
    assert response.status_code == 200
    assert "Diese Fassung gehört zu einer anderen Website." in response.content.decode()
    assert not AgreementPage.objects.filter(slug="vereinbarung-2026").exists()

    response = admin_client.post(url, agreement_form(a["agreement"]))
    assert response.status_code == 302
    created = AgreementPage.objects.get(slug="vereinbarung-2026")

    add = reverse("members_signatures:add")
    response = admin_client.post(add, signature_form(created, b["members"][0]))
    assert response.status_code == 200
    assert "gehört zu einer anderen Website" in response.content.decode()
    response = admin_client.post(add, signature_form(created, a["members"][1]))
    assert response.status_code == 302
    assert [s.member for s in created.signatories.all()] == [a["members"][1]]


def test_footer_and_reporting_paths_are_the_sites_own_settings(client, networks):
    a, b = networks
    for network, phone in [(a, "05121 111"), (b, "05121 222")]:
        NetworkSettings.objects.update_or_create(
            site=network["site"],
            defaults={"network_name": f"Netzwerk {phone}", "out_of_hours_phone": phone},
        )
    html_a = get(client, HOST_A, "/netzwerkpartner/").content.decode()
    html_b = get(client, HOST_B, "/netzwerkpartner/").content.decode()
    assert "05121 111" in html_a and "05121 222" not in html_a
    assert "05121 222" in html_b and "05121 111" not in html_b


def test_registration_form_suggests_and_matches_only_its_own_sites_members(networks, client):
    """The organisation suggestions on the registration form, and the sector a registration
    takes from a member of that name, come from the event's own network only."""
    from registrations.models import Registration
    from registrations.services import booking
    from tests.registration.factories import make_registration_event, register_url, service_data

    a, b = networks
    event = make_registration_event(a["calendar"], title="Anmeldung Alpha")
    html = get(client, HOST_A, register_url(event)).content.decode()
    assert "data-suggest-url=" in html
    search = "/anmeldung/organisationen/"
    assert get(client, HOST_A, search, q="Einrichtung").json()["results"] == [
        "Alpha Einrichtung 1",
        "Alpha Einrichtung 2",
    ]
    assert "Beta Einrichtung 1" in get(client, HOST_B, search, q="Einrichtung").json()["results"]

    own = booking.register(event, service_data(organisation=a["members"][0].title))
    other = booking.register(event, service_data(organisation=b["members"][0].title))
    assert Registration.objects.get(pk=own.pk).organisation_sector == str(a["members"][0].sector)
    assert Registration.objects.get(pk=other.pk).organisation_sector == ""


def test_path_after_subtree_raises_the_last_digit_that_can_rise():
    from kinderschutz_cms.sites import path_after_subtree

    assert path_after_subtree("00010003") == "00010004"
    assert path_after_subtree("00010009") == "0001000A"
    assert path_after_subtree("0001000Z") == "0001001"
    assert path_after_subtree("0001ZZZZ") == "0002"
    assert path_after_subtree("ZZZZ") is None


def test_in_site_is_the_subtree_of_the_root_path(networks):
    """The range of paths `in_site` asks for holds exactly the pages whose path starts
    with the root's, for each site and for the tree root (no upper bound)."""
    from kinderschutz_cms.sites import in_site

    for root in [Page.get_first_root_node(), *(site.root_page for site in Site.objects.all())]:
        expected = set(Page.objects.filter(path__startswith=root.path).values_list("pk", flat=True))
        found = set(Page.objects.filter(in_site(root.path)).values_list("pk", flat=True))
        assert found == expected
        assert len(expected) > 1
