"""The calendar page, the archive and the event pages, through the test client."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from events.choices import EventFormat, EventStatus
from events.models import Speaker
from kinderschutz_cms.models import ContentPage

from .factories import at, make_audience, make_event, make_fachtag, make_venue

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def titles(response):
    return [event.title for event in response.context["events"]]


def test_upcoming_events_in_date_order_each_once(client, index):
    make_event(index, "Später", dates=[(at(30, 9), at(30, 12))])
    make_event(
        index,
        "Mehrteilig",
        dates=[(at(-7, 9), at(-7, 12)), (at(5, 9), at(5, 12)), (at(12, 9), at(12, 12))],
    )
    make_event(index, "Vorbei", dates=[(at(-3, 9), at(-3, 12))])
    make_event(index, "Bald", dates=[(at(2, 9), at(2, 12))])

    response = client.get(index.url)

    assert response.status_code == 200
    assert titles(response) == ["Bald", "Mehrteilig", "Später"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "und 1 weiterer Termin" in html
    assert '<link rel="alternate" type="text/calendar"' in html
    assert 'href="webcal://testserver/veranstaltungen/ical/"' in html

    archive = client.get(f"{index.url}archiv/")
    assert archive.status_code == 200
    assert titles(archive) == ["Vorbei"]


def test_filters(client, index):
    kita = make_audience()
    make_event(index, "Kita-Fortbildung", audiences=[kita], dates=[(at(3, 9), at(3, 12))])
    make_event(
        index,
        "Online-Seminar",
        event_format=EventFormat.ONLINE,
        organiser_name="Kinderschutzbund",
        dates=[(at(40, 9), at(40, 12))],
    )
    make_fachtag(index, "Fachtag")
    month = at(40).strftime("%Y-%m")

    assert titles(client.get(index.url, {"typ": "fachtag"})) == ["Fachtag"]
    assert titles(client.get(index.url, {"zielgruppe": "kita"})) == ["Kita-Fortbildung"]
    assert titles(client.get(index.url, {"format": "online"})) == ["Online-Seminar"]
    assert titles(client.get(index.url, {"veranstalter": "Kinderschutzbund"})) == ["Online-Seminar"]
    assert "Online-Seminar" in titles(client.get(index.url, {"monat": month}))
    assert "Kita-Fortbildung" not in titles(client.get(index.url, {"monat": month}))
    member = ContentPage(title="Kinderschutzbund Musterstadt", slug="ksb")
    index.get_parent().add_child(instance=member)
    make_event(index, "Vom Mitglied", organiser_page=member, dates=[(at(4, 9), at(4, 12))])
    response = client.get(index.url, {"veranstalter": str(member.pk)})
    assert titles(response) == ["Vom Mitglied"]
    assert f'<option value="{member.pk}" selected>Kinderschutzbund Musterstadt' in (
        response.content.decode()
    )
    filtered = client.get(index.url, {"typ": "fachtag"}).content.decode()
    assert "webcal://testserver/veranstaltungen/ical/?typ=fachtag" in filtered


@pytest.mark.parametrize(
    "query",
    [
        {"typ": "unbekannt"},
        {"monat": "2026-13"},
        {"monat": "März"},
        {"seite": "abc"},
        {"seite": "999"},
        {"zielgruppe": "<script>"},
        {"veranstalter": "x" * 500},
    ],
)
def test_bad_input_gives_a_normal_page(client, index, query):
    make_event(index, "Bald")

    response = client.get(index.url, query)

    assert response.status_code == 200
    assert titles(response) == ["Bald"]
    if "monat" in query:
        assert "Bitte wählen Sie einen Monat aus der Liste." in response.content.decode()


def test_pagination(client, index):
    for number in range(23):
        make_event(index, f"Termin {number:02}", dates=[(at(number + 1, 9), at(number + 1, 10))])

    first = client.get(index.url)
    second = client.get(index.url, {"seite": 2})

    assert len(first.context["events"]) == 20
    assert titles(second) == ["Termin 20", "Termin 21", "Termin 22"]
    assert "seite=2" in first.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_calendar_query_count_is_constant(client, index, size, django_assert_num_queries):
    venue, kita = make_venue(), make_audience()
    for number in range(size):
        make_event(
            index,
            f"Fortbildung {number}",
            dates=[(at(number + 1, 9), at(number + 1, 12)), (at(number + 60), at(number + 60))],
            venue=venue,
            audiences=[kita],
        )
    ContentType.objects.clear_cache()
    client.get(index.url)  # warm caches (content types, settings) like a running site

    # Routing (1: the calendar page itself; the pages on its path, the site and the filter
    # choices come from the frame cache), the list's ids (kept from then on, with the
    # cards: `listing.calendar_listing`), the seats left, the page of events, their dates
    # and audiences.
    with django_assert_num_queries(6):
        response = client.get(index.url, {"zielgruppe": "kita"})
    assert len(response.context["events"]) == min(size, 20)


def test_event_page_shows_everything_public_and_nothing_secret(client, index):
    venue = make_venue(directions="Bus 5 bis Marktplatz.")
    page = make_event(
        index,
        "Sexualisierte Gewalt: Schutzkonzepte in Kitas",
        dates=[(at(5, 9), at(5, 16)), (at(12, 9), at(12, 16))],
        venue=venue,
        audiences=[make_audience()],
        speakers=[("Dr. Maria Beispiel", "Kinderschutzzentrum")],
        costs="25 € inkl. Verpflegung",
        cpd_points=8,
        event_format=EventFormat.HYBRID,
        online_access_link="https://konferenz.example/geheim",
        status=EventStatus.POSTPONED,
    )

    response = client.get(page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for text in (
        "Termine",
        "Stufenloser Zugang",
        "Bus 5 bis Marktplatz.",
        "Dr. Maria Beispiel",
        "25 € inkl. Verpflegung",
        "Fortbildungspunkte",
        "Verschoben",
        "In Kalender eintragen",
        "Kalender abonnieren",
        "Fachkräfte Kita",
        f'href="http://testserver{page.url}ical/"',
        'href="webcal://testserver/veranstaltungen/ical/"',
        '<link rel="alternate" type="text/calendar"',
    ):
        assert text in html, text
    assert "konferenz.example" not in html


def test_fachtag_page_shows_programme(client, index, django_assert_max_num_queries):
    page = make_fachtag(index)
    client.get(page.url)  # warm caches like a running site

    with django_assert_max_num_queries(16):
        response = client.get(page.url)

    html = response.content.decode()
    assert "Programm" in html
    assert "Begrüßung" in html
    assert "Schutzkonzepte in Kitas" in html and "20 Plätze" in html
    assert "Gesprächsführung mit Eltern" in html


def test_cancelled_event_has_text_badge(client, index):
    page = make_event(index, "Abgesagte Fortbildung", status=EventStatus.CANCELLED)

    assert "Abgesagt" in client.get(page.url).content.decode()
    assert "badge--cancelled" in client.get(index.url).content.decode()


def test_preview_of_unsaved_dates_renders(index):
    page = make_event(index)
    draft = page.get_latest_revision_as_object()
    draft.speakers = [Speaker(name="Neu")]
    # Rendering a preview reads the in-memory cluster, not the database.
    from django.test import RequestFactory

    request = RequestFactory().get(page.url)
    context = draft.get_context(request)
    assert [s.name for s in context["speakers"]] == ["Neu"]


@pytest.mark.parametrize("archive", [False, True])
@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "1899-12", "3000-01"])
def test_month_out_of_range_is_a_german_filter_error(client, index, archive, month):
    make_event(index, "Bald")
    make_event(index, "Vorbei", dates=[(at(-20, 9), at(-20, 12))])

    response = client.get(f"{index.url}{'archiv/' if archive else ''}", {"monat": month})

    assert response.status_code == 200
    assert titles(response) == (["Vorbei"] if archive else ["Bald"])
    assert response.context["filter_form"].errors["monat"] == [
        "Bitte wählen Sie einen Monat zwischen 1900 und 2999."
    ]
    assert "Bitte wählen Sie einen Monat zwischen 1900 und 2999." in response.content.decode()


@pytest.mark.parametrize("month", ["1900-01", "2999-12"])
def test_months_at_the_ends_of_the_range_filter(client, index, month):
    make_event(index, "Bald")

    response = client.get(f"{index.url}archiv/", {"monat": month})

    assert response.status_code == 200
    assert titles(response) == []
    assert not response.context["filter_form"].errors


def month_options(html):
    select = re.search(r'<select name="monat"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the month filter is a list"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_month_filter_offers_the_months_that_have_events(client, index):
    make_event(
        index,
        "März",
        dates=[(datetime(2031, 3, 10, 9, tzinfo=BERLIN), datetime(2031, 3, 10, 12, tzinfo=BERLIN))],
    )
    make_event(
        index,
        "Silvester",
        dates=[(datetime(2030, 12, 31, 18, tzinfo=BERLIN), datetime(2031, 1, 1, 2, tzinfo=BERLIN))],
    )
    make_event(index, "Vorbei", dates=[(at(-40, 9), at(-40, 12))])

    html = client.get(index.url).content.decode()

    assert month_options(html) == [
        ("", "Alle Monate"),
        ("2030-12", "Dezember 2030"),
        ("2031-01", "Januar 2031"),
        ("2031-03", "März 2031"),
    ]
    assert not re.search(r'<input[^>]*name="monat"', html)
    archive = client.get(f"{index.url}archiv/").content.decode()
    assert [value for value, _ in month_options(archive)] == ["", at(-40).strftime("%Y-%m")]
    response = client.get(index.url, {"monat": "2031-03"})
    assert titles(response) == ["März"]
    html = response.content.decode()
    assert '<option value="2031-03" selected>März 2031</option>' in html
    assert "Gefiltert nach Monat: März 2031" in html


def test_month_filter_options_cost_one_query(client, index, django_assert_num_queries):
    for number in range(5):
        make_event(
            index, f"Termin {number}", dates=[(at(number * 31 + 1, 9), at(number * 31 + 1, 12))]
        )
    from events.listing import event_months

    with django_assert_num_queries(1):
        months = event_months(index)
    assert len(months) >= 5


def test_month_filter_leaves_out_private_events(client, index):
    from wagtail.models import PageViewRestriction

    make_event(index, "Öffentlich", dates=[(at(3, 9), at(3, 12))])
    private = make_event(index, "Intern", dates=[(at(100, 9), at(100, 12))])
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    html = client.get(index.url).content.decode()

    assert [value for value, _ in month_options(html)] == ["", at(3).strftime("%Y-%m")]


def test_month_from_a_shared_link_without_events_is_applied_and_shown(client, index):
    make_event(index, "Bald")

    response = client.get(index.url, {"monat": "2099-05"})

    assert response.status_code == 200 and titles(response) == []
    assert not response.context["filter_form"].errors
    assert ("2099-05", "Mai 2099") in month_options(response.content.decode())
    assert '<option value="2099-05" selected>' in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "März", "2026-3", "２０２６-03", "²０２６-03"])
def test_bad_month_in_the_url_is_a_clear_german_message(client, index, month):
    make_event(index, "Bald")

    response = client.get(index.url, {"monat": month})

    assert response.status_code == 200 and titles(response) == ["Bald"]
    html = response.content.decode()
    assert "Diesen Monat gibt es nicht. Bitte wählen Sie einen Monat aus der Liste." in html
    # The error summary sits above the filter grid, not in one of its cells.
    assert html.index('class="error-summary"') < html.index('<form class="filter-form"')


def card_of(html, title):
    start = html.index(f">{title}</a>")
    return html[start : html.index("</li>", start)]


def test_calendar_shows_seats_left_like_the_home_page(client, index):
    from registrations.services import booking
    from tests.registration.factories import service_data

    seats = {"registration_enabled": True, "double_opt_in": False, "online_access_link": ""}
    make_event(index, "Frei", capacity=3, waitlist_enabled=True, **seats)
    full = make_event(index, "Voll", capacity=1, waitlist_enabled=True, **seats)
    closed = make_event(index, "Voll ohne Warteliste", capacity=1, waitlist_enabled=False, **seats)
    for event in (full, closed):
        booking.register(event, service_data())
    make_event(index, "Ohne Anmeldung")

    html = client.get(index.url).content.decode()

    assert "noch 3 Plätze frei" in card_of(html, "Frei")
    assert "ausgebucht, Warteliste" in card_of(html, "Voll")
    closed_card = card_of(html, "Voll ohne Warteliste")
    assert "ausgebucht<" in closed_card and "ausgebucht, Warteliste" not in closed_card
    assert "badge" not in card_of(html, "Ohne Anmeldung")
