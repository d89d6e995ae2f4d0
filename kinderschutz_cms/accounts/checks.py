"""System checks of the admin accounts, registered by kinderschutz_cms (always installed),
so that a host site that installs the events app without this one is warned too.

- W001: the events (registrations) app is installed without django-axes throttling.
- W002: ... without a second factor for the admin (this app's TwoFactorMiddleware).
- E001: a demo exemption from 2FA (KINDERSCHUTZ_2FA_EXEMPT_USERNAMES) with DEBUG off.
"""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

TWO_FACTOR_MIDDLEWARE = "kinderschutz_cms.accounts.middleware.TwoFactorMiddleware"


@register(Tags.security)
def check_admin_accounts(app_configs, **kwargs):
    messages = []
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if apps.is_installed("registrations"):
        backends = getattr(settings, "AUTHENTICATION_BACKENDS", [])
        if not apps.is_installed("axes") or not any(b.startswith("axes.") for b in backends):
            messages.append(
                Warning(
                    "Registrations (personal data) are installed, but failed admin logins "
                    "are not throttled.",
                    hint="Install django-axes as README 'Using the apps in an existing "
                    "Wagtail site' shows (INSTALLED_APPS, AUTHENTICATION_BACKENDS, "
                    "MIDDLEWARE).",
                    id="kinderschutz_accounts.W001",
                )
            )
        if not apps.is_installed("kinderschutz_cms.accounts") or (
            TWO_FACTOR_MIDDLEWARE not in middleware
        ):
            messages.append(
                Warning(
                    "Registrations (personal data) are installed, but the admin asks for "
                    "no second factor.",
                    hint=f"Add 'kinderschutz_cms.accounts' and the django_otp apps to "
                    f"INSTALLED_APPS and {TWO_FACTOR_MIDDLEWARE} to MIDDLEWARE.",
                    id="kinderschutz_accounts.W002",
                )
            )
    if getattr(settings, "KINDERSCHUTZ_2FA_EXEMPT_USERNAMES", None) and not settings.DEBUG:
        messages.append(
            Error(
                "KINDERSCHUTZ_2FA_EXEMPT_USERNAMES is a demo setting; it is refused when "
                "DEBUG is off.",
                hint="Remove it: every admin account with personal data needs a second factor.",
                id="kinderschutz_accounts.E001",
            )
        )
    return messages
