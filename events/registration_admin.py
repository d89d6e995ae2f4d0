"""Registrations in the Wagtail admin.

- "Anmeldungen" (`RegistrationViewSet`, a SnippetViewSet under /admin/registrations/):
  list with filters (event, status, workshop), search, per-row actions and Wagtail bulk
  actions (select rows, confirm on a page) that call the service (confirm, reject,
  cancel, move up, mark attended; one `ACTIONS` mapping for both; bulk delete cancels
  first), CSV/XLSX export through Wagtail's spreadsheet export (CSV with a UTF-8 BOM for
  Excel, and cells that could run as formulas neutralised), a printable attendance list
  per event, and the DSGVO tools (export / erase a person's data).
- "E-Mails" (`EmailMessageViewSet`): the outbox with a status filter and "retry".
- Cancelling an event: publishing an event as "abgesagt" in the page editor stops after the
  draft is saved and asks first (`event_cancellation_view`: how many people are told, the
  message to them); confirming publishes that revision.
- Seats taken / left / waitlisted on event rows of the page explorer and on a dashboard
  panel of upcoming events: counts only, so editors without the registration permissions
  never see a name.

Personal data is reachable only with the `events.view_registration` permission (the
"Koordination" group, created by a data migration).
"""

import json

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.admin.widgets.button import Button
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from kinderschutz_cms.compat import permission_policy_for
from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from . import registration as service
from .choices import EventStatus
from .models import (
    EmailMessage,
    EmailStatus,
    EventPage,
    Registration,
    RegistrationStatus,
    Workshop,
)
from .models.registrations import normalise_email

# --------------------------------------------------------------------------- filters


class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        label=_("Veranstaltung"),
        queryset=EventPage.objects.filter(registration_enabled=True).order_by("title"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RegistrationStatus.choices)
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        field_name="bookings__workshop",
        queryset=Workshop.objects.select_related("time_slot").order_by("title"),
        method="filter_workshop",
    )
    attended = django_filters.BooleanFilter(label=_("teilgenommen"))

    class Meta:
        model = Registration
        fields = ["event", "status", "workshop", "attended"]

    def filter_workshop(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            bookings__workshop=value, bookings__status__in=["confirmed", "waitlisted"]
        ).distinct()


class EmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmailStatus.choices)

    class Meta:
        model = EmailMessage
        fields = ["status", "kind"]


# --------------------------------------------------------------------------- actions

ACTIONS = {
    "approve": (_("Bestätigen"), service.approve, "check"),
    "reject": (_("Ablehnen"), service.reject, "cross"),
    "cancel": (_("Stornieren"), lambda r: service.cancel(r, by_coordinator=True), "bin"),
    "promote": (_("Von der Warteliste nachrücken"), service.promote, "arrow-up"),
    "attended": (_("Als teilgenommen markieren"), service.mark_attended, "tick"),
}


def actions_for(registration):
    status = registration.status
    names = []
    if status == RegistrationStatus.PENDING_APPROVAL:
        names += ["approve"]
    if status == RegistrationStatus.WAITLISTED:
        names += ["promote"]
    if status == RegistrationStatus.CONFIRMED and not registration.attended:
        names += ["attended"]
    if registration.is_active:
        names += ["reject", "cancel"]
    return names


class RegistrationIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("event")
            .prefetch_related("bookings__workshop")
        )

    def get_add_url(self):
        return None  # registrations come from the public form only

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not self.permission_policy.user_has_permission(self.request.user, "change"):
            return buttons
        from wagtail.admin.widgets.button import MenuItem

        for i, name in enumerate(actions_for(instance)):
            label, _fn, icon = ACTIONS[name]
            buttons.append(
                MenuItem(
                    label,
                    url=reverse("registrations:action", args=[instance.pk, name]),
                    icon_name=icon,
                    priority=40 + i,
                )
            )
        return buttons

    def get_header_more_buttons(self):
        buttons = super().get_header_more_buttons()
        event_id = self.request.GET.get("event")
        if event_id and event_id.isdigit():
            buttons.append(
                Button(
                    _("Teilnahmeliste drucken"),
                    url=reverse("registrations:attendance", args=[int(event_id)]),
                    icon_name="doc-full",
                    priority=60,
                )
            )
        buttons.append(
            Button(
                _("Auskunft / Löschung (DSGVO)"),
                url=reverse("registrations:person"),
                icon_name="user",
                priority=70,
            )
        )
        return buttons


class RegistrationEditView(SnippetEditView):
    """Correcting a registration's e-mail address revokes the links sent to the old one
    and sends the current state to the new one (`service.email_corrected`)."""

    def save_instance(self):
        before = normalise_email(self.form.initial.get("email"))
        instance = super().save_instance()
        if normalise_email(instance.email) != before:
            service.email_corrected(instance)
        return instance


