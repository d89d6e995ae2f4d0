"""Guard rails before an event is published (the event page's admin form).

When an editor publishes (or submits for moderation), settings that contradict each other
are refused with Wagtail's validation messages on the fields concerned; saving a draft is
not blocked (Wagtail defers validation for drafts), so work in progress can be kept:

- seats (`capacity`) set while registration is off: nobody can take them; switch
  registration on or empty the field;
- a registration deadline after the start of the first date: registration would close
  when the event is already running;
- a Fachtag whose workshops have capacities, with one workshop left without: it would be
  unlimited while the others fill up, usually an oversight (leave all empty for
  unlimited workshops).
"""

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .forms import FachtagPageForm


def _kept_forms(formset):
    """The valid forms of an inline formset that will be saved (not deleted, not blank
    extras); safe to call from the page form's `clean`, before the formsets are cleaned."""
    if formset is None:
        return []
    return [
        form
        for form in formset.forms
        if form.is_valid()
        and not formset._should_delete_form(form)
        and (form.instance.pk or form.has_changed())
    ]


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        self.check_recurrence(cleaned_data)  # drafts too: the series is stored on save
        if getattr(self, "is_deferred_validation", False):
            return cleaned_data  # a draft: no guard rails
        self.check_seats_without_registration(cleaned_data)
        self.check_deadline_before_start(cleaned_data)
        return cleaned_data

    def check_seats_without_registration(self, data):
        if data.get("capacity") is not None and not data.get("registration_enabled"):
            self.add_error(
                "capacity",
                _(
                    "Plätze sind eingetragen, aber die Anmeldung ist ausgeschaltet: Schalten "
                    "Sie „Anmeldung möglich“ ein oder leeren Sie das Feld."
                ),
            )

    def check_recurrence(self, data):
        """The recurrence rule against the dates and exceptions (`recurrence.problems`)."""
        from . import recurrence

        if not data.get("recurrence_frequency"):
            return
        rule = recurrence.Rule(
            frequency=data["recurrence_frequency"],
            interval=1 if data.get("recurrence_interval") is None else data["recurrence_interval"],
            weekdays=recurrence.weekdays_of(data.get("recurrence_weekdays") or ""),
            position=data.get("recurrence_position"),
            until=data.get("recurrence_until"),
            count=data.get("recurrence_count"),
        )
        dates = [
            (form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["all_day"])
            for form in _kept_forms(self.formsets.get("dates"))
            if form.cleaned_data.get("start") and form.cleaned_data.get("end")
        ]
        exceptions = [
            form
            for form in _kept_forms(self.formsets.get("recurrence_exceptions"))
            if form.cleaned_data.get("occurrence_date")
        ]
        errors = recurrence.problems(
            rule, dates, [form.cleaned_data["occurrence_date"] for form in exceptions]
        )
        for day in errors.pop("exceptions", ()):
            for form in exceptions:
                if form.cleaned_data["occurrence_date"] == day:
                    form.add_error(
                        "occurrence_date", _("An diesem Tag gibt es keinen Termin der Reihe.")
                    )
                    self.add_error(
                        None, _("Eine Ausnahme nennt einen Tag, an dem kein Termin der Reihe ist.")
                    )
        for field, message in errors.items():
            self.add_error(field, message)

    def check_deadline_before_start(self, data):
        deadline = data.get("registration_deadline")
        starts = [
            form.cleaned_data["start"]
            for form in _kept_forms(self.formsets.get("dates"))
            if form.cleaned_data.get("start")
        ]
        if deadline and starts and deadline > min(starts):
            start = timezone.localtime(min(starts))
            self.add_error(
                "registration_deadline",
                _("Der Anmeldeschluss liegt nach dem Beginn (%(start)s).")
                % {"start": formats.date_format(start, "DATETIME_FORMAT")},
            )


class FachtagAdminForm(EventPageForm, FachtagPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if not getattr(self, "is_deferred_validation", False):
            self.check_workshop_capacities()
        return cleaned_data

    def check_workshop_capacities(self):
        workshops = [
            form
            for slot in _kept_forms(self.formsets.get("time_slots"))
            for form in _kept_forms(slot.formsets.get("workshops"))
        ]
        if not any(form.cleaned_data.get("capacity") is not None for form in workshops):
            return
        for form in workshops:
            if form.cleaned_data.get("capacity") is None:
                form.add_error(
                    "capacity",
                    _(
                        "Die anderen Workshops haben Plätze; tragen Sie auch hier Plätze "
                        "ein (oder lassen Sie bei allen Workshops das Feld leer)."
                    ),
                )
