"""The outbox: queue, send, retry.

Guarantees:

- A mail is written as an `EmailMessage` row in the transaction that causes it
  (`queue_email`) and handed to the task queue only after the commit: a rolled back
  change never sends mail, and a failing mail server or queue never loses or blocks a
  registration.
- A person's own actions cannot flood an address: over `REGISTRATION_MAIL_LIMIT` a row is
  recorded as suppressed and never sent.
- Each message is sent at most once at a time (a compare-and-set claim with a lease), and
  `last_error` holds only the exception class and SMTP code.

A worker keeps its SMTP connection (one per thread) from one message to the next
(`mail_connection`): a rush of registrations is sent without a new connection (TCP,
greeting, EHLO, TLS, login) per e-mail. A kept connection is asked with NOOP before it
carries a message, so a connection the server closed meanwhile is replaced before
anything of the message was sent.

`send_email_message` (a django-tasks task) never raises: a failure is recorded on the
message (exception class and SMTP code only) and, when the backend can defer tasks (the
database queue), the task re-enqueues itself with a growing delay. `manage.py
retry_emails` covers everything else (the immediate backend, a lost queue entry).
"""

import logging
import threading
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .. import conf
from ..models import EmailKind, EmailMessage, EmailStatus, split_email_list

logger = logging.getLogger(__name__)


# How long a claimed message belongs to the task sending it. Another task (a retry
# handed to a second worker) may only take it over after that; SMTP times out in 20 s.
SEND_LEASE = timedelta(minutes=2)


def queue_email(
    kind, registration=None, *, event=None, recipient=None, throttle=False, suppressed=None
):
    """Write an outbox row now and send it after the commit.

    With `throttle` (mails a person's own action causes: registering, cancelling) a
    recipient over `REGISTRATION_MAIL_LIMIT` gets no mail: the row is recorded as
    suppressed and never sent (see `mail_limit_reached`); the action itself goes on.
    `suppressed` (with `throttle`): the answer of `mail_limit_reached`, asked before the
    event lock was taken, so that the lock is not held for that query.
    """
    from ..emails import subject_for

    event = event or registration.event
    recipient = recipient or registration.email
    if "\n" in recipient or "\r" in recipient:
        raise ValueError("invalid recipient")
    if suppressed is None:
        suppressed = throttle and mail_limit_reached(recipient)
    suppressed = bool(throttle and suppressed)
    message = EmailMessage.objects.create(
        registration=registration,
        event=event,
        kind=kind,
        recipient=recipient,
        subject=subject_for(kind, event)[:255],
        status=EmailStatus.SUPPRESSED if suppressed else EmailStatus.QUEUED,
    )
    if suppressed:
        logger.warning("E-mail %s suppressed: mail limit of its recipient reached", message.pk)
    else:
        transaction.on_commit(lambda: enqueue_email(message.pk))
    return message


def queue_prepared_email(recipient, subject, text, html="", attachments=(), *, throttle=False):
    """Write a complete message (subject, text, optional HTML and attachments) to the
    outbox now and send it after the commit, with the same retries as every mail.

    For mails of other parts of the product (members' links, barrier reports,
    certificates): the caller renders them in the recipient's language. `attachments`:
    `(filename, content bytes, mimetype)` tuples. With `throttle` (mails a visitor's action
    causes) the recipient's mail limit applies. Text, HTML and attachments are deleted
    once the message is sent.
    """
    from ..models import EmailAttachment

    if "\n" in recipient or "\r" in recipient:
        raise ValueError("invalid recipient")
    suppressed = bool(throttle and mail_limit_reached(recipient))
    message = EmailMessage.objects.create(
        kind=EmailKind.PREPARED,
        recipient=recipient,
        subject=" ".join(subject.split())[:255],
        body_text=text,
        body_html=html,
        status=EmailStatus.SUPPRESSED if suppressed else EmailStatus.QUEUED,
    )
    EmailAttachment.objects.bulk_create(
        EmailAttachment(message=message, filename=name, mimetype=mimetype, content=content)
        for name, content, mimetype in attachments
    )
    if suppressed:
        logger.warning("E-mail %s suppressed: mail limit of its recipient reached", message.pk)
    else:
        transaction.on_commit(lambda: enqueue_email(message.pk))
    return message


def notify_coordinators(registration):
    """A notice to each address in the event's `coordinator_emails` (never throttled)."""
    for address in split_email_list(registration.event.coordinator_emails):
        queue_email(EmailKind.COORDINATOR_NOTICE, registration, recipient=address)


def mail_limit_reached(recipient, now=None):
    """Mail bombing guard: has `recipient` had `REGISTRATION_MAIL_LIMIT` mails (not
    counting suppressed ones and notices to the coordination) within its window?

    Counted in the outbox itself (one query on `created_at`), so every process agrees
    and the count includes mails of the current transaction.
    """
    limit = conf.limit("REGISTRATION_MAIL_LIMIT")
    if not limit:
        return False
    count, window = limit
    now = now or timezone.now()
    recent = (
        EmailMessage.objects.filter(
            created_at__gte=now - timedelta(seconds=window), recipient__iexact=recipient.strip()
        )
        .exclude(status=EmailStatus.SUPPRESSED)
        .exclude(kind=EmailKind.COORDINATOR_NOTICE)
    )
    return recent.count() >= count


def enqueue_email(message_id, run_after=None):
    """Hand a message to the task queue; if that fails, `retry_emails` picks it up."""
    try:
        task = send_email_message
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        task.enqueue(message_id)
    except Exception as exc:  # the queue being down must never break a registration
        logger.warning("Could not enqueue e-mail %s: %s", message_id, type(exc).__name__)


