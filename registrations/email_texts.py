"""Coordinators' own wording of the registration e-mails, per site and language.

An `EmailText` row replaces the subject and the text of one kind of e-mail on one site in
one language (German or English). Without a row the message is rendered from the
templates exactly as before (`emails.build_message`).

Coordinator text is never a Django template: it is plain text with `{placeholder}`s from
a fixed list per kind (`placeholders_for`), substituted by `fill()`; `{{` and `}}` write a
brace. Anything else in braces is refused when the text is saved (`check`, German
messages). The HTML part escapes the text and the values and makes paragraphs of the
blocks between blank lines (line breaks inside a block stay).

What is not wording stays with the system and follows the coordinator's text
(`render`): the event's own addition (the confirmation text for a confirmed seat, the
cancellation message), the online access link for confirmed seats only, the note on the
cancelling calendar file, and the personal link (or the confirmation link, or the admin
link) when the text does not use it. The calendar file is attached by `build_message` as
before.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EmailKind, RegistrationStatus

LANGUAGES = (("de", gettext_lazy("Deutsch")), ("en", gettext_lazy("Englisch")))

DESCRIPTIONS = {
    "name": gettext_lazy("Vor- und Nachname der angemeldeten Person"),
    "event": gettext_lazy("Titel der Veranstaltung"),
    "dates": gettext_lazy("Termine mit Wochentag, Datum und Uhrzeit, einer je Zeile"),
    "place": gettext_lazy("Ort (Anschrift)"),
    "event_link": gettext_lazy("Link zur Veranstaltungsseite"),
    "site_name": gettext_lazy("Name der Website"),
    "workshops": gettext_lazy("gebuchte Workshops (leer, wenn keine)"),
    "personal_link": gettext_lazy(
        "persönlicher Link: Anmeldung ansehen, stornieren, Termin in den Kalender übernehmen"
    ),
    "cancel_link": gettext_lazy("Link zum Stornieren"),
    "confirm_link": gettext_lazy("Link zur Bestätigung der E-Mail-Adresse"),
    "status": gettext_lazy("Status der Anmeldung"),
    "organisation": gettext_lazy("Organisation der angemeldeten Person"),
    "admin_link": gettext_lazy("Link zu den Anmeldungen im Verwaltungsbereich"),
}
COMMON = ("name", "event", "dates", "place", "event_link", "site_name")
REGISTRANT = (*COMMON, "workshops", "personal_link", "cancel_link")
LINKS = {"event_link", "personal_link", "cancel_link", "confirm_link", "admin_link"}

# The kinds a coordinator may reword: every registration e-mail, not the prepared ones.
KINDS = [kind for kind in EmailKind if kind != EmailKind.PREPARED]

# The body sentence of each kind's default text (the msgids of its template).
SENTENCES = {
    EmailKind.CONFIRM_EMAIL: gettext_lazy(
        "vielen Dank für Ihre Anmeldung. Bitte bestätigen Sie Ihre E-Mail-Adresse über den "
        "folgenden Link. Erst dann ist Ihre Anmeldung gültig; ein freier Platz wird bis dahin "
        "für Sie reserviert."
    ),
    EmailKind.CONFIRMATION: gettext_lazy(
        "vielen Dank für Ihre Anmeldung. Ihr Platz ist bestätigt."
    ),
    EmailKind.WAITLIST: gettext_lazy(
        "die Veranstaltung ist zurzeit ausgebucht. Sie stehen auf der Warteliste. Wird ein "
        "Platz frei, rücken Sie automatisch nach und erhalten eine E-Mail."
    ),
    EmailKind.PENDING_APPROVAL: gettext_lazy(
        "vielen Dank für Ihre Anmeldung. Die Netzwerkkoordination prüft sie und meldet sich "
        "bei Ihnen."
    ),
    EmailKind.PROMOTION: gettext_lazy(
        "gute Nachricht: Es ist ein Platz frei geworden. Sie sind von der Warteliste "
        "nachgerückt, Ihr Platz ist bestätigt."
    ),
    EmailKind.WORKSHOP_PROMOTION: gettext_lazy(
        "in einem Workshop, auf dessen Warteliste Sie standen, ist ein Platz frei geworden. "
        "Sie haben ihn jetzt."
    ),
    EmailKind.APPROVAL: gettext_lazy("Ihre Anmeldung ist bestätigt. Wir freuen uns auf Sie."),
    EmailKind.REJECTION: gettext_lazy(
        "leider können wir Ihre Anmeldung für diese Veranstaltung nicht berücksichtigen."
    ),
    EmailKind.CANCELLATION: gettext_lazy(
        "Ihre Anmeldung ist storniert. Sie müssen nichts weiter tun."
    ),
    EmailKind.REMINDER: gettext_lazy(
        "wir erinnern Sie an die Veranstaltung, zu der Sie angemeldet sind."
    ),
    EmailKind.EVENT_CANCELLED: gettext_lazy(
        "leider müssen wir Ihnen mitteilen, dass die Veranstaltung abgesagt ist. Ihre "
        "Anmeldung ist damit hinfällig."
    ),
}


def placeholders_for(kind) -> tuple[str, ...]:
    """The placeholders a text of `kind` may use, in the order the admin lists them."""
    if kind == EmailKind.COORDINATOR_NOTICE:
        return (*COMMON, "status", "organisation", "admin_link")
    if kind == EmailKind.CONFIRM_EMAIL:
        return (*REGISTRANT, "confirm_link")
    return REGISTRANT


def required_link(kind) -> str:
    """The link every message of `kind` carries: appended when the text leaves it out."""
    if kind == EmailKind.COORDINATOR_NOTICE:
        return "admin_link"
    if kind == EmailKind.CONFIRM_EMAIL:
        return "confirm_link"
    return "personal_link"


# ------------------------------------------------------------------ parsing and checking

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def parse(text: str) -> list[tuple[str, str]]:
    """`text` as ("text", literal) and ("placeholder", name) parts; ValueError (with a
    German message) on a brace that opens or closes nothing."""
    parts, position = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            parts.append(("text", text[position : match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(("text", token[0]))
        elif match.group(1) is not None:
            parts.append(("placeholder", match.group(1)))
        else:
            raise ValueError(
                _(
                    "Eine geschweifte Klammer „%(brace)s“ ist nicht geschlossen oder nicht "
                    "geöffnet. Platzhalter stehen in Klammern wie {name}; eine Klammer als "
                    "Text schreiben Sie doppelt: {{ oder }}."
                )
                % {"brace": token}
            )
        position = match.end()
    if position < len(text):
        parts.append(("text", text[position:]))
    return parts


def check(text: str, kind) -> None:
    """ValidationError (German) if `text` has broken braces or a placeholder `kind` lacks."""
    try:
        parts = parse(text)
    except ValueError as error:
        raise ValidationError(str(error), code="braces") from None
    allowed = placeholders_for(kind)
    unknown = [name for part, name in parts if part == "placeholder" and name not in allowed]
    if unknown:
        raise ValidationError(
            _("Unbekannter Platzhalter: %(unknown)s. Erlaubt sind: %(allowed)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in dict.fromkeys(unknown)),
                "allowed": ", ".join(f"{{{name}}}" for name in allowed),
            },
            code="placeholder",
        )


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced by `values` (plain text). A line that holds
    only placeholders whose values are empty is left out."""
    lines = []
    for line in text.splitlines():
        parts = parse(line)
        names = [name for part, name in parts if part == "placeholder"]
        rest = "".join(value for part, value in parts if part == "text")
        if names and not rest.strip() and not any(values.get(name) for name in names):
            continue
        lines.append(
            "".join(
                value if part == "text" else str(values.get(value, "")) for part, value in parts
            )
        )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def fill_html(text: str, values: dict[str, str]) -> str:
    """The HTML of `text`: text and values escaped, links as links, a paragraph per block."""
    html_values = {}
    for name, value in values.items():
        value = str(value or "")
        if name in LINKS and value:
            html_values[name] = f'<a href="{escape(value)}">{escape(value)}</a>'
        else:
            html_values[name] = escape(value)
    marked = fill(_escape_literals(text), html_values)
    return paragraphs(marked, escaped=True)


