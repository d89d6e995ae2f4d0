"""The public registration form: core fields, workshop choice per slot, the
coordinator's extra questions (Wagtail's FormBuilder), consents and spam traps.

(It lives beside `events/forms.py`, the calendar's filter form, to keep the two apart.)
"""

import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.contrib.forms.forms import FormBuilder

from . import spam

QUESTION_PREFIX = "q_"
WAITLIST_PREFIX = "warteliste-"


def no_control_characters(value):
    """Names end up in e-mails: no line breaks or other control characters."""
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError(_("Bitte ohne Zeilenumbrüche oder Steuerzeichen."))


# Characters that show nothing but can hide or reorder text: format characters (zero
# width space, direction marks, embeddings and overrides such as U+202E, isolates, BOM,
# soft hyphen …) and blanks that are no whitespace to Python (Hangul fillers, braille
# blank). Zero width (non-)joiners are kept between letters, where scripts need them.
INVISIBLE_BLANKS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
JOINERS = {"\u200c", "\u200d"}


def strip_invisible(value):
    """`value` without invisible and direction-changing characters (see above)."""
    kept = []
    for i, ch in enumerate(value):
        if ch in JOINERS:
            before = value[i - 1] if i else ""
            after = value[i + 1] if i + 1 < len(value) else ""
            if before.isalpha() and after.isalpha():
                kept.append(ch)
            continue
        if unicodedata.category(ch) == "Cf" or ch in INVISIBLE_BLANKS:
            continue
        kept.append(ch)
    return "".join(kept)


phone_validator = RegexValidator(
    r"^[0-9+()/ .\-]{3,50}$",
    _("Bitte eine Telefonnummer aus Ziffern, +, -, / oder Leerzeichen, z. B. 05121 309-4711."),
)


class DisabledOptionsMixin:
    """Options whose value is in `disabled_values` are shown but cannot be chosen (full
    workshops or occurrences without a waitlist)."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = set(disabled_values)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class WorkshopSelect(DisabledOptionsMixin, forms.RadioSelect):
    """Radio buttons where full workshops (without waitlist) are shown but not selectable."""


class OccurrenceSelect(DisabledOptionsMixin, forms.Select):
    """A select where full occurrences (without waitlist) are shown but not selectable."""


class ConsentCheckbox(forms.CheckboxInput):
    """A required checkbox without the HTML `required` attribute: Chromium exposes an
    unticked required checkbox as invalid before anything was submitted. The form is
    validated on the server (`novalidate`); `aria-required` still says it is required."""

    def __init__(self, attrs=None, check_test=None):
        super().__init__({"aria-required": "true", **(attrs or {})}, check_test)

    def use_required_attribute(self, initial):
        return False


def with_seats_left(title, seats_left):
    """A workshop's choice label with its free seats, as both workshop forms show it."""
    return ngettext("%(title)s (noch %(n)s Platz)", "%(title)s (noch %(n)s Plätze)", seats_left) % {
        "title": title,
        "n": seats_left,
    }


OCCURRENCE_FIELD = "termin"


def occurrence_label(occurrence):
    """ "Mittwoch, 18. März 2026, 10:00–12:00" (local time; all-day: the day only)."""
    start = timezone.localtime(occurrence.start)
    end = timezone.localtime(occurrence.end)
    day = f"{date_format(start, 'l')}, {date_format(start, 'DATE_FORMAT')}"
    if occurrence.all_day:
        return day
    return f"{day}, {date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


def parse_occurrence_day(value):
    """The day of "YYYY-MM-DD", or None if `value` is not such a date."""
    try:
        return date.fromisoformat((value or "").strip()[:10]) if len(value or "") <= 10 else None
    except ValueError:
        return None


