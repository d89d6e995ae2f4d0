"""Non-page endpoints of the apps (feeds, personal links, search, language switch,
robots.txt and sitemap.xml).

Kept apart from the project's urls.py so that an existing Wagtail site can include them
with one line: `path("", include("kinderschutz_cms.site_urls"))` before Wagtail's urls.
News feeds are routes of the news index page (news/models.py), not listed here.
"""

from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from . import seo, views


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("kinderschutz_cms/favicon.ico")  # at request time: hashed names work


urlpatterns = [
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    # Browsers ask for /favicon.ico whatever the page links; no 404 in their console.
    path("favicon.ico", FaviconView.as_view()),
    path("suche/", views.search, name="kinderschutz_search"),  # no clash with a host's "search"
    # The language switch in the header: Django's view stores the choice in a cookie.
    # Without a CSRF token: it is in the header of every page, and a token there would set
    # the CSRF cookie for every anonymous visitor; a forged switch only changes a display
    # preference (#18: no cookie but on pages with a form).
    path("sprache/", csrf_exempt(set_language), name="set_language"),
    path("", include("registrations.urls")),
    path("", include("events.urls")),  # calendar files answered from the cache
    path("", include("members.urls")),  # the signing page of the agreement's signing links
    path("", include("members.urls_self_service")),  # maintainers' links (#13)
    path("", include("publicbody.urls")),  # "Barriere melden"
]
