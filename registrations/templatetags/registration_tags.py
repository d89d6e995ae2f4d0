"""Template tags of the registration box on event pages."""

from django import template

from .. import queries

register = template.Library()


@register.simple_tag
def registration_availability(page):
    """The `Availability` of an event (whether the form is offered, seats left)."""
    return queries.availability(page)
