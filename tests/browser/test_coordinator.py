"""What a coordinator does in the admin, in Chromium: record a signature from the
"Ohne Unterschrift" report; find an event in the events listing and mark attendance from
its registrations list. Each screen passes axe (WCAG 2.1 A/AA) on the product's own part."""

import datetime

import pytest
from django.test import Client

from .audit import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_as_coordinator(browser, live_server, django_user_model):
    """A browser context logged in as a superuser who passed the second factor (the test
    client's session, whose force_login does that step in the tests)."""
    user = django_user_model.objects.create_superuser("koordination", "k@example.org", "pw")
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _assert_axe(page, what):
    # Wagtail's own admin chrome is not ours to fix; check the main content we add.
    violations = [v for v in axe_violations(page) if "main" in v or "#listing" in v]
    assert not violations, f"{what} verletzt WCAG:\n" + "\n".join(violations)


def test_coordinator_records_a_signature_from_the_report(
    browser, home_page, live_server, django_user_model
):
    from tests.members.factories import make_agreement, make_member, make_member_index

    agreement = make_agreement(home_page, version="2.0", valid_from=datetime.date(2020, 1, 1))
    agreement.save_revision().publish()
    index = make_member_index(home_page)
    make_member(index, title="Kita Sonnenschein")
    make_member(index, title="Jugendhilfe Nord")

    context = _log_in_as_coordinator(browser, live_server, django_user_model)
    page = context.new_page()
    page.goto(live_server.url + "/admin/members/unsigned/")
    row = page.locator("tr", has_text="Kita Sonnenschein")
    _assert_axe(page, "Bericht „Ohne Unterschrift“")
    row.get_by_role("link", name="Unterzeichnung erfassen").click()

    page.wait_for_url("**/admin/members/sign/**")
    assert "Fassung 2.0 (aktuell)" in page.get_by_label("Fassung der Vereinbarung").inner_text()
    page.get_by_label("Unterzeichnet von").fill("Anna Leitung")
    page.get_by_label("Funktion").fill("Einrichtungsleitung")
    _assert_axe(page, "Formular „Unterzeichnung erfassen“")
    page.get_by_role("button", name="Speichern").click()

    page.wait_for_url("**/admin/members/unsigned/**")
    assert page.get_by_text("Unterzeichnung von Kita Sonnenschein erfasst").is_visible()
    assert page.locator("tr", has_text="Kita Sonnenschein").count() == 0
    assert page.locator("tr", has_text="Jugendhilfe Nord").count() == 1
    context.close()


def test_coordinator_finds_an_event_and_marks_attendance(
    browser, home_page, live_server, django_user_model
):
    from registrations.models import Registration
    from registrations.services import booking
    from tests.events.factories import make_index
    from tests.registration.factories import make_registration_event, service_data

    calendar = make_index(home_page)
    event = make_registration_event(calendar, "Kinderschutz in der Kita", capacity=10)
    make_registration_event(calendar, "Fachtag Schule")
    booking.register(event, service_data(first_name="Elif", last_name="Öztürk"))

    context = _log_in_as_coordinator(browser, live_server, django_user_model)
    page = context.new_page()
    page.goto(live_server.url + "/admin/events/list/")
    page.get_by_role("textbox", name="Suche").first.fill("Kita")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Kita**")
    assert page.locator("tr", has_text="Fachtag Schule").count() == 0
    row = page.locator("tr", has_text="Kinderschutz in der Kita")
    _assert_axe(page, "Liste der Veranstaltungen")
    row.get_by_role("link", name="1/10 Plätze").click()

    page.wait_for_url(f"**/admin/registrations/?event={event.pk}")
    assert page.get_by_role("link", name="Teilnahmeliste").is_visible()
    assert page.get_by_role("link", name="Export Excel (XLSX)").is_visible()
    _assert_axe(page, "Anmeldungen einer Veranstaltung")
    page.locator("tr", has_text="Öztürk").get_by_role("button", name="Teilgenommen").click()

    page.wait_for_url(f"**/admin/registrations/?event={event.pk}")
    assert page.get_by_text("Teilnahme eingetragen: Elif Öztürk").is_visible()
    assert page.locator("tr", has_text="Öztürk").get_by_role("button", name="zurücknehmen").count()
    assert Registration.objects.get(last_name="Öztürk").attended
    context.close()
