"""WCAG criteria the automated checkers miss, checked in the HTML the site sends (issue #21):
titles and counts after filtering (2.4.2, 4.1.3), error messages and summaries (3.3.1,
3.3.3), input purposes (1.3.5), visible labels (2.5.3), phone numbers as links.

The browser side (focus, reflow, text spacing, keyboard) is in tests/browser/test_bitv.py.
"""

import re

import pytest
from django.core.cache import cache

from kinderschutz_cms.models import ContentPage, NetworkSettings
from members.models import MemberPage
from tests.events.factories import at, make_event, make_fachtag
from tests.events.factories import make_index as make_event_index
from tests.members.factories import (
    make_agreement,
    make_member_index,
    make_members,
)
from tests.registration.factories import form_data, make_registration_event, register_url

pytestmark = pytest.mark.django_db

# The input purposes of WCAG 2.1 section 7 that a field about the person must name.
EXPECTED_PURPOSES = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "organisation": "organization",
    "role": "organization-title",
    "phone": "tel",
}


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.fixture
def registration_settings(settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calendar(home_page):
    index = make_event_index(home_page)
    make_event(index, "Gesprächsführung mit Eltern")
    make_event(index, "Kinderschutz in der Kita", dates=[(at(40, 9), at(40, 16))])
    make_fachtag(index, slug="fachtag-1")
    make_event(index, "Rückblick", dates=[(at(-10, 9), at(-10, 12))])
    return index


# --- Registration form --------------------------------------------------------------------


def test_every_personal_field_of_the_registration_form_names_its_purpose(
    client, home_page, registration_settings
):
    event = make_registration_event(make_event_index(home_page))

    html = client.get(register_url(event)).content.decode()

    for name, purpose in EXPECTED_PURPOSES.items():
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'autocomplete="{purpose}"' in tag, tag


def test_untouched_consent_box_is_required_but_not_marked_invalid(
    client, home_page, registration_settings
):
    event = make_registration_event(make_event_index(home_page))

    html = client.get(register_url(event)).content.decode()

    tag = re.search(r'<input[^>]*name="privacy_consent"[^>]*>', html).group(0)
    assert " required" not in tag
    assert 'aria-required="true"' in tag
    assert "aria-invalid" not in tag


def test_failed_registration_lists_links_to_fields_and_says_so_in_the_title(
    client, home_page, registration_settings
):
    event = make_registration_event(make_event_index(home_page), "Kinderschutz in der Kita")

    response = client.post(
        register_url(event),
        form_data(email="erika-at-example.org", organisation="", privacy_consent=None),
    )

    assert response.status_code == 400
    assert title(response).startswith("Fehler: Anmeldung: Kinderschutz in der Kita")
    html = response.content.decode()
    summary = re.search(r"<div [^>]*data-error-summary.*?</div>", html, re.S).group(0)
    assert '<h2 id="error-summary-heading">Bitte prüfen Sie Ihre Angaben</h2>' in summary
    assert re.findall(r'<a href="#(\w+)">', summary) == [
        "id_email",
        "id_organisation",
        "id_privacy_consent",
    ]
    assert "z. B. name@beispiel.de" in summary
    assert "z. B. Kita Sonnenschein" in summary
    assert '<script src="/static/kinderschutz_cms/js/site.js" defer></script>' in html


def test_unfailed_registration_form_has_no_error_title(client, home_page, registration_settings):
    event = make_registration_event(make_event_index(home_page), "Kinderschutz in der Kita")

    response = client.get(register_url(event))

    assert title(response).startswith("Anmeldung: Kinderschutz in der Kita")
    assert "data-error-summary" not in response.content.decode()


def test_site_script_is_allowed_by_the_content_security_policy(client, home_page):
    response = client.get("/")

    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    script = '<script src="/static/kinderschutz_cms/js/site.js" defer></script>'
    assert script in response.content.decode()


# --- Results announced: calendar ----------------------------------------------------------


def test_calendar_counts_results_and_names_filter_and_count_in_title(client, calendar):
    response = client.get(calendar.url, {"typ": "fachtag"})

    html = response.content.decode()
    assert '<h2 id="results" class="results-count">1 Veranstaltung gefunden</h2>' in html
    assert title(response).startswith("1 Veranstaltung gefunden (Art: Fachtag) – Veranstaltungen")

    unfiltered = client.get(calendar.url)
    assert "3 Veranstaltungen gefunden" in unfiltered.content.decode()
    assert title(unfiltered).startswith("Veranstaltungen –")


def test_archive_has_its_own_title(client, calendar):
    archive = client.get(f"{calendar.url}archiv/")

    assert title(archive).startswith("Vergangene Veranstaltungen – Veranstaltungen")
    assert title(archive) != title(client.get(calendar.url))
    assert "1 Veranstaltung gefunden" in archive.content.decode()


def test_month_filter_that_could_not_be_applied_says_so_above_the_list(client, calendar):
    response = client.get(calendar.url, {"monat": "2026-13"})

    html = response.content.decode()
    assert title(response).startswith("Fehler: Veranstaltungen")
    notice = html.index("Diese Filter konnten nicht angewendet werden")
    assert html.index('id="results"') < notice < html.index('<ul class="card-list"')
    assert "<li>Monat: „2026-13“</li>" in html


# --- Results announced: directory ---------------------------------------------------------


@pytest.fixture
def directory(home_page):
    index = make_member_index(parent=home_page)
    make_members(index, 5)
    return index


def test_directory_count_is_no_live_region_and_is_in_the_title(client, directory):
    response = client.get(directory.url, {"sector": "schule"})

    html = response.content.decode()
    assert "aria-live" not in html
    assert "3 Netzwerkpartner gefunden" in html
    assert title(response).startswith("3 Netzwerkpartner gefunden (Bereich: Schule) – ")
    assert "Gefiltert nach Bereich: Schule" in html


def test_directory_filter_errors_use_the_summary_with_links(client, directory):
    response = client.get(directory.url, {"sector": "gibt-es-nicht"})

    html = response.content.decode()
    assert title(response).startswith("Fehler: ")
    assert "data-error-summary" in html
    assert '<a href="#id_sector">Bereich: ' in html
    assert "<li>Bereich: „gibt-es-nicht“</li>" in html


# --- Search counts what the directory counts ----------------------------------------------


def test_search_counts_the_partners_the_directory_shows(client, directory, home_page):
    make_agreement(parent=home_page, title="Kooperationsvereinbarung für jedes Mitglied")
    directory.title = "Jedes Mitglied im Überblick"
    directory.save_revision().publish()

    directory_count = client.get(directory.url).context["result_count"]
    groups = {g.key: g for g in client.get("/suche/", {"q": "Mitglied"}).context["groups"]}

    assert directory_count == MemberPage.objects.live().count() == 5
    assert groups["members"].count == directory_count
    assert {p.title for p in groups["pages"].pages} == {
        "Jedes Mitglied im Überblick",
        "Kooperationsvereinbarung für jedes Mitglied",
    }


# --- Labels and links ---------------------------------------------------------------------


def test_header_search_has_a_visible_label_matching_its_name(client, home_page):
    html = client.get("/").content.decode()

    label = re.search(r'<label for="site-search-query"[^>]*>', html).group(0)
    field = re.search(r'<input type="search" id="site-search-query"[^>]*>', html).group(0)
    assert "visually-hidden" not in label
    assert "placeholder" not in field


def test_demo_reporting_page_links_the_police_number(client, home_page):
    from demo.site import BODIES

    page = ContentPage(title="Meldewege", slug="meldewege", body=BODIES["meldewege"])
    home_page.add_child(instance=page)
    NetworkSettings.for_site(home_page.get_site()).save()

    html = client.get(page.url).content.decode()

    assert '<a href="tel:110">Polizei unter 110</a>' in html


def test_search_results_name_their_count_in_the_title(client, directory):
    response = client.get("/suche/", {"q": "Mitglied"})

    assert title(response).startswith("5 Treffer für „Mitglied“ – Suche – ")
