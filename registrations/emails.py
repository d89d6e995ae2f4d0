"""What each e-mail says and how it is built.

Each kind has `registrations/emails/<kind>.txt` and `.html` (both extend a shared base)
and a subject here; coordinators may reword a kind per site and language
(`EmailText`, rendered by `email_texts`; calendar file and links stay as below).
Messages are rendered when they are sent (not when queued), in the
registrant's language (German by default), from the registration's current state:
the online access link and the calendar file go only to people who hold a confirmed seat.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from kinderschutz_cms.links import absolute_url

from . import email_texts
from .models import EmailKind, RegistrationStatus

_UNREAD = object()

SUBJECTS = {
    EmailKind.CONFIRM_EMAIL: "Bitte bestätigen Sie Ihre Anmeldung: %(title)s",
    EmailKind.CONFIRMATION: "Anmeldebestätigung: %(title)s",
    EmailKind.WAITLIST: "Warteliste: %(title)s",
    EmailKind.PENDING_APPROVAL: "Anmeldung eingegangen: %(title)s",
    EmailKind.PROMOTION: "Sie sind nachgerückt: %(title)s",
    EmailKind.WORKSHOP_PROMOTION: "Workshop-Platz frei geworden: %(title)s",
    EmailKind.APPROVAL: "Anmeldung bestätigt: %(title)s",
    EmailKind.REJECTION: "Ihre Anmeldung: %(title)s",
    EmailKind.CANCELLATION: "Stornierung: %(title)s",
    EmailKind.REMINDER: "Erinnerung: %(title)s",
    EmailKind.EVENT_CANCELLED: "Abgesagt: %(title)s",
    EmailKind.COORDINATOR_NOTICE: "Neue Anmeldung: %(title)s",
}

# Kinds that confirm a seat: they carry the .ics file and, for online events, the link.
SEAT_KINDS = {
    EmailKind.CONFIRMATION,
    EmailKind.PROMOTION,
    EmailKind.APPROVAL,
    EmailKind.REMINDER,
}


# Kinds that take a seat away: they carry a METHOD:CANCEL calendar file, if the person
# was sent a calendar file before (`was_sent_calendar`).
CANCEL_KINDS = {EmailKind.CANCELLATION, EmailKind.EVENT_CANCELLED, EmailKind.REJECTION}


def subject_for(kind, event, language="de"):
    # The German msgids are marked for translation in the templates' companion list below.
    with translation.override(language or "de"):
        return _(SUBJECTS[kind]) % {"title": event.title}


def _mark_for_translation():  # pragma: no cover - only for makemessages
    _("Bitte bestätigen Sie Ihre Anmeldung: %(title)s")
    _("Anmeldebestätigung: %(title)s")
    _("Warteliste: %(title)s")
    _("Anmeldung eingegangen: %(title)s")
    _("Sie sind nachgerückt: %(title)s")
    _("Workshop-Platz frei geworden: %(title)s")
    _("Anmeldung bestätigt: %(title)s")
    _("Ihre Anmeldung: %(title)s")
    _("Stornierung: %(title)s")
    _("Erinnerung: %(title)s")
    _("Abgesagt: %(title)s")
    _("Neue Anmeldung: %(title)s")


def personal_url(registration, name="registration_links:registration_detail", site=_UNREAD):
    """An absolute personal link: e-mails have no request, so it starts with the site's
    public address (`kinderschutz_cms.links.absolute_url`, WAGTAILADMIN_BASE_URL).
    `site`: the event's site, if the caller read it already."""
    from .tokens import personal_path

    if site is _UNREAD:
        site = registration.event.get_site()
    return absolute_url(personal_path(registration, name), site=site)


def _site_and_url(event):
    """(the event's Site, the event's absolute URL): one query for both (Wagtail's
    `get_site()` and `links.page_url` would each read the site again)."""
    parts = event.get_url_parts() if event is not None else None
    if parts is None:
        return None, ""
    site_id, _root_url, path = parts
    site = Site.objects.filter(pk=site_id).first()
    return site, absolute_url(path, site=site) if path is not None else ""


