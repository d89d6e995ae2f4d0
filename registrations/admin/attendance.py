"""Attendance in the admin: the printable attendance list of an event (German order, a
signature column per date, one-click marking on screen), the one-click "present" form
behind it and behind the "Teilnahme" column of the registrations list. The rule is
`services.attendance`; nothing here changes a registration itself."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from kinderschutz_cms.collation import german_sort_key

from ..errors import RegistrationError
from ..forms import parse_occurrence_day
from ..models import Registration, RegistrationStatus
from ..services import attendance
from .scope import events_for, registrations_for, require


def by_german_name(registrations):
    """Registrations sorted by last name, then first name, in German order (DIN 5007)."""
    return sorted(
        registrations,
        key=lambda r: (german_sort_key(r.last_name), german_sort_key(r.first_name), r.pk),
    )


def attendance_list_view(request, event_id):
    """A printable list of confirmed participants with a signature column per date; on
    screen each cell also has a button that records (or takes back) attendance.

    Of a recurring event, one list per occurrence (`?termin=YYYY-MM-DD`, default: the
    next occurrence with participants, else the last): its participants, and attendance
    is recorded on the registration's one date, which stands for its occurrence."""
    require(request, "view")
    event = get_object_or_404(events_for(request.user), pk=event_id)
    dates = list(event.dates.order_by("start", "pk"))
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    days = sorted(
        set(
            confirmed.filter(occurrence_date__isnull=False).values_list(
                "occurrence_date", flat=True
            )
        )
    )
    day = occurrence = None
    if days:
        day = parse_occurrence_day(request.GET.get("termin", ""))
        if day not in days:
            today = timezone.localdate()
            day = next((d for d in days if d >= today), days[-1])
        confirmed = confirmed.filter(occurrence_date=day)
        occurrence = event.registration_occurrence(day)
    registrations = by_german_name(confirmed.prefetch_related("bookings__workshop", "attendances"))
    rows = []
    for registration in registrations:
        present = {a.event_date_id for a in registration.attendances.all()}
        rows.append(
            {
                "registration": registration,
                "cells": [{"date": date, "present": date.pk in present} for date in dates],
            }
        )
    return TemplateResponse(
        request,
        "registrations/admin/attendance_list.html",
        {
            "event": event,
            "rows": rows,
            "dates": dates,
            "occurrence_days": days,
            "occurrence_day": day,
            "occurrence": occurrence,
            "can_mark": request.user.has_perm("registrations.change_registration"),
            "present_count": [
                sum(1 for row in rows if row["cells"][i]["present"]) for i in range(len(dates))
            ],
        },
    )


def attendance_mark_view(request, pk):
    """POST: mark a registration present (attended=1) or not (attended=0) at one date
    (`date`) or at all dates of its event; back to `next` (the list it came from)."""
    require(request, "change")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    registration = get_object_or_404(registrations_for(request.user), pk=pk)
    date = request.POST.get("date")
    attended = request.POST.get("attended") == "1"
    try:
        attendance.set_attendance(
            registration, attended, date_ids=[date] if date and date.isdigit() else None
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        text = (
            _("Teilnahme eingetragen: %(name)s")
            if attended
            else _("Teilnahme zurückgenommen: %(name)s")
        )
        messages.success(request, text % {"name": registration})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("registrations:index") + f"?event={registration.event_id}"
    return HttpResponseRedirect(next_url)


class AttendanceColumn(Column):
    """ "Teilnahme" in the registrations list: for a confirmed registration a one-click
    button (present / take back); for events with several dates the count of dates and a
    link to the attendance list, where each date is marked."""

    cell_template_name = "registrations/admin/attendance_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        date_count = getattr(instance, "date_count", 1)
        context.update(
            {
                "registration": instance,
                "confirmed": instance.status == RegistrationStatus.CONFIRMED,
                "multi_date": date_count > 1,
                "date_count": date_count,
                "present_count": len(instance.attendances.all()),
                "can_mark": request.user.has_perm("registrations.change_registration"),
                "mark_url": reverse("registrations:attendance_mark", args=[instance.pk]),
                "list_url": reverse("registrations:attendance", args=[instance.event_id]),
                "next_url": request.get_full_path(),
                "csrf_token": get_token(request),
            }
        )
        return context


class OccurrenceColumn(Column):
    """ "Termin der Reihe": the occurrence a registration of a recurring event is for, as
    it is now (moved: its new date), flagged when it is cancelled or no longer in the
    series (the registration keeps its date; see `Registration`). One query per
    occurrence shown on the page, not per row."""

    cell_template_name = "registrations/admin/occurrence_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        occurrence = None
        if instance.occurrence_date is not None:
            request = parent_context["request"]
            known = request.__dict__.setdefault("_registration_occurrences", {})
            key = (instance.event_id, instance.occurrence_date)
            if key not in known:
                known[key] = instance.occurrence()
            occurrence = known[key]
        context.update(
            {
                "day": instance.occurrence_date,
                "occurrence": occurrence,
                "gone": instance.occurrence_date is not None
                and (occurrence is None or occurrence.cancelled),
            }
        )
        return context
