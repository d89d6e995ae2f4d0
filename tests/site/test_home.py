import datetime

import pytest

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


def test_home_without_events_and_members_leaves_sections_out(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert response.context["upcoming_events"] == []
    assert response.context["member_stats"] == home.MemberStats(members=0, signatories=0)
    assert "Nächste Veranstaltungen" not in response.content.decode()


def test_home_lists_next_events_with_seats_left(client, home_page):
    from registrations.services import booking as registration
    from tests.events.factories import at, make_event
    from tests.events.factories import make_index as make_calendar
    from tests.registration.factories import make_registration_event, service_data

    calendar = make_calendar(home_page)
    later = make_event(calendar, "Netzwerktreffen Herbst", dates=[(at(40, 14), at(40, 16))])
    soon = make_registration_event(
        calendar, "Fachtag Kinderschutz", capacity=3, dates=[(at(5, 9, 30), at(5, 16))]
    )
    make_event(calendar, "Abgesagt", status="cancelled", dates=[(at(2, 9), at(2, 10))])
    make_event(calendar, "Vorbei", dates=[(at(-3, 9), at(-3, 10))])
    registration.register(soon, service_data())

    response = client.get("/")
    html = response.content.decode()

    teasers = response.context["upcoming_events"]
    assert [t.page.pk for t in teasers] == [soon.pk, later.pk]
    assert teasers[0].seats_left == 2 and teasers[1].seats_left is None
    assert f'<a href="{soon.url}">Fachtag Kinderschutz</a>' in html
    assert "09:30 Uhr" in html
    assert "noch 2 Plätze frei" in html
    assert "Abgesagt" not in html and "Vorbei" not in html


def test_fully_booked_event_says_so_in_words(client, home_page):
    from registrations.services import booking as registration
    from tests.events.factories import make_index as make_calendar
    from tests.registration.factories import make_registration_event, service_data

    event = make_registration_event(make_calendar(home_page), capacity=1, waitlist_enabled=True)
    registration.register(event, service_data())

    assert "ausgebucht, Warteliste" in client.get("/").content.decode()


def test_home_query_count_does_not_grow_with_events(
    client, home_page, django_assert_max_num_queries
):
    from tests.events.factories import at, make_event
    from tests.events.factories import make_index as make_calendar

    calendar = make_calendar(home_page)
    for day in range(1, 8):
        make_event(calendar, f"Fortbildung {day}", dates=[(at(day, 9), at(day, 12))])
    client.get("/")  # warm caches (site, settings)
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


def test_member_stats_count_signatories_of_the_current_agreement(home_page):
    from tests.members.factories import (
        make_agreement,
        make_member_index,
        make_members,
        make_signatory,
    )

    directory = make_member_index(parent=home_page)
    members = make_members(directory, 4)
    agreement = make_agreement(parent=home_page, valid_from=datetime.date(2021, 1, 1))
    for member in members[:3]:
        make_signatory(page=agreement, member=member)

    assert home.member_stats(home_page) == home.MemberStats(members=4, signatories=3)