def calendar_file(event, registration=None):
    """The event's dates as .ics bytes (the page builds them: `calendar_file()`); for a
    registration of one occurrence of a series, only that occurrence."""
    if registration is not None and registration.occurrence_date is not None:
        occurrence = registration.occurrence()
        if occurrence is None or occurrence.cancelled:
            return None  # the occurrence is gone: no file rather than the whole series
        return event.calendar_file(occurrence=occurrence)
    return event.calendar_file()


def cancellation_calendar_file(event, registration=None):
    """The event's dates (or the registration's occurrence) as a METHOD:CANCEL .ics
    (same UIDs, higher SEQUENCE)."""
    from email.utils import parseaddr

    organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if registration is not None and registration.occurrence_date is not None:
        occurrence = registration.occurrence()
        if occurrence is None:
            return None
        return event.cancellation_calendar_file(organizer=organizer, occurrence=occurrence)
    return event.cancellation_calendar_file(organizer=organizer)


def was_sent_calendar(registration):
    """Whether an e-mail that carries the calendar file was written for `registration`."""
    return registration is not None and registration.emails.filter(kind__in=SEAT_KINDS).exists()


def email_text_for(event, kind, language, site=_UNREAD):
    """The coordinators' wording (`EmailText`) of `kind` for the event's site in
    `language`, or None: then the templates write the message. `site`: the event's site,
    if the caller read it already."""
    from .models import EmailText

    if site is _UNREAD:
        site = event.get_site() if event is not None else None
    if site is None:
        return None
    language = "en" if (language or "de").startswith("en") else "de"
    return EmailText.objects.filter(site=site, kind=kind, language=language).first()


def build_message(message):
    """The `EmailMultiAlternatives` for an outbox row (text, HTML, maybe the .ics)."""
    if message.kind == EmailKind.PREPARED:
        return _prepared_message(message)
    registration = message.registration
    event = registration.event if registration else message.event
    language = (registration.language if registration else None) or "de"
    site, event_url = _site_and_url(event)
    with translation.override(language):
        holds_seat = (
            registration is not None
            and registration.status == RegistrationStatus.CONFIRMED
            and message.kind in SEAT_KINDS
        )
        calendar_cancel = message.kind in CANCEL_KINDS and was_sent_calendar(registration)
        context = {
            "kind": message.kind,
            "calendar_cancel": calendar_cancel,
            "registration": registration,
            "event": event,
            "event_url": event_url,
            # Read once for the text and the HTML part (`includes/event_summary`).
            "event_dates": list(event.dates.all()) if event is not None else [],
            "holds_seat": holds_seat,
            "occurrence": registration.occurrence() if registration else None,
            "online_link": event.online_access_link if holds_seat else "",
            "bookings": list(
                registration.bookings.exclude(status="cancelled")
                .select_related("workshop", "time_slot")
                .order_by("time_slot__start")
            )
            if registration
            else [],
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        }
        if message.kind == EmailKind.COORDINATOR_NOTICE:
            context["admin_url"] = absolute_url(
                reverse("registrations:index") + f"?event={event.pk}"
            )
        elif registration is not None:
            context["personal_url"] = personal_url(registration, site=site)
            context["confirm_url"] = personal_url(
                registration, "registration_links:registration_confirm", site=site
            )
            context["cancel_url"] = personal_url(
                registration, "registration_links:registration_cancel", site=site
            )
        override = email_text_for(event, message.kind, language, site=site)
        if override is not None:
            rendered = email_texts.render(
                override,
                email_texts.values_from(context),
                email_texts.extras_from(context, message.kind),
            )
            subject, text = rendered.subject, rendered.text
            html = render_to_string(
                "registrations/emails/custom.html", {**context, "body": rendered.html}
            )
        else:
            text = render_to_string(f"registrations/emails/{message.kind}.txt", context)
            html = render_to_string(f"registrations/emails/{message.kind}.html", context)
            subject = subject_for(message.kind, event, language)
    mail = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
    mail.attach_alternative(html, "text/html")
    if holds_seat and (ics := calendar_file(event, registration)):
        mail.attach(f"{event.slug}.ics", ics, "text/calendar; method=PUBLISH; charset=utf-8")
    elif calendar_cancel and (ics := cancellation_calendar_file(event, registration)):
        mail.attach(f"{event.slug}.ics", ics, "text/calendar; method=CANCEL; charset=utf-8")
    return mail


def _prepared_message(message):
    """A message stored complete by `outbox.queue_prepared_email`."""
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        mail.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return mail
