"""Search engines and sharing: Open Graph tags, sitemap.xml and robots.txt, per site.

Every address here is built from the request (scheme, host, port the visitor used), so
each network of an installation names its own host (`kinderschutz_cms.links`).

- `open_graph(page, request, ...)`: the Open Graph properties of a page (title,
  description, absolute URL, type, site name, locale, image), rendered in the frame's
  `<head>` by `{% open_graph %}` (`templatetags/seo_tags.py`). A page class may provide
  `og_type` ("article" for news) and `social_image()` (a Wagtail image or None).
- `PageSitemap` / `sitemap()`: `/sitemap.xml` of the request's site
  (wagtail.contrib.sitemaps, Django's sitemap view): its live pages outside every private
  section, not expired, with `lastmod`; pages of another site whose root lies inside this
  site's tree are left to that site. Entries are read as plain pages (no `.specific()`,
  so one query per sitemap, not one per page type): a page class's own
  `get_sitemap_urls()` is not consulted.
- `robots_txt()`: `/robots.txt`, keeping crawlers out of what is personal or not meant to
  be indexed (`DISALLOWED`) and naming the absolute sitemap URL of the request's host.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page, Site

from .frame import public_q

# Path prefixes crawlers must not follow. A "*" stands for any run of characters (the
# robots.txt extension Google, Bing and others follow): routes of pages such as the
# calendar feeds ("…/ical/") and registration forms live below any page's path.
DISALLOWED = (
    "/admin/",  # the editors' admin
    "/anmeldung/",  # personal registration links (signed tokens, registrations/urls.py)
    "/bescheinigung/",  # certificate verification (numbers name a person)
    "/unterzeichnen/",  # maintainers' signing links (members/urls.py)
    "/netzwerkpartner/eintrag/",  # maintainers' edit links (members/urls_self_service.py)
    "/netzwerkpartner/pruefen/",  # maintainers' check links
    "/netzwerkpartner/*/eintrag-aktualisieren/",  # asking for an edit link (a form)
    "/barriere-melden/",  # the barrier report form (publicbody/urls.py)
    "/suche/",  # search results: endless, and may echo what people typed
    "/sprache/",  # the language switch (a POST endpoint)
    "/_util/",  # Wagtail's password and login forms of private pages
    "/*/ical/",  # calendar files and feeds (events/urls.py, the pages' "ical" routes)
    "/*/anmelden/",  # registration forms and their "sent" pages (RegistrationPageMixin)
    "/*/rss/",  # news feeds (news/models.py)
    "/*/atom/",
)

OG_LOCALES = {"de": "de_DE", "en": "en_GB"}


def open_graph(page, request: HttpRequest, *, site_name: str, title: str = "") -> dict:
    """The Open Graph properties of `page` as {property: content} (empty without a page).

    og:url is the address the visitor asked for, without its query string, so a
    calendar's archive or a filtered list is shared as the list, not the filter.
    """
    if page is None or request is None:
        return {}
    description = (
        getattr(page, "search_description", "")
        or getattr(page, "teaser", "")
        or getattr(page, "intro", "")
    )
    language = (get_language() or "de").split("-")[0]
    properties = {
        "og:title": title or getattr(page, "seo_title", "") or page.title,
        "og:type": getattr(page, "og_type", "website"),
        "og:url": request.build_absolute_uri(request.path),
        "og:site_name": site_name,
        "og:locale": OG_LOCALES.get(language, "de_DE"),
    }
    if description:
        properties["og:description"] = " ".join(strip_tags(str(description)).split())[:300]
    image = page.social_image() if hasattr(page, "social_image") else None
    if image is not None:
        rendition = image.get_rendition("width-1000")  # the one the article shows
        properties["og:image"] = request.build_absolute_uri(rendition.url)
        properties["og:image:width"] = str(rendition.width)
        properties["og:image:height"] = str(rendition.height)
    return properties


class PageSitemap(Sitemap):
    """The live, public, unexpired pages of the request's site (see module docstring)."""

    def items(self):
        site = self.get_wagtail_site()
        root = site.root_page
        now = timezone.now()
        pages = (
            Page.objects.filter(path__startswith=root.path, live=True)
            .filter(public_q())
            .exclude(expire_at__lte=now)
            .order_by("path")
            .only("path", "depth", "url_path", "last_published_at", "latest_revision_created_at")
        )
        for other in Site.get_site_root_paths():
            nested = other.root_path.startswith(root.url_path) and other.root_path != root.url_path
            if other.site_id != site.pk and nested:  # another network inside this one's tree
                pages = pages.exclude(url_path__startswith=other.root_path)
        self._root_url_path = root.url_path
        return pages

    def location(self, page):
        path = "/" + page.url_path[len(self._root_url_path) :]
        return self.request.build_absolute_uri(path)

    def _urls(self, page, protocol, domain):
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list:
            lastmod = self.lastmod(item)
            urls.append({"item": item, "location": self.location(item), "lastmod": lastmod})
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


@require_GET
def sitemap(request):
    """/sitemap.xml of the request's site."""
    return wagtail_sitemap(request, sitemaps={"pages": PageSitemap(request)})


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """/robots.txt: the `DISALLOWED` prefixes and the absolute URL of this host's sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in DISALLOWED), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
