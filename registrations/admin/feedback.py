"""The feedback survey in the admin: the results of one event (counts and averages per
question as server-rendered SVG bars, the free texts; `?export=csv|xlsx` through the
admin's one export path, `kinderschutz_cms.exports`) and the comparison of several events
(the runs of a series preselected, see `feedback.series`). Only events whose
registrations the user may see (`scope.events_for`)."""

from django import forms
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .. import feedback
from .scope import events_for, require

MAX_COMPARED = 10


def decimal_comma(value):
    """An average in a German CSV: 4,33 (Excel with a German locale reads 4.33 as text)."""
    return "" if value is None else f"{value:g}".replace(".", ",")


class FeedbackExport(SafeSpreadsheetExportMixin, SpreadsheetExportMixin):
    """The results of one event as CSV or XLSX (`feedback.export_rows`)."""

    list_export = ["question", "answer", "count", "average"]
    export_headings = {
        "question": _("Frage"),
        "answer": _("Antwort"),
        "count": _("Anzahl"),
        "average": _("Durchschnitt"),
    }
    custom_field_preprocess = {
        "average": {
            SpreadsheetExportMixin.FORMAT_CSV: decimal_comma,
            SpreadsheetExportMixin.FORMAT_XLSX: None,
        }
    }

    def __init__(self, event):
        self.export_filename = f"feedback-{event.slug}"


def feedback_results_view(request, event_id):
    """The feedback of an event (`feedback.results`), or its export."""
    require(request, "view")
    event = get_object_or_404(events_for(request.user), pk=event_id)
    export = request.GET.get("export")
    if export in SpreadsheetExportMixin.FORMATS:
        return FeedbackExport(event).as_spreadsheet(feedback.export_rows(event), export)
    return TemplateResponse(
        request,
        "registrations/admin/feedback_results.html",
        {"event": event, "results": feedback.results(event)},
    )


def event_label(event):
    """ "Title (12.03.2026)": the first date tells the runs of a series apart."""
    dates = sorted(date.start for date in event.dates.all())
    if not dates:
        return event.title
    return f"{event.title} ({formats.date_format(timezone.localtime(dates[0]), 'd.m.Y')})"


class CompareForm(forms.Form):
    event = forms.ModelMultipleChoiceField(
        label=_("Veranstaltungen"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        field.queryset = events
        field.label_from_instance = event_label

    def clean_event(self):
        chosen = self.cleaned_data["event"]
        if len(chosen) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Bitte höchstens %(count)s Veranstaltungen wählen.") % {"count": MAX_COMPARED}
            )
        return chosen


def feedback_compare_view(request):
    """GET `?event=…&event=…`: those events side by side (`feedback.compare`);
    `?serie=<id>`: the runs of that event's series preselected."""
    require(request, "view")
    candidates = (
        events_for(request.user)
        .filter(feedback_questions__isnull=False)
        .distinct()
        .order_by("title", "pk")
        .prefetch_related("dates")
    )
    form = CompareForm(request.GET if "event" in request.GET else None, events=candidates)
    chosen = []
    if form.is_bound and form.is_valid():
        chosen = list(form.cleaned_data["event"].order_by("first_published_at", "pk"))
    elif not form.is_bound and request.GET.get("serie", "").isdigit():
        start = candidates.filter(pk=int(request.GET["serie"])).first()
        if start is not None:
            chosen = list(
                candidates.filter(pk__in=feedback.series(start).values("pk")).order_by(
                    "first_published_at", "pk"
                )[:MAX_COMPARED]
            )
            form = CompareForm(initial={"event": chosen}, events=candidates)
    return TemplateResponse(
        request,
        "registrations/admin/feedback_compare.html",
        {
            "form": form,
            "comparison": feedback.compare(chosen) if chosen else None,
            "labels": [event_label(event) for event in chosen],
        },
    )
