"""The public "Barriere melden" form, with the spam protection of the registration form:
a honeypot, a signed form stamp (minimum fill time, maximum age) and rate limits per
client address (registrations.spam.count_attempt, kinderschutz_cms.client_ip)."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from . import conf

HONEYPOT_FIELD = "website_url"
STAMP_SALT = "publicbody.barrier-report"
STAMP_MAX_AGE = 6 * 3600


def new_stamp():
    return signing.dumps({"t": time.time()}, salt=STAMP_SALT)


class BarrierReportForm(forms.Form):
    page_url = forms.CharField(
        label=_("Seite, auf der die Barriere besteht"),
        max_length=500,
        required=False,
        help_text=_("Adresse der Seite; ändern Sie sie, wenn es um eine andere Seite geht."),
    )
    description = forms.CharField(
        label=_("Beschreibung der Barriere"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was hat nicht funktioniert? Welche Hilfsmittel nutzen Sie, wenn Sie möchten?"),
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    name = forms.CharField(
        label=_("Name (freiwillig)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse (freiwillig, für eine Antwort)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
    )
    website_url = forms.CharField(required=False, label=_("Bitte leer lassen"))
    form_started = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(_("Ihre Meldung konnte nicht verarbeitet werden."))
        try:
            started = float(
                signing.loads(
                    data.get("form_started") or "", salt=STAMP_SALT, max_age=STAMP_MAX_AGE
                )["t"]
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                _(
                    "Das Formular ist abgelaufen. Bitte prüfen Sie Ihre Angaben und senden Sie es "
                    "erneut."
                )
            ) from None
        if time.time() - started < float(conf.get("BARRIER_REPORT_MIN_FILL_SECONDS")):
            raise forms.ValidationError(
                _(
                    "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das "
                    "Formular "
                    "erneut."
                )
            )
        return data
