"""Include before Wagtail's URLs (`kinderschutz_cms.site_urls` does): calendar files."""

from django.urls import re_path

from . import views

urlpatterns = [
    # The same pattern Wagtail serves pages with, limited to paths ending in "ical/".
    re_path(r"^(?P<path>(?:[\w\-]+/)*ical/)$", views.calendar_file, name="events_calendar_file"),
]
