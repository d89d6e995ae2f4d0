"""Non-page endpoints of the apps (feeds, personal links, search).

Kept apart from the project's urls.py so that an existing Wagtail site can include them
with one line: `path("", include("kinderschutz_cms.site_urls"))` before Wagtail's urls.
News feeds are routes of the news index page (news/models.py), not listed here.
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("suche/", views.search, name="search"),
    path("", include("events.urls")),
]
