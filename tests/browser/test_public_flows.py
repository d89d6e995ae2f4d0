"""The professional's and the participant's flows of issue #12 in the browser: the
calendar on a phone (filters behind a "Filter" disclosure, month list), registering
with the keyboard (skip link to the form), a refusal for filling too fast that keeps the
input, and changing a Fachtag workshop from the personal page. Each page is checked with
axe (WCAG 2.1 AA)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from registrations.models import Registration, RegistrationStatus, WorkshopBooking
from registrations.services import booking
from registrations.tokens import personal_path
from tests.events.factories import make_index as make_event_index
from tests.events.factories import make_venue
from tests.registration.factories import (
    make_fachtag_event,
    make_registration_event,
    register_url,
    service_data,
)

from .audit import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
BERLIN = ZoneInfo("Europe/Berlin")
MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
MONTHS = MONTHS.split()


@pytest.fixture
def calendar(site, live_server, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return make_event_index(site.home, slug="termine-12")


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="de-DE", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _assert_axe(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what} verletzt WCAG:\n" + "\n".join(violations)


def _in_first_screen(locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def _next_month_start(months_ahead, day=12, hour=9):
    now = timezone.localtime(timezone.now(), BERLIN)
    year, month = now.year, now.month + months_ahead
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, day, hour, tzinfo=BERLIN)


def test_professional_filters_the_calendar_by_month_on_a_phone_and_registers(
    phone_page, calendar, live_server
):
    soon, later = _next_month_start(1), _next_month_start(2)
    venue = make_venue(name="Kreishaus Musterstadt", town="Musterstadt")
    make_registration_event(
        calendar, "Früher Termin", capacity=4, venue=venue, dates=[(soon, soon.replace(hour=12))]
    )
    make_registration_event(
        calendar,
        "Gewichtige Anhaltspunkte erkennen",
        capacity=8,
        venue=venue,
        dates=[(later, later.replace(hour=16))],
    )
    page = phone_page

    page.goto(live_server.url + calendar.url)
    disclosure = page.locator("details.filter-disclosure")
    summary = disclosure.locator("summary")
    assert summary.inner_text().strip() == "Filter"
    assert not disclosure.evaluate("d => d.open")  # closed on a phone
    assert not page.get_by_label("Monat").is_visible()
    first_event = page.get_by_role("link", name="Früher Termin")
    assert _in_first_screen(first_event), "das erste Ereignis ist auf dem ersten Bildschirm"
    assert "noch 4 Plätze frei" in page.locator(".card-list .card").first.inner_text()
    _assert_axe(page, "Kalender auf dem Telefon")

    summary.focus()
    page.keyboard.press("Enter")  # the disclosure opens with the keyboard
    assert disclosure.evaluate("d => d.open")
    month = page.get_by_label("Monat")
    assert month.evaluate("e => e.tagName") == "SELECT"
    options = month.locator("option").all_inner_texts()
    later_label = f"{MONTHS[later.month - 1]} {later.year}"
    assert options[0] == "Alle Monate" and later_label in options
    month.select_option(label=later_label)
    page.get_by_role("button", name="Filtern").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"monat=" + later.strftime("%Y-%m")))

    titles = page.locator(".card-list .card h2").all_inner_texts()
    assert titles == ["Gewichtige Anhaltspunkte erkennen"]
    assert f"Gefiltert nach Monat: {later_label}" in page.locator("main").inner_text()
    assert _in_first_screen(page.get_by_role("link", name="Gewichtige Anhaltspunkte erkennen"))
    _assert_axe(page, "Gefilterter Kalender auf dem Telefon")

    page.get_by_role("link", name="Gewichtige Anhaltspunkte erkennen").click()
    page.get_by_role("link", name="Jetzt anmelden").click()
    page.wait_for_url("**/anmelden/")
    facts = page.locator(".event-facts").inner_text()
    assert "Kreishaus Musterstadt" in facts and "Präsenz" in facts
    _assert_axe(page, "Anmeldeformular auf dem Telefon")

    # The form's first field: two Tab stops and Enter, from the top of the page.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Anmeldeformular springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_first_name"
    page.keyboard.type("Erika")
    page.get_by_label("Nachname").fill("Musterfrau")
    page.get_by_label("E-Mail").fill("erika.telefon@example.org")
    page.get_by_label("Organisation").fill("Kita Sonnenschein")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Verbindlich anmelden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1(#.*)?$"))
    assert "Ihre Anmeldung ist bestätigt" in page.locator("main").inner_text()
    _assert_axe(page, "Ergebnis der Anmeldung auf dem Telefon")
    registration = Registration.objects.get(email="erika.telefon@example.org")
    assert registration.status == RegistrationStatus.CONFIRMED


def test_too_fast_refusal_keeps_the_input_and_can_be_sent_again(
    browser_page, calendar, live_server, settings
):
    event = make_registration_event(calendar, "Schnell ausgefüllt", capacity=5)
    settings.REGISTRATION_MIN_FILL_SECONDS = 600  # every submission now is "too fast"
    page = browser_page

    page.goto(live_server.url + register_url(event))
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Musterfrau")
    page.get_by_label("E-Mail").fill("erika.schnell@example.org")
    page.get_by_label("Organisation").fill("Kita Sonnenschein")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()

    page.wait_for_load_state()
    assert "Das ging sehr schnell" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Vorname").input_value() == "Erika"
    assert page.get_by_label("E-Mail").input_value() == "erika.schnell@example.org"
    assert page.get_by_label("Ich habe die Datenschutzhinweise gelesen").is_checked()
    _assert_axe(page, "Formular nach der Abweisung")
    assert not Registration.objects.filter(email="erika.schnell@example.org").exists()

    settings.REGISTRATION_MIN_FILL_SECONDS = 0  # the person took their time
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1(#.*)?$"))
    assert Registration.objects.get(email="erika.schnell@example.org").status == "confirmed"


def test_participant_changes_a_workshop(browser_page, calendar, live_server):
    event = make_fachtag_event(calendar, ws_capacity=1)
    slot = event.time_slots.filter(kind="workshops").order_by("start").first()
    limited, unlimited = slot.workshops.order_by("sort_order", "pk")
    registration = booking.register(event, service_data(), workshops={slot.pk: unlimited.pk})
    page = browser_page

    page.goto(live_server.url + personal_path(registration))
    facts = page.locator(".event-facts").inner_text()
    assert "Termin" in facts and "Präsenz" in facts
    group = page.get_by_role("group", name=re.compile("Workshops I"))
    assert group.get_by_label("Gesprächsführung (Ihre Wahl)").is_checked()
    _assert_axe(page, "Persönliche Seite mit Workshop-Wahl")

    choice = group.get_by_label("Schutzkonzepte (noch 1 Platz)")
    choice.focus()
    page.keyboard.press("Space")
    assert choice.is_checked()
    page.keyboard.press("Tab")
    assert "Workshop ändern" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/#workshops$"))

    assert "Sie haben jetzt einen Platz im Workshop „Schutzkonzepte“." in (
        page.locator("main").inner_text()
    )
    assert (
        page.get_by_role("group", name=re.compile("Workshops I"))
        .get_by_label("Schutzkonzepte (Ihre Wahl)")
        .is_checked()
    )
    _assert_axe(page, "Persönliche Seite nach dem Workshop-Wechsel")
    statuses = dict(
        WorkshopBooking.objects.filter(registration=registration)
        .exclude(status="cancelled")
        .values_list("workshop_id", "status")
    )
    assert statuses.get(limited.pk) == "confirmed" and unlimited.pk not in statuses