def _escape_literals(text):
    """`text` with its literal parts HTML-escaped, its placeholders (and `{{ }}`) kept."""
    out = []
    for part, value in parse(text):
        if part == "placeholder":
            out.append(f"{{{value}}}")
        else:
            out.append(escape(value).replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def paragraphs(text: str, escaped=False) -> str:
    """Blocks between blank lines as <p>, single line breaks as <br>."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    return mark_safe(
        "".join(
            "<p>{}</p>".format("<br>".join((block if escaped else escape(block)).split("\n")))
            for block in blocks
        )
    )


# ------------------------------------------------------------------ defaults


def default_subject(kind, language="de") -> str:
    """The subject as sent without an override, with {event} for the title."""
    from .emails import SUBJECTS

    with translation.override(language):
        return _(SUBJECTS[kind]) % {"title": "{event}"}


def default_body(kind, language="de") -> str:
    """The text as sent without an override, written with placeholders: what a coordinator
    starts from."""
    with translation.override(language):
        if kind == EmailKind.COORDINATOR_NOTICE:
            blocks = [
                _("Guten Tag,"),
                _("es gibt eine neue Anmeldung (Status: %(status)s).") % {"status": "{status}"}
                + "\n{name}, {organisation}",
                _("Alle Anmeldungen im Verwaltungsbereich:") + "\n{admin_link}",
                "{event}\n{dates}\n{place}\n{event_link}",
            ]
        else:
            sentence = str(SENTENCES[kind])
            if kind == EmailKind.CONFIRM_EMAIL:
                sentence += "\n\n{confirm_link}"
            blocks = [
                _("Guten Tag %(name)s,") % {"name": "{name}"},
                sentence,
                "{event}\n{dates}\n{place}\n{workshops}\n{event_link}",
                _(
                    "Ihre Anmeldung ansehen, stornieren oder den Termin in Ihren Kalender "
                    "übernehmen:"
                )
                + "\n{personal_link}",
            ]
        blocks.append(_("Mit freundlichen Grüßen") + "\n{site_name}")
    return "\n\n".join(blocks)


# ------------------------------------------------------------------ values and rendering


def _dates_of(registration, event, occurrence):
    """What {dates} names: the registration's occurrence of a series (its date alone, with
    "entfällt", if it is gone), else the event's dates."""
    if registration is None or registration.occurrence_date is None:
        return event.dates.all()
    if occurrence is not None and not occurrence.cancelled:
        return [occurrence]
    return []


