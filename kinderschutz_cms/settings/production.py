"""Production: everything secret or site-specific comes from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL.
Optional: REDIS_URL (shared cache), TASKS_BACKEND (default "database": a worker runs
`manage.py db_worker`), SMTP settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS), DEFAULT_FROM_EMAIL, WAGTAILADMIN_BASE_URL,
STATIC_ROOT, MEDIA_ROOT, DB_CONN_MAX_AGE (base.py), DB_CONN_HEALTH_CHECKS (default 1),
REGISTRATION_MIN_FILL_SECONDS and REGISTRATION_RATE_LIMIT (a count per 10 minutes, or
"off"; both read in base.py), REGISTRATION_EMAIL_STALE_MINUTES,
REGISTRATION_EMAIL_MAX_ATTEMPTS (see docs/registrations.md).
"""

import os

from .base import *  # noqa: F403

DEBUG = False
TASKS["default"]["BACKEND"] = TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")]  # noqa: F405

# WhiteNoise serves the collected, hashed static files from the application process.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 20

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "1") == "1"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Request bodies and e-mail addresses must never reach the log; Django's request
    # logger only writes the path and status.
    "loggers": {"django.security.DisallowedHost": {"handlers": [], "propagate": False}},
}

# E-mail retry knobs (events.tasks) from the environment, for operators and the fault tests
# (tests/production). REGISTRATION_MIN_FILL_SECONDS and REGISTRATION_RATE_LIMIT (a count per
# 10 minutes, or "off") are read in base.py. Unset: the defaults in the code apply.
if "REGISTRATION_EMAIL_STALE_MINUTES" in os.environ:
    REGISTRATION_EMAIL_STALE_MINUTES = int(os.environ["REGISTRATION_EMAIL_STALE_MINUTES"])
if "REGISTRATION_EMAIL_MAX_ATTEMPTS" in os.environ:
    REGISTRATION_EMAIL_MAX_ATTEMPTS = int(os.environ["REGISTRATION_EMAIL_MAX_ATTEMPTS"])
# DB_CONN_MAX_AGE (base.py) keeps connections open; then check them before each request
# so a restarted database costs one failed request per process at most, not many.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = os.environ.get("DB_CONN_HEALTH_CHECKS", "1") == "1"  # noqa: F405
