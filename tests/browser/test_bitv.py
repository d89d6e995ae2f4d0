"""The BITV/WCAG checks that axe cannot make, as a person would try them in the browser.

- Reflow (WCAG 1.4.10, BITV 9.1.4.10): every page type of the registry (tests/browser/pages.py)
  plus pages with long German compounds, at 320 CSS px: nothing scrolls sideways.
- Text spacing (1.4.12, BITV 9.1.4.12): the same pages with the WCAG text-spacing overrides:
  still no sideways scrolling, and no text cut off by a box with hidden overflow.
- Keyboard (2.1.1, BITV 9.2.1.1): a registration completed with the Tab, Space and Enter keys.
- Errors (3.3.1, 3.3.3, 2.4.2): after a failed registration the focus is on the error summary,
  its links move the focus to the fields, the title starts with "Fehler:", values are kept;
  before anything was submitted no field is exposed as invalid.
"""

import re
from urllib.parse import urlsplit

import pytest
from wagtail.models import Site

from registrations.models import Registration
from tests.events.factories import make_index as make_event_index
from tests.registration.factories import make_registration_event, register_url, service_data

from .pages import PAGES, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}
LONG_TITLE = "Handlungsschritte bei Verdacht auf Kindeswohlgefährdung"

# The bookmarklet of WCAG's Understanding 1.4.12, as a style sheet.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# Elements that hide part of their text: overflow hidden/clip and content larger than the box.
# `.visually-hidden` (1 px on purpose) and aria-hidden parts are left out.
CLIPPED_TEXT_JS = """
() => {
    const clipped = [];
    for (const element of document.querySelectorAll("body *")) {
        if (element.closest(".visually-hidden, [aria-hidden='true']")) continue;
        const style = getComputedStyle(element);
        const hides = (value) => value === "hidden" || value === "clip";
        const wide = hides(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
        const tall = hides(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
        if ((wide || tall) && element.innerText.trim()) {
            clipped.push(element.tagName.toLowerCase() + "." + element.className + ": "
                + element.innerText.trim().slice(0, 60));
        }
    }
    return clipped;
}
"""

# What is wider than the viewport, to name the culprit in a failure.
TOO_WIDE_JS = """
(width) => [...document.querySelectorAll("body *")]
    .filter((e) => !e.closest(".visually-hidden, .skip-link")
        && (e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1))
    .slice(-5)
    .map((e) => e.tagName.toLowerCase() + "." + e.className + " ("
        + Math.round(e.getBoundingClientRect().right) + "/" + e.scrollWidth + " px): "
        + (e.innerText || "").trim().slice(0, 50))
"""


def _long_word_event(site):
    from .pages import _calendar

    return make_registration_event(
        _calendar(site), LONG_TITLE, slug="kindeswohlgefaehrdung-test", capacity=30
    )


def event_long_title(site):
    return Target(_long_word_event(site).url)


def registration_form_long_title(site):
    return Target(register_url(_long_word_event(site)))


def registration_outcome_long_title(site):
    from django.urls import reverse

    from registrations.services.booking import register
    from registrations.tokens import make_token

    registration = register(_long_word_event(site), service_data())
    return Target(
        reverse("registration_links:registration_detail", args=[make_token(registration)])
        + "?neu=1"
    )


def member_index_long_words(site):
    """The directory with a member whose name and services are long compounds."""
    from members.models import ContactPerson, MemberPage
    from tests.members.factories import sector

    from .pages import _directory

    index = _directory(site)
    member = MemberPage(
        title="Schwangerschaftskonfliktberatungsstelle Musterstadt",
        slug="schwangerschaftskonfliktberatung",
        provider_name="Landesarbeitsgemeinschaft Erziehungsberatungsstellen",
        sector=sector("sonstige"),
        town="Musterstadt",
        postcode="31134",
    )
    member.services.add("Kindeswohlgefährdungseinschätzungen")
    member.contact_persons.add(
        ContactPerson(
            name="Dr. Maximiliane Mustermann-Schulze", phone="05121 309-4711", is_isef=True
        )
    )
    index.add_child(instance=member)
    return Target(index.url + "?q=Schwangerschaftskonfliktberatungsstelle")


REFLOW_PAGES = {
    **PAGES,
    "event_long_title": event_long_title,
    "registration_form_long_title": registration_form_long_title,
    "registration_outcome_long_title": registration_outcome_long_title,
    "member_index_long_words": member_index_long_words,
}


def _assert_no_sideways_scrolling(page, name, what):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(TOO_WIDE_JS, NARROW["width"]) if scroll_width > 320 else []
    assert scroll_width <= NARROW["width"], (
        f"{name} {what}: {scroll_width} px breit bei 320 px:\n" + "\n".join(culprits)
    )


