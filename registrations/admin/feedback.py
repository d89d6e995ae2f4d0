"""The feedback survey in the admin: the results of one event (counts and averages per
question as server-rendered SVG bars, the free texts; `?export=csv|xlsx` through the
admin's one export path, `kinderschutz_cms.exports`) and the comparison of several events
(the runs of a series preselected, see `feedback.series`). Only events whose
registrations the user may see (`scope.events_for`).

At a Land's size (10,000 events) the comparison never lists every candidate: it shows
the chosen events and at most `CANDIDATES_SHOWN` others that match a search (title, date
range), so the page and its queries stay the same size however many events exist."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .. import feedback
from ..models import FeedbackQuestion
from .scope import events_for, require

MAX_COMPARED = 10
CANDIDATES_SHOWN = 25
FIRST_SEARCH_YEAR, LAST_SEARCH_YEAR = 1900, 2999  # the years a search may name


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


class CandidateSearchForm(forms.Form):
    """Narrows the events offered for comparison (`matching_candidates`)."""

    q = forms.CharField(label=_("Titel enthält"), required=False, max_length=255)
    date_from = forms.DateField(
        label=_("Termin ab"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Termin bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _within_years(self, name):
        # days at the ends of the calendar cannot be turned into the instants compared
        # (the day after 9999-12-31, midnight of 0001-01-01 in UTC)
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_SEARCH_YEAR <= day.year <= LAST_SEARCH_YEAR:
            raise forms.ValidationError(
                _("Bitte ein Datum zwischen den Jahren %(first)s und %(last)s angeben.")
                % {"first": FIRST_SEARCH_YEAR, "last": LAST_SEARCH_YEAR}
            )
        return day

    def clean_date_from(self):
        return self._within_years("date_from")

    def clean_date_to(self):
        return self._within_years("date_to")


def local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def matching_candidates(candidates, *, q="", date_from=None, date_to=None):
    """`candidates` with a title containing `q` and a date starting within
    [`date_from`, `date_to`] (local days, both ends included), by title. A lazy queryset:
    the caller slices it."""
    if q:
        candidates = candidates.filter(title__icontains=q)
    if date_from or date_to:
        dates = candidates.model._meta.get_field("dates").related_model.objects.filter(
            page=OuterRef("pk")
        )
        if date_from:
            dates = dates.filter(start__gte=local_midnight(date_from))
        if date_to:
            dates = dates.filter(start__lt=local_midnight(date_to + timedelta(days=1)))
        candidates = candidates.filter(Exists(dates))
    return candidates


class CompareForm(forms.Form):
    """The events to compare. Validated against all `events` the user may compare, but
    rendered only with the choices the view sets (`offer`), never the whole queryset."""

    event = forms.ModelMultipleChoiceField(
        label=_("Veranstaltungen"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events

    def offer(self, shown):
        """Render `shown` (event pages) as the checkboxes, labelled by `event_label`."""
        self.fields["event"].widget.choices = [(event.pk, event_label(event)) for event in shown]

    def clean_event(self):
        chosen = self.cleaned_data["event"]
        if len(chosen) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Bitte höchstens %(count)s Veranstaltungen wählen.") % {"count": MAX_COMPARED}
            )
        return chosen


def page_id(value) -> int | None:
    """`value` as a page id, or None if it cannot be one ("²" is a digit to `isdigit`
    but not a number to `int`; an id has at most 18 digits)."""
    if not value.isdecimal() or len(value) > 18:
        return None
    return int(value)


def submitted_pks(values):
    """The event ids of a submitted form that can be ids, at most `CANDIDATES_SHOWN`."""
    pks = (page_id(value) for value in values)
    return [pk for pk in pks if pk is not None][:CANDIDATES_SHOWN]


def feedback_compare_view(request):
    """GET `?event=…&event=…`: those events side by side (`feedback.compare`);
    `?serie=<id>`: the runs of that event's series preselected; `?q=…&date_from=…&
    date_to=…`: the other events offered, at most `CANDIDATES_SHOWN` of them.

    Queries do not depend on the number of events: the chosen events (2), the offered
    ones (2, one row more than shown to tell whether the search should be narrowed) and
    the comparison (`feedback.compare`, two per chosen event)."""
    require(request, "view")
    candidates = (
        events_for(request.user)
        .filter(Exists(FeedbackQuestion.objects.filter(page=OuterRef("pk"))))
        .order_by("title", "pk")
        .prefetch_related("dates")
    )
    search = CandidateSearchForm(request.GET)
    form = CompareForm(request.GET if "event" in request.GET else None, events=candidates)
    chosen = []
    if form.is_bound and form.is_valid():
        chosen = list(form.cleaned_data["event"].order_by("first_published_at", "pk"))
        selected = chosen
    elif form.is_bound:
        # e.g. too many chosen: keep them ticked so that the user can untick some
        selected = list(candidates.filter(pk__in=submitted_pks(request.GET.getlist("event"))))
    else:
        selected = []
        if (series_id := page_id(request.GET.get("serie", ""))) is not None:
            start = candidates.filter(pk=series_id).first()
            if start is not None:
                chosen = selected = list(
                    candidates.filter(pk__in=feedback.series(start).values("pk")).order_by(
                        "first_published_at", "pk"
                    )[:MAX_COMPARED]
                )
                form = CompareForm(initial={"event": chosen}, events=candidates)
    matches = matching_candidates(
        candidates, **(search.cleaned_data if search.is_valid() else {})
    ).exclude(pk__in=[event.pk for event in selected])
    offered = list(matches[: CANDIDATES_SHOWN + 1])
    form.offer(selected + offered[:CANDIDATES_SHOWN])
    return TemplateResponse(
        request,
        "registrations/admin/feedback_compare.html",
        {
            "search": search,
            "form": form,
            "more_candidates": len(offered) > CANDIDATES_SHOWN,
            "candidates_shown": CANDIDATES_SHOWN,
            "comparison": feedback.compare(chosen) if chosen else None,
            "labels": [event_label(event) for event in chosen],
        },
    )
