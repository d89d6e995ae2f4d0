"""An e-mail backend that fails like a mail server that is down (for the outbox tests)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        recipient = email_messages[0].to[0] if email_messages else ""
        raise smtplib.SMTPResponseException(451, f"4.3.0 mailbox {recipient} unavailable".encode())
