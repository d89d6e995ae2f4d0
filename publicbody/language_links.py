"""The header's links to the site's Leichte Sprache and Gebärdensprache pages.

`for_site(site)` finds the first live, public `EasyLanguagePage` and `SignLanguagePage`
below the site's home page and returns their paths (empty when the site has none, and
the header shows no link). Read on every page, so it is kept in the frame cache
(`kinderschutz_cms.frame`): two queries when it is built, none afterwards; saving,
publishing, moving or deleting any page starts a new generation.
"""

from dataclasses import dataclass

from wagtail.models import Site

from kinderschutz_cms import frame
from kinderschutz_cms.sites import in_site


@dataclass(frozen=True)
class LanguageLinks:
    easy_language: str = ""
    sign_language: str = ""

    def __bool__(self):
        return bool(self.easy_language or self.sign_language)


def _path(model, site: Site) -> str:
    page = (
        model.objects.live()
        # below the home page, as a range of tree paths: SQLite serves Wagtail's
        # descendant_of (path LIKE …) by walking the path index of every site (issue #19)
        .filter(in_site(site.root_page.path), depth__gt=site.root_page.depth)
        .filter(frame.public_q())
        .order_by("path")
        .first()
    )
    return (page.relative_url(site) or "") if page else ""


def for_site(site: Site | None) -> LanguageLinks:
    """The paths of the site's Leichte Sprache and Gebärdensprache pages."""
    if site is None:
        return LanguageLinks()
    from .models import EasyLanguagePage, SignLanguagePage

    def build():
        return LanguageLinks(
            easy_language=_path(EasyLanguagePage, site),
            sign_language=_path(SignLanguagePage, site),
        )

    return frame.cached("language_links", site.pk, build=build)