class RegistrationDeleteView(SnippetDeleteView):
    """Deleting a registration first cancels it silently, so the waitlist moves up."""

    def delete_action(self):
        service.cancel_silently(self.object)
        super().delete_action()


def _require(request, action):
    if not request.user.has_perm(f"events.{action}_registration"):
        raise PermissionDenied


def registration_action_view(request, pk, action):
    """GET: confirm; POST: run the service function (never a state change on GET)."""
    _require(request, "change")
    if action not in ACTIONS:
        raise PermissionDenied
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    label, fn, _icon = ACTIONS[action]
    if request.method == "POST":
        try:
            fn(registration)
        except service.RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Erledigt: %(action)s") % {"action": label})
        return HttpResponseRedirect(
            reverse("registrations:index") + f"?event={registration.event_id}"
        )
    return TemplateResponse(
        request,
        "events/admin/registration_action.html",
        {"registration": registration, "label": label, "action": action},
    )


def attendance_list_view(request, event_id):
    """A printable list of confirmed participants with a signature column."""
    _require(request, "view")
    event = get_object_or_404(EventPage, pk=event_id)
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .order_by("last_name", "first_name", "id")
        .prefetch_related("bookings__workshop")
    )
    return TemplateResponse(
        request,
        "events/admin/attendance_list.html",
        {
            "event": event,
            "registrations": registrations,
            "dates": list(event.dates.order_by("start")),
        },
    )


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"))
    action = forms.ChoiceField(
        label=_("Aktion"),
        choices=[
            ("export", _("Daten exportieren (JSON)")),
            ("erase", _("Daten löschen (anonymisieren)")),
        ],
        widget=forms.RadioSelect,
    )


def person_view(request):
    """Art. 15/17 DSGVO: export or erase every registration of one e-mail address."""
    _require(request, "delete")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if form.cleaned_data["action"] == "export":
            data = json.dumps(service.export_person(email), ensure_ascii=False, indent=2)
            response = HttpResponse(data, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="anmeldungen-auskunft.json"'
            return response
        count = service.erase_person(email)
        messages.success(
            request,
            ngettext(
                "%(count)s Anmeldung anonymisiert.", "%(count)s Anmeldungen anonymisiert.", count
            )
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("registrations:person"))
    return TemplateResponse(request, "events/admin/person.html", {"form": form})


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
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["secret", "email_normalised"]
    list_display = ["__str__", "email", "organisation", "event", "status", "created_at"]
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
        "answers_display",
        "created_at",
        "attended",
    ]
    export_headings = {
        "event.title": _("Veranstaltung"),
        "get_status_display": _("Status"),
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "organisation": _("Organisation"),
        "role": _("Funktion"),
        "phone": _("Telefon"),
        "workshops_display": _("Workshops"),
        "answers_display": _("Antworten"),
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
            path("person/", person_view, name="person"),
        ]


class EmailIndexView(IndexView):
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
        request.user.has_perm("events.view_emailmessage")
        and request.user.has_perm("events.change_registration")
    ):
        raise PermissionDenied
    message = get_object_or_404(EmailMessage, pk=pk)
    if request.method == "POST":
        # A mail held back by the mail limit is sent when the coordination asks for it.
        EmailMessage.objects.filter(pk=message.pk, status=EmailStatus.SUPPRESSED).update(
            status=EmailStatus.QUEUED
        )
        service.enqueue_email(message.pk)
        messages.success(request, _("Die E-Mail wurde erneut in die Warteschlange gestellt."))
        return HttpResponseRedirect(reverse("registration_emails:index"))
    return TemplateResponse(request, "events/admin/email_retry.html", {"message": message})


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
    items = (RegistrationViewSet, EmailMessageViewSet)
    menu_label = _("Anmeldungen")
    menu_icon = "group"
    menu_name = "registrations-menu"
    menu_order = 250


@hooks.register("register_admin_viewset")
def register_viewsets():
    return RegistrationAdminGroup()


# --------------------------------------------------------------------------- bulk actions


