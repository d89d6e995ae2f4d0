"""Admin screens of #13's coordinator side: the check round (start it, who has not
answered) and the protection concepts due for review. Rules: members/checks.py and
members/concepts.py; the reports follow members/reports.py (same permissions and export)."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet

from kinderschutz_cms.admin_tables import SiteChoiceFilter

from .checks import members_for, start_campaign
from .choices import CheckAnswer
from .concepts import concepts_due_for_review
from .models import CheckCampaign, CheckRequest, Sector
from .reports import (
    CoordinatorReportView,
    MemberSiteSectorFilterSet,
    ReportMenuItem,
    SiteFilterSet,
    TextDateColumn,
    _page_edit_column,
    may_see_reports,
    permitted_pages,
    visible_sites,
)


class ConceptsDueReportView(CoordinatorReportView):
    """Adopted protection concepts whose review is due (members/concepts.py)."""

    page_title = _("Schutzkonzepte mit fälliger Überprüfung")
    header_icon = "date"
    filterset_class = MemberSiteSectorFilterSet
    export_filename = "schutzkonzepte-ueberpruefung-faellig"
    columns = [
        _page_edit_column(_("Netzwerkpartner")),
        Column("sector", label=_("Bereich")),
        TextDateColumn("concept_adopted_on", label=_("Beschlossen am")),
        TextDateColumn("concept_reviewed_on", label=_("Zuletzt überprüft am")),
        Column("email", label=_("E-Mail")),
    ]
    list_export = ["title", "sector", "concept_adopted_on", "concept_reviewed_on", "email"]
    export_headings = {
        "title": _("Netzwerkpartner"),
        "sector": _("Bereich"),
        "concept_adopted_on": _("Beschlossen am"),
        "concept_reviewed_on": _("Zuletzt überprüft am"),
        "email": _("E-Mail"),
    }
    no_results_message = _("Keine Überprüfung eines Schutzkonzepts fällig.")

    def total_label(self, count):
        return ngettext(
            "%(count)s Schutzkonzept mit fälliger Überprüfung",
            "%(count)s Schutzkonzepte mit fälliger Überprüfung",
            count,
        )

    def get_queryset(self):
        return self.permitted(concepts_due_for_review(timezone.localdate()))


class CheckStatusFilterSet(SiteFilterSet):
    site = SiteChoiceFilter(sites=visible_sites, field="member")
    campaign = django_filters.ModelChoiceFilter(
        label=_("Prüfrunde"), queryset=CheckCampaign.objects.all(), empty_label=_("alle")
    )
    answer = django_filters.ChoiceFilter(
        label=_("Antwort"), choices=CheckAnswer.choices, empty_label=_("alle")
    )

    class Meta:
        model = CheckRequest
        fields = ["site", "campaign", "answer"]


class CheckStatusReportView(CoordinatorReportView):
    """Members asked in a check round and their answer; open ones first."""

    page_title = _("Prüfrunde: Rückmeldungen")
    header_icon = "tasks"
    filterset_class = CheckStatusFilterSet
    page_field = "member"
    export_filename = "pruefrunde-rueckmeldungen"
    columns = [
        _page_edit_column(_("Netzwerkpartner"), accessor="member", id_accessor="member_id"),
        Column("campaign", label=_("Prüfrunde")),
        Column("get_answer_display", label=_("Antwort")),
        TextDateColumn("answered_at", label=_("Beantwortet am")),
        TextDateColumn("reminded_at", label=_("Erinnert am")),
    ]
    list_export = [
        "member.title",
        "campaign",
        "answer",
        "answered_at",
        "answered_by",
        "reminded_at",
    ]
    export_headings = {
        "member.title": _("Netzwerkpartner"),
        "campaign": _("Prüfrunde"),
        "answer": _("Antwort"),
        "answered_at": _("Beantwortet am"),
        "answered_by": _("Beantwortet von"),
        "reminded_at": _("Erinnert am"),
    }
    no_results_message = _("Keine Prüfanfragen.")

    def total_label(self, count):
        return ngettext("%(count)s Prüfanfrage", "%(count)s Prüfanfragen", count)

    def get_queryset(self):
        return self.permitted(
            CheckRequest.objects.select_related("member", "campaign").order_by(
                "answered_at", "member__title"
            )
        )


class StartCampaignForm(forms.Form):
    sector = forms.ModelChoiceField(
        label=_("Bereich"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("alle Bereiche"),
        help_text=_("Leer lassen, um alle Netzwerkpartner anzuschreiben."),
    )
    confirm = forms.BooleanField(
        label=_("Alle ausgewählten Ansprechpersonen jetzt per E-Mail anschreiben"),
        error_messages={"required": _("Bitte bestätigen Sie den Versand.")},
    )


def start_campaign_view(request):
    """ "Prüfrunde starten": every maintainer of the chosen (permitted) members gets a link."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    form = StartCampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        sector = form.cleaned_data["sector"]
        members = members_for(sector).filter(pk__in=permitted_pages(request.user).values("pk"))
        campaign = start_campaign(
            request.user,
            members,
            description=str(sector) if sector else str(_("alle Bereiche")),
            sector=sector,
            request=request,
        )
        count = campaign.requests.count()
        messages.success(
            request,
            ngettext(
                "Prüfrunde gestartet: %(count)s Netzwerkpartner angeschrieben.",
                "Prüfrunde gestartet: %(count)s Netzwerkpartner angeschrieben.",
                count,
            )
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("members_checks:index") + f"?campaign={campaign.pk}")
    return TemplateResponse(request, "members/admin/start_campaign.html", {"form": form})


class ConceptsDueReportViewSet(ViewSet):
    name = "members_concepts_due"
    url_prefix = "members/concepts-due"
    icon = "date"
    menu_label = _("Schutzkonzepte: Überprüfung fällig")
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        view = ConceptsDueReportView
        return [
            path("", view.as_view(**urls), name="index"),
            path("results/", view.as_view(results_only=True, **urls), name="index_results"),
        ]


class CheckStatusViewSet(ViewSet):
    name = "members_checks"
    url_prefix = "members/checks"
    icon = "tasks"
    menu_label = _("Prüfrunden")
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        view = CheckStatusReportView
        return [
            path("", view.as_view(**urls), name="index"),
            path("results/", view.as_view(results_only=True, **urls), name="index_results"),
        ]


class StartCampaignViewSet(ViewSet):
    name = "members_checks_start"
    url_prefix = "members/checks-start"
    icon = "mail"
    menu_label = _("Prüfrunde starten")
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        return [path("", start_campaign_view, name="index")]
