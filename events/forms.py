"""The calendar's filter form (German labels; bad input is reported, never a 500) and the
Fachtag's admin form (programme rules)."""

from datetime import date

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import RegexValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .choices import EventFormat, TimeSlotKind

TYPE_CHOICES = [
    ("", _("Alle Arten")),
    ("fortbildung", _("Fortbildung")),
    ("fachtag", _("Fachtag")),
    ("netzwerktreffen", _("Netzwerktreffen")),
]

COORDINATION = "koordination"
# The months one can filter by: wide enough for any real calendar, narrow enough that
# the month's bounds (and their conversion to UTC) exist.
MONTH_YEARS = range(1900, 3000)


class EventFilterForm(forms.Form):
    """Filters of the calendar page and of the feed (`monat` only on the page).

    Query parameters are German because they show in shared links and feed URLs:
    `typ`, `zielgruppe`, `format`, `monat` (YYYY-MM), `veranstalter`.

    On the page an invalid filter is shown as an error and left out. The feed's form
    (without `monat`) has nowhere to show one, and leaving it out would hand a subscriber
    the whole calendar, so there `filters()` refuses the request (400).
    """

    typ = forms.ChoiceField(label=_("Art"), choices=TYPE_CHOICES, required=False)
    zielgruppe = forms.ChoiceField(label=_("Zielgruppe"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Alle Formate")), *EventFormat.choices],
        required=False,
    )
    monat = forms.CharField(
        label=_("Monat"),
        required=False,
        validators=[
            RegexValidator(
                r"^[0-9]{4}-(0[1-9]|1[0-2])$",
                _("Diesen Monat gibt es nicht. Bitte wählen Sie einen Monat aus der Liste."),
            )
        ],
        widget=forms.Select,
    )
    veranstalter = forms.ChoiceField(label=_("Veranstalter"), required=False)

    def __init__(
        self, data=None, *, audiences=None, organisers=None, months=(), with_month=True, **kwargs
    ):
        """Without `audiences`/`organisers` (the feed), those two take any short text:
        an unknown value simply matches nothing, and the feed saves two queries.

        `months`: (year, month) pairs offered in the month list (`listing.event_months`).
        A well-formed month from a shared link that is not among them is still applied
        and added to the list, so the list shows what the results are filtered by.
        """
        super().__init__(data, **kwargs)
        for name, choices, empty in (
            ("zielgruppe", audiences, _("Alle Zielgruppen")),
            ("veranstalter", organisers, _("Alle Veranstalter")),
        ):
            if choices is None:
                self.fields[name] = forms.CharField(
                    label=self.fields[name].label, required=False, max_length=200
                )
            else:
                self.fields[name].choices = [("", empty), *choices]
        self.is_feed = not with_month
        if not with_month:
            del self.fields["monat"]
        else:
            self.fields["monat"].widget.choices = self._month_choices(months)

    def _month_choices(self, months):
        values = [f"{year:04}-{month:02}" for year, month in months]
        self.offered_months = frozenset(values)
        asked = (self.data.get("monat") or "") if self.is_bound else ""
        if asked not in values and _month_of(asked):
            values = sorted([*values, asked], reverse=bool(values) and values[0] > values[-1])
        return [("", _("Alle Monate"))] + [
            (value, date_format(_month_of(value), "YEAR_MONTH_FORMAT")) for value in values
        ]

    def clean_monat(self):
        month = self.cleaned_data["monat"]
        if month and int(month[:4]) not in MONTH_YEARS:
            raise ValidationError(
                _("Bitte wählen Sie einen Monat zwischen %(first)s und %(last)s."),
                params={"first": MONTH_YEARS[0], "last": MONTH_YEARS[-1]},
            )
        return month

    def filters(self):
        """The valid, non-empty filters; invalid ones are dropped (and shown as errors).

        Raises `BadRequest` for an invalid filter of the feed.
        """
        if not self.is_bound:
            return {}
        if not self.is_valid() and self.is_feed:
            raise BadRequest("Unknown calendar filter: " + ", ".join(self.errors))
        return {key: value for key, value in self.cleaned_data.items() if value}

    def is_offered_choice(self) -> bool:
        """Whether the filters are one of the few lists the page links to: none, or one
        valid filter, a month only if it is in the list of months with events. Only such
        lists are kept in the frame cache (`events.listing.calendar_listing`, the cards
        and filter fields); combinations and months from hand-made links are computed
        each time, so nobody can fill the cache by trying values."""
        filters = self.filters()
        if self.is_bound and not self.is_valid():
            return False
        if len(filters) > 1:
            return False
        month = filters.get("monat")
        return month is None or month in getattr(self, "offered_months", ())

    def normalized_query(self):
        """The valid filters as a stable string, e.g. for the feed's ETag."""
        return "&".join(f"{key}={value}" for key, value in sorted(self.filters().items()))


class FachtagPageForm(WagtailAdminPageForm):
    """The Fachtag's admin form: a time slot that holds workshops must be of the kind
    "Parallele Workshops".

    Only such slots are offered in the registration form (one required choice per slot),
    while the public programme lists the workshops of every slot. A slot of another kind
    with workshops would show them with seats that nobody can book, so saving is refused
    with a message on the slot's "Art" field. The kind is not changed silently: turning
    a slot into a workshop slot makes choosing a workshop mandatory for registrants, a
    decision the editor takes.
    """

    def clean(self):
        cleaned_data = super().clean()
        slots = self.formsets.get("time_slots")
        if slots is not None:
            for form in slots.forms:
                if not form.is_valid() or slots._should_delete_form(form):
                    continue
                if form.cleaned_data.get("kind") == TimeSlotKind.WORKSHOPS:
                    continue
                if _kept_forms(form.formsets.get("workshops")):
                    form.add_error(
                        "kind",
                        _(
                            "Dieses Zeitfenster enthält Workshops. Wählen Sie als Art "
                            "„%(kind)s“, damit sie im Anmeldeformular zur Wahl stehen, oder "
                            "entfernen Sie die Workshops."
                        )
                        % {"kind": TimeSlotKind.WORKSHOPS.label},
                    )
        return cleaned_data


def _month_of(value):
    """The first day of the month `value` ("YYYY-MM" within `MONTH_YEARS`), or None."""
    if len(value) != 7 or value[4] != "-" or not (digits := value[:4] + value[5:]).isascii():
        return None
    if not digits.isdigit():
        return None
    year, month = int(value[:4]), int(value[5:])
    return date(year, month, 1) if year in MONTH_YEARS and 1 <= month <= 12 else None


def _kept_forms(formset):
    """The forms of an inline formset that will be saved (not deleted, not blank extras)."""
    if formset is None:
        return []
    return [
        form
        for form in formset.forms
        if not formset._should_delete_form(form) and (form.instance.pk or form.has_changed())
    ]
