"""The admin of the barrier reports: a listing per site with status filter and deadline,
an edit form for status and note (personal data visible only with the view permission)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy

from kinderschutz_cms.compat import RegisteredPolicyMixin, register_permission_policy

from .models import BarrierReport, BarrierReportStatus
from .services.reports import set_status


class BarrierReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BarrierReportStatus.choices)
    site = django_filters.ModelChoiceFilter(label=_("Website"), queryset=Site.objects.all())

    class Meta:
        model = BarrierReport
        fields = ["status", "site"]


class NoAddPolicy(ModelPermissionPolicy):
    """Reports come from the public form only: the admin views, edits and deletes them."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(BarrierReport, NoAddPolicy(BarrierReport))


class BarrierReportViewSet(RegisteredPolicyMixin, ModelViewSet):
    model = BarrierReport
    name = "barrier_reports"
    icon = "warning"
    menu_label = _("Barrieremeldungen")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "site",
        "status",
        "deadline",
        "page_url",
    ]
    list_filter = None
    filterset_class = BarrierReportFilterSet
    search_fields = ["description", "page_url"]
    search_backend_name = None
    form_fields = ["status", "internal_note"]
    ordering = ["-received_at"]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)

        class ReportForm(form_class):
            def save(self, commit=True):
                set_status(self.instance, self.cleaned_data["status"])
                return super().save(commit)

        return form_class if not for_update else ReportForm
