"""The admin's "Unterzeichnungen" (Netzwerk → Unterzeichnungen): every signature of every
agreement version the user may work on, as a listing of its own (issue #19), instead of
inline rows of the agreement page.

A `SnippetViewSet` (so the list gets Wagtail's bulk actions) with columns member,
agreement, signed on, signed by, method and withdrawal; filters agreement, site, signed
date range, method and withdrawn; search by member name; Wagtail's CSV/XLSX export
through `SafeSpreadsheetExportMixin`; bulk actions "Austritt erfassen" and delete; a
create/edit form with page choosers for the agreement and the member (`SignatoryForm`:
same site, a permitted agreement).

Scope: as the members reports (`members.reports.permitted_pages`), a user sees and changes
only signatures of agreements whose pages they may add below, edit or publish; the model
permissions (view/add/change/delete "Unterzeichnung") come on top, the "Koordination"
group has them (migration 0007). Queries are fixed: the page of rows is one query with
member and agreement selected, whatever the number of signatures.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from kinderschutz_cms import frame, page_cache
from kinderschutz_cms.admin_tables import SiteChoiceFilter
from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .choices import SigningMethod
from .models import AgreementPage, Signatory
from .reports import SiteFilterSet, TextDateColumn, permitted_pages, visible_sites


def agreements_for(user):
    """The agreement versions whose signatures `user` may see (newest first)."""
    return AgreementPage.objects.filter(pk__in=permitted_pages(user).values("pk")).order_by(
        "-valid_from", "-pk"
    )


def signatures_for(user, queryset=None):
    """The signatures of `agreements_for(user)`."""
    queryset = Signatory.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(page__in=permitted_pages(user).values("pk"))


def agreement_label(agreement) -> str:
    return _("%(title)s, Fassung %(version)s") % {
        "title": agreement.title,
        "version": agreement.version,
    }


class AgreementChooser(AdminPageChooser):
    """Wagtail's page chooser limited to agreement pages: searchable and paginated, never a
    `<select>` of every agreement version of a Land."""

    def __init__(self, **kwargs):
        super().__init__(target_models=[AgreementPage], can_choose_root=False, **kwargs)


class SignatureFilterSet(SiteFilterSet):
    """The listing's filters. No filter lists a table that grows with the Land: the
    agreement version is chosen with Wagtail's page chooser (the value is checked against
    the user's agreements, one query), the sites are the user's networks."""

    agreement = django_filters.ModelChoiceFilter(
        label=_("Fassung der Vereinbarung"),
        field_name="page",
        queryset=lambda request: agreements_for(request.user),
        widget=AgreementChooser,
    )
    site = SiteChoiceFilter(sites=visible_sites, field="page")
    signed_on = django_filters.DateFromToRangeFilter(
        label=_("Unterzeichnet am"), widget=DateRangePickerWidget
    )
    method = django_filters.ChoiceFilter(
        label=_("Art der Unterzeichnung"), choices=SigningMethod.choices, empty_label=_("alle")
    )
    withdrawn = django_filters.BooleanFilter(label=_("Ausgetreten"), method="filter_withdrawn")

    class Meta:
        model = Signatory
        fields = []

    def filter_withdrawn(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(withdrawn_on__isnull=not value)


class SignatureIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    def get_base_queryset(self):
        return signatures_for(
            self.request.user, super().get_base_queryset().select_related("member", "page")
        )


class ScopedSignatureMixin:
    """Edit and delete: a signature of an agreement outside the user's scope is forbidden."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not signatures_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class SignatureCreateView(CreateView):
    """ "Unterzeichnung hinzufügen" from the agreement's editor comes with `?agreement=`."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or Signatory()
        agreement_id = self.request.GET.get("agreement", "")
        if agreement_id.isdigit():
            agreement = agreements_for(self.request.user).filter(pk=int(agreement_id)).first()
            if agreement is not None:
                instance.page = agreement
        if instance.signed_on is None:
            instance.signed_on = timezone.localdate()
        return instance


class SignatureEditView(ScopedSignatureMixin, EditView):
    pass


class SignatureDeleteView(ScopedSignatureMixin, DeleteView):
    pass


class SignatureViewSet(SnippetViewSet):
    model = Signatory
    name = "members_signatures"
    url_namespace = "members_signatures"
    url_prefix = "members/signatures"
    icon = "doc-full"
    menu_label = _("Unterzeichnungen")
    index_view_class = SignatureIndexView
    add_view_class = SignatureCreateView
    edit_view_class = SignatureEditView
    delete_view_class = SignatureDeleteView
    copy_view_enabled = False
    filterset_class = SignatureFilterSet
    search_fields = ["member__title"]
    search_backend_name = None
    ordering = ["-signed_on", "member__title", "pk"]
    # 30 rows: with Wagtail's frame of about 57 KB and the site filter's options, the page
    # stays under 100 KB at a Land's 50 networks (issue #19); the pagination pages on.
    list_per_page = 30
    list_display = [
        Column("member", label=_("Netzwerkpartner"), sort_key="member__title"),
        Column(
            "agreement",
            label=_("Fassung der Vereinbarung"),
            accessor=lambda s: agreement_label(s.page),
            sort_key="page__valid_from",
        ),
        # Dates as text ("8. Juli 2025"): Wagtail's DateColumn shows "vor 1 Jahr" with the
        # date in a tooltip, four times the bytes per row.
        TextDateColumn("signed_on", label=_("Unterzeichnet am"), sort_key="signed_on"),
        Column("signed_by_name", label=_("Unterzeichnet von"), sort_key="signed_by_name"),
        Column("method", label=_("Art"), accessor="get_method_display", sort_key="method"),
        TextDateColumn("withdrawn_on", label=_("Ausgetreten am"), sort_key="withdrawn_on"),
    ]
    list_export = [
        "member.title",
        "page.title",
        "page.version",
        "signed_on",
        "signed_by_name",
        "signed_by_function",
        "get_method_display",
        "withdrawn_on",
    ]
    export_headings = {
        "member.title": _("Netzwerkpartner"),
        "page.title": _("Vereinbarung"),
        "page.version": _("Fassung"),
        "signed_on": _("Unterzeichnet am"),
        "signed_by_name": _("Unterzeichnet von"),
        "signed_by_function": _("Funktion"),
        "get_method_display": _("Art der Unterzeichnung"),
        "withdrawn_on": _("Ausgetreten am"),
    }
    export_filename = "unterzeichnungen"


# --------------------------------------------------------------------------- bulk actions


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Ausgetreten am"), widget=AdminDateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()


class ScopedBulkActionMixin:
    """A selected signature outside the user's scope is listed as "no access" and left
    alone."""

    @cached_property
    def permitted_agreement_ids(self):
        return set(agreements_for(self.request.user).values_list("pk", flat=True))

    def check_perm(self, obj):
        if not super().check_perm(obj):
            return False
        return self.request.user.is_superuser or obj.page_id in self.permitted_agreement_ids


class WithdrawBulkAction(ScopedBulkActionMixin, SnippetBulkAction):
    """Record the withdrawal (Austritt) of the selected signatures on one date; the rows
    stay (history). Signatures already withdrawn keep their date."""

    models = [Signatory]
    action_type = "withdraw"
    display_name = _("Austritt erfassen")
    aria_label = _("Für die ausgewählten Unterzeichnungen einen Austritt erfassen")
    action_priority = 20
    template_name = "members/admin/bulk_withdraw.html"
    form_class = WithdrawForm

    def check_perm(self, obj):
        from kinderschutz_cms.compat import permission_policy_for

        return permission_policy_for(Signatory).user_has_permission_for_instance(
            self.request.user, "change", obj
        ) and (self.request.user.is_superuser or obj.page_id in self.permitted_agreement_ids)

    def get_execution_context(self):
        return {"withdrawn_on": self.cleaned_form.cleaned_data["withdrawn_on"]}

    @classmethod
    def execute_action(cls, objects, withdrawn_on=None, **kwargs):
        ids = [obj.pk for obj in objects]
        count = Signatory.objects.filter(pk__in=ids, withdrawn_on__isnull=True).update(
            withdrawn_on=withdrawn_on
        )
        # an UPDATE sends no post_save: the home page's count changed
        frame.invalidate()
        page_cache.invalidate()
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "Austritt für %(count)s Unterzeichnung erfasst",
            "Austritt für %(count)s Unterzeichnungen erfasst",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class SignatureDeleteBulkAction(ScopedBulkActionMixin, DeleteBulkAction):
    """Wagtail's snippet bulk delete, for signatures of the user's agreements only.
    Registered after Wagtail's own (order=100), so it replaces it for this model."""

    models = [Signatory]


hooks.register("register_bulk_action", WithdrawBulkAction)
hooks.register("register_bulk_action", SignatureDeleteBulkAction, order=100)
