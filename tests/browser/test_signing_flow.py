"""Signing the agreement online (#13), in Chromium: the coordinator starts a round in the
admin, a member's maintainer opens the link from the e-mail and signs (at 320 px), the
signature shows on the agreement page and in the round's progress view. Every public
screen passes axe; in the admin, the main content we add."""

import datetime
import re

import pytest
from django.core import mail

from .audit import axe_violations
from .test_coordinator import _log_in_as_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_axe(page, what, main_only=False):
    violations = axe_violations(page)
    if main_only:
        violations = [v for v in violations if "main" in v or "table" in v]
    assert not violations, f"{what} verletzt WCAG:\n" + "\n".join(violations)


def test_round_started_member_signs_and_it_shows(
    browser, site, live_server, settings, django_user_model
):
    from tests.members.factories import (
        make_agreement,
        make_contact,
        make_member,
        make_member_index,
        sector,
    )

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    index = make_member_index(site.home)
    agreement = make_agreement(
        index,
        version="2.0",
        valid_from=datetime.date(2020, 1, 1),
        intro="Gemeinsam für den Kinderschutz.",
    )
    agreement.save_revision().publish()
    kita = make_member(index, title="Kita Sonnenschein", sector=sector("kindertagesbetreuung"))
    make_contact(page=kita, name="Anna Leitung", email="anna@kita.example")
    make_member(index, title="Jugendhilfe Nord", sector=sector("schule"))

    context = _log_in_as_coordinator(browser, live_server, django_user_model)
    admin = context.new_page()
    admin.goto(live_server.url + "/admin/members/signing-rounds/start/")
    admin.get_by_label("Fassung der Vereinbarung").select_option(
        label="Kooperationsvereinbarung Kinderschutz, Fassung 2.0"
    )
    _assert_axe(admin, "Runde starten", main_only=True)
    admin.get_by_role("button", name="Runde starten und Einladungen senden").click()
    admin.wait_for_url(re.compile(r"/admin/members/signing-rounds/\d+/$"))
    assert "1 Netzwerkpartner eingeladen" in admin.locator("body").inner_text()

    [message] = [m for m in mail.outbox if m.to == ["anna@kita.example"]]
    link = re.search(r"https?://\S+/unterzeichnen/[^/\s]+/", message.body).group(0)

    member = browser.new_context(locale="de-DE", viewport={"width": 320, "height": 800})
    page = member.new_page()
    page.goto(link)
    assert "Gemeinsam für den Kinderschutz." in page.locator("main").inner_text()
    _assert_axe(page, "Unterzeichnungsseite")
    page.get_by_role("button", name="Verbindlich unterzeichnen").click()
    # without the confirmation: errors summarised and announced, nothing signed
    assert page.get_by_role("alert").is_visible()
    assert "Bitte bestätigen Sie" in page.get_by_role("alert").inner_text()
    _assert_axe(page, "Unterzeichnungsseite mit Fehlern")
    page.get_by_label("Ihr Name").fill("Anna Leitung")
    page.get_by_label("Ihre Funktion in der Organisation").fill("Einrichtungsleitung")
    page.get_by_label("Ich bin berechtigt, für diese Organisation zu unterzeichnen.").check()
    page.get_by_role("button", name="Verbindlich unterzeichnen").click()
    page.wait_for_url("**?unterzeichnet=1")
    assert "Vielen Dank!" in page.get_by_role("status").inner_text()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, "Die Seite scrollt bei 320 px waagerecht"
    _assert_axe(page, "Bestätigung der Unterzeichnung")

    page.get_by_role("link", name="Zur Vereinbarung und der Liste der Unterzeichnenden").click()
    main = page.locator("main").inner_text()
    assert "1 Organisation hat unterzeichnet" in main and "Kita Sonnenschein" in main
    _assert_axe(page, "Vereinbarung mit Unterzeichnenden")
    member.close()

    admin.reload()
    row = admin.locator("#progress-members tr", has_text="Kita Sonnenschein")
    assert "unterzeichnet" in row.inner_text()
    assert "eingeladen" not in row.inner_text()
    totals = admin.locator("#progress-by-sector tfoot").inner_text().split()
    assert totals[1:] == ["1", "0", "1", "2"]
    _assert_axe(admin, "Fortschritt der Runde", main_only=True)
    context.close()
