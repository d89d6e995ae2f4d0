"""Local development: DEBUG on, e-mails printed to the console, a throwaway key."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# DEMO ONLY: the printed demo login (admin / kinderschutz) works without a second factor.
# The accounts app's system check refuses this setting whenever DEBUG is off.
KINDERSCHUTZ_2FA_EXEMPT_USERNAMES = ["admin"]
