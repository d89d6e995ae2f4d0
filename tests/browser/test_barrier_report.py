"""A visitor reports a barrier from an event page; the coordinator sees the report with
its answer deadline in the admin (issue #18)."""

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from publicbody.models import BarrierReport

from .audit import axe_violations
from .pages import training_page
from .test_coordinator import _assert_axe, _log_in_as_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reports_a_barrier_and_the_coordinator_sees_its_deadline(
    browser, browser_page, site, live_server, django_user_model, settings
):
    settings.BARRIER_REPORT_MIN_FILL_SECONDS = 0
    event_url = training_page(site).url
    browser_page.goto(live_server.url + event_url)
    browser_page.get_by_role("navigation", name="Rechtliches und Service").get_by_role(
        "link", name="Barriere melden"
    ).click()

    browser_page.wait_for_url("**/barriere-melden/**")
    assert browser_page.get_by_label("Seite, auf der die Barriere besteht").input_value() == (
        event_url
    )
    assert not axe_violations(browser_page)
    browser_page.get_by_role("button", name="Meldung senden").click()  # empty: an error
    assert browser_page.get_by_role("alert").get_by_text("Bitte beschreiben Sie").is_visible()
    browser_page.get_by_label("Beschreibung der Barriere").fill(
        "Der Anmeldeknopf ist mit dem Screenreader nicht zu finden."
    )
    browser_page.get_by_label("E-Mail-Adresse (freiwillig, für eine Antwort)").fill(
        "melder@example.org"
    )
    browser_page.get_by_role("button", name="Meldung senden").click()
    browser_page.wait_for_url("**/barriere-melden/gesendet/")
    assert browser_page.get_by_role("heading", level=1).inner_text() == (
        "Vielen Dank für Ihre Meldung"
    )

    report = BarrierReport.objects.get()
    assert report.page_url == event_url
    due = timezone.localdate() + datetime.timedelta(days=30)
    assert report.answer_due == due

    context = _log_in_as_coordinator(browser, live_server, django_user_model)
    admin = context.new_page()
    # The admin loads many files; on a loaded machine more than the default 30 s.
    admin.goto(live_server.url + "/admin/barrier_reports/", timeout=180_000)
    row = admin.locator("tr", has_text=event_url)
    assert row.get_by_text(date_format(due, "SHORT_DATE_FORMAT")).is_visible()
    assert row.get_by_text("neu").is_visible()
    _assert_axe(admin, "Liste „Barrieremeldungen“")
