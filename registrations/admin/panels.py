"""Counts only, for editors without the registration permissions: seats taken / left /
waitlisted on event rows of the page explorer, and a dashboard panel of upcoming events."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import ListingButton

from .. import queries
from ..services.locking import event_model
from .scope import events_for

# --------------------------------------------------------------------------- counts


def event_counts(event_ids):
    """{event_id: (capacity, taken, waitlisted, day)} for the given events (two queries);
    for an event registered per date, the counts of its next date with registrations
    (`day`, None if none lies ahead) instead of the sum over all dates."""
    event_ids = list(event_ids)
    per_date = queries.next_date_counts(event_ids)
    rows = queries.annotate_counts(event_model().objects.filter(pk__in=event_ids)).values(
        "pk", "capacity", "seats_taken", "waitlisted"
    )
    counts = {}
    for r in rows:
        if r["pk"] in per_date:
            day, taken, waitlisted = per_date[r["pk"]]
            counts[r["pk"]] = (r["capacity"], taken, waitlisted, day)
        else:
            counts[r["pk"]] = (r["capacity"], r["seats_taken"], r["waitlisted"], None)
    return counts


def counts_label(capacity, taken, waitlisted, day=None):
    """ "3/10 Plätze, 7 frei", prefixed "Termin 12.03.2027:" for one date of a series."""
    text = _counts_text(capacity, taken, waitlisted)
    if day is not None:
        text = _("Termin %(date)s: %(counts)s") % {
            "date": date_format(day, "SHORT_DATE_FORMAT"),
            "counts": text,
        }
    return text


def _counts_text(capacity, taken, waitlisted):
    if capacity is None:
        text = _("%(taken)s angemeldet") % {"taken": taken}
    else:
        text = _("%(taken)s/%(capacity)s Plätze, %(left)s frei") % {
            "taken": taken,
            "capacity": capacity,
            "left": max(capacity - taken, 0),
        }
    if waitlisted:
        text += ", " + _("%(n)s auf der Warteliste") % {"n": waitlisted}
    return text


@hooks.register("construct_page_listing_buttons")
def registration_counts_button(buttons, page, user, context=None):
    """Seats taken/left/waitlisted on event rows of the explorer; the counts of the
    pages of the listing's table (the rows shown, not every sibling: a Land's calendar
    holds thousands) are fetched once per request, in one query."""
    if not isinstance(page.specific_class, type) or not issubclass(
        page.specific_class, event_model()
    ):
        return
    request = context.get("request") if context else None
    cache = getattr(request, "_registration_counts", None) if request else None
    if cache is None or page.pk not in cache:
        rows = getattr(context.get("table") if context else None, "data", None)
        shown = [row.pk for row in rows] if rows is not None else [page.pk]
        if page.pk not in shown:
            shown.append(page.pk)
        cache = event_counts(shown)
        if request is not None:
            request._registration_counts = cache
    if page.pk not in cache:
        return
    capacity, taken, waitlisted, day = cache[page.pk]
    if capacity is None and not taken:
        return
    url = (
        reverse("registrations:index") + f"?event={page.pk}"
        if user.has_perm("registrations.view_registration")
        else reverse("wagtailadmin_pages:edit", args=[page.pk])
    )
    buttons.append(
        ListingButton(
            counts_label(capacity, taken, waitlisted, day),
            url=url,
            icon_name="group",
            priority=90,
        )
    )


class UpcomingRegistrationsPanel(Component):
    """Dashboard: the next ten events that take registrations, with counts (three queries,
    bounded by the ten rows: `queries.upcoming_with_counts`, then the next date's counts of
    series, `queries.next_date_counts`)."""

    name = "upcoming_registrations"
    order = 150
    template_name = "registrations/admin/upcoming_registrations_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        events = queries.upcoming_with_counts(
            events_for(self.user).filter(registration_enabled=True), limit=10
        )
        events = list(events)
        per_date = queries.next_date_counts(e.pk for e in events)
        rows = [
            {
                "event": e,
                "label": counts_label(e.capacity, *per_date[e.pk][1:], per_date[e.pk][0])
                if e.pk in per_date
                else counts_label(e.capacity, e.seats_taken, e.waitlisted),
                "pending": e.pending,
            }
            for e in events
        ]
        return {"rows": rows, "can_view": self.user.has_perm("registrations.view_registration")}


@hooks.register("construct_homepage_panels")
def add_registrations_panel(request, panels):
    panels.append(UpcomingRegistrationsPanel(request.user))
