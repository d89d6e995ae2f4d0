"""The admin's lists: "Anmeldungen" (`RegistrationViewSet`, a SnippetViewSet under
/admin/registrations/, so the list gets Wagtail's bulk actions) with filters, search,
per-row actions and the spreadsheet export (through `SafeSpreadsheetExportMixin`: BOM,
formulas neutralised), and "E-Mails" (`EmailMessageViewSet`): the outbox with "retry".

A coordinator sees only registrations of events whose pages they may edit
(`scope.registrations_for`).
"""

from dataclasses import dataclass

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import InspectView as SnippetInspectView
from wagtail.snippets.views.snippets import SnippetViewSet

from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .. import exports
from ..forms import parse_occurrence_day
from ..models import (
    EmailMessage,
    EmailStatus,
    Registration,
    RegistrationStatus,
    normalise_email,
)
from ..services import booking, outbox
from ..services.attendance import event_date_model
from ..services.locking import event_model, workshop_model
from .actions import ACTIONS, actions_for, registration_action_view
from .attendance import (
    AttendanceColumn,
    OccurrenceColumn,
    attendance_list_view,
    attendance_mark_view,
)
from .certificates import (
    certificate_batch_view,
    certificates_view,
    send_materials_view,
)
from .email_texts import EmailTextViewSet
from .exports import export_download_view, export_job_view, export_start_view, person_view
from .feedback import feedback_compare_view, feedback_results_view
from .scope import ScopedObjectMixin, emails_for, events_for, registrations_for

# --------------------------------------------------------------------------- columns


class ActionsColumn(Column):
    """ "Aktionen": "Ansehen" and the status actions the registration allows now
    (`actions.actions_for`: confirm, reject, cancel, promote, mark attended), each a link
    to its confirmation page (nothing changes on GET), for users who may change
    registrations. Plain links in one cell instead of Wagtail's per-row dropdown."""

    cell_template_name = "registrations/admin/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        user = parent_context["request"].user
        names = actions_for(instance) if user.has_perm("registrations.change_registration") else []
        context["inspect_url"] = reverse("registrations:inspect", args=[instance.pk])
        context["actions"] = [
            (ACTIONS[name][0], reverse("registrations:action", args=[instance.pk, name]))
            for name in names
        ]
        return context


# --------------------------------------------------------------------------- filters


class EventChooser(AdminPageChooser):
    """Wagtail's page chooser limited to event pages: searchable and paginated, never a
    `<select>` of every event."""

    def __init__(self, **kwargs):
        super().__init__(target_models=[event_model()], can_choose_root=False, **kwargs)


class RegistrationFilterSet(WagtailFilterSet):
    """The list's filters. At a Land's size (thousands of events) no filter lists a big
    table: the event is chosen with Wagtail's page chooser (searchable, paginated, only
    event pages; the value is checked against the user's events with one query), and the
    workshops offered are those of the chosen event only."""

    event = django_filters.ModelChoiceFilter(
        label=_("Veranstaltung"),
        queryset=lambda request: events_for(request.user).filter(registration_enabled=True),
        widget=EventChooser,
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RegistrationStatus.choices)
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        field_name="bookings__workshop",
        queryset=None,  # the chosen event's workshops, set in __init__
        method="filter_workshop",
        help_text=_("Die Workshops der gewählten Veranstaltung."),
    )
    occurrence_date = django_filters.DateFilter(label=_("Termin der Reihe"), widget=AdminDateInput)
    attended = django_filters.BooleanFilter(label=_("teilgenommen"))

    class Meta:
        model = Registration
        fields = ["event", "status", "workshop", "occurrence_date", "attended"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        event_id = str((data or {}).get("event") or "")
        workshops = workshop_model().objects.none()
        if event_id.isdigit() and self.request is not None:
            workshops = (
                workshop_model()
                .objects.filter(
                    time_slot__page_id=int(event_id),
                    time_slot__page__in=events_for(self.request.user).values("pk"),
                )
                .select_related("time_slot")
                .order_by("time_slot__start", "title")
            )
        self.filters["workshop"].queryset = workshops

    def filter_workshop(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            bookings__workshop=value, bookings__status__in=["confirmed", "waitlisted"]
        ).distinct()


@dataclass
class UserOnlyRequest:
    """What the filters read of a request (`request.user`), for a background export."""

    user: object


def filtered_registrations(user, params, request=None):
    """The registrations the list shows for `user` with the query parameters `params`:
    the list's filters and its search ("q", the same fields), limited to the user's
    events. Used by "select all" of the bulk actions and by background exports."""
    queryset = RegistrationFilterSet(
        params,
        queryset=registrations_for(user),
        request=request or UserOnlyRequest(user),
    ).qs
    query = str(params.get("q", "")).strip()
    if query:
        search = Q()
        for field in RegistrationViewSet.search_fields:
            search |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(search)
    return queryset


class EmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmailStatus.choices)

    class Meta:
        model = EmailMessage
        fields = ["status", "kind"]


class RegistrationIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    """The list and its CSV/XLSX export: only registrations of the user's events.

    The export (`registrations.exports.stream`) streams, CSV and XLSX alike: straight from
    the filtered queryset to the response, without the listing's context (which would
    load every row); its first bytes leave before a registration is read. It has one
    column per extra question after the fixed ones. "Export im Hintergrund" stays offered
    for any size: the same file as a task with progress (`admin.exports.export_start_view`),
    for exports that would outlast the web server's request timeout (gunicorn's is 30 s by
    default) or a flaky connection.
    """

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(self.get_queryset(), request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        file_format = exports.CSV if spreadsheet_format == self.FORMAT_CSV else exports.XLSX
        response = StreamingHttpResponse(
            exports.stream(queryset, file_format), content_type=exports.CONTENT_TYPES[file_format]
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.{file_format}"
        )
        return response

    def get_base_queryset(self):
        dates = (
            event_date_model()
            .objects.filter(page_id=OuterRef("event_id"))
            .order_by()
            .values("page_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            registrations_for(self.request.user, super().get_base_queryset())
            .select_related("event")
            .prefetch_related("bookings__workshop", "attendances")
            .annotate(date_count=Coalesce(Subquery(dates, output_field=IntegerField()), 0))
        )

    @cached_property
    def header_buttons(self):
        """Export and attendance list as visible buttons, not only in the "…" menu."""
        buttons = list(super().header_buttons)
        event_id = self.request.GET.get("event")
        if event_id and event_id.isdigit():
            day = self.request.GET.get("occurrence_date", "")
            buttons.append(
                HeaderButton(
                    _("Teilnahmeliste"),
                    url=reverse("registrations:attendance", args=[int(event_id)])
                    + (f"?termin={day}" if parse_occurrence_day(day) else ""),
                    icon_name="doc-full",
                    priority=20,
                )
            )
            if self.request.user.has_perm("registrations.change_registration"):
                buttons.append(
                    HeaderButton(
                        _("Teilnahmebescheinigungen"),
                        url=reverse("registrations:certificates", args=[int(event_id)]),
                        icon_name="doc-full",
                        priority=25,
                    )
                )
                buttons.append(
                    HeaderButton(
                        _("Unterlagen an Teilnehmende senden"),
                        url=reverse("registrations:send_materials", args=[int(event_id)]),
                        icon_name="mail",
                        priority=26,
                    )
                )
            buttons.append(
                HeaderButton(
                    _("Feedback"),
                    url=reverse("registrations:feedback", args=[int(event_id)]),
                    icon_name="comment",
                    priority=27,
                )
            )
        if self.show_export_buttons:
            buttons += [
                HeaderButton(
                    _("Export Excel (XLSX)"),
                    url=self.xlsx_export_url,
                    icon_name="download",
                    priority=30,
                ),
                HeaderButton(
                    _("Export CSV"), url=self.csv_export_url, icon_name="download", priority=40
                ),
                HeaderButton(
                    _("Export im Hintergrund"),
                    url=reverse("registrations:export_start") + "?" + self.request.GET.urlencode(),
                    icon_name="download",
                    priority=45,
                ),
            ]
        return buttons

    @cached_property
    def header_more_buttons(self):
        exports = {self.xlsx_export_url, self.csv_export_url}
        return [b for b in super().header_more_buttons if b.url not in exports]

    def get_add_url(self):
        return None  # registrations come from the public form only

    def get_list_more_buttons(self, instance):
        """None: a row's actions are links in its "Aktionen" cell (`ActionsColumn`), its
        title opens the edit form, deleting is a bulk action (and in the edit form).
        Wagtail's "…" dropdown cost about 2 KB a row, a listing of 20 rows 125 KB."""
        return []

    def get_header_more_buttons(self):
        buttons = super().get_header_more_buttons()
        buttons.append(
            Button(
                _("Auskunft / Löschung (DSGVO)"),
                url=reverse("registrations:person"),
                icon_name="user",
                priority=70,
            )
        )
        return buttons


class RegistrationEditView(ScopedObjectMixin, SnippetEditView):
    """Correcting a registration's e-mail address revokes the links sent to the old one
    and sends the current state to the new one (`booking.email_corrected`)."""

    def save_instance(self):
        before = normalise_email(self.form.initial.get("email"))
        instance = super().save_instance()
        if normalise_email(instance.email) != before:
            booking.email_corrected(instance)
        return instance


class RegistrationInspectView(ScopedObjectMixin, SnippetInspectView):
    """A registration's details, for the user's events only."""


class RegistrationDeleteView(ScopedObjectMixin, SnippetDeleteView):
    """Deleting a registration first cancels it silently, so the waitlist moves up."""

    def delete_action(self):
        booking.cancel_silently(self.object)
        super().delete_action()


class RegistrationViewSet(SnippetViewSet):
    """A snippet viewset (so the list gets Wagtail's bulk actions) under the old
    URLs and names: /admin/registrations/, "registrations:index" etc."""

    model = Registration
    name = "registrations"
    url_namespace = "registrations"
    url_prefix = "registrations"
    menu_item_is_registered = True  # has its own menu item, not under "Snippets"
    icon = "group"
    menu_label = _("Anmeldungen")
    menu_order = 100
    # 15 rows: with Wagtail's frame of about 60 KB (menu, filters, header buttons, the
    # keyboard shortcuts dialog), the page stays under 100 KB with the widest rows
    # (issue #19); the pagination pages on.
    list_per_page = 15
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    inspect_view_class = RegistrationInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["secret", "email_normalised"]
    list_display = [
        "__str__",
        "email",
        "organisation",
        "event",
        OccurrenceColumn("occurrence_date", label=_("Termin der Reihe")),
        "status",
        AttendanceColumn("attendance", label=_("Teilnahme")),
        "created_at",
        ActionsColumn("actions", label=_("Aktionen")),
    ]
    filterset_class = RegistrationFilterSet
    search_fields = ["first_name", "last_name", "email", "organisation"]
    search_backend_name = None
    form_fields = ["first_name", "last_name", "email", "organisation", "role", "phone"]
    panels = [FieldPanel(name) for name in form_fields]
    list_export = [
        "event.title",
        "get_status_display",
        "first_name",
        "last_name",
        "email",
        "organisation",
        "role",
        "phone",
        "workshops_display",
        "created_at",
        "attended",
        # last of the fixed columns, so the columns of existing exports keep their places
        "occurrence_date",
    ]
    export_headings = {
        "event.title": _("Veranstaltung"),
        "occurrence_date": _("Termin der Reihe"),
        "get_status_display": _("Status"),
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "organisation": _("Organisation"),
        "role": _("Funktion"),
        "phone": _("Telefon"),
        "workshops_display": _("Workshops"),
        "created_at": _("angemeldet am"),
        "attended": _("teilgenommen"),
    }
    export_filename = "anmeldungen"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            # the snippet list is named "list"; "index" is kept for existing links
            path("", self.index_view, name="index"),
            path("action/<int:pk>/<str:action>/", registration_action_view, name="action"),
            path("teilnahmeliste/<int:event_id>/", attendance_list_view, name="attendance"),
            path("teilnahme/<int:pk>/", attendance_mark_view, name="attendance_mark"),
            path("person/", person_view, name="person"),
            path("export/", export_start_view, name="export_start"),
            path("export/<int:pk>/", export_job_view, name="export_job"),
            path("export/<int:pk>/datei/", export_download_view, name="export_download"),
            path("bescheinigungen/<int:event_id>/", certificates_view, name="certificates"),
            path("unterlagen/<int:event_id>/", send_materials_view, name="send_materials"),
            path("feedback/<int:event_id>/", feedback_results_view, name="feedback"),
            path("feedback/vergleich/", feedback_compare_view, name="feedback_compare"),
            path(
                "bescheinigungen/lauf/<int:pk>/",
                certificate_batch_view,
                name="certificate_batch",
            ),
        ]


class EmailIndexView(IndexView):
    """The outbox: only mails about the user's events."""

    def get_base_queryset(self):
        return emails_for(self.request.user, super().get_base_queryset())

    def get_add_url(self):
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status != EmailStatus.SENT and instance.recipient:
            from wagtail.admin.widgets.button import MenuItem

            buttons.append(
                MenuItem(
                    _("Erneut senden"),
                    url=reverse("registration_emails:retry", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=40,
                )
            )
        return buttons


def retry_email_view(request, pk):
    # Coordinators may re-send, never re-address: the outbox has no edit form for them.
    if not (
        request.user.has_perm("registrations.view_emailmessage")
        and request.user.has_perm("registrations.change_registration")
    ):
        raise PermissionDenied
    message = get_object_or_404(emails_for(request.user), pk=pk)
    if request.method == "POST":
        # A mail held back by the mail limit is sent when the coordination asks for it.
        EmailMessage.objects.filter(pk=message.pk, status=EmailStatus.SUPPRESSED).update(
            status=EmailStatus.QUEUED
        )
        outbox.enqueue_email(message.pk)
        messages.success(request, _("Die E-Mail wurde erneut in die Warteschlange gestellt."))
        return HttpResponseRedirect(reverse("registration_emails:index"))
    return TemplateResponse(request, "registrations/admin/email_retry.html", {"message": message})


class EmailMessageViewSet(ModelViewSet):
    model = EmailMessage
    name = "registration_emails"
    icon = "mail"
    menu_label = _("E-Mails")
    menu_order = 110
    index_view_class = EmailIndexView
    copy_view_enabled = False
    list_display = [
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
    ]
    filterset_class = EmailFilterSet
    search_fields = ["recipient", "subject"]
    search_backend_name = None
    form_fields = ["recipient"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<int:pk>/", retry_email_view, name="retry"),
        ]


class RegistrationAdminGroup(ModelViewSetGroup):
    items = (RegistrationViewSet, EmailMessageViewSet, EmailTextViewSet)
    menu_label = _("Anmeldungen")
    menu_icon = "group"
    menu_name = "registrations-menu"
    menu_order = 250


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RegistrationAdminGroup()
