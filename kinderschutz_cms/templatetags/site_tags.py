"""Template tags for the site frame: navigation and the footer's links."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The home page's live, public children marked "show in menus" (one query)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    root = site.root_page
    return list(root.get_children().live().public().in_menu().specific(defer=True))


@register.simple_tag(takes_context=True)
def site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def aria_current(context, item):
    """` aria-current="page"` on the current page's menu item, `="true"` on its section's."""
    page = context.get("page")
    if page is None or not getattr(page, "path", None):
        return ""
    if page.pk == item.pk:
        return mark_safe(' aria-current="page"')  # noqa: S308 - constant markup
    if page.path.startswith(item.path):
        return mark_safe(' aria-current="true"')  # noqa: S308 - constant markup
    return ""


@register.simple_tag
def site_language():
    """The language the site's content is written in (LANGUAGE_CODE, German)."""
    return settings.LANGUAGE_CODE
