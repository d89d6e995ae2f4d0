"""Admin: the list of all events, venues and audiences (snippets) and the members' own
calendars (`external_admin`), grouped in one "Veranstaltungen" menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .admin_listing import EventListingViewSet
from .external_admin import ExternalCalendarViewSet
from .models import Audience, Venue


class VenueIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The venue list, exported through the admin's one export path (BOM, no formulas)."""


class VenueViewSet(SnippetViewSet):
    model = Venue
    index_view_class = VenueIndexView
    icon = "site"
    menu_label = _("Veranstaltungsorte")
    list_display = ["name", "town", "room", "updated_at"]
    list_filter = ["town"]
    search_fields = ["name", "town", "street"]
    list_export = ["name", "street", "postcode", "town", "room", "accessibility"]
    export_filename = "veranstaltungsorte"


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Zielgruppen")
    list_display = ["name", "slug"]
    search_fields = ["name"]


class EventSnippetsGroup(SnippetViewSetGroup):
    items = (EventListingViewSet, VenueViewSet, AudienceViewSet, ExternalCalendarViewSet)
    menu_icon = "date"
    menu_label = _("Veranstaltungen")
    menu_name = "events"


register_snippet(EventSnippetsGroup)
