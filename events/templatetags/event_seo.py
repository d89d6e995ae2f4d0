"""The schema.org Event JSON-LD of an event page (`events.jsonld`)."""

from django import template

from kinderschutz_cms.links import page_url

from .. import jsonld

register = template.Library()


@register.simple_tag(takes_context=True)
def event_json_ld(context):
    """`<script type="application/ld+json">` for the page in `context`: no query of its
    own (the dates come from the page's context, the seats are the registration box's
    `registrations.queries.page_availability`, the settings come from the frame cache)."""
    import registrations.queries
    from kinderschutz_cms.models import NetworkSettings

    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not page.pk:
        return ""
    url = page_url(page, request) or request.build_absolute_uri(request.path)
    organiser = page.organiser_page
    if organiser is not None:
        organizer_name = page.organiser_name or organiser.title
        organizer_url = page_url(organiser, request)
    else:
        network = NetworkSettings.for_request(request)
        organizer_name = page.organiser_name or network.coordination_name or network.network_name
        organizer_url = "" if page.organiser_name else request.build_absolute_uri("/")
    availability = (
        registrations.queries.page_availability(page) if page.registration_enabled else None
    )
    data = jsonld.event_data(
        page,
        context.get("dates") or page.sorted_dates(),
        url=url,
        availability=availability,
        registration_url=url + page.reverse_subpage("register"),
        organizer_name=organizer_name,
        organizer_url=organizer_url,
    )
    return jsonld.script_tag(data)
