"""Certificates of attendance (Teilnahmebescheinigungen): who gets one, issuing in bulk
as tasks, the PDF, the e-mail, the public verification and retention.

Rules:

- **Who:** a confirmed registration marked "teilgenommen". For an event with several
  dates (a training in modules) the person must have been recorded present at *every*
  date (`Attendance` rows); for an event with one date `Registration.attended` is enough.
- **Once:** a registration has at most one certificate (a one-to-one key). Issuing again
  skips those that have one; `issue` returns the existing certificate.
- **What it says** is copied onto the `Certificate` when it is issued (`content`): name,
  event, dates, place, teaching units, CPD points, workshops or modules attended. The
  PDF is rendered from that copy (in the registration's language) whenever it is sent or
  downloaded, so it reads the same after the registration was anonymised.
- **Number:** random (`models.new_certificate_number`), never the primary key; the
  verification page shows only name, event and dates for a real number.
- **Retention:** `KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS` after issue (`purge_expired`,
  run by `purge_registrations`).
"""

import logging
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kinderschutz_cms.links import absolute_url
from kinderschutz_cms.pdf import file_url, html_to_pdf

from .. import conf
from ..models import (
    BookingStatus,
    Certificate,
    CertificateBatch,
    CertificateSettings,
    Registration,
    RegistrationStatus,
)
from .attendance import event_date_model
from .outbox import queue_prepared_email

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- who


def eligible(event):
    """The registrations of `event` that earn a certificate (see the module's rules)."""
    registrations = Registration.objects.filter(
        event=event,
        status=RegistrationStatus.CONFIRMED,
        attended=True,
        anonymised_at__isnull=True,
    )
    date_count = event_date_model().objects.filter(page_id=event.pk).count()
    if date_count > 1:
        registrations = registrations.annotate(present=Count("attendances")).filter(
            present__gte=date_count
        )
    return registrations


def is_eligible(registration):
    return eligible(registration.event).filter(pk=registration.pk).exists()


# --------------------------------------------------------------------------- what


def _format_date(value, language):
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _dates(event):
    return list(event_date_model().objects.filter(page_id=event.pk).order_by("start", "pk"))


def dates_text(dates, language):
    """The dates as one line: "12. März 2026" or "12. März 2026, 19. März 2026"; a date
    spanning several days as "12. März 2026 – 13. März 2026"."""
    parts = []
    for date in dates:
        start, end = _format_date(date.start, language), _format_date(date.end, language)
        parts.append(start if start == end else f"{start} – {end}")
    return ", ".join(dict.fromkeys(parts))


def _number(value):
    if value is None:
        return ""
    return formats.number_format(value.normalize() if hasattr(value, "normalize") else value)


def facts(registration):
    """What a certificate of `registration` states, as plain data (stored on it)."""
    event = registration.event
    language = registration.language or "de"
    dates = _dates(event)
    units, points = event.registration_credits()
    workshops = [
        booking.workshop.title
        for booking in registration.bookings.filter(status=BookingStatus.CONFIRMED)
        .select_related("workshop", "time_slot")
        .order_by("time_slot__start", "pk")
    ]
    present = set(registration.attendances.values_list("event_date_id", flat=True))
    modules = [d.title for d in dates if d.title and (d.pk in present or len(dates) == 1)]
    with translation.override(language):
        return {
            "name": registration.full_name,
            "organisation": registration.organisation,
            "event_title": event.title,
            "dates": dates_text(dates, language),
            "place": event.registration_place(),
            "teaching_units": _number(units),
            "cpd_points": _number(points),
            "programme": workshops or modules,
        }


# --------------------------------------------------------------------------- issue


def issue(registration, batch=None, send=True):
    """The certificate of `registration`: the existing one, or a new one (then, with
    `send`, e-mailed with the PDF through the outbox). Refuses nobody: callers choose
    the registrations (`eligible`)."""
    existing = Certificate.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    content = facts(registration)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                registration=registration,
                event=registration.event,
                batch=batch,
                name=content["name"],
                event_title=content["event_title"][:255],
                dates_text=content["dates"][:500],
                language=registration.language or "de",
                content=content,
            )
    except IntegrityError:  # issued at the same time by another task
        return Certificate.objects.get(registration=registration)
    if send:  # rendered outside the transaction: no write lock held for the PDF
        send_certificate(certificate, registration)
    return certificate


def send_certificate(certificate, registration):
    """Queue the e-mail with the PDF (rendered now) to the registration's address."""
    language = certificate.language
    pdf = render_certificate(certificate)
    with translation.override(language):
        context = {
            "certificate": certificate,
            "verify_url": verification_url(certificate),
            "network_name": _network_name(certificate),
        }
        subject = _("Ihre Teilnahmebescheinigung: %(title)s") % {"title": certificate.event_title}
        text = render_to_string("registrations/emails/certificate.txt", context)
        html = render_to_string("registrations/emails/certificate.html", context)
    queue_prepared_email(
        registration.email,
        subject,
        text,
        html,
        attachments=[(filename(certificate), pdf, "application/pdf")],
    )
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=timezone.now())


