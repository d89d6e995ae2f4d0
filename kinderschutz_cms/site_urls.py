"""Non-page endpoints of the apps (feeds, personal links, search).

Kept apart from the project's urls.py so that an existing Wagtail site can include them
with one line: `path("", include("kinderschutz_cms.site_urls"))` before Wagtail's urls.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("events.urls")),
]
