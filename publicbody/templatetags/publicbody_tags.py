"""Template tags of the publicbody app for the site's frame."""

from django import template
from wagtail.models import Site

from publicbody import language_links as links

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The site's Leichte Sprache and Gebärdensprache paths (`language_links.for_site`);
    no query once cached."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return links.for_site(site)
