"""Throttled logins (django-axes): the lock-out answer and the administrator's unlock.

django-axes counts failed logins per account and per client address (settings:
AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME, AXES_LOCKOUT_PARAMETERS). A locked-out login,
even with the right password, gets Wagtail's login page with a German message that
names the time from which the person may try again (HTTP 429). Failures during a
lock-out do not extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so
the announced time stays true. Attempt records older than the cool-off are deleted by
django-axes itself on the next failure and by `purge_login_records`.
"""

from datetime import datetime

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.admin.forms.auth import LoginForm

from .audit import record, user_named
from .models import SecurityEventKind
from .network import client_ip


def lockout_ends_at(username: str | None, ip_address: str | None) -> datetime | None:
    """When the lock-out of this account or address ends (the later of the two)."""
    cool_off = get_cool_off()
    if cool_off is None:
        return None
    match = Q(pk__in=[])
    if username:
        match |= Q(username=username)
    if ip_address:
        match |= Q(ip_address=ip_address)
    locking = AccessAttempt.objects.filter(
        match, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    last = locking.aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + cool_off


def lockout_message(ends_at: datetime | None) -> str:
    if ends_at is None:
        return _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Das Konto ist gesperrt; bitte wenden "
            "Sie sich an die Administration."
        )
    local = timezone.localtime(ends_at)
    if local.date() == timezone.localdate():
        when = _("heute ab %(time)s Uhr") % {"time": date_format(local, "H:i")}
    else:
        when = _("ab %(date)s, %(time)s Uhr") % {
            "date": date_format(local, "d.m.Y"),
            "time": date_format(local, "H:i"),
        }
    return _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Aus Sicherheitsgründen ist die Anmeldung "
        "vorübergehend gesperrt. Bitte versuchen Sie es %(when)s erneut oder bitten Sie die "
        "Administration, die Sperre aufzuheben."
    ) % {"when": when}


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: Wagtail's login page with the lock-out message (429)."""
    username = get_client_username(request, credentials) or ""
    message = lockout_message(lockout_ends_at(username, client_ip(request)))
    form = LoginForm(request=request, initial={"username": username})
    # Rendered here: django-axes answers from its middleware, after the template phase.
    return render(
        request,
        "kinderschutz_accounts/lockout.html",
        {
            "form": form,
            "lockout_message": message,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "show_password_reset": False,
        },
        status=429,
    )


@transaction.atomic
def unlock(attempt: AccessAttempt, *, actor) -> int:
    """Lift the lock-out of the attempt's account and of its address; returns how many
    attempt records were removed. Recorded in the audit list with who lifted it."""
    removed = 0
    if attempt.username:
        removed += reset(username=attempt.username)
    if attempt.ip_address:
        removed += reset(ip=attempt.ip_address)
    record(
        SecurityEventKind.UNLOCKED,
        user=user_named(attempt.username),
        username=attempt.username or "",
        actor=actor,
    )
    return removed


def current_lockouts():
    """Attempt records that lock an account or an address right now."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.order_by("-attempt_time")