def format_dates(dates) -> str:
    """The event's dates, one a line, as the default e-mails write them (active language)."""
    from .templatetags.registration_tags import time_range

    lines = []
    for date in dates:
        start = timezone.localtime(date.start) if timezone.is_aware(date.start) else date.start
        line = f"{date_format(start, 'l')}, {date_format(start, 'DATE_FORMAT')}"
        if not date.all_day:
            line += f", {time_range(date.start, date.end)}"
        lines.append(line)
    return "\n".join(lines)


def format_workshops(bookings) -> str:
    if not bookings:
        return ""
    from django.utils.formats import time_format

    lines = [_("Ihre Workshops:")]
    for booking in bookings:
        start = timezone.localtime(booking.time_slot.start)
        lines.append(
            f"- {time_format(start, 'TIME_FORMAT')} {booking.workshop.title} "
            f"({booking.get_status_display()})"
        )
    return "\n".join(lines)


def values_from(context: dict) -> dict[str, str]:
    """The placeholder values of a message from `build_message`'s template context."""
    registration, event = context["registration"], context["event"]
    venue = registration.venue() if registration else getattr(event, "venue", None)
    return {
        "name": registration.full_name if registration else "",
        "event": event.title,
        "dates": format_dates(_dates_of(registration, event, context.get("occurrence"))),
        "place": ", ".join(venue.address_lines()) if venue else "",
        "event_link": context.get("event_url", ""),
        "site_name": context.get("site_name", ""),
        "workshops": format_workshops(context.get("bookings")),
        "personal_link": context.get("personal_url", ""),
        "cancel_link": context.get("cancel_url", ""),
        "confirm_link": context.get("confirm_url", ""),
        "status": registration.get_status_display() if registration else "",
        "organisation": registration.organisation if registration else "",
        "admin_link": context.get("admin_url", ""),
    }


