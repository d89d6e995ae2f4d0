"""The accounts app in the Wagtail admin: the 2FA pages (URLs, account menu entry, a
"2FA zurücksetzen" button on the user list) and the "Sicherheit" menu for
administrators: current lock-outs (with "Sperre aufheben") and the audit list."""

import django_filters
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy

from kinderschutz_cms.compat import RegisteredPolicyMixin, register_permission_policy

from . import views
from .models import SecurityEvent, SecurityEventKind
from .throttling import current_lockouts


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("zwei-faktor/", views.manage, name="kinderschutz_accounts_manage"),
        path("zwei-faktor/code/", views.verify, name="kinderschutz_accounts_verify"),
        path("zwei-faktor/einrichten/", views.setup, name="kinderschutz_accounts_setup"),
        path("zwei-faktor/codes/", views.renew_codes, name="kinderschutz_accounts_renew"),
        path("zwei-faktor/entfernen/", views.remove, name="kinderschutz_accounts_remove"),
        path(
            "zwei-faktor/zuruecksetzen/<int:user_id>/",
            views.reset_user,
            name="kinderschutz_accounts_reset",
        ),
        path(
            "sicherheit/sperren/<int:pk>/aufheben/",
            views.unlock,
            name="kinderschutz_accounts_unlock",
        ),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    return {
        "url": reverse("kinderschutz_accounts_manage"),
        "label": _("Zwei-Faktor-Anmeldung"),
        "help_text": _("Authenticator-App und Wiederherstellungscodes verwalten."),
    }


@hooks.register("register_user_listing_buttons")
def reset_two_factor_button(user, request_user):
    if request_user.has_perm(f"{get_user_model()._meta.app_label}.change_user"):
        yield ListingButton(
            _("Zwei-Faktor-Anmeldung zurücksetzen"),
            reverse("kinderschutz_accounts_reset", args=[user.pk]),
            priority=60,
        )


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only viewing is offered; records change through the services, never by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(AccessAttempt, ReadOnlyPolicy(AccessAttempt))
register_permission_policy(SecurityEvent, ReadOnlyPolicy(SecurityEvent))


class UnlockColumn(Column):
    cell_template_name = "kinderschutz_accounts/unlock_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["unlock_url"] = reverse("kinderschutz_accounts_unlock", args=[instance.pk])
        return context


class LockoutViewSet(RegisteredPolicyMixin, ModelViewSet):
    """Accounts and addresses locked right now; "Sperre aufheben" lifts both."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Anmeldesperren")
    name = "kinderschutz_accounts_lockouts"
    url_prefix = "sicherheit/sperren"
    add_to_admin_menu = False
    inspect_view_enabled = False
    copy_view_enabled = False
    form_fields = ["username"]  # never offered: the policy allows viewing only
    list_export = []
    list_display = [
        Column("username", label=_("Benutzername")),
        Column("ip_address", label=_("Adresse")),
        Column("failures_since_start", label=_("Fehlversuche")),
        DateColumn("attempt_time", label=_("Letzter Versuch")),
        UnlockColumn("unlock", label=_("Aktion")),
    ]

    def get_queryset(self, request):
        return current_lockouts()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=_("Anmeldesperren"), **kwargs)


class SecurityEventFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Ereignis"), choices=SecurityEventKind.choices)
    username = django_filters.CharFilter(label=_("Benutzername"), lookup_expr="iexact")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username"]


class SecurityEventViewSet(RegisteredPolicyMixin, ModelViewSet):
    """The audit list: logins, failures, lock-outs and 2FA changes (no codes)."""

    model = SecurityEvent
    icon = "history"
    menu_label = _("Anmeldeprotokoll")
    name = "kinderschutz_accounts_events"
    url_prefix = "sicherheit/protokoll"
    inspect_view_enabled = False
    copy_view_enabled = False
    filterset_class = SecurityEventFilterSet
    form_fields = ["kind"]  # never offered: the policy allows viewing only
    list_display = [
        DateColumn("created_at", label=_("Zeitpunkt")),
        Column("get_kind_display", label=_("Ereignis")),
        Column("username", label=_("Benutzername")),
        Column("ip_address", label=_("Adresse")),
        Column("actor", label=_("ausgeführt von")),
    ]
    list_export = ["created_at", "kind", "username", "ip_address", "actor"]
    export_filename = "anmeldeprotokoll"

    def get_queryset(self, request):
        return SecurityEvent.objects.select_related("actor")


class SecurityViewSetGroup(ModelViewSetGroup):
    menu_label = _("Sicherheit")
    menu_icon = "lock"
    menu_order = 9000
    items = (LockoutViewSet, SecurityEventViewSet)


@hooks.register("register_admin_viewset")
def register_security_viewsets():
    return SecurityViewSetGroup()