@pytest.mark.parametrize("name", list(REFLOW_PAGES))
def test_page_reflows_at_320_px_also_with_text_spacing(name, site, live_server, browser):
    target = REFLOW_PAGES[name](site)
    # The overrides are an inline style sheet, which the site's CSP (rightly) refuses.
    context = browser.new_context(locale="de-DE", viewport=NARROW, bypass_csp=True)
    page = context.new_page()
    try:
        response = page.goto(live_server.url + target.url)
        assert response.status == target.status, f"{name}: {target.url} gab {response.status}"

        _assert_no_sideways_scrolling(page, name, "")

        page.add_style_tag(content=TEXT_SPACING_CSS)
        _assert_no_sideways_scrolling(page, name, "mit Textabständen (1.4.12)")
        clipped = page.evaluate(CLIPPED_TEXT_JS)
        assert not clipped, f"{name}: abgeschnittener Text mit Textabständen:\n" + "\n".join(
            clipped
        )
    finally:
        context.close()


# --- The registration form with the keyboard only -------------------------------------------


@pytest.fixture
def calendar(site, live_server, settings):
    """A calendar on the live server's address (the redirect after registering stays there)."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    address = urlsplit(live_server.url)
    default = Site.objects.get(is_default_site=True)
    default.hostname, default.port = address.hostname, address.port
    default.save()
    return make_event_index(site.home, slug="termine-bitv")


def _tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches `selector` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} ist mit der Tabulatortaste nicht erreichbar")


def _focused_id(page):
    return page.evaluate("document.activeElement.id")


def _ax_invalid(page, selector):
    """Whether Chromium's accessibility tree exposes the element as invalid."""
    client = page.context.new_cdp_session(page)
    root = client.send("DOM.getDocument")["root"]["nodeId"]
    node = client.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    nodes = client.send("Accessibility.getPartialAXTree", {"nodeId": node})["nodes"]
    properties = {p["name"]: p["value"].get("value") for p in nodes[0].get("properties", [])}
    client.detach()
    return properties.get("invalid", "false") not in ("false", False)


def test_registration_completed_with_the_keyboard_only(calendar, live_server, browser_page):
    event = make_registration_event(calendar, LONG_TITLE, capacity=5)
    page = browser_page
    page.goto(live_server.url + event.url)

    _tab_to(page, "a[href$='/anmelden/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + register_url(event))
    for field_id, text in [
        ("id_first_name", "Erika"),
        ("id_last_name", "Musterfrau"),
        ("id_email", "erika.tastatur@example.org"),
        ("id_organisation", "Kita Sonnenschein"),
        ("id_role", "Leitung"),
    ]:
        _tab_to(page, f"#{field_id}")
        page.keyboard.type(text)
    _tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/anmeldung/[^/]+/\?neu=1$"))
    assert "Vielen Dank!" in page.locator("main").inner_text()
    registration = Registration.objects.get(email="erika.tastatur@example.org")
    assert (registration.first_name, registration.role) == ("Erika", "Leitung")


def test_untouched_form_exposes_no_field_as_invalid(calendar, live_server, browser_page):
    event = make_registration_event(calendar, "Kinderschutz in der Kita")
    page = browser_page
    page.goto(live_server.url + register_url(event))

    for selector in ("#id_first_name", "#id_email", "#id_privacy_consent"):
        assert not _ax_invalid(page, selector), f"{selector} gilt vor dem Absenden als ungültig"


def test_failed_registration_focuses_summary_whose_links_reach_the_fields(
    calendar, live_server, browser_page
):
    event = make_registration_event(calendar, "Kinderschutz in der Kita")
    page = browser_page
    page.goto(live_server.url + register_url(event))
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("E-Mail").fill("erika-at-example.org")

    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_function("document.activeElement.matches('[data-error-summary]')")

    assert page.title().startswith("Fehler: Anmeldung: Kinderschutz in der Kita")
    summary = page.locator("[data-error-summary]")
    assert summary.get_by_role("heading", level=2).inner_text() == "Bitte prüfen Sie Ihre Angaben"
    assert "z. B. name@beispiel.de" in summary.inner_text()
    links = summary.get_by_role("link")
    targets = [link.get_attribute("href") for link in links.all()]
    assert targets == ["#id_last_name", "#id_email", "#id_organisation", "#id_privacy_consent"]
    # What was typed is still there.
    assert page.get_by_label("Vorname").input_value() == "Erika"
    assert page.get_by_label("E-Mail").input_value() == "erika-at-example.org"
    assert _ax_invalid(page, "#id_email")

    for number, target in enumerate(targets):
        page.locator("[data-error-summary]").focus()
        links.nth(number).press("Enter")
        page.wait_for_function(f"document.activeElement.id === '{target[1:]}'")
        assert _focused_id(page) == target[1:]
