"""Public forms of the member self-service: ask for a link, edit the entry, the check.

Every message is German; a form that does not validate changes nothing
(members/self_service.py saves only validated data).
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import conf
from .choices import ConceptStatus

PDF_MAGIC = b"%PDF-"
MAX_CONTACTS = 20
MAX_SERVICES = 30

postcode = RegexValidator(r"^\d{5}$", _("Bitte geben Sie eine fünfstellige Postleitzahl ein."))


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        help_text=_(
            "Die Adresse, unter der Sie als Ansprechperson dieses Netzwerkpartners "
            "eingetragen sind."
        ),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse ein."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Das Datum darf nicht in der Zukunft liegen."))


class EntryForm(forms.Form):
    """The organisation's data and its protection concept."""

    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, required=False, validators=[postcode]
    )
    town = forms.CharField(label=_("Ort"), max_length=100, required=False)
    district = forms.CharField(label=_("Ortsteil"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    email = forms.EmailField(
        label=_("E-Mail der Einrichtung"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Bitte geben Sie eine gültige Internetadresse ein.")},
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Einfacher Text; eine Leerzeile beginnt einen neuen Absatz."),
    )
    services = forms.CharField(
        label=_("Angebote und Zielgruppen"),
        required=False,
        max_length=1000,
        help_text=_("Schlagwörter, durch Kommas getrennt, z. B. „Elternberatung, Jugendliche“."),
    )
    concept_status = forms.ChoiceField(
        label=_("Schutzkonzept"),
        choices=ConceptStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine der Möglichkeiten.")},
    )
    concept_adopted_on = forms.DateField(
        label=_("Beschlossen am"),
        required=False,
        widget=DateInput(),
        validators=[_not_in_future],
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein.")},
    )
    concept_reviewed_on = forms.DateField(
        label=_("Zuletzt überprüft am"),
        required=False,
        widget=DateInput(),
        validators=[_not_in_future],
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein.")},
    )
    concept_document = forms.FileField(
        label=_("Schutzkonzept als PDF (wird veröffentlicht)"),
        required=False,
        help_text=_("Nur PDF-Dateien."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    concept_link = forms.URLField(
        label=_("Oder: Link zum veröffentlichten Schutzkonzept"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Bitte geben Sie eine gültige Internetadresse ein.")},
    )
    concept_consultant = forms.BooleanField(
        label=_("Eine externe Prozessbegleitung begleitet das Schutzkonzept."), required=False
    )

    def clean_services(self):
        names = []
        for part in self.cleaned_data["services"].split(","):
            name = " ".join(part.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                if len(name) > 100:
                    raise forms.ValidationError(
                        _("Ein Schlagwort darf höchstens 100 Zeichen lang sein.")
                    )
                names.append(name)
        if len(names) > MAX_SERVICES:
            raise forms.ValidationError(
                _("Bitte geben Sie höchstens %(count)s Schlagwörter an.") % {"count": MAX_SERVICES}
            )
        return names

    def clean_concept_document(self):
        upload = self.cleaned_data.get("concept_document")
        if not upload:
            return None
        max_mb = int(conf.get("KINDERSCHUTZ_CONCEPT_MAX_UPLOAD_MB"))
        if upload.size > max_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(mb)s MB).") % {"mb": max_mb}
            )
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if not upload.name.lower().endswith(".pdf") or head != PDF_MAGIC:
            raise forms.ValidationError(_("Bitte laden Sie eine PDF-Datei hoch."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("concept_status") == ConceptStatus.ADOPTED and not data.get(
            "concept_adopted_on"
        ):
            self.add_error(
                "concept_adopted_on",
                _("Bitte geben Sie an, wann das Schutzkonzept beschlossen wurde."),
            )
        adopted, reviewed = data.get("concept_adopted_on"), data.get("concept_reviewed_on")
        if adopted and reviewed and reviewed < adopted:
            self.add_error(
                "concept_reviewed_on",
                _("Die Überprüfung kann nicht vor dem Beschluss liegen."),
            )
        return data


class ContactForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie den Namen an.")},
    )
    function = forms.CharField(label=_("Funktion"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    email = forms.EmailField(
        label=_("E-Mail"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    is_isef = forms.BooleanField(label=_("insoweit erfahrene Fachkraft (IseF)"), required=False)
    languages = forms.CharField(
        label=_("Sprachen"),
        max_length=200,
        required=False,
        help_text=_("z. B. „Deutsch, Türkisch“"),
    )


class BaseContactFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.initial
            if not self._should_delete_form(form) and form.cleaned_data.get("name")
        ]
        if not any(form.cleaned_data.get("email") for form in kept):
            raise forms.ValidationError(
                _("Mindestens eine Ansprechperson braucht eine E-Mail-Adresse.")
            )

    def get_deletion_widget(self):
        return forms.CheckboxInput()


ContactFormSet = forms.formset_factory(
    ContactForm,
    formset=BaseContactFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_CONTACTS,
    validate_max=True,
)


def contact_rows(formset):
    """The submitted contact persons to keep, as dicts, in form order."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.initial:
            continue
        if formset._should_delete_form(form):
            continue
        rows.append(dict(form.cleaned_data))
    return rows
