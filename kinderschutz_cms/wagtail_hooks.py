"""Admin hooks of the site-wide app: German slugs in the editor's JavaScript."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def german_slug_js():
    """Typing a title fills the slug with ae/oe/ue/ss (see german-slug.js)."""
    return format_html('<script src="{}"></script>', static("kinderschutz_cms/js/german-slug.js"))