def filename(certificate):
    stem = "Teilnahmebescheinigung" if certificate.language == "de" else "Certificate"
    return f"{stem}-{certificate.number}.pdf"


# --------------------------------------------------------------------------- bulk


def chunk_size():
    return max(int(conf.get("KINDERSCHUTZ_CERTIFICATE_CHUNK_SIZE")), 1)


def start_batch(event, send=True):
    """Issue certificates to everyone eligible at `event` who has none yet, as tasks of
    `chunk_size()` registrations each (enqueued after the commit). Returns the
    `CertificateBatch` that counts the progress."""
    ids = list(
        eligible(event)
        .filter(certificate__isnull=True)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )
    batch = CertificateBatch.objects.create(event=event, total=len(ids), send_email=send)
    if not ids:
        CertificateBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now())
        batch.refresh_from_db()
        return batch
    size = chunk_size()
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    transaction.on_commit(lambda: [issue_chunk.enqueue(batch.pk, chunk) for chunk in chunks])
    return batch


@task()
def issue_chunk(batch_id, registration_ids):
    """Issue the certificates of one chunk of a batch; counts done and failed."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    done = failed = 0
    registrations = Registration.objects.filter(pk__in=registration_ids).select_related("event")
    for registration in registrations:
        try:
            issue(registration, batch=batch, send=batch.send_email)
        except Exception as exc:  # one broken certificate must not stop the others
            failed += 1
            logger.warning("Certificate for registration %s failed: %r", registration.pk, exc)
        else:
            done += 1
    failed += len(registration_ids) - done - failed  # deleted in the meantime
    CertificateBatch.objects.filter(pk=batch_id).update(
        done=F("done") + done, failed=F("failed") + failed
    )
    CertificateBatch.objects.filter(
        Q(pk=batch_id), finished_at__isnull=True, total__lte=F("done") + F("failed")
    ).update(finished_at=timezone.now())
    return done


# --------------------------------------------------------------------------- PDF


def _site(certificate):
    event = certificate.event
    return event.get_site() if event is not None else None


def _network_name(certificate):
    from kinderschutz_cms.models import NetworkSettings

    site = _site(certificate)
    if site is None:
        return ""
    return NetworkSettings.for_site(site).network_name


def _image_url(image):
    """A local `file://` URL of a Wagtail image for the PDF, or "" (e.g. remote storage)."""
    if image is None:
        return ""
    try:
        return file_url(image.file.path)
    except (NotImplementedError, ValueError, OSError):
        return ""


def verification_url(certificate):
    path = reverse("registration_links:certificate", args=[certificate.number])
    return absolute_url(path, site=_site(certificate))


def render_certificate(certificate):
    """The certificate's PDF bytes, in its language, from the stored content."""
    site = _site(certificate)
    settings = CertificateSettings.for_site(site) if site is not None else CertificateSettings()
    language = certificate.language or "de"
    heading, body, footnote = settings.texts(language)
    with translation.override(language):
        html = render_to_string(
            conf.get("KINDERSCHUTZ_CERTIFICATE_TEMPLATE"),
            {
                "certificate": certificate,
                "content": certificate.content,
                "settings": settings,
                "heading": heading,
                "body": body,
                "footnote": footnote,
                "network_name": _network_name(certificate),
                "logo_url": _image_url(settings.logo),
                "signature_url": _image_url(settings.signature),
                "issued_on": _format_date(certificate.issued_at, language),
                "verify_url": verification_url(certificate),
                "language": language,
            },
        )
    return html_to_pdf(html)


# --------------------------------------------------------------------------- verify

NUMBER_PATTERN = re.compile(r"^TB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def normalise_number(value):
    """ "tb 7kqm x2pa 9whe" -> "TB-7KQM-X2PA-9WHE"; "" for anything that cannot be one."""
    chars = re.sub(r"[^A-Za-z0-9]", "", str(value or ""))[:40].upper()
    if chars.startswith("TB"):
        chars = chars[2:]
    if len(chars) != 12:
        return ""
    number = f"TB-{chars[:4]}-{chars[4:8]}-{chars[8:]}"
    return number if NUMBER_PATTERN.match(number) else ""


def find(value):
    """The certificate with the number `value` (typed in any spacing or case), or None."""
    number = normalise_number(value)
    if not number:
        return None
    return Certificate.objects.filter(number=number).first()


# --------------------------------------------------------------------------- retention


def retention_days():
    return int(conf.get("KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS"))


def purge_expired(now=None):
    """Delete certificates issued more than `KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS` days
    ago. Returns the count."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    count, _detail = Certificate.objects.filter(issued_at__lt=cutoff).delete()
    return count
