"""Admin reports for the network coordination, built on Wagtail's ReportView.

Each report is a listing with filters and Wagtail's own CSV/XLSX export (through the
admin's one export path, `kinderschutz_cms.exports`: BOM, neutralised formulas); the rules behind
them (current agreement, who has not signed, which reviews are due) come from
`members.agreements`. `wagtail_hooks.py` gives each report a URL and menu entries.

Several sites: a report lists only rows whose page the user may add below, edit or publish
(Wagtail's page permissions: a coordinator given one site's tree sees that site's members,
agreements and IseF contacts, a superuser all), and a filter "Website" narrows it to one
site when the user works on more than one. The unsigned-members report measures each
site's members against that site's current agreement.
"""

from urllib.parse import quote

import django_filters
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from kinderschutz_cms.admin_tables import ScopedPageFilters, SiteChoiceFilter
from kinderschutz_cms.compat import page_permission_policy
from kinderschutz_cms.exports import SafeSpreadsheetExportMixin
from kinderschutz_cms.sites import sites_with

from .agreements import agreements_due_for_review, current_agreement, unsigned_members_of_sites
from .models import AgreementPage, ContactPerson, MemberPage, Sector, Signatory

REPORT_PERMISSIONS = ["add", "change", "publish"]


def may_see_reports(user):
    """Whoever may add, edit or publish pages may see the reports (as Wagtail's page reports)."""
    return page_permission_policy().user_has_any_permission(user, REPORT_PERMISSIONS)


def permitted_pages(user):
    """The pages `user` may add below, edit or publish: what the reports may list."""
    return page_permission_policy().instances_user_has_any_permission_for(user, REPORT_PERMISSIONS)


def visible_sites(user):
    """The sites with at least one page `user` may work on (one query), by name; see
    `kinderschutz_cms.sites.sites_with` for why it is a range of tree paths."""
    return sites_with(permitted_pages(user))


class SiteFilterSet(ScopedPageFilters, WagtailFilterSet):
    """A report's filters, with "Website" (a `SiteChoiceFilter` of `visible_sites`) shown
    to users who work on several sites."""


KEEP_WORDS = "ks-keep-words"  # a cell whose names wrap between words only (members/css/reports.css)


class TextDateColumn(Column):
    """A date as text in the language's long format ("15. März 2026", "March 15, 2026"),
    where Wagtail's DateColumn shows "vor 3 Monaten" and the date only in a tooltip."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if not value:
            return ""
        return format_date(value, pgettext("long date format", "j. F Y"))


class CoordinatorReportView(SafeSpreadsheetExportMixin, ReportView):
    """A report for coordinators; see `may_see_reports`.

    Subclasses pass their rows through `permitted`, so that nobody sees rows of pages
    outside their part of the page tree (`page_field`: how a row reaches its page).
    Above the table stands the number of rows (`total_label`).
    """

    any_permission_required = REPORT_PERMISSIONS
    page_field = ""
    results_template_name = "members/admin/report_results.html"

    def total_label(self, count):
        """ "23 Netzwerkpartner ohne Unterschrift": the number of rows, in words."""
        raise NotImplementedError

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        count = context.get("items_count")
        if count is None:
            count = len(context.get("object_list") or [])
        context["report_total"] = self.total_label(count) % {"count": count}
        return context

    @cached_property
    def permission_policy(self):
        return page_permission_policy()

    def permitted(self, queryset):
        lookup = f"{self.page_field}__in" if self.page_field else "pk__in"
        return queryset.filter(**{lookup: permitted_pages(self.request.user).values("pk")})

    @cached_property
    def chosen_site(self):
        if "site" in self.filters.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("site")
        return None


class SignColumn(TitleColumn):
    """ "Unterzeichnung erfassen" for the row's member, back to this report afterwards."""

    def get_value(self, instance):
        return _("Unterzeichnung erfassen")

    def get_link_url(self, instance, parent_context):
        from .admin_signing import sign_url

        request = parent_context["request"]
        return sign_url(instance, next_url=quote(request.get_full_path()))


def _page_edit_column(label, accessor="title", id_accessor="pk"):
    return TitleColumn(
        accessor,
        label=label,
        url_name="wagtailadmin_pages:edit",
        id_accessor=id_accessor,
        classname=KEEP_WORDS,
    )


class ReportMenuItem(MenuItem):
    """A menu entry for a report, hidden from users who may not open it."""

    def is_shown(self, request):
        return may_see_reports(request.user)


class MemberSiteSectorFilterSet(SiteFilterSet):
    """Members of one site and one sector (the member reports' filters)."""

    site = SiteChoiceFilter(sites=visible_sites)
    sector = django_filters.ModelChoiceFilter(
        label=_("Bereich"), queryset=Sector.objects.all(), empty_label=_("alle")
    )

    class Meta:
        model = MemberPage
        fields = ["site", "sector"]


