"""Registering for an event in the browser: form by label, outcome, e-mail, personal link,
cancellation; the error state; a Fachtag with a full workshop."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from wagtail.models import Site

from registrations.models import Registration, RegistrationStatus
from tests.events.factories import make_index as make_event_index
from tests.registration.factories import (
    make_fachtag_event,
    make_registration_event,
    register_url,
)

from .audit import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def calendar(site, live_server, settings):
    """An event calendar. Links in e-mails start with WAGTAILADMIN_BASE_URL (there is no
    request to build them from): here the live server's address. The Site record is left
    as nobody configured it; redirects follow the request."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return make_event_index(site.home, slug="termine-anmeldung")


def _assert_axe(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what} verletzt WCAG:\n" + "\n".join(violations)


def test_register_by_label_then_cancel_by_personal_link(browser_page, calendar, live_server):
    event = make_registration_event(calendar, "Gesprächsführung im Kinderschutz", capacity=12)
    page = browser_page

    page.goto(live_server.url + event.url)
    box = page.get_by_role("region", name="Anmeldung")
    assert "noch 12 Plätze frei" in box.inner_text()
    box.get_by_role("link", name="Jetzt anmelden").click()

    page.wait_for_url("**" + register_url(event))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Anmeldung: Gesprächsführung im Kinderschutz"
    )
    _assert_axe(page, "Anmeldeformular")
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Musterfrau")
    page.get_by_label("E-Mail").fill("erika.musterfrau@example.org")
    page.get_by_label("Organisation").fill("Kita Sonnenschein")
    page.get_by_label("Funktion").fill("Leitung")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()

    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Ihre Anmeldung: Gesprächsführung im Kinderschutz"
    )
    assert "Vielen Dank! Ihre Anmeldung ist bestätigt." in page.locator("main").inner_text()
    _assert_axe(page, "Ergebnisseite der Anmeldung")

    registration = Registration.objects.get(email="erika.musterfrau@example.org")
    assert registration.status == RegistrationStatus.CONFIRMED
    [message] = [m for m in mail.outbox if "erika.musterfrau@example.org" in m.to]
    attachments = [name for name, _content, _type in message.attachments]
    assert attachments == [f"{event.slug}.ics"]
    link = re.search(r"https?://\S+/anmeldung/[^/\s]+/", message.body).group(0)

    page.goto(link)
    main = page.locator("main")
    assert "Erika Musterfrau" in main.inner_text()
    assert "Ihr Platz ist bestätigt." in main.inner_text()
    _assert_axe(page, "Persönlicher Link")
    page.get_by_role("link", name="Anmeldung stornieren").click()
    assert "wirklich stornieren" in page.locator("main").inner_text()
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()

    # Back on the personal link's page (the link carries a fresh signature).
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/$"))
    assert page.get_by_role("status").inner_text() == "Ihre Anmeldung ist storniert."
    assert "Diese Anmeldung ist storniert." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Anmeldung stornieren").count() == 0
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_empty_form_shows_summary_and_errors_tied_to_fields(browser_page, calendar, live_server):
    event = make_registration_event(calendar, "Kinderschutz in der Kita")
    page = browser_page
    page.goto(live_server.url + register_url(event))

    page.get_by_role("button", name="Verbindlich anmelden").click()

    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert "Bitte prüfen Sie Ihre Angaben" in summary.inner_text()
    for label, field_id in [
        ("Vorname", "id_first_name"),
        ("Nachname", "id_last_name"),
        ("E-Mail", "id_email"),
        ("Organisation", "id_organisation"),
        ("Ich habe die Datenschutzhinweise gelesen", "id_privacy_consent"),
    ]:
        field = page.get_by_label(label)
        assert field.get_attribute("aria-invalid") == "true", label
        described_by = field.get_attribute("aria-describedby") or ""
        assert f"{field_id}_error" in described_by.split(), label
        error = page.locator(f"#{field_id}_error")
        assert error.is_visible(), label
        assert error.inner_text().strip(), label
    assert (
        "Bitte stimmen Sie den Datenschutzhinweisen zu."
        in page.locator("#id_privacy_consent_error").inner_text()
    )
    # Optional fields are not marked invalid.
    assert page.get_by_label("Funktion").get_attribute("aria-invalid") is None
    assert Registration.objects.count() == 0
    _assert_axe(page, "Anmeldeformular mit Fehlern")


