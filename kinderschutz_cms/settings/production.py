"""Production: everything secret or site-specific comes from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL.
Required with more than one process (gunicorn workers): REDIS_URL, the shared cache. The
registration rate limits count in the cache and the built calendars are kept there; with
the per-process fallback each worker counts for itself (`make serve-prod` starts a Redis).
Links: WAGTAILADMIN_BASE_URL is the public address for links without a request (e-mails);
behind the reverse proxy, USE_X_FORWARDED_HOST (DJANGO_USE_X_FORWARDED_HOST) and
SECURE_PROXY_SSL_HEADER make links on pages use the visitor's host and scheme
(docs/deployment.md, "Addresses and the reverse proxy").
Optional: TASKS_BACKEND (default "database": a worker runs
`manage.py db_worker`), SMTP settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS for STARTTLS (port 587) or EMAIL_USE_SSL for implicit TLS
(port 465)), DEFAULT_FROM_EMAIL, WAGTAILADMIN_BASE_URL,
STATIC_ROOT, MEDIA_ROOT, DB_CONN_MAX_AGE (default 60 here), DB_CONN_HEALTH_CHECKS (default 1),
REGISTRATION_MIN_FILL_SECONDS and REGISTRATION_RATE_LIMIT (a count per 10 minutes, or
"off"; both read in base.py), REGISTRATION_EMAIL_STALE_MINUTES,
REGISTRATION_EMAIL_MAX_ATTEMPTS (see docs/registrations.md).

Yes/no values accept 1/true/yes/on and 0/false/no/off; lists are comma-separated; a value
that cannot be read stops the start (settings/env.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
TASKS["default"]["BACKEND"] = TASK_BACKENDS[env_str("TASKS_BACKEND", "database")]  # noqa: F405

# WhiteNoise serves the collected, hashed static files from the application process.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (port 465), not both."
    )
EMAIL_TIMEOUT = 20

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)

# The reverse proxy terminates TLS and tells the scheme in X-Forwarded-Proto; with
# DJANGO_USE_X_FORWARDED_HOST it also passes the visitor's host in X-Forwarded-Host
# (only if the proxy sets or strips that header itself). Links on pages use both.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Request bodies and e-mail addresses must never reach the log; Django's request
    # logger only writes the path and status.
    "loggers": {"django.security.DisallowedHost": {"handlers": [], "propagate": False}},
}

# E-mail retry knobs (registrations.services.outbox) from the environment, for operators
# and the fault tests (tests/production). REGISTRATION_MIN_FILL_SECONDS and
# REGISTRATION_RATE_LIMIT (a count per 10 minutes, or "off") are read in base.py. Unset:
# the defaults in the code apply.
if env_str("REGISTRATION_EMAIL_STALE_MINUTES"):
    REGISTRATION_EMAIL_STALE_MINUTES = env_int("REGISTRATION_EMAIL_STALE_MINUTES", 0)
if env_str("REGISTRATION_EMAIL_MAX_ATTEMPTS"):
    REGISTRATION_EMAIL_MAX_ATTEMPTS = env_int("REGISTRATION_EMAIL_MAX_ATTEMPTS", 0)
# Persistent database connections (DB_CONN_MAX_AGE seconds, default 60 in production; 0
# opens one per request): a sync gunicorn worker serves one request at a time, so each
# keeps one connection instead of connecting (TCP, authentication, session set-up) for
# every request. They are checked before each request (DB_CONN_HEALTH_CHECKS) so a
# restarted database costs one failed request per process at most, not many. Size the
# server's max_connections for all workers plus the task worker.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", True)  # noqa: F405
