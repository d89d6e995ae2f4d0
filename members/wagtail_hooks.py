"""The members app in the Wagtail admin: the "Netzwerk" menu and the coordinators' reports.

"Netzwerk" groups the member listing, the signatures (`admin_signatures`), the sector list
(a snippet, reorderable) and the reports; the two
agreement reports are also listed under Wagtail's "Berichte" menu, where editors look for
reports. Member and agreement pages themselves are edited in the page tree.
"""

from django import forms
from django.db.models import Q
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_signing  # noqa: F401 (the "Unterzeichnung erfassen" view and buttons)
from .admin_checks import CheckStatusViewSet, ConceptsDueReportViewSet, StartCampaignViewSet
from .admin_listing import MemberListingViewSet
from .admin_signatures import SignatureViewSet
from .admin_signing_rounds import SigningRoundViewSet
from .models import Sector
from .reports import (
    IsefReportView,
    ReportMenuItem,
    ReviewsDueReportView,
    UnsignedMembersReportView,
)


class SectorSearchForm(BaseFilterForm):
    """The sector chooser's search box: sectors whose name or short name contains the term
    (in the database; sectors are not in the search index)."""

    q = forms.CharField(
        label=_("Suchbegriff"),
        widget=forms.TextInput(attrs={"placeholder": _("Suchen")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(slug__icontains=query))
            self.is_searching = True
            self.search_query = query
        return objects


class SectorChooseView(ChooseView):
    filter_form_class = SectorSearchForm


class SectorChooseResultsView(ChooseResultsView):
    filter_form_class = SectorSearchForm


class SectorChooserViewSet(SnippetChooserViewSet):
    choose_view_class = SectorChooseView
    choose_results_view_class = SectorChooseResultsView


class SectorViewSet(SnippetViewSet):
    model = Sector
    chooser_viewset_class = SectorChooserViewSet
    icon = "tag"
    menu_label = _("Bereiche")
    list_display = ["name", "slug"]
    sort_order_field = "sort_order"
    copy_view_enabled = False


class ReportViewSet(ViewSet):
    """Serves one ReportView: the page, its results fragment (filters) and the export."""

    report_view_class = None
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        view = self.report_view_class
        return [
            path("", view.as_view(**urls), name="index"),
            path("results/", view.as_view(results_only=True, **urls), name="index_results"),
        ]


class UnsignedMembersReportViewSet(ReportViewSet):
    name = "members_unsigned"
    url_prefix = "members/unsigned"
    icon = "warning"
    menu_label = _("Ohne Unterschrift")
    report_view_class = UnsignedMembersReportView


class ReviewsDueReportViewSet(ReportViewSet):
    name = "members_reviews_due"
    url_prefix = "members/reviews-due"
    icon = "date"
    menu_label = _("Überprüfung fällig")
    report_view_class = ReviewsDueReportView


class IsefReportViewSet(ReportViewSet):
    name = "members_isef"
    url_prefix = "members/isef"
    icon = "user"
    menu_label = _("Insoweit erfahrene Fachkräfte")
    report_view_class = IsefReportView


class NetworkViewSetGroup(ViewSetGroup):
    menu_label = _("Netzwerk")
    menu_icon = "group"
    menu_order = 250
    items = (
        MemberListingViewSet,
        SignatureViewSet,
        SectorViewSet,
        UnsignedMembersReportViewSet,
        ReviewsDueReportViewSet,
        IsefReportViewSet,
        SigningRoundViewSet,
        ConceptsDueReportViewSet,
        StartCampaignViewSet,
        CheckStatusViewSet,
    )


register_snippet(NetworkViewSetGroup)


@hooks.register("register_reports_menu_item")
def register_unsigned_members_report():
    return ReportMenuItem(
        _("Netzwerkpartner ohne Unterschrift"),
        reverse("members_unsigned:index"),
        name="members-unsigned",
        icon_name="warning",
        order=1200,
    )


@hooks.register("register_reports_menu_item")
def register_reviews_due_report():
    return ReportMenuItem(
        _("Vereinbarungen: Überprüfung fällig"),
        reverse("members_reviews_due:index"),
        name="members-reviews-due",
        icon_name="date",
        order=1210,
    )


@hooks.register("insert_global_admin_css")
def report_css():
    """Names in the reports wrap between words only (members/css/reports.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("members/css/reports.css"))


@hooks.register("register_log_actions")
def register_self_service_log_action(actions):
    """The page history names the maintainer who submitted a self-service change or
    confirmed the entry unchanged in a check round."""
    from wagtail.log_actions import LogFormatter

    from .self_service import LOG_ACTION, LOG_LABEL, log_message

    @actions.register_action(LOG_ACTION)
    class SelfServiceLogFormatter(LogFormatter):
        label = LOG_LABEL

        def format_message(self, log_entry):
            return log_message(log_entry)

    from . import checks

    @actions.register_action(checks.LOG_ACTION)
    class CheckConfirmedLogFormatter(LogFormatter):
        label = checks.LOG_LABEL

        def format_message(self, log_entry):
            return checks.log_message(log_entry)


@hooks.register("before_serve_document")
def hide_unapproved_concepts(document, request):
    """A concept PDF uploaded through an edit link is not public before its approval."""
    from django.http import Http404

    from .self_service import refuse_public_download

    if refuse_public_download(document, request):
        raise Http404
    return None
