"""E-mails: content, .ics attachment, online link only for confirmed seats, the outbox
with a failing mail server, retries, reminders and the event-cancelled notice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from registrations.models import EmailMessage, Registration
from registrations.services import booking

from .factories import form_data, mails_to, make_registration_event, post_registration, register_url

pytestmark = pytest.mark.django_db

FAILING = "tests.registration.failing_backend.FailingEmailBackend"


@pytest.fixture
def online_event(index):
    return make_registration_event(
        index,
        title="Online-Fortbildung Kinderschutz",
        capacity=1,
        event_format="online",
        online_access_link="https://meet.example.org/geheim-123",
        confirmation_text="Bitte testen Sie vorher Ihr Mikrofon.",
        coordinator_emails="koordination@example.org",
    )


def register_via_form(client, event, capture, **overrides):
    with capture(execute=True):
        response = post_registration(client, event, **overrides)
    assert response.status_code == 302, response.content.decode()[:1500]
    return Registration.objects.latest("id")


def test_confirmation_has_text_html_ics_and_online_link(
    client, online_event, django_capture_on_commit_callbacks
):
    reg = register_via_form(
        client, online_event, django_capture_on_commit_callbacks, email="eva@example.org"
    )
    [message] = mails_to("eva@example.org")
    assert message.subject == "Anmeldebestätigung: Online-Fortbildung Kinderschutz"
    assert "Guten Tag Erika" in message.body and "Ihr Platz ist bestätigt" in message.body
    assert "https://meet.example.org/geheim-123" in message.body
    assert "Mikrofon" in message.body
    assert "/anmeldung/" in message.body  # personal link
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "https://meet.example.org/geheim-123" in html
    [(filename, content, ctype)] = message.attachments
    assert filename.endswith(".ics") and ctype.startswith("text/calendar")
    assert "method=PUBLISH" in ctype
    cal = Calendar.from_ical(content)
    assert str(cal["METHOD"]) == "PUBLISH"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]).endswith("Online-Fortbildung Kinderschutz")
    assert "geheim-123" not in str(content)  # the link never goes into calendar files
    # the coordinators are told, the registrant only once
    assert len(mails_to("koordination@example.org")) == 1
    assert "Neue Anmeldung" in mails_to("koordination@example.org")[0].subject
    assert reg.emails.filter(status="sent").count() == 2


def test_waitlisted_people_get_no_link_and_no_calendar(
    client, online_event, django_capture_on_commit_callbacks
):
    register_via_form(client, online_event, django_capture_on_commit_callbacks)
    register_via_form(
        client, online_event, django_capture_on_commit_callbacks, email="wait@example.org"
    )
    [message] = mails_to("wait@example.org")
    assert message.subject.startswith("Warteliste")
    assert "geheim-123" not in message.body
    assert "geheim-123" not in message.alternatives[0][0]
    assert message.attachments == []
    assert "Mikrofon" not in message.body


def test_pending_people_get_no_link(client, index, django_capture_on_commit_callbacks):
    event = make_registration_event(
        index, approval_required=True, online_access_link="https://meet.example.org/x-99"
    )
    register_via_form(client, event, django_capture_on_commit_callbacks, email="p@example.org")
    [message] = mails_to("p@example.org")
    assert "x-99" not in message.body and message.attachments == []
    reg = Registration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        booking.approve(reg)
    approval = mails_to("p@example.org")[-1]
    assert approval.subject.startswith("Anmeldung bestätigt") and "x-99" in approval.body


def test_promotion_mail_carries_link_and_calendar(
    client, online_event, django_capture_on_commit_callbacks
):
    first = register_via_form(client, online_event, django_capture_on_commit_callbacks)
    register_via_form(
        client, online_event, django_capture_on_commit_callbacks, email="next@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(first)
    promotion = mails_to("next@example.org")[-1]
    assert promotion.subject.startswith("Sie sind nachgerückt")
    assert "geheim-123" in promotion.body and len(promotion.attachments) == 1


def test_emails_are_german_by_default_and_render_in_registrant_language(
    client, event, django_capture_on_commit_callbacks
):
    reg = register_via_form(
        client, event, django_capture_on_commit_callbacks, email="de@example.org"
    )
    assert reg.language == "de"
    assert "Mit freundlichen Grüßen" in mails_to("de@example.org")[0].body


def test_failing_mail_server_keeps_the_registration_and_retry_sends_later(
    client, event, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = FAILING
    reg = register_via_form(
        client, event, django_capture_on_commit_callbacks, email="fail@example.org"
    )
    assert reg.status == "confirmed"
    message = EmailMessage.objects.get(registration=reg)
    assert message.status == "failed" and message.attempts == 1
    assert message.last_error == "SMTPResponseException 451"
    assert "fail@example.org" not in caplog.text
    # the retry command waits for the backoff, then sends once the server is back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_emails")
    message.refresh_from_db()
    assert message.status == "failed"
    EmailMessage.objects.filter(pk=message.pk).update(
        last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    call_command("retry_emails")
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""
    assert len(mails_to("fail@example.org")) == 1
    call_command("retry_emails")  # sent messages are never sent again
    assert len(mails_to("fail@example.org")) == 1


def test_outbox_row_is_written_in_the_registration_transaction(client, event):
    # on_commit callbacks are not run here: the message waits in the outbox, queued
    response = post_registration(client, event)
    assert response.status_code == 302
    message = EmailMessage.objects.get()
    assert message.status == "queued" and message.kind == "confirmation"
    assert mail.outbox == []


def test_reminders_are_sent_once(client, index, django_capture_on_commit_callbacks):
    from tests.events.factories import at

    event = make_registration_event(index, reminder_days_before=2, dates=[(at(1, 9), at(1, 12))])
    register_via_form(client, event, django_capture_on_commit_callbacks, email="r@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders")
        call_command("send_event_reminders")
    reminders = [m for m in mails_to("r@example.org") if m.subject.startswith("Erinnerung")]
    assert len(reminders) == 1 and len(reminders[0].attachments) == 1


def test_event_cancelled_notice_on_publish(client, event, django_capture_on_commit_callbacks):
    register_via_form(client, event, django_capture_on_commit_callbacks, email="c1@example.org")
    event.status = "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
        event.save_revision().publish()  # a second publish tells nobody twice
    notices = [m for m in mails_to("c1@example.org") if m.subject.startswith("Abgesagt")]
    assert len(notices) == 1


def test_recipients_are_only_registrant_and_coordinators(
    client, online_event, django_capture_on_commit_callbacks
):
    register_via_form(
        client,
        online_event,
        django_capture_on_commit_callbacks,
        email="me@example.org",
        organisation="x@evil.example",
        role="cc: other@evil.example",
    )
    recipients = {address for m in mail.outbox for address in m.to + m.cc + m.bcc}
    assert recipients == {"me@example.org", "koordination@example.org"}
    assert (
        client.post(
            register_url(online_event),
            form_data(online_event, email="a@example.org\nBcc: b@example.org"),
        ).status_code
        == 400
    )


def test_a_message_being_sent_is_not_sent_again_by_a_second_task(event):
    """Two workers handed the same message (a retry while the first is still sending):
    only one sends it. A message whose lease ran out may be taken over."""
    from datetime import timedelta

    from django.utils import timezone

    from registrations.models import EmailMessage, EmailStatus
    from registrations.services.booking import register
    from registrations.services.outbox import SEND_LEASE, send_email_message
    from tests.registration.factories import service_data

    registration = register(event, service_data())
    message = EmailMessage.objects.filter(registration=registration).first()
    # As if another worker claimed it a moment ago and is talking to the mail server.
    EmailMessage.objects.filter(pk=message.pk).update(
        status=EmailStatus.QUEUED, last_attempt_at=timezone.now(), sent_at=None
    )
    mail.outbox.clear()

    assert send_email_message.call(message.pk) is None
    assert mail.outbox == []

    EmailMessage.objects.filter(pk=message.pk).update(
        last_attempt_at=timezone.now() - SEND_LEASE - timedelta(seconds=1)
    )
    assert send_email_message.call(message.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_retry_sends_a_message_whose_worker_died_while_sending(event, settings):
    """A claimed message that never finished (its worker was killed) is taken up again
    by `retry_emails` once it is older than REGISTRATION_EMAIL_STALE_MINUTES."""
    from registrations.models import EmailMessage, EmailStatus
    from registrations.services.booking import register
    from registrations.services.outbox import retry_due
    from tests.registration.factories import service_data

    # Stale sooner than the send lease runs out: retry must release the lease itself.
    settings.REGISTRATION_EMAIL_STALE_MINUTES = 1
    registration = register(event, service_data())
    message = EmailMessage.objects.filter(registration=registration).first()
    claimed_at = timezone.now() - timedelta(seconds=30)
    EmailMessage.objects.filter(pk=message.pk).update(
        status=EmailStatus.QUEUED, attempts=1, last_attempt_at=claimed_at, sent_at=None
    )
    mail.outbox.clear()

    assert retry_due() == 0  # not stale yet: maybe still being sent
    assert mail.outbox == []

    EmailMessage.objects.filter(pk=message.pk).update(
        last_attempt_at=timezone.now() - timedelta(seconds=90)
    )
    assert retry_due() == 1
    message.refresh_from_db()
    assert message.status == EmailStatus.SENT
    assert len(mail.outbox) == 1