def test_fachtag_full_workshop_is_shown_full_in_words(browser_page, calendar, live_server):
    fachtag = make_fachtag_event(calendar, ws_capacity=1, waitlist_enabled=False)
    from registrations.queries import workshop_slots
    from registrations.services.booking import register
    from tests.registration.factories import service_data

    slots = workshop_slots(fachtag)
    first_slot, workshops = slots[0]
    full = next(w for w in workshops if w.title == "Schutzkonzepte")
    register(fachtag, service_data(), workshops={first_slot.pk: full.pk})

    page = browser_page
    page.goto(live_server.url + register_url(fachtag))

    group = page.get_by_role("group", name=re.compile("Workshops I$"))
    full_option = group.get_by_label("Schutzkonzepte – ausgebucht")
    assert full_option.is_disabled()
    assert group.get_by_label("Gesprächsführung").is_enabled()
    other = page.get_by_role("group", name=re.compile("Workshops II$"))
    assert other.get_by_label("Kinderrechte (noch 1 Platz)").is_enabled()
    _assert_axe(page, "Fachtag-Anmeldung mit ausgebuchtem Workshop")


@pytest.fixture
def calendar_on_another_host(site, settings):
    """As in `make demo`: the Site record says localhost:80, the live server runs on
    another host and port. Nothing may send the browser to the Site's address."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    return make_event_index(site.home, slug="termine-anderer-host")


def _fill_and_submit(page, email):
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Musterfrau")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Organisation").fill("Kita Sonnenschein")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()


def test_redirect_after_registering_stays_on_the_served_host(
    browser_page, calendar_on_another_host, live_server
):
    served = urlsplit(live_server.url).netloc
    direct = make_registration_event(calendar_on_another_host, "Ohne Bestätigung", capacity=5)
    page = browser_page
    page.goto(live_server.url + register_url(direct))
    _fill_and_submit(page, "erika.direkt@example.org")
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1$"))
    assert urlsplit(page.url).netloc == served
    assert "Ihre Anmeldung ist bestätigt" in page.locator("main").inner_text()

    # With double opt-in (the default): a "check your mail" page on the same host, and
    # only the link from the e-mail confirms.
    confirm = make_registration_event(
        calendar_on_another_host, "Mit Bestätigung", capacity=5, double_opt_in=True
    )
    page.goto(live_server.url + register_url(confirm))
    _fill_and_submit(page, "erika.bestaetigt@example.org")
    page.wait_for_url("**" + register_url(confirm) + "gesendet/")
    assert urlsplit(page.url).netloc == served
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Bitte prüfen Sie Ihr E-Mail-Postfach"
    )
    _assert_axe(page, "Seite nach dem Absenden (E-Mail prüfen)")
    registration = Registration.objects.get(email="erika.bestaetigt@example.org")
    assert registration.status == RegistrationStatus.PENDING_EMAIL
    [message] = [m for m in mail.outbox if "erika.bestaetigt@example.org" in m.to]
    link = re.search(r"https?://\S+/anmeldung/[^/\s]+/bestaetigen/", message.body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1$"))
    assert urlsplit(page.url).netloc == served
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_organisation_suggestion_by_keyboard(browser_page, calendar, live_server, site):
    """The organisation field asks the search endpoint after two characters and offers the
    network's members as a listbox: arrow down and Enter take one, focus stays put."""
    from tests.members.factories import make_member, make_member_index

    directory = make_member_index(site.home, slug="partner-vorschlaege")
    make_member(directory, title="Kita Sonnenschein")
    make_member(directory, title="Sonnenhof Jugendhilfe")
    event = make_registration_event(calendar, "Vorschläge per Tastatur", capacity=12)
    page = browser_page
    page.goto(live_server.url + register_url(event))
    field = page.get_by_role("combobox", name="Organisation")
    field.press_sequentially("Sonnen")
    listbox = page.get_by_role("listbox", name="Vorschläge")
    listbox.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    options = listbox.get_by_role("option")
    assert options.all_inner_texts() == ["Sonnenhof Jugendhilfe", "Kita Sonnenschein"]
    field.press("ArrowDown")
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    field.press("Enter")
    assert field.input_value() == "Kita Sonnenschein"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.name") == "organisation"
    _assert_axe(page, "Anmeldeformular mit Vorschlägen")
