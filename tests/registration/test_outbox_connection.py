"""The kept SMTP connection of the task worker (`outbox.mail_connection`), against a real
SMTP server on loopback (bench/smtp_sink.py): many messages over one connection, and a
connection the server closed is replaced before a message is sent on it."""

import pathlib
import sys

import pytest

from registrations.models import EmailMessage, EmailStatus
from registrations.services import booking, outbox

from .factories import service_data

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
from smtp_sink import SMTPSink  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    server = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    outbox.drop_mail_connection()
    yield server
    outbox.drop_mail_connection()
    server.stop()


def _send_queued(event):
    queued = EmailMessage.objects.filter(event=event, status=EmailStatus.QUEUED)
    return [outbox.send_email_message.call(pk) for pk in queued.values_list("pk", flat=True)]


def test_messages_share_one_smtp_connection_and_a_closed_one_is_replaced(event, sink):
    event.capacity = 10
    event.save()
    for _ in range(3):
        booking.register(event, service_data())
    assert _send_queued(event) == [EmailStatus.SENT] * 3
    assert sink.total == 3
    assert sink.connections == 1

    sink.stop()  # the server restarts: it closes the kept connection
    sink.start()
    booking.register(event, service_data())
    assert _send_queued(event) == [EmailStatus.SENT]
    assert sink.total == 4
    assert sink.connections == 2
    assert not EmailMessage.objects.filter(event=event).exclude(status=EmailStatus.SENT).exists()
