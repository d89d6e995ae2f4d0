"""Template tags for the site frame: navigation and the footer's links."""

from django import forms, template
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.models import Site

from kinderschutz_cms import frame

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The home page's live, public children marked "show in menus" (from the cache of
    `kinderschutz_cms.frame`, per site; one query when it is built)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return frame.navigation(site)


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


@register.filter
def applied_filters(form):
    """The filters of a bound GET filter form that were applied, as readable text for the
    page title and the results heading (WCAG 2.4.2), e.g. "Art: Fachtag, Format: Online".

    Choice fields show the label of the chosen option, a ticked checkbox its label, a text
    field its value in quotes. Fields with an error were not applied and are left out.
    """
    if not form.is_bound:
        return ""
    form.is_valid()
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value or name in form.errors:
            continue
        if isinstance(field, forms.BooleanField):
            parts.append(str(field.label))
            continue
        # A text field shown as a list (the calendar's month) reads like a choice field.
        choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
        value = _choice_label(choices, value) if choices else f"„{value}“"
        parts.append(f"{field.label}: {value}")
    return ", ".join(parts)


def _choice_label(choices, value):
    for key, label in choices:
        if isinstance(label, list | tuple):
            if (found := _choice_label(label, value)) is not None:
                return found
        elif str(key) == str(value):
            return label
    return value


@register.simple_tag
def site_language():
    """The language the site's content is written in (LANGUAGE_CODE, German)."""
    return settings.LANGUAGE_CODE


DESCRIPTION_FIELDS = ("search_description", "intro", "teaser", "description")


@register.simple_tag(takes_context=True)
def meta_description(context):
    """The page's meta description: its search description, else its intro, teaser or
    description (plain text, about 160 characters), else the network's name with the
    page's title (or the `meta_description` a non-page view puts in its context).
    No query: only fields the page has loaded and the cached settings."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    page = context.get("page")
    for name in DESCRIPTION_FIELDS:
        value = getattr(page, name, None) if page is not None else None
        if isinstance(value, str) and value.strip():
            text = " ".join(strip_tags(value).split())
            return Truncator(text).chars(160)
    if context.get("meta_description"):
        return context["meta_description"]
    network = ""
    request = context.get("request")
    if request is not None:
        from kinderschutz_cms.models import NetworkSettings

        network = NetworkSettings.for_request(request).network_name
    title = getattr(page, "title", "") or context.get("page_title", "")
    return f"{network}: {title}" if title else network


class FrameFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, condition=None):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on
        self.condition = condition

    def render(self, context):
        import hashlib

        from django.core.cache import cache
        from django.utils.translation import get_language

        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        if self.condition is not None and not self.condition.resolve(context):
            return self.nodelist.render(context)
        site = Site.find_for_request(request)
        vary = [v.resolve(context) for v in self.vary_on]
        digest = hashlib.sha256(repr([str(v) for v in vary]).encode()).hexdigest()
        entry_key = frame.key(
            "fragment", self.name, site.pk if site else "", get_language(), digest
        )
        html = cache.get(entry_key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(entry_key, html, frame.TIMEOUT)
        return html


@register.tag
def frame_fragment(parser, token):
    """`{% frame_fragment "name" value … %}…{% endframe_fragment %}`: the enclosed part
    rendered once and kept in the frame cache (kinderschutz_cms.frame) per name, values,
    site and language, like Django's `{% cache %}` but ended by every change that starts
    a new frame generation (pages, settings, sites, view restrictions, images, documents
    and the snippets apps watch). So only for parts drawn from those alone; whatever else
    they show (seats left, the dates still to come, the request) must be among the
    values. Previews are always rendered and never kept: their content is not saved.

    `{% frame_fragment "name" value … if condition %}`: kept only when `condition` holds,
    else rendered each time (for parts whose values a visitor could vary without bound,
    e.g. filters combined or invented)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("frame_fragment needs a name")
    condition = None
    if "if" in bits[2:]:
        at = bits.index("if", 2)
        if at != len(bits) - 2:
            raise template.TemplateSyntaxError("frame_fragment: one value after 'if'")
        condition, bits = parser.compile_filter(bits[-1]), bits[:at]
    nodelist = parser.parse(("endframe_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    values = [parser.compile_filter(b) for b in bits[2:]]
    return FrameFragmentNode(nodelist, name, values, condition)
