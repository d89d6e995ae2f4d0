"""Defaults of the accounts app's settings, read where used (`setting("NAME")`)."""

from django.conf import settings

DEFAULTS = {
    # Minutes without a request after which a logged-in user's session ends.
    "KINDERSCHUTZ_ADMIN_IDLE_MINUTES": 30,
    # Permissions whose holders must use a second factor (besides superusers and whoever
    # may see the members' contact reports). Registrations are personal data.
    "KINDERSCHUTZ_2FA_REQUIRED_PERMISSIONS": [
        "registrations.view_registration",
        "registrations.change_registration",
        "registrations.delete_registration",
        "registrations.view_emailmessage",
        "auth.change_user",
        "auth.change_group",
    ],
    # DEMO ONLY: usernames that may use the admin without a second factor. The system
    # check kinderschutz_accounts.E001 refuses a non-empty list whenever DEBUG is off.
    "KINDERSCHUTZ_2FA_EXEMPT_USERNAMES": [],
    # Days after which login attempts and audit records are deleted (`purge_login_records`).
    "KINDERSCHUTZ_LOGIN_RECORDS_RETENTION_DAYS": 90,
    # The admin's Content-Security-Policy, as strict as Wagtail 8's admin allows: it runs
    # inline scripts (the page editor, tested in Chromium) and sets inline styles, and
    # shows data:/blob: images (previews, uploads). Everything else is this origin only,
    # so no third-party request leaves the admin. frame-ancestors 'self' lets the
    # editor's preview panel frame the admin's own preview URLs.
    "KINDERSCHUTZ_ADMIN_CSP": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "frame-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'self'"
    ),
    # Path prefix of the Wagtail admin (where the CSP, the idle timeout and 2FA apply).
    "KINDERSCHUTZ_ADMIN_PREFIX": "/admin/",
}


def setting(name):
    return getattr(settings, name, DEFAULTS[name])
