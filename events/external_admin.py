"""Admin of members' own calendars (`ExternalCalendar`): a ModelViewSet scoped per site.

A user sees and edits the sources of the sites whose home page they may edit (Wagtail
page permission "change"; superusers: all). Approval is a checkbox of the form; the first
approval records who approved and when, removing the tick withdraws it. The list shows
each source's status and last error (from `manage.py import_external_calendars`).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from kinderschutz_cms.sites import editable_sites

from .models import ExternalCalendar


def calendars_for(user):
    """The external calendars of the sites `user` may edit pages of (`editable_sites`)."""
    return ExternalCalendar.objects.filter(site__in=editable_sites(user).values("pk"))


class ExternalCalendarForm(WagtailAdminModelForm):
    """Site choices limited to the user's sites, member choices to member pages, and the
    approval checkbox."""

    approved = forms.BooleanField(
        label=_("freigegeben"),
        required=False,
        help_text=_("Die Termine erscheinen im Kalender, sobald der Kalender freigegeben ist."),
    )

    url = forms.URLField(
        label=_("Adresse des Kalenders (iCal)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Nur http:// oder https://, z. B. https://example.org/termine.ics"),
    )

    class Meta:
        model = ExternalCalendar
        fields = ["name", "url", "site", "member", "trusted", "republish"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and "site" in self.fields:
            self.fields["site"].queryset = editable_sites(user)
        if "member" in self.fields:
            self.fields["member"].queryset = Page.objects.filter(
                content_type__app_label="members", content_type__model="memberpage"
            ).order_by("title")
        self.fields["approved"].initial = self.instance.approved_at is not None

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Nur Adressen mit http:// oder https:// sind erlaubt."))
        return url

    def clean(self):
        cleaned = super().clean()
        site, member = cleaned.get("site"), cleaned.get("member")
        if site and member and not member.path.startswith(site.root_page.path):
            self.add_error(
                "member", _("Die Mitgliedsorganisation gehört nicht zu diesem Netzwerk.")
            )
        return cleaned

    def save(self, commit=True):
        calendar = super().save(commit=False)
        if self.cleaned_data.get("approved"):
            if calendar.approved_at is None:
                calendar.approved_at = timezone.now()
                calendar.approved_by = self.for_user
        else:
            calendar.approved_at = None
            calendar.approved_by = None
        if commit:
            calendar.save()
        return calendar


class StatusColumn(Column):
    def get_value(self, instance):
        if instance.last_error:
            return _("Fehler: %(error)s") % {"error": instance.last_error}
        if instance.last_success_at is None:
            return _("noch nicht abgerufen")
        return _("OK")


class ApprovalColumn(Column):
    def get_value(self, instance):
        if instance.trusted:
            return _("vertrauenswürdig")
        return _("freigegeben") if instance.approved_at else _("wartet auf Freigabe")


class ScopedObjectMixin:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not calendars_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class ExternalCalendarIndexView(generic.IndexView):
    def get_base_queryset(self):
        return calendars_for(self.request.user).select_related("site")


class ExternalCalendarEditView(ScopedObjectMixin, generic.EditView):
    pass


class ExternalCalendarDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ExternalCalendarViewSet(ModelViewSet):
    model = ExternalCalendar
    icon = "date"
    menu_label = _("Externe Kalender")
    name = "external_calendars"
    url_prefix = "events/external-calendars"
    add_to_admin_menu = False
    form_class = ExternalCalendarForm
    index_view_class = ExternalCalendarIndexView
    edit_view_class = ExternalCalendarEditView
    delete_view_class = ExternalCalendarDeleteView
    list_display = [
        "name",
        "site",
        ApprovalColumn("approval", label=_("Freigabe")),
        "event_count",
        "last_success_at",
        StatusColumn("status", label=_("Status, letzter Fehler")),
    ]
    search_fields = ["name", "url"]
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return ExternalCalendarForm
