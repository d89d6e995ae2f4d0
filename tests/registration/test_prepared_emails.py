"""Prepared messages: other parts of the product use the same outbox and retries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.models import EmailAttachment, EmailMessage
from registrations.services.outbox import queue_prepared_email

from .test_emails import FAILING

pytestmark = pytest.mark.django_db


def test_a_prepared_message_is_stored_then_sent_with_its_attachment(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_prepared_email(
            "leitung@kita.example",
            "Ihr Link\nzum Eintrag",
            "Guten Tag,\nhier ist Ihr Link.",
            "<p>Guten Tag</p>",
            attachments=[("quittung.pdf", b"%PDF-1.7 test", "application/pdf")],
        )
        assert EmailAttachment.objects.filter(message=message).count() == 1
    sent = mail.outbox[-1]
    assert sent.to == ["leitung@kita.example"]
    assert sent.subject == "Ihr Link zum Eintrag"  # no header injection through newlines
    assert "hier ist Ihr Link" in sent.body
    assert sent.alternatives[0][0] == "<p>Guten Tag</p>"
    assert sent.attachments[0][:2] == ("quittung.pdf", b"%PDF-1.7 test")
    message.refresh_from_db()
    # once sent, nothing of the content stays in the database
    assert message.status == "sent"
    assert (message.body_text, message.body_html) == ("", "")
    assert not EmailAttachment.objects.filter(message=message).exists()


def test_a_failed_prepared_message_keeps_its_content_until_the_retry(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_prepared_email(
            "bericht@example.org",
            "Barriere gemeldet",
            "Danke",
            attachments=[("a.txt", b"x", "text/plain")],
        )
    message.refresh_from_db()
    assert message.status == "failed" and message.body_text == "Danke"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EmailMessage.objects.filter(pk=message.pk).update(
        last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    call_command("retry_emails")
    message.refresh_from_db()
    assert message.status == "sent"
    assert [m.body for m in mail.outbox if m.to == ["bericht@example.org"]] == ["Danke"]


def test_a_recipient_with_a_newline_is_refused():
    with pytest.raises(ValueError):
        queue_prepared_email("a@example.org\nBcc: b@example.org", "x", "y")
    assert not EmailMessage.objects.exists()
