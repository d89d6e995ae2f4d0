"""Template tags of the registration box on event pages, of seat counts in lists and of the
e-mails."""

from django import template
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import pgettext

from .. import queries

register = template.Library()


@register.simple_tag
def registration_availability(page):
    """The `Availability` of an event (whether the form is offered, seats left), counted
    once per page object (`queries.page_availability`)."""
    return queries.page_availability(page)


@register.filter
def listed_seats_left(event):
    """Seats left of an event in a list annotated by `queries.annotate_counts` (no query);
    None when no limit is shown: no registration, no capacity, cancelled, or a list that
    counts no seats (the calendar's archive, whose card key still asks)."""
    if not event.registration_enabled or event.capacity is None or event.is_cancelled:
        return None
    taken = getattr(event, "seats_taken", None)
    if taken is None:
        return None
    return max(event.capacity - taken, 0)


@register.filter
def time_range(start, end):
    """ "14:00–16:00 Uhr" in German, "2:00 p.m.–4:00 p.m." in English: both ends in the
    language's one time format, the German "Uhr" said once (the start's format is a
    translatable string for that reason)."""
    start_format = pgettext("format of the first time in a time range", "H:i")
    return f"{time_format(localtime(start), start_format)}–{time_format(localtime(end))}"
