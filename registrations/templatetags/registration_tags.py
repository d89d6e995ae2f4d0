"""Template tags of the registration box on event pages and of seat counts in lists."""

from django import template

from .. import queries

register = template.Library()


@register.simple_tag
def registration_availability(page):
    """The `Availability` of an event (whether the form is offered, seats left)."""
    return queries.availability(page)


@register.filter
def listed_seats_left(event):
    """Seats left of an event in a list annotated by `queries.annotate_counts` (no query);
    None when no limit is shown: no registration, no capacity, or cancelled."""
    if not event.registration_enabled or event.capacity is None or event.is_cancelled:
        return None
    return max(event.capacity - event.seats_taken, 0)
