"""Per-row actions and Wagtail bulk actions on registrations: one `ACTIONS` mapping for
both, each calling the booking service; bulk delete cancels first (the waitlist moves up).
A state change never happens on GET."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from kinderschutz_cms.compat import permission_policy_for

from ..errors import RegistrationError
from ..models import (
    Registration,
    RegistrationStatus,
)
from ..services import attendance, booking
from .scope import registrations_for, require

# --------------------------------------------------------------------------- actions

ACTIONS = {
    "approve": (_("Bestätigen"), booking.approve, "check"),
    "reject": (_("Ablehnen"), booking.reject, "cross"),
    "cancel": (_("Stornieren"), lambda r: booking.cancel(r, by_coordinator=True), "bin"),
    "promote": (_("Von der Warteliste nachrücken"), booking.promote, "arrow-up"),
    "attended": (
        _("Als teilgenommen markieren"),
        lambda r: attendance.set_attendance(r, True),
        "tick",
    ),
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


def registration_action_view(request, pk, action):
    """GET: confirm; POST: run the service function (never a state change on GET)."""
    require(request, "change")
    if action not in ACTIONS:
        raise PermissionDenied
    registration = get_object_or_404(registrations_for(request.user).select_related("event"), pk=pk)
    label, fn, _icon = ACTIONS[action]
    if request.method == "POST":
        try:
            fn(registration)
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Erledigt: %(action)s") % {"action": label})
        return HttpResponseRedirect(
            reverse("registrations:index") + f"?event={registration.event_id}"
        )
    return TemplateResponse(
        request,
        "registrations/admin/registration_action.html",
        {"registration": registration, "label": label, "action": action},
    )


# --------------------------------------------------------------------------- bulk actions


class RegistrationBulkAction(SnippetBulkAction):
    """Runs one of `ACTIONS` on each selected registration through the service.

    Each registration is handled on its own: a `RegistrationError` (e.g. "steht nicht
    auf der Warteliste") is collected and reported, the others still go through.
    Selected registrations are handled oldest first, so the waitlist order holds.
    """

    models = [Registration]
    template_name = "registrations/admin/bulk_base.html"

    def done_message(self, count):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("registrations.change_registration"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Select all in listing": the listing's filters and search come along in the
        query string, so only the registrations shown there are selected."""
        from .viewsets import filtered_registrations

        queryset = filtered_registrations(self.request.user, self.request.GET, self.request)
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
            except RegistrationError as error:
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
    template_name = "registrations/admin/bulk_approve.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung bestätigt", "%(count)s Anmeldungen bestätigt", count
        ) % {"count": count}


class RejectBulkAction(RegistrationBulkAction):
    action_type = "reject"
    display_name = _("Ablehnen")
    aria_label = _("Ausgewählte Anmeldungen ablehnen")
    action_priority = 20
    template_name = "registrations/admin/bulk_reject.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung abgelehnt", "%(count)s Anmeldungen abgelehnt", count
        ) % {"count": count}


class CancelBulkAction(RegistrationBulkAction):
    action_type = "cancel"
    display_name = _("Stornieren")
    aria_label = _("Ausgewählte Anmeldungen stornieren")
    action_priority = 25
    template_name = "registrations/admin/bulk_cancel.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung storniert", "%(count)s Anmeldungen storniert", count
        ) % {"count": count}


class PromoteBulkAction(RegistrationBulkAction):
    action_type = "promote"
    display_name = _("Nachrücken")
    aria_label = _("Ausgewählte Anmeldungen von der Warteliste nachrücken lassen")
    action_priority = 15
    template_name = "registrations/admin/bulk_promote.html"

    def done_message(self, count):
        return ngettext(
            "%(count)s Anmeldung nachgerückt", "%(count)s Anmeldungen nachgerückt", count
        ) % {"count": count}


class AttendedBulkAction(RegistrationBulkAction):
    action_type = "attended"
    display_name = _("Teilgenommen")
    aria_label = _("Ausgewählte Anmeldungen als teilgenommen markieren")
    action_priority = 40
    template_name = "registrations/admin/bulk_attended.html"

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
        if not request.user.has_perm("registrations.delete_registration"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for registration in objects:
            booking.cancel_silently(registration)
        return super().execute_action(objects, user=user, **kwargs)


hooks.register("register_bulk_action", RegistrationDeleteBulkAction, order=100)