@dataclass
class Extras:
    """What follows the coordinator's text (see the module docstring)."""

    addition: str = ""
    online_link: str = ""
    calendar_cancel: bool = False
    links: dict[str, str] = field(default_factory=dict)


def extras_from(context: dict, kind) -> Extras:
    from .emails import SEAT_KINDS

    event = context["event"]
    addition = ""
    if kind in SEAT_KINDS and context.get("holds_seat"):
        addition = getattr(event, "confirmation_text", "") or ""
    elif kind == EmailKind.EVENT_CANCELLED:
        addition = getattr(event, "cancellation_message", "") or ""
    return Extras(
        addition=addition,
        online_link=context.get("online_link", ""),
        calendar_cancel=bool(context.get("calendar_cancel")),
    )


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(email_text, values: dict[str, str], extras: Extras) -> Rendered:
    """Subject, text and HTML of `email_text` (an `EmailText`) with `values` filled in and
    the `extras` after it, in the active language."""
    subject = " ".join(fill(email_text.subject, values).split())
    body = email_text.body
    link = required_link(email_text.kind)
    used = {name for part, name in parse(body) if part == "placeholder"}
    text_blocks = [fill(body, values)]
    html_blocks = [fill_html(body, values)]
    if extras.addition:
        text_blocks.append(extras.addition.strip())
        html_blocks.append(paragraphs(extras.addition))
    if extras.online_link:
        text_blocks.append(_("Zugangslink:") + " " + extras.online_link)
        html_blocks.append(f"<p>{escape(_('Zugangslink:'))} {_link(extras.online_link)}</p>")
    if link not in used and values.get(link):
        text_blocks.append(values[link])
        html_blocks.append(f"<p>{_link(values[link])}</p>")
    if extras.calendar_cancel:
        note = _("Die angehängte Kalenderdatei entfernt den Termin aus Ihrem Kalender.")
        text_blocks.append(note)
        html_blocks.append(paragraphs(note))
    return Rendered(
        subject=subject,
        text="\n\n".join(block for block in text_blocks if block) + "\n",
        html=mark_safe("".join(html_blocks)),
    )


def _link(url):
    return f'<a href="{escape(url)}">{escape(url)}</a>'


# ------------------------------------------------------------------ sample


def sample_values(kind, site=None, language="de") -> dict[str, str]:
    """Example values for the preview and the test e-mail (no real person's data)."""
    from kinderschutz_cms.links import absolute_url

    start = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=14), datetime.time(9, 0)
        )
    )

    @dataclass
    class SampleDate:
        start: datetime.datetime
        end: datetime.datetime
        all_day: bool = False

    base = absolute_url("/", site=site).rstrip("/")
    with translation.override(language):
        return {
            "name": "Erika Mustermann",
            "event": _("Fachtag Kinderschutz (Beispiel)"),
            "dates": format_dates([SampleDate(start, start + datetime.timedelta(hours=7))]),
            "place": "Kreishaus, Saal 2, Hauptstraße 1, 12345 Musterstadt",
            "event_link": f"{base}/veranstaltungen/fachtag-kinderschutz/",
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),  # as build_message
            "workshops": "",
            "personal_link": f"{base}/anmeldung/beispiel/",
            "cancel_link": f"{base}/anmeldung/beispiel/stornieren/",
            "confirm_link": f"{base}/anmeldung/beispiel/bestaetigen/",
            "status": str(RegistrationStatus.CONFIRMED.label),
            "organisation": "Kita Sonnenschein",
            "admin_link": f"{base}/admin/registrations/",
        }