class UnsignedMembersReportView(CoordinatorReportView):
    """Live members that have not signed the current agreement version of their site."""

    page_title = _("Ohne Unterschrift unter die aktuelle Vereinbarung")
    header_icon = "warning"
    filterset_class = MemberSiteSectorFilterSet
    export_filename = "netzwerkpartner-ohne-unterschrift"
    columns = [
        _page_edit_column(_("Netzwerkpartner")),
        Column("sector", label=_("Bereich")),
        Column("town", label=_("Ort")),
        Column("email", label=_("E-Mail")),
        Column("phone", label=_("Telefon")),
        TextDateColumn("last_signed_on", label=_("Zuletzt unterzeichnet (frühere Fassung)")),
        SignColumn("sign", label=_("Aktion")),
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
    def agreements(self):
        """{site: its current agreement or None} for the chosen site, or for every site
        the user works on (one query per site, sites without a page of theirs left out)."""
        sites = [self.chosen_site] if self.chosen_site else visible_sites(self.request.user)
        agreements, roots = {}, set()
        for site in sites:
            if site.root_page.path not in roots:  # two Site records may share a root
                roots.add(site.root_page.path)
                agreements[site] = current_agreement(site.root_page)
        return agreements

    def get_page_subtitle(self):
        if len(self.agreements) > 1:
            return "; ".join(
                _agreement_label(agreement, site) for site, agreement in self.agreements.items()
            )
        return _agreement_label(next(iter(self.agreements.values()), None))

    def get_queryset(self):
        last_signature = Signatory.objects.filter(member=OuterRef("pk")).order_by("-signed_on")
        by_root = {site.root_page.path: agreement for site, agreement in self.agreements.items()}
        return self.permitted(unsigned_members_of_sites(by_root)).annotate(
            last_signed_on=Subquery(last_signature.values("signed_on")[:1])
        )

    def total_label(self, count):
        return ngettext(
            "%(count)s Netzwerkpartner ohne Unterschrift",
            "%(count)s Netzwerkpartner ohne Unterschrift",
            count,
        )

    @property
    def no_results_message(self):
        if not any(self.agreements.values()):
            return _("Es gibt keine aktuelle Kooperationsvereinbarung.")
        return _("Alle Netzwerkpartner haben die aktuelle Fassung unterzeichnet.")


def _agreement_label(agreement, site=None):
    """ "Title, Fassung 2.0" (with the site's name in front when several are listed)."""
    if agreement is None:
        label = _("Es gibt keine aktuelle Kooperationsvereinbarung.")
    else:
        label = _("%(title)s, Fassung %(version)s") % {
            "title": agreement.title,
            "version": agreement.version,
        }
    if site is None:
        return label
    return _("%(site)s: %(agreement)s") % {
        "site": site.site_name or site.hostname,
        "agreement": label,
    }


REVIEW_WINDOWS = [
    (30, _("in den nächsten 30 Tagen oder überfällig")),
    (90, _("in den nächsten 90 Tagen oder überfällig")),
    (180, _("in den nächsten 6 Monaten oder überfällig")),
    (365, _("in den nächsten 12 Monaten oder überfällig")),
]
DEFAULT_REVIEW_WINDOW = 90


class ReviewWindowFilterSet(SiteFilterSet):
    """Chooses the window (the query itself is `agreements_due_for_review`) and the site."""

    site = SiteChoiceFilter(sites=visible_sites)

    within_days = django_filters.ChoiceFilter(
        label=_("Überprüfung fällig"),
        choices=[(str(days), label) for days, label in REVIEW_WINDOWS],
        empty_label=None,
        method="keep",
    )

    class Meta:
        model = AgreementPage
        fields = ["site"]

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
        TextDateColumn("next_review", label=_("Nächste Überprüfung")),
        TextDateColumn("valid_from", label=_("Gültig ab")),
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

    def total_label(self, count):
        return ngettext(
            "%(count)s Vereinbarung mit fälliger Überprüfung",
            "%(count)s Vereinbarungen mit fälliger Überprüfung",
            count,
        )

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
        return self.permitted(agreements_due_for_review(timezone.localdate(), within_days))


class IsefFilterSet(SiteFilterSet):
    site = SiteChoiceFilter(sites=visible_sites, field="page")

    class Meta:
        model = ContactPerson
        fields = ["site"]


class IsefReportView(CoordinatorReportView):
    """All insoweit erfahrene Fachkräfte of live members, with the date last checked."""

    page_title = _("Insoweit erfahrene Fachkräfte (IseF)")
    header_icon = "user"
    filterset_class = IsefFilterSet
    page_field = "page"
    export_filename = "insoweit-erfahrene-fachkraefte"
    columns = [
        Column("name", label=_("Name"), classname=KEEP_WORDS),
        _page_edit_column(_("Netzwerkpartner"), accessor="page", id_accessor="page_id"),
        Column("phone", label=_("Telefon")),
        Column("email", label=_("E-Mail")),
        Column("languages", label=_("Sprachen")),
        TextDateColumn("last_checked", label=_("Angaben geprüft am")),
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

    def total_label(self, count):
        return ngettext(
            "%(count)s insoweit erfahrene Fachkraft",
            "%(count)s insoweit erfahrene Fachkräfte",
            count,
        )

    def get_queryset(self):
        return self.permitted(
            ContactPerson.objects.filter(is_isef=True, page__live=True)
            .select_related("page")
            .order_by("name", "pk")
        )