def max_attempts():
    return int(conf.get("REGISTRATION_EMAIL_MAX_ATTEMPTS"))


def backoff(attempts):
    """Wait before the next attempt: 5, 10, 20, 40 ... minutes."""
    return timedelta(minutes=5 * 2 ** max(attempts - 1, 0))


def describe_error(exc):
    """Exception class and SMTP code, nothing else (messages may contain addresses)."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]


# The SMTP connection of this thread (`mail_connection`), kept between messages: one per
# thread, as the immediate task backend sends from the web server's request threads.
_kept = threading.local()
KEEP_IDLE_SECONDS = 30


def mail_connection():
    """The e-mail backend connection to send one message with.

    With Django's SMTP backend: this thread's kept connection if it was used within
    `KEEP_IDLE_SECONDS` and the server still answers NOOP, else a new one (opened here;
    an unreachable server raises). A connection idle for longer is closed rather than
    probed: servers and firewalls drop idle connections, and a NOOP on a half-open one
    would wait for the full timeout. With any other backend (console, file, the tests'
    memory outbox): a new connection, as before.
    """
    from django.core.mail import get_connection
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    kept = getattr(_kept, "smtp", None)
    if kept is not None and time.monotonic() - getattr(_kept, "used", 0) > KEEP_IDLE_SECONDS:
        drop_mail_connection()
        kept = None
    _kept.used = time.monotonic()
    if kept is not None and kept.connection is not None:
        try:
            if kept.connection.noop()[0] == 250:
                return kept
        except Exception:  # closed by the server, reset, timed out: open a new one
            pass
        drop_mail_connection()
    connection = get_connection()
    if isinstance(connection, SMTPBackend):
        connection.open()
        _kept.smtp = connection
    return connection


def drop_mail_connection():
    """Close and forget the kept SMTP connection (after an error on it)."""
    kept, _kept.smtp = getattr(_kept, "smtp", None), None
    if kept is not None:
        try:
            kept.close()
        except Exception:  # already broken: nothing to close cleanly
            logger.debug("closing a broken SMTP connection failed", exc_info=True)


@task()
def send_email_message(message_id):
    """Send one outbox message once; returns its status."""
    from ..emails import build_message

    # No transaction around the SMTP conversation: on SQLite it would hold the write lock
    # (and block registrations) for as long as the mail server takes.
    # Claim the message with one conditional UPDATE (compare-and-set): a message that is
    # being sent by another task (queued, attempted within the lease) is left alone, so
    # two workers never send the same e-mail twice.
    now = timezone.now()
    claimable = (
        Q(status=EmailStatus.FAILED)
        | Q(last_attempt_at__isnull=True)
        | Q(last_attempt_at__lt=now - SEND_LEASE)
    )
    claimed = (
        EmailMessage.objects.filter(claimable, pk=message_id)
        .exclude(status__in=[EmailStatus.SENT, EmailStatus.SUPPRESSED])
        .exclude(recipient="")
        .update(status=EmailStatus.QUEUED, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return None
    message = EmailMessage.objects.select_related("registration__event", "event").get(pk=message_id)
    mail = None
    try:
        mail = build_message(message)
        mail.connection = mail_connection()
        mail.send()
    except Exception as exc:
        drop_mail_connection()
        message.status = EmailStatus.FAILED
        message.last_error = describe_error(exc)
        logger.warning("E-mail %s failed: %s", message.pk, message.last_error)
    else:
        message.status = EmailStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    fields = ["status", "sent_at", "last_error"]
    # The row was written with the default subject; a coordinator's wording (EmailText)
    # is rendered only now: keep the subject actually sent, for the outbox listing.
    sent_subject = " ".join(str(mail.subject).split())[:255] if mail is not None else ""
    if message.status == EmailStatus.SENT and sent_subject and sent_subject != message.subject:
        message.subject = sent_subject
        fields.append("subject")
    if message.kind == EmailKind.PREPARED and message.status == EmailStatus.SENT:
        message.body_text = message.body_html = ""
        fields += ["body_text", "body_html"]
        message.attachments.all().delete()
    message.save(update_fields=fields)
    if message.status == EmailStatus.FAILED and message.attempts < max_attempts():
        backend = send_email_message.get_backend()
        if backend.supports_defer:
            run_after = timezone.now() + backoff(message.attempts)
            send_email_message.using(run_after=run_after).enqueue(message.pk)
    return message.status


def retry_due(now=None):
    """Re-enqueue failed messages whose backoff has passed and queued ones that seem lost.

    Returns the number of messages handed to the queue.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=int(conf.get("REGISTRATION_EMAIL_STALE_MINUTES")))
    count = 0
    candidates = EmailMessage.objects.filter(attempts__lt=max_attempts()).exclude(recipient="")
    for message in candidates.filter(status__in=[EmailStatus.FAILED, EmailStatus.QUEUED]):
        if message.status == EmailStatus.QUEUED:
            due = (message.last_attempt_at or message.created_at) <= stale
            if due and message.last_attempt_at is not None:
                # Declared abandoned (its worker died): release the send lease so the new
                # task may claim it; conditional, in case it was sent in the meantime.
                due = bool(
                    EmailMessage.objects.filter(
                        pk=message.pk,
                        status=EmailStatus.QUEUED,
                        last_attempt_at=message.last_attempt_at,
                    ).update(last_attempt_at=None)
                )
        else:
            due = message.last_attempt_at is None or (
                message.last_attempt_at + backoff(message.attempts) <= now
            )
        if due:
            enqueue_email(message.pk)
            count += 1
    return count
