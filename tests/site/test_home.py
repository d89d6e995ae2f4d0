import datetime
import sys
import types

import pytest
from django.utils import timezone

from kinderschutz_cms import home
from kinderschutz_cms.models import ContentPage, NetworkSettings
from tests.news.factories import make_article, make_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(home_page):
    settings = NetworkSettings.for_site(home_page.get_site())
    settings.office_hours_phone = "05121 309-1234"
    settings.office_hours = "Mo–Fr 8–16 Uhr"
    settings.out_of_hours_phone = "05121 309-9999"
    settings.save()
    return settings


def test_home_shows_reporting_box_in_main_and_not_again_in_footer(client, network):
    html = client.get("/").content.decode()

    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    footer = html.split("<footer", 1)[1]
    assert 'id="reporting-box-heading"' in main
    assert "Jugendamt, Dienstzeit (Mo–Fr 8–16 Uhr)" in main
    assert 'href="tel:05121309-1234"' in main
    assert 'href="tel:05121309-9999"' in main
    assert 'href="tel:110"' in main
    assert "reporting-box" not in footer
    assert html.count('id="reporting-box-heading"') == 1


def test_other_pages_show_reporting_box_in_footer(client, network, home_page):
    home_page.add_child(instance=ContentPage(title="Über uns", slug="ueber-uns"))

    html = client.get("/ueber-uns/").content.decode()

    footer = html.split("<footer", 1)[1]
    assert 'href="tel:05121309-9999"' in footer


def test_home_lists_three_latest_news_and_links(client, home_page):
    index = make_index(home_page)
    for day in range(1, 5):
        make_article(index, title=f"Meldung {day}", date=datetime.date(2026, 5, day))
    directory = ContentPage(title="Netzwerkpartner", slug="netzwerkpartner")
    agreement = ContentPage(title="Kooperationsvereinbarung", slug="kooperationsvereinbarung")
    home_page.add_child(instance=directory)
    home_page.add_child(instance=agreement)
    home_page.news_page = index
    home_page.directory_page = directory
    home_page.agreement_page = agreement
    home_page.save()

    response = client.get("/")

    assert [a.title for a in response.context["latest_news"]] == [
        "Meldung 4",
        "Meldung 3",
        "Meldung 2",
    ]
    html = response.content.decode()
    assert "Meldung 1" not in html
    assert 'href="/aktuelles/">Alle Nachrichten' in html
    assert 'href="/netzwerkpartner/">Alle Netzwerkpartner im Verzeichnis' in html
    assert 'href="/kooperationsvereinbarung/">Die Kooperationsvereinbarung' in html
    assert 'type="application/atom+xml"' in html
    assert html.count("<h1") == 1


def test_home_without_events_and_members_apps_leaves_sections_out(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert response.context["upcoming_events"] == []
    assert response.context["member_stats"] is None
    assert "Nächste Veranstaltungen" not in response.content.decode()


def test_home_uses_functions_the_other_apps_provide(client, home_page, monkeypatch):
    event = ContentPage(title="Fachtag Kinderschutz", slug="fachtag")
    home_page.add_child(instance=event)
    start = timezone.make_aware(datetime.datetime(2026, 9, 17, 9, 30))
    listing = types.ModuleType("events.listing")
    listing.upcoming_for_home = lambda limit: [
        home.EventTeaser(page=event, start=start, seats_left=12)
    ]
    directory = types.ModuleType("members.directory")
    directory.member_stats = lambda: home.MemberStats(members=64, signatories=51)
    monkeypatch.setitem(sys.modules, "events.listing", listing)
    monkeypatch.setitem(sys.modules, "members.directory", directory)

    html = client.get("/").content.decode()

    assert '<a href="/fachtag/">Fachtag Kinderschutz</a>' in html
    assert "Donnerstag, 17. September 2026, 09:30 Uhr" in html
    assert "noch 12 Plätze frei" in html
    assert "<dd>64</dd>" in html and "<dd>51</dd>" in html


def test_fully_booked_event_says_so_in_words(client, home_page, monkeypatch):
    event = ContentPage(title="Netzwerktreffen", slug="treffen")
    home_page.add_child(instance=event)
    listing = types.ModuleType("events.listing")
    listing.upcoming_for_home = lambda limit: [
        home.EventTeaser(page=event, start=timezone.now(), seats_left=0)
    ]
    monkeypatch.setitem(sys.modules, "events.listing", listing)

    assert "ausgebucht, Warteliste" in client.get("/").content.decode()


def test_home_functions_are_safe_without_the_apps(home_page):
    assert home.upcoming_events(limit=3) == []
    assert home.member_stats() is None
    assert home.latest_news(limit=3) == []
