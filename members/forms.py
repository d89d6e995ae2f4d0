"""The public directory's filter form (GET), where invalid input never fails the page, and
the admin form of agreement pages."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from kinderschutz_cms.sites import site_root_path

from .choices import ConceptStatus

MAX_QUERY_LENGTH = 200
PLACE_SEPARATOR = "|"

INVALID_CHOICE = _("Diese Auswahl gibt es nicht. Der Filter wurde nicht angewendet.")


class DirectoryFilterForm(forms.Form):
    """Filters of the member directory.

    The choices come from the data (sectors, places and services in use) and are passed in
    by `members.directory`. A field that does not validate is reported in German and left
    out of the query; `active_filters()` returns only the valid ones.
    """

    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Bitte geben Sie höchstens %(limit_value)d Zeichen ein.")},
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name, Träger, Ort oder Beschreibung"),
    )
    sector = forms.ChoiceField(
        label=_("Bereich"), required=False, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    place = forms.ChoiceField(
        label=_("Ort / Ortsteil"), required=False, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    service = forms.ChoiceField(
        label=_("Angebot / Zielgruppe"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    concept = forms.ChoiceField(
        label=_("Schutzkonzept"),
        required=False,
        choices=[("", _("alle")), *ConceptStatus.choices],
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    isef = forms.BooleanField(
        label=_("Nur mit insoweit erfahrener Fachkraft (IseF)"), required=False
    )

    def __init__(self, data=None, *, sectors=(), places=(), services=(), **kwargs):
        super().__init__(data, **kwargs)
        everything = ("", _("alle"))
        self.fields["sector"].choices = [everything, *((s.slug, s.name) for s in sectors)]
        self.fields["service"].choices = [everything, *((t.slug, t.name) for t in services)]
        place_choices = [everything]
        for town, districts in places:
            if districts:
                options = [(town, _("%(town)s (alle Ortsteile)") % {"town": town})]
                options += [(f"{town}{PLACE_SEPARATOR}{d}", d) for d in districts]
                place_choices.append((town, options))
            else:
                place_choices.append((town, town))
        self.fields["place"].choices = place_choices

    def clean_q(self):
        """The search text in composed form (NFC): "ü" pasted as "u" and a combining
        diaeresis (from a PDF or a Mac file name) finds what a typed "ü" finds."""
        return unicodedata.normalize("NFC", self.cleaned_data["q"])

    def active_filters(self):
        """The valid, non-empty filter values as keyword arguments for `filter_members`."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {}
        if data.get("q"):
            filters["query"] = data["q"]
        if data.get("sector"):
            filters["sector_slug"] = data["sector"]
        if data.get("place"):
            town, _sep, district = data["place"].partition(PLACE_SEPARATOR)
            filters["town"] = town
            if district:
                filters["district"] = district
        if data.get("service"):
            filters["service_slug"] = data["service"]
        if data.get("concept"):
            filters["concept_status"] = data["concept"]
        if data.get("isef"):
            filters["isef_only"] = True
        return filters


OTHER_SITE_MEMBER = _(
    "Dieser Netzwerkpartner gehört zu einer anderen Website. Eine Vereinbarung können nur "
    "die Netzwerkpartner der eigenen Website unterzeichnen."
)
OTHER_SITE_AGREEMENT = _("Diese Fassung gehört zu einer anderen Website.")


class AgreementPageForm(WagtailAdminPageForm):
    """The version an agreement replaces belongs to its own site (the page chooser offers
    every agreement of the installation). Its signatures are rows of their own, checked by
    `SignatoryForm`."""

    def is_valid(self):
        valid = super().is_valid()
        network = site_root_path(self.parent_page)
        supersedes = self.cleaned_data.get("supersedes")
        if supersedes is not None and site_root_path(supersedes) != network:
            self.add_error("supersedes", OTHER_SITE_AGREEMENT)
            valid = False
        return valid


NOT_PERMITTED_AGREEMENT = _("Für diese Fassung fehlt Ihnen die Berechtigung.")


class SignatoryForm(WagtailAdminModelForm):
    """The admin form of one signature ("Unterzeichnungen"): the member belongs to the
    agreement's site, and the user may work on the agreement (`members.reports`)."""

    def clean(self):
        from .reports import permitted_pages

        cleaned = super().clean()
        agreement, member = cleaned.get("page"), cleaned.get("member")
        user = getattr(self, "for_user", None)
        if (
            agreement is not None
            and user is not None
            and not permitted_pages(user).filter(pk=agreement.pk).exists()
        ):
            self.add_error("page", NOT_PERMITTED_AGREEMENT)
            agreement = None
        if (
            agreement is not None
            and member is not None
            and site_root_path(member) != site_root_path(agreement)
        ):
            self.add_error("member", OTHER_SITE_MEMBER)
        return cleaned