def find_occurrence(event, value, occurrences, now=None):
    """(occurrence, None) for the date `value` ("YYYY-MM-DD", as in `?termin=`) if it
    names one of `occurrences` (the bookable ones), else (None, German reason)."""
    day = parse_occurrence_day(value)
    if day is None:
        return None, _("Bitte wählen Sie einen Termin aus der Liste (Datum als JJJJ-MM-TT).")
    for occurrence in occurrences:
        if timezone.localtime(occurrence.start).date() == day or occurrence.occurrence_date == day:
            return occurrence, None
    # Far-off years have no occurrence (and would overflow in the zone conversion).
    known = event.registration_occurrence(day) if 1900 < day.year < 3000 else None
    shown = date_format(day, "DATE_FORMAT")
    if known is None:
        return None, _("Am %(date)s findet kein Termin dieser Veranstaltung statt.") % {
            "date": shown
        }
    if known.cancelled:
        return None, _("Der Termin am %(date)s fällt aus.") % {"date": shown}
    return None, _("Der Termin am %(date)s hat bereits begonnen oder ist vorbei.") % {"date": shown}


class RegistrationForm(forms.Form):
    # Every field about the person names its input purpose (WCAG 1.3.5, `autocomplete`);
    # error messages say what is expected, with an example (WCAG 3.3.3).
    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=100,
        validators=[no_control_characters],
        error_messages={"required": _("Bitte geben Sie Ihren Vornamen an.")},
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=100,
        validators=[no_control_characters],
        error_messages={"required": _("Bitte geben Sie Ihren Nachnamen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail"),
        max_length=254,
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an, z. B. name@beispiel.de."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."),
        },
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        validators=[no_control_characters],
        error_messages={
            "required": _("Bitte geben Sie Ihre Organisation an, z. B. Kita Sonnenschein.")
        },
        # Suggestions come from a small search endpoint (`views.organisation_search`,
        # URL set in __init__) through registrations/js/organisation-suggest.js; without
        # JavaScript it is a plain text field.
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    role = forms.CharField(
        label=_("Funktion"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    phone = forms.CharField(
        label=_("Telefon (optional)"),
        max_length=50,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(
        self, data=None, *, event, slots=(), questions=(), occurrences=None, taken=None, **kwargs
    ):
        """`occurrences`: of a recurring event, the bookable ones (the person chooses one;
        `taken`: {occurrence_date: seats held} for their labels)."""
        super().__init__(data, **kwargs)
        self.event = event
        self.slots = list(slots)
        self.questions = list(questions)
        self.occurrences = occurrences
        if occurrences is not None:
            self._add_occurrence_field(occurrences, taken or {})
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["data-suggest-url"] = reverse(
            "registration_links:organisation_search"
        )

        self.workshop_fields = []
        for slot, workshops in self.slots:
            choices, disabled = [], []
            for workshop in workshops:
                label = workshop.title
                if workshop.seats_left == 0:
                    if event.waitlist_enabled:
                        choices.append(
                            (
                                f"{WAITLIST_PREFIX}{workshop.pk}",
                                _("%(title)s – ausgebucht, Warteliste") % {"title": label},
                            )
                        )
                        continue
                    label = _("%(title)s – ausgebucht") % {"title": label}
                    disabled.append(str(workshop.pk))
                elif workshop.seats_left is not None:
                    label = with_seats_left(label, workshop.seats_left)
                choices.append((str(workshop.pk), label))
            name = f"workshop_{slot.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{slot.start:%H:%M}–{slot.end:%H:%M} {slot.title}",
                choices=choices,
                widget=WorkshopSelect(disabled_values=disabled),
                error_messages={"required": _("Bitte wählen Sie einen Workshop.")},
            )
            self.fields[name].disabled_values = set(disabled)
            self.workshop_fields.append(name)

        self.question_fields = []
        self.health_fields = []
        builder_fields = FormBuilder(self.questions).formfields
        for question, (clean_name, field) in zip(
            self.questions, builder_fields.items(), strict=True
        ):
            name = QUESTION_PREFIX + clean_name
            self.fields[name] = field
            self.question_fields.append(name)
            if question.is_health_data:
                self.health_fields.append(name)

        self.fields["privacy_consent"] = forms.BooleanField(
            label=_(
                "Ich habe die Datenschutzhinweise gelesen und willige in die Verarbeitung meiner "
                "Angaben für diese Anmeldung ein."
            ),
            error_messages={"required": _("Bitte stimmen Sie den Datenschutzhinweisen zu.")},
            widget=ConsentCheckbox,
        )
        if self.health_fields:
            self.fields["health_consent"] = forms.BooleanField(
                label=_(
                    "Ich willige ausdrücklich ein, dass meine Angaben zu Gesundheit (z. B. "
                    "Ernährung, Barrierefreiheit) nur für die Organisation dieser Veranstaltung "
                    "verarbeitet werden (Art. 9 Abs. 2 lit. a DSGVO)."
                ),
                required=False,
            )
        self.fields[spam.HONEYPOT_FIELD] = forms.CharField(
            label=_("Bitte leer lassen"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.fields[spam.STAMP_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=lambda: spam.new_stamp(event)
        )

    def _add_occurrence_field(self, occurrences, taken):
        """The choice of an occurrence ("termin", a date); full ones without waitlist are
        shown but not selectable. A select, not radios: a series can have many dates."""
        event = self.event
        choices, self.full_occurrences = [("", _("Bitte wählen"))], set()
        for occurrence in occurrences:
            value = f"{timezone.localtime(occurrence.start).date():%Y-%m-%d}"
            label = occurrence_label(occurrence)
            if event.capacity is not None:
                left = max(event.capacity - taken.get(occurrence.occurrence_date, 0), 0)
                if left == 0 and event.waitlist_enabled:
                    label = _("%(title)s – ausgebucht, Warteliste") % {"title": label}
                elif left == 0:
                    label = _("%(title)s – ausgebucht") % {"title": label}
                    self.full_occurrences.add(value)
                else:
                    label = with_seats_left(label, left)
            choices.append((value, label))
        self.fields[OCCURRENCE_FIELD] = forms.CharField(
            label=_("Termin"),
            widget=OccurrenceSelect(disabled_values=self.full_occurrences),
            error_messages={"required": _("Bitte wählen Sie einen Termin.")},
        )
        self.fields[OCCURRENCE_FIELD].widget.choices = choices

    def clean_termin(self):
        occurrence, reason = find_occurrence(
            self.event, self.cleaned_data.get(OCCURRENCE_FIELD), self.occurrences
        )
        if occurrence is None:
            raise ValidationError(reason, code="invalid_occurrence")
        value = f"{timezone.localtime(occurrence.start).date():%Y-%m-%d}"
        if value in self.full_occurrences:
            raise ValidationError(
                _("Dieser Termin ist ausgebucht. Bitte wählen Sie einen anderen."), code="full"
            )
        return occurrence

    def occurrence(self):
        """The chosen occurrence of a recurring event (None for a single event)."""
        return self.cleaned_data.get(OCCURRENCE_FIELD) if self.occurrences is not None else None

    # Names: invisible and direction-changing characters are removed (see
    # `strip_invisible`); a person's name must still contain a letter.
    def _clean_name(self, name, needs_letter):
        value = strip_invisible(self.cleaned_data.get(name) or "").strip()
        if needs_letter and not any(ch.isalpha() for ch in value):
            raise ValidationError(
                _("Bitte geben Sie einen Namen mit Buchstaben ein."), code="no_letters"
            )
        if self.fields[name].required and not value:
            raise ValidationError(self.fields[name].error_messages["required"], code="required")
        return value

    def clean_first_name(self):
        return self._clean_name("first_name", needs_letter=True)

    def clean_last_name(self):
        return self._clean_name("last_name", needs_letter=True)

    def clean_organisation(self):
        return self._clean_name("organisation", needs_letter=False)

    def clean_role(self):
        return self._clean_name("role", needs_letter=False)

    def clean(self):
        cleaned = super().clean()
        for name in self.workshop_fields:
            value = cleaned.get(name)
            if value and value in self.fields[name].disabled_values:
                self.add_error(
                    name, _("Dieser Workshop ist ausgebucht. Bitte wählen Sie einen anderen.")
                )
        answered_health = any(
            cleaned.get(name) not in (None, "", [], False) for name in self.health_fields
        )
        if answered_health and not cleaned.get("health_consent"):
            self.add_error(
                "health_consent",
                _(
                    "Für Ihre Angaben zu Gesundheit brauchen wir Ihre ausdrückliche Einwilligung "
                    "– oder lassen Sie diese Felder leer."
                ),
            )
        return cleaned

    def shown_key(self) -> str:
        """What the fields of this form, empty, show beyond the event's saved content (its
        questions, workshops, privacy notice): the choices of workshops and dates with their
        seats left and which of them are full, and the initial values. The template keeps
        the rendered fields of an empty form in the frame cache under this key
        (registrations/includes/registration_fields.html)."""
        names = [*self.workshop_fields]
        if OCCURRENCE_FIELD in self.fields:
            names.append(OCCURRENCE_FIELD)
        shown = []
        for name in names:
            widget = self.fields[name].widget
            choices = [(str(value), str(label)) for value, label in widget.choices]
            shown.append((name, choices, sorted(widget.disabled_values)))
        shown.append(sorted((name, str(value)) for name, value in self.initial.items()))
        return repr(shown)

    # The pieces the template lays out separately.
    def occurrence_field(self):
        return self[OCCURRENCE_FIELD] if OCCURRENCE_FIELD in self.fields else None

    def core_fields(self):
        return [
            self[name]
            for name in ("first_name", "last_name", "email", "organisation", "role", "phone")
        ]

    def workshop_bound_fields(self):
        return [self[name] for name in self.workshop_fields]

    def question_bound_fields(self):
        return [self[name] for name in self.question_fields]

    def registration_data(self):
        """Cleaned data in the shape `registration.register` takes."""
        cd = self.cleaned_data
        answers = {}
        for question, name in zip(self.questions, self.question_fields, strict=True):
            value = cd.get(name)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            elif value is None:
                value = ""
            if question.is_health_data and not cd.get("health_consent"):
                value = ""
            answers[question.label] = value if isinstance(value, bool) else str(value)
        data = {
            key: cd.get(key, "")
            for key in ("first_name", "last_name", "email", "organisation", "role", "phone")
        }
        data["answers"] = answers
        data["health_consent"] = bool(cd.get("health_consent")) and any(
            cd.get(name) not in (None, "", [], False) for name in self.health_fields
        )
        return data

    def workshop_choices(self):
        """{time_slot_id: workshop_id}. A full workshop is offered with the waitlist prefix
        only so that its label says so; where the booking lands (seat or waitlist) the
        service decides under the lock, from the seats left at that moment."""
        result = {}
        for (slot, _workshops), name in zip(self.slots, self.workshop_fields, strict=True):
            value = self.cleaned_data.get(name)
            if not value:
                continue
            result[slot.pk] = int(value.removeprefix(WAITLIST_PREFIX))
        return result


class WorkshopChangeForm(forms.Form):
    """The personal page's choice of another workshop in one time slot.

    One form per slot (`prefix` from the slot, so several fit on one page), its labels
    like the registration form's: seats left, "ausgebucht, Warteliste", or shown but not
    selectable when full without waitlist. Whether the change gets a seat or a waitlist
    place the service decides under the lock (`services.workshops.change_workshop`).
    """

    def __init__(self, data=None, *, event, slot, workshops, current=None):
        super().__init__(data, prefix=f"slot{slot.pk}", initial={"workshop": current})
        self.slot = slot
        choices, disabled = [], []
        for workshop in workshops:
            label = workshop.title
            if workshop.pk == current:
                label = _("%(title)s (Ihre Wahl)") % {"title": label}
            elif workshop.seats_left == 0:
                if event.waitlist_enabled:
                    label = _("%(title)s – ausgebucht, Warteliste") % {"title": label}
                else:
                    label = _("%(title)s – ausgebucht") % {"title": label}
                    disabled.append(str(workshop.pk))
            elif workshop.seats_left is not None:
                label = with_seats_left(label, workshop.seats_left)
            choices.append((str(workshop.pk), label))
        self.fields["workshop"] = forms.ChoiceField(
            label=f"{slot.start:%H:%M}–{slot.end:%H:%M} {slot.title}",
            choices=choices,
            widget=WorkshopSelect(disabled_values=disabled),
            error_messages={"required": _("Bitte wählen Sie einen Workshop.")},
        )
        self.disabled_values = set(disabled)

    def clean_workshop(self):
        value = self.cleaned_data["workshop"]
        if value in self.disabled_values:
            raise ValidationError(_("Dieser Workshop ist ausgebucht."))
        return int(value)