class RegistrationBulkAction(SnippetBulkAction):
    """Runs one of `ACTIONS` on each selected registration through the service.

    Each registration is handled on its own: a `RegistrationError` (e.g. "steht nicht
    auf der Warteliste") is collected and reported, the others still go through.
    Selected registrations are handled oldest first, so the waitlist order holds.
    """

    models = [Registration]
    template_name = "events/admin/bulk_base.html"

    def done_message(self, count):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("events.change_registration"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Select all in listing": the listing's filters and search come along in the
        query string, so only the registrations shown there are selected."""
        queryset = RegistrationFilterSet(self.request.GET, queryset=Registration.objects).qs
        query = self.request.GET.get("q", "").strip()
        if query:
            search = Q()
            for field in RegistrationViewSet.search_fields:
                search |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(search)
        return queryset.values_list("pk", flat=True)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [i for i in object_ids if str(i).isdigit()]
        return list(
            model.objects.filter(pk__in=ids).select_related("event").order_by("created_at", "pk")
        )

    def check_perm(self, registration):
        return permission_policy_for(self.model).user_has_permission_for_instance(
            self.request.user, "change", registration
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_label": self.display_name}

    @classmethod
    def execute_action(cls, objects, **kwargs):
        action = kwargs["self"]
        _label, fn, _icon = ACTIONS[cls.action_type]
        done, action.errors = 0, []
        for registration in objects:
            try:
                fn(registration)
            except service.RegistrationError as error:
                action.errors.append((registration, error.message))
            else:
                done += 1
        return done, len(action.errors)

    def get_success_message(self, num_parent_objects, num_child_objects):
        text = self.done_message(num_parent_objects)
        if num_child_objects:
            text += ", " + _("%(count)s nicht möglich") % {"count": num_child_objects}
            for registration, message in self.errors:
                messages.warning(self.request, f"{registration}: {message}")
        return text


class ApproveBulkAction(RegistrationBulkAction):
    action_type = "approve"
    display_name = _("Bestätigen")
    aria_label = _("Ausgewählte Anmeldungen bestätigen")
    action_priority = 10
    template_name = "events/admin/bulk_approve.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung bestätigt", "%(count)s Anmeldungen bestätigt", count
        ) % {"count": count}


class RejectBulkAction(RegistrationBulkAction):
    action_type = "reject"
    display_name = _("Ablehnen")
    aria_label = _("Ausgewählte Anmeldungen ablehnen")
    action_priority = 20
    template_name = "events/admin/bulk_reject.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung abgelehnt", "%(count)s Anmeldungen abgelehnt", count
        ) % {"count": count}


class CancelBulkAction(RegistrationBulkAction):
    action_type = "cancel"
    display_name = _("Stornieren")
    aria_label = _("Ausgewählte Anmeldungen stornieren")
    action_priority = 25
    template_name = "events/admin/bulk_cancel.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung storniert", "%(count)s Anmeldungen storniert", count
        ) % {"count": count}


class PromoteBulkAction(RegistrationBulkAction):
    action_type = "promote"
    display_name = _("Nachrücken")
    aria_label = _("Ausgewählte Anmeldungen von der Warteliste nachrücken lassen")
    action_priority = 15
    template_name = "events/admin/bulk_promote.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung nachgerückt", "%(count)s Anmeldungen nachgerückt", count
        ) % {"count": count}


class AttendedBulkAction(RegistrationBulkAction):
    action_type = "attended"
    display_name = _("Teilgenommen")
    aria_label = _("Ausgewählte Anmeldungen als teilgenommen markieren")
    action_priority = 40
    template_name = "events/admin/bulk_attended.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung als teilgenommen markiert",
            "%(count)s Anmeldungen als teilgenommen markiert",
            count,
        ) % {"count": count}


for _action_class in (
    ApproveBulkAction,
    PromoteBulkAction,
    RejectBulkAction,
    CancelBulkAction,
    AttendedBulkAction,
):
    hooks.register("register_bulk_action", _action_class)


class RegistrationDeleteBulkAction(DeleteBulkAction):
    """Wagtail's snippet bulk delete for registrations: only with the delete permission
    (the confirmation page lists names), and each registration is cancelled first
    (silently), so the waitlist moves up, as the single delete view does. Registered
    after Wagtail's own (order=100), so it replaces it for this model."""

    models = [Registration]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("events.delete_registration"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for registration in objects:
            service.cancel_silently(registration)
        return super().execute_action(objects, user=user, **kwargs)


hooks.register("register_bulk_action", RegistrationDeleteBulkAction, order=100)


# --------------------------------------------------------------------------- counts


def event_counts(event_ids):
    """{event_id: (capacity, taken, waitlisted)} for the given events (one query)."""
    rows = service.annotate_counts(EventPage.objects.filter(pk__in=list(event_ids))).values(
        "pk", "capacity", "seats_taken", "waitlisted"
    )
    return {r["pk"]: (r["capacity"], r["seats_taken"], r["waitlisted"]) for r in rows}


def counts_label(capacity, taken, waitlisted):
    if capacity is None:
        text = _("%(taken)s angemeldet") % {"taken": taken}
    else:
        text = _("%(taken)s/%(capacity)s Plätze, %(left)s frei") % {
            "taken": taken,
            "capacity": capacity,
            "left": max(capacity - taken, 0),
        }
    if waitlisted:
        text += ", " + _("%(n)s auf der Warteliste") % {"n": waitlisted}
    return text


@hooks.register("construct_page_listing_buttons")
def registration_counts_button(buttons, page, user, context=None):
    """Seats taken/left/waitlisted on event rows of the explorer; the counts of all
    events in the listing are fetched once per request."""
    if not isinstance(page.specific_class, type) or not issubclass(page.specific_class, EventPage):
        return
    request = context.get("request") if context else None
    cache = getattr(request, "_registration_counts", None) if request else None
    if cache is None:
        siblings = EventPage.objects.filter(
            path__startswith=page.path[: -page.steplen], depth=page.depth
        ).values_list("pk", flat=True)
        cache = event_counts(siblings)
        if request is not None:
            request._registration_counts = cache
    if page.pk not in cache:
        return
    capacity, taken, waitlisted = cache[page.pk]
    if capacity is None and not taken:
        return
    url = (
        reverse("registrations:index") + f"?event={page.pk}"
        if user.has_perm("events.view_registration")
        else reverse("wagtailadmin_pages:edit", args=[page.pk])
    )
    buttons.append(
        ListingButton(
            counts_label(capacity, taken, waitlisted),
            url=url,
            icon_name="group",
            priority=90,
        )
    )


class UpcomingRegistrationsPanel(Component):
    """Dashboard: upcoming events that take registrations, with counts (one query)."""

    name = "upcoming_registrations"
    order = 150
    template_name = "events/admin/upcoming_registrations_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        events = (
            service.annotate_counts(
                EventPage.objects.filter(registration_enabled=True).annotate(
                    next_start=Min("dates__start", filter=Q(dates__end__gte=now))
                )
            )
            .filter(next_start__isnull=False)
            .order_by("next_start")[:10]
        )
        rows = [
            {
                "event": e,
                "label": counts_label(e.capacity, e.seats_taken, e.waitlisted),
                "pending": e.pending,
            }
            for e in events
        ]
        return {"rows": rows, "can_view": self.user.has_perm("events.view_registration")}


@hooks.register("construct_homepage_panels")
def add_registrations_panel(request, panels):
    panels.append(UpcomingRegistrationsPanel(request.user))


# --------------------------------------------------------------------------- cancelling


@hooks.register("before_publish_page")
def confirm_event_cancellation(request, page):
    """Publishing an event as "abgesagt" e-mails every registrant and cancels their
    registrations, so the page editor does not publish it straight away: the draft is
    saved (Wagtail has just done so) and the editor is sent to a confirmation that says
    how many people will be told. Events without active registrations publish as usual.
    """
    if not isinstance(page, EventPage) or page.status != EventStatus.CANCELLED:
        return None
    if not service.people_to_notify_of_cancellation(page):
        return None
    return HttpResponseRedirect(
        reverse("event_cancellation", args=[page.pk, page.latest_revision_id])
    )


class EventCancellationForm(forms.Form):
    message = forms.CharField(
        label=_("Absagegrund / Nachricht an Teilnehmende"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Steht in der Absage-E-Mail (optional)."),
    )


def event_cancellation_view(request, page_id, revision_id):
    """GET: "N Personen werden benachrichtigt" and the message; POST: publish the draft
    revision that cancels the event (with the message as changed here). The
    `page_published` receiver then cancels the registrations and queues the e-mails."""
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction
    from wagtail.models import Page

    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, EventPage):
        raise PermissionDenied
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    lock = page.get_lock()
    if lock is not None and lock.for_user(request.user):
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    revision = get_object_or_404(page.revisions, pk=revision_id)
    draft = revision.as_object()
    if revision.pk != page.latest_revision_id or draft.status != EventStatus.CANCELLED:
        messages.warning(request, _("Die Seite wurde inzwischen geändert. Bitte prüfen Sie sie."))
        return HttpResponseRedirect(edit_url)
    count = service.people_to_notify_of_cancellation(page)
    form = EventCancellationForm(
        request.POST or None, initial={"message": draft.cancellation_message}
    )
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"]
        if message != draft.cancellation_message:
            draft.cancellation_message = message
            revision = draft.save_revision(user=request.user, log_action=True)
        PublishPageRevisionAction(revision, user=request.user).execute()
        messages.success(
            request,
            ngettext(
                "„%(title)s“ ist abgesagt; %(count)s Person wird benachrichtigt.",
                "„%(title)s“ ist abgesagt; %(count)s Personen werden benachrichtigt.",
                count,
            )
            % {"title": draft.title, "count": count},
        )
        return HttpResponseRedirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "events/admin/event_cancellation.html",
        {"page": draft, "count": count, "form": form, "edit_url": edit_url},
    )


@hooks.register("register_admin_urls")
def register_event_cancellation_url():
    return [
        path(
            "events/<int:page_id>/absagen/<int:revision_id>/",
            event_cancellation_view,
            name="event_cancellation",
        )
    ]
