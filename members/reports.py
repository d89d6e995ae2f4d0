"""Admin reports for the network coordination, built on Wagtail's ReportView.

Each report is a listing with filters and Wagtail's own CSV/XLSX export (through the
admin's one export path, `kinderschutz_cms.exports`: BOM, neutralised formulas); the rules behind
them (current agreement, who has not signed, which reviews are due) come from
`members.agreements`. `wagtail_hooks.py` gives each report a URL and menu entries.
"""

import django_filters
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from kinderschutz_cms.compat import page_permission_policy
from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .agreements import agreements_due_for_review, current_agreement, unsigned_members
from .models import AgreementPage, ContactPerson, MemberPage, Sector, Signatory

REPORT_PERMISSIONS = ["add", "change", "publish"]


def may_see_reports(user):
    """Whoever may add, edit or publish pages may see the reports (as Wagtail's page reports)."""
    return page_permission_policy().user_has_any_permission(user, REPORT_PERMISSIONS)


class CoordinatorReportView(SafeSpreadsheetExportMixin, ReportView):
    """A report for coordinators; see `may_see_reports`."""

    any_permission_required = REPORT_PERMISSIONS

    @cached_property
    def permission_policy(self):
        return page_permission_policy()


def _page_edit_column(label, accessor="title", id_accessor="pk"):
    return TitleColumn(
        accessor, label=label, url_name="wagtailadmin_pages:edit", id_accessor=id_accessor
    )


class UnsignedMembersFilterSet(WagtailFilterSet):
    sector = django_filters.ModelChoiceFilter(
        label=_("Bereich"), queryset=Sector.objects.all(), empty_label=_("alle")
    )

    class Meta:
        model = MemberPage
        fields = ["sector"]


class UnsignedMembersReportView(CoordinatorReportView):
    """Live members that have not signed the current agreement version."""

    page_title = _("Ohne Unterschrift unter die aktuelle Vereinbarung")
    header_icon = "warning"
    filterset_class = UnsignedMembersFilterSet
    export_filename = "netzwerkpartner-ohne-unterschrift"
    columns = [
        _page_edit_column(_("Netzwerkpartner")),
        Column("sector", label=_("Bereich")),
        Column("town", label=_("Ort")),
        Column("email", label=_("E-Mail")),
        Column("phone", label=_("Telefon")),
        DateColumn("last_signed_on", label=_("Zuletzt unterzeichnet (frühere Fassung)")),
    ]
    list_export = ["title", "sector", "provider_name", "town", "email", "phone", "last_signed_on"]
    export_headings = {
        "title": _("Netzwerkpartner"),
        "sector": _("Bereich"),
        "provider_name": _("Träger"),
        "town": _("Ort"),
        "email": _("E-Mail"),
        "phone": _("Telefon"),
        "last_signed_on": _("Zuletzt unterzeichnet"),
    }

    @cached_property
    def agreement(self):
        return current_agreement()

    def get_page_subtitle(self):
        if self.agreement is None:
            return _("Es gibt keine aktuelle Kooperationsvereinbarung.")
        return _("%(title)s, Fassung %(version)s") % {
            "title": self.agreement.title,
            "version": self.agreement.version,
        }

    def get_queryset(self):
        last_signature = Signatory.objects.filter(member=OuterRef("pk")).order_by("-signed_on")
        return unsigned_members(self.agreement).annotate(
            last_signed_on=Subquery(last_signature.values("signed_on")[:1])
        )

    @property
    def no_results_message(self):
        if self.agreement is None:
            return _("Es gibt keine aktuelle Kooperationsvereinbarung.")
        return _("Alle Netzwerkpartner haben die aktuelle Fassung unterzeichnet.")


REVIEW_WINDOWS = [
    (30, _("in den nächsten 30 Tagen oder überfällig")),
    (90, _("in den nächsten 90 Tagen oder überfällig")),
    (180, _("in den nächsten 6 Monaten oder überfällig")),
    (365, _("in den nächsten 12 Monaten oder überfällig")),
]
DEFAULT_REVIEW_WINDOW = 90


class ReviewWindowFilterSet(WagtailFilterSet):
    """Only chooses the window; the query itself is `agreements_due_for_review`."""

    within_days = django_filters.ChoiceFilter(
        label=_("Überprüfung fällig"),
        choices=[(str(days), label) for days, label in REVIEW_WINDOWS],
        empty_label=None,
        method="keep",
    )

    class Meta:
        model = AgreementPage
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class ReviewsDueReportView(CoordinatorReportView):
    """Agreements whose next review date is past or within the chosen window."""

    page_title = _("Vereinbarungen mit fälliger Überprüfung")
    header_icon = "date"
    filterset_class = ReviewWindowFilterSet
    export_filename = "vereinbarungen-ueberpruefung-faellig"
    columns = [
        _page_edit_column(_("Vereinbarung")),
        Column("version", label=_("Fassung")),
        DateColumn("next_review", label=_("Nächste Überprüfung")),
        DateColumn("valid_from", label=_("Gültig ab")),
        Column("status_string", label=_("Status")),
    ]
    list_export = ["title", "version", "next_review", "valid_from", "valid_until", "live"]
    export_headings = {
        "title": _("Vereinbarung"),
        "version": _("Fassung"),
        "next_review": _("Nächste Überprüfung"),
        "valid_from": _("Gültig ab"),
        "valid_until": _("Gültig bis"),
        "live": _("Veröffentlicht"),
    }
    no_results_message = _("Keine Überprüfung fällig.")

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        data = kwargs["data"].copy()
        data.setdefault("within_days", str(DEFAULT_REVIEW_WINDOW))
        kwargs["data"] = data
        return kwargs

    def get_queryset(self):
        within_days = DEFAULT_REVIEW_WINDOW
        if self.filters and self.filters.is_valid():
            within_days = int(self.filters.form.cleaned_data.get("within_days") or within_days)
        return agreements_due_for_review(timezone.localdate(), within_days)


class IsefReportView(CoordinatorReportView):
    """All insoweit erfahrene Fachkräfte of live members, with the date last checked."""

    page_title = _("Insoweit erfahrene Fachkräfte (IseF)")
    header_icon = "user"
    export_filename = "insoweit-erfahrene-fachkraefte"
    columns = [
        Column("name", label=_("Name")),
        _page_edit_column(_("Netzwerkpartner"), accessor="page", id_accessor="page_id"),
        Column("phone", label=_("Telefon")),
        Column("email", label=_("E-Mail")),
        Column("languages", label=_("Sprachen")),
        DateColumn("last_checked", label=_("Angaben geprüft am")),
    ]
    list_export = ["name", "function", "page.title", "phone", "email", "languages", "last_checked"]
    export_headings = {
        "name": _("Name"),
        "function": _("Funktion"),
        "page.title": _("Netzwerkpartner"),
        "phone": _("Telefon"),
        "email": _("E-Mail"),
        "languages": _("Sprachen"),
        "last_checked": _("Angaben geprüft am"),
    }
    no_results_message = _("Noch keine insoweit erfahrenen Fachkräfte eingetragen.")

    def get_queryset(self):
        return (
            ContactPerson.objects.filter(is_isef=True, page__live=True)
            .select_related("page")
            .order_by("name", "pk")
        )
