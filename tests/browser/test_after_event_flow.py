"""After the event, in Chromium: an attendee opens the personal link, downloads the
certificate (a PDF with the name), answers the feedback by keyboard; the coordinator sees
the answer in the results."""

import io

import pytest
from pypdf import PdfReader

from events.models import EventDate
from registrations.models import FeedbackQuestion
from registrations.services import attendance, booking, certificates
from registrations.tokens import personal_path
from tests.events.factories import at
from tests.events.factories import make_index as make_event_index
from tests.registration.factories import make_registration_event, service_data

from .test_coordinator import _log_in_as_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attendee_downloads_certificate_and_answers_feedback_coordinator_sees_it(
    browser_page, site, live_server, settings, django_user_model
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    calendar = make_event_index(site.home, slug="termine-danach")
    event = make_registration_event(calendar, "Fachtag Nachbereitung", teaching_units=8)
    registration = booking.register(
        event, service_data(first_name="Erika", last_name="Musterfrau", email="erika@example.org")
    )
    attendance.set_attendance(registration, True)
    EventDate.objects.filter(page=event).update(start=at(-3, 9), end=at(-3, 16))
    FeedbackQuestion.objects.create(
        page=event,
        label="Wie hat es Ihnen gefallen?",
        field_type="radio",
        choices="1\n2\n3\n4\n5",
        required=True,
        sort_order=0,
    )
    FeedbackQuestion.objects.create(
        page=event, label="Was nehmen Sie mit?", field_type="multiline", sort_order=1
    )
    registration.refresh_from_db()
    certificates.issue(registration, send=False)

    page = browser_page
    page.goto(live_server.url + personal_path(registration))
    with page.expect_download() as download:
        page.get_by_role("link", name="Teilnahmebescheinigung herunterladen (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Erika Musterfrau" in text and "Fachtag Nachbereitung" in text

    page.get_by_role("link", name="Rückmeldung zur Veranstaltung geben").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback/")
    page.get_by_role("radio", name="1").focus()
    page.keyboard.press("ArrowRight")  # arrow keys move and select within the group
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Total viel Input!")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Rückmeldung senden"
    page.keyboard.press("Enter")
    assert page.get_by_role("status").inner_text() == "Vielen Dank für Ihre Rückmeldung!"

    context = _log_in_as_coordinator(browser_page.context.browser, live_server, django_user_model)
    admin = context.new_page()
    admin.goto(live_server.url + f"/admin/registrations/feedback/{event.pk}/")
    main = admin.locator("main").inner_text()
    assert "1 Rückmeldung (anonym)" in main
    assert "Durchschnitt: 4" in main and "Total viel Input!" in main
    context.close()
