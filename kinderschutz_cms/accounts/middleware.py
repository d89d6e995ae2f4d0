"""Middleware of the admin accounts: idle timeout, second factor, the admin's CSP.

Order in MIDDLEWARE: after AuthenticationMiddleware and django-otp's OTPMiddleware (which
gives `request.user.is_verified()`), then StaffSessionMiddleware, TwoFactorMiddleware.
"""

import time

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .audit import record
from .conf import setting
from .models import SecurityEventKind
from .two_factor import has_second_factor, requires_two_factor

LAST_ACTIVITY_KEY = "kinderschutz_last_activity"
# Requests the admin sends by itself (the editor's concurrent-editing ping every few
# seconds) are not activity: an editor left open must still time out.
PASSIVE_PATH_PARTS = ("/editing-sessions/",)
# Refresh the stored time at most this often, so that not every request writes the session.
ACTIVITY_RESOLUTION_SECONDS = 15


def _is_admin(request) -> bool:
    return request.path.startswith(setting("KINDERSCHUTZ_ADMIN_PREFIX"))


class StaffSessionMiddleware:
    """A logged-in session ends after KINDERSCHUTZ_ADMIN_IDLE_MINUTES without a request,
    and always at browser close (even when "Angemeldet bleiben" was ticked)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle_seconds = int(setting("KINDERSCHUTZ_ADMIN_IDLE_MINUTES")) * 60
            if last is not None and now - last > idle_seconds:
                record(SecurityEventKind.SESSION_EXPIRED, request=request, user=request.user)
                request.session.flush()
                request.user = AnonymousUser()
                if _is_admin(request):
                    messages.info(
                        request,
                        _(
                            "Ihre Sitzung ist nach %(minutes)d Minuten ohne Aktivität "
                            "abgelaufen. Bitte melden Sie sich erneut an."
                        )
                        % {"minutes": idle_seconds // 60},
                    )
            elif not any(part in request.path for part in PASSIVE_PATH_PARTS) and (
                last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS
            ):
                request.session[LAST_ACTIVITY_KEY] = now

        response = self.get_response(request)

        if request.user.is_authenticated and not request.session.get_expire_at_browser_close():
            request.session.set_expiry(0)
        return response


class TwoFactorMiddleware:
    """On admin URLs: a user with a device must have entered a code in this session; a
    user who `requires_two_factor` and has no device is sent to set one up."""

    open_url_names = {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "kinderschutz_accounts_verify",
        "kinderschutz_accounts_setup",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_admin(request) and request.user.is_authenticated and not self._open(request):
            target = self.required_step(request.user)
            if target:
                return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)

    @staticmethod
    def required_step(user) -> str | None:
        """The URL name the user must pass through first, or None."""
        if user.is_verified():
            return None
        if has_second_factor(user):
            return "kinderschutz_accounts_verify"
        if requires_two_factor(user):
            return "kinderschutz_accounts_setup"
        return None

    def _open(self, request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in self.open_url_names


class AdminContentSecurityPolicyMiddleware:
    """Adds KINDERSCHUTZ_ADMIN_CSP to every response under the admin (the public pages
    get theirs from kinderschutz_cms.middleware.ContentSecurityPolicyMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = setting("KINDERSCHUTZ_ADMIN_CSP")
        if policy and _is_admin(request):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
