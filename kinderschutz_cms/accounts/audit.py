"""Writes the audit list (`SecurityEvent`) from Django's and django-axes' signals and
from the 2FA services.

Only the username, the account, the client address and the kind of event are kept:
Django's `user_login_failed` hands over cleansed credentials, and of those only the
username is read. Codes typed for the second factor are never passed here.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import SecurityEvent, SecurityEventKind
from .network import client_ip


def record(
    kind: SecurityEventKind,
    *,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    actor=None,
) -> SecurityEvent:
    """Append one event. `user` may be None (a failed login of an unknown name)."""
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or "")[:150],
        ip_address=client_ip(request) if request is not None else None,
        actor=actor,
    )


def user_named(username):
    if not username:
        return None
    return (
        get_user_model()
        ._default_manager.filter(**{get_user_model().USERNAME_FIELD: username})
        .first()
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(SecurityEventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    record(
        SecurityEventKind.LOGIN_FAILED,
        request=request,
        user=user_named(username),
        username=username or "",
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(
        SecurityEventKind.LOCKED_OUT,
        request=request,
        user=user_named(username),
        username=username or "",
    )
