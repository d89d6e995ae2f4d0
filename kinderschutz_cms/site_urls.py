"""Non-page endpoints of the apps (feeds, personal links, search, language switch).

Kept apart from the project's urls.py so that an existing Wagtail site can include them
with one line: `path("", include("kinderschutz_cms.site_urls"))` before Wagtail's urls.
News feeds are routes of the news index page (news/models.py), not listed here.
"""

from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("suche/", views.search, name="kinderschutz_search"),  # no clash with a host's "search"
    # The language switch in the header: Django's view stores the choice in a cookie.
    path("sprache/", set_language, name="set_language"),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
    path(
        "", include("members.urls_self_service")
    ),  # maintainers' links (#13)  # calendar files answered from the cache
]
