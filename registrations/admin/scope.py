"""Which registrations a user may see in the admin: those of events whose pages they may
edit (Wagtail page permissions, "change"). A coordinator of one site gets page
permissions on that site's tree only and so sees that site's registrations only; the
"Koordination" group created by the data migration may edit the whole tree (all sites).
Superusers see everything.

Every admin list, export, action and panel that shows registrations (or their e-mails)
starts from these querysets.
"""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import EmailMessage, Registration
from ..services.locking import event_model


def require(request, action):
    """The model permission `registrations.<action>_registration`, or 403."""
    if not request.user.has_perm(f"registrations.{action}_registration"):
        raise PermissionDenied


def events_for(user):
    """The event pages whose registrations `user` may see."""
    events = event_model().objects.all()
    if user.is_superuser:
        return events
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})
    return events.filter(pk__in=pages.values("pk"))


def registrations_for(user, queryset=None):
    queryset = Registration.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(event__in=events_for(user).values("pk"))


def emails_for(user, queryset=None):
    queryset = EmailMessage.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(event__in=events_for(user).values("pk"))


class ScopedObjectMixin:
    """For the edit, inspect and delete views: a registration outside the user's events
    is forbidden."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not registrations_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj
