"""Open Graph tags for the frame's `<head>` (`kinderschutz_cms.seo`)."""

from django import template
from django.utils.html import format_html_join

from .. import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def open_graph(context, title=""):
    """`<meta property="og:…">` tags of the page in the context (nothing without one).

    The site name comes from the network's settings (the frame cache: no query); a page
    with `social_image()` costs the one query of its rendition.
    """
    from ..models import NetworkSettings

    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not getattr(page, "pk", None):
        return ""
    site_name = NetworkSettings.for_request(request).network_name
    properties = seo.open_graph(page, request, site_name=site_name, title=title)
    return format_html_join("\n", '<meta property="{}" content="{}">', sorted(properties.items()))
