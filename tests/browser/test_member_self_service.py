"""Issue #13 in Chromium: a maintainer requests an edit link, opens it from the outbox,
edits the entry, the coordinator approves in the admin and the change is live; the
yearly check answered with "Keine Änderungen". Each public page passes axe (WCAG 2.1 AA),
also at 320 px."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from members import checks
from members.models import MemberPage
from registrations.models import EmailMessage
from tests.members.factories import make_contact, make_member, make_member_index

from .audit import axe_violations
from .test_coordinator import _log_in_as_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 700}


def _assert_axe(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what} verletzt WCAG:\n" + "\n".join(violations)


@pytest.fixture
def member(site, settings, live_server):
    settings.REGISTRATION_MAIL_LIMIT = None
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    index = make_member_index(site.home, slug="partner-13")
    member = make_member(index, title="Kita Regenbogen", phone="05121 1111")
    member.save_revision().publish()
    make_contact(page=member, name="Anna Schulz", email="anna@regenbogen.example")
    return MemberPage.objects.get(pk=member.pk)


def _link_from_outbox(recipient, pattern):
    """The path of the link in the last e-mail sent to `recipient` (sent after the commit;
    the outbox row keeps no text once sent)."""
    message = [m for m in mail.outbox if recipient in m.to][-1]
    return re.search(rf"https?://[^/\s]+({pattern}[^\s]+/)", message.body).group(1)


def test_maintainer_edits_and_the_coordinator_approves(
    browser, browser_page, member, live_server, django_user_model
):
    page = browser_page
    page.set_viewport_size(NARROW)
    page.goto(live_server.url + member.url)
    page.get_by_role("link", name="Link zum Bearbeiten anfordern").click()
    page.get_by_label("Ihre E-Mail-Adresse").fill("kein-at")
    page.get_by_role("button", name="Link anfordern").click()
    summary = page.locator("[data-error-summary]")
    assert "gültige E-Mail-Adresse" in summary.inner_text()
    _assert_axe(page, "Link anfordern mit Fehler")
    page.get_by_label("Ihre E-Mail-Adresse").fill("anna@regenbogen.example")
    page.get_by_role("button", name="Link anfordern").click()
    assert "erhalten Sie in wenigen Minuten eine E-Mail" in page.locator("main").inner_text()

    page.goto(
        live_server.url + _link_from_outbox("anna@regenbogen.example", "/netzwerkpartner/eintrag/")
    )
    _assert_axe(page, "Eintrag bearbeiten")
    page.get_by_label("Postleitzahl").fill("12")
    page.get_by_role("button", name="Änderungen zur Freigabe einreichen").click()
    assert "fünfstellige Postleitzahl" in page.locator("[data-error-summary]").inner_text()
    _assert_axe(page, "Eintrag bearbeiten mit Fehler")
    page.get_by_label("Postleitzahl").fill("31134")
    page.get_by_label("Telefon", exact=True).first.fill("05121 2222")
    page.get_by_role("button", name="Änderungen zur Freigabe einreichen").click()
    assert "Ihre Änderungen sind eingereicht" in page.locator("h1").inner_text()
    assert MemberPage.objects.get(pk=member.pk).phone == "05121 1111"

    context = _log_in_as_coordinator(browser, live_server, django_user_model)
    admin = context.new_page()
    admin.goto(f"{live_server.url}/admin/pages/{member.pk}/edit/")
    # "Freigeben" in the editor's action menu (Wagtail's workflow_menu_item.html), the
    # variant without a comment modal; it may sit in the closed dropdown.
    approve = admin.locator(
        'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    ).first
    with admin.expect_navigation():
        approve.dispatch_event("click")
    context.close()

    live = MemberPage.objects.get(pk=member.pk)
    assert live.phone == "05121 2222"
    page.goto(live_server.url + member.url)
    assert "05121 2222" in page.locator("main").inner_text()
    assert (
        "freigegeben"
        in EmailMessage.objects.filter(recipient="anna@regenbogen.example").latest("pk").subject
    )


def test_yearly_check_with_no_changes(browser_page, member, live_server):
    with transaction.atomic():  # the invitations are sent after the commit
        checks.start_campaign(None, MemberPage.objects.filter(pk=member.pk))
    page = browser_page
    page.set_viewport_size(NARROW)
    page.goto(
        live_server.url + _link_from_outbox("anna@regenbogen.example", "/netzwerkpartner/pruefen/")
    )
    _assert_axe(page, "Eintrag prüfen")
    page.get_by_role("button", name="Keine Änderungen").click()
    assert "als geprüft vermerkt" in page.locator("main").inner_text()
    _assert_axe(page, "Eintrag geprüft")
    assert MemberPage.objects.get(pk=member.pk).last_checked == timezone.localdate()
