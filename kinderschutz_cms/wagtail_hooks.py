"""Hooks of the site-wide app: German slugs in the editor's JavaScript; served pages
marked for the page cache; the lighter explorer of calendars, directories and news
(`explorer.py`)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def german_slug_js():
    """Typing a title fills the slug with ae/oe/ue/ss (see german-slug.js)."""
    return format_html('<script src="{}"></script>', static("kinderschutz_cms/js/german-slug.js"))


@hooks.register("before_serve_page")
def mark_for_page_cache(page, request, serve_args, serve_kwargs):
    """Anonymous answers of Wagtail pages may be kept whole (kinderschutz_cms.page_cache)."""
    from .page_cache import served

    served(page, request)


@hooks.register("register_admin_viewset")
def register_compact_explorers():
    """The explorer of pages with many children stays under 100 KB (explorer.py)."""
    from .explorer import compact_explorer_viewsets

    return compact_explorer_viewsets()
