"""Settings shared by every environment.

Environment-specific files (dev, test, production) import this module and override
what differs. Nothing secret lives here: production reads secrets from the environment.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_float, env_int, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "kinderschutz_cms",
    "members",
    "events",
    "registrations",
    "news",
    "publicbody",
    # The demo network and `load_demo_data` (standalone site and tests only; not in the wheel).
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",  # /sitemap.xml (kinderschutz_cms.seo)
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the sitemap.xml template
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kinderschutz_cms.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # German unless the visitor chose English (cookie); never by Accept-Language.
    "kinderschutz_cms.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The request's Wagtail Site from the frame cache (no query per request).
    "kinderschutz_cms.middleware.SiteFromCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous views of public pages from the shared cache (after the site and CSRF).
    "kinderschutz_cms.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "kinderschutz_cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                # kinderschutz_base_template: the frame the plugin pages extend.
                "kinderschutz_cms.context_processors.plugin",
            ],
        },
    },
]

WSGI_APPLICATION = "kinderschutz_cms.wsgi.application"


def database_from_env(default_sqlite_path):
    """The database: `DATABASE_URL` if set (PostgreSQL in production), else SQLite.

    SQLite runs every write transaction as IMMEDIATE, so that the seat check and the
    insert of a registration cannot interleave with another writer (see
    registrations/services/locking.py), and waits for a busy database instead of failing at once.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                # Seconds a writer waits for SQLite's one write lock (SQLITE_BUSY_TIMEOUT).
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    return config


DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German first: the public site, the e-mails and the admin. English is available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
FORMAT_MODULE_PATH = ["kinderschutz_cms.formats"]
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = []  # static files ship inside the apps (kinderschutz_cms/static/...)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail goes out through django-tasks, after the transaction that caused it commits.
# Development and tests run tasks immediately; production queues them in the database
# (django-tasks-db) for a worker process: TASKS_BACKEND=database.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env_str("TASKS_BACKEND", "immediate")]}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kinderschutz@example.org")

# A shared cache (Redis) when several processes must agree (feed, rate limits);
# per-process memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    # Room for a Land's calendar: its feeds keep one serialised entry per date (issue
    # #19, events/feeds.py); Django's default of 300 entries would evict them, and with
    # them everything else, on every build.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

WAGTAIL_SITE_NAME = "Netzwerk Kinderschutz"
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL full-text search with German stemming ("Fortbildungen" finds "Fortbildung").
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "german"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# No third-party requests from the admin either: avatars are Wagtail's default image or an
# uploaded one, never Gravatar (which would receive a hash of each editor's e-mail address).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Registrations (registrations/conf.py lists every setting and its default). The bench
# server and load tests switch spam limits off through the environment.
# Reverse proxies in front of the web processes that append to X-Forwarded-For; 0 = no
# proxy, the client is REMOTE_ADDR (kinderschutz_cms/client_ip.py, docs/deployment.md).
KINDERSCHUTZ_TRUSTED_PROXY_COUNT = env_int("KINDERSCHUTZ_TRUSTED_PROXY_COUNT", 0)
# Anonymous views of public pages kept this long in the shared cache; 0 = off
# (kinderschutz_cms/page_cache.py, docs/deployment.md).
KINDERSCHUTZ_PAGE_CACHE_SECONDS = env_int("KINDERSCHUTZ_PAGE_CACHE_SECONDS", 300)
REGISTRATION_RETENTION_DAYS = env_int("REGISTRATION_RETENTION_DAYS", 180)
REGISTRATION_MIN_FILL_SECONDS = env_float("REGISTRATION_MIN_FILL_SECONDS", 3)
REGISTRATION_RATE_LIMIT = (
    None
    if os.environ.get("REGISTRATION_RATE_LIMIT") == "off"
    else (env_int("REGISTRATION_RATE_LIMIT", 10), 600)
)
REGISTRATION_LINK_DAYS_AFTER_EVENT = 30
REGISTRATION_EMAIL_MAX_ATTEMPTS = 6

# Admin accounts (kinderschutz_cms/accounts, issue #22): throttled logins (django-axes, per
# account and per client address: the 5th failure within the cool-off locks for
# AXES_COOLOFF_MINUTES; an administrator lifts it under "Sicherheit > Anmeldesperren"), a
# second factor (django-otp: TOTP apps and recovery codes), staff sessions that end after
# KINDERSCHUTZ_ADMIN_IDLE_MINUTES without activity and at browser close, a CSP for the
# admin, an audit list of logins. Defaults of the app's own settings: accounts/conf.py.
INSTALLED_APPS += [
    "kinderschutz_cms.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "kinderschutz_cms.accounts.middleware.StaffSessionMiddleware",
    "kinderschutz_cms.accounts.middleware.TwoFactorMiddleware",
    "kinderschutz_cms.accounts.middleware.AdminContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] = {"min_length": 12}  # MinimumLengthValidator
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the announced end stays true
AXES_DISABLE_ACCESS_LOG = True  # logins go to the accounts app's audit list instead
AXES_CLIENT_IP_CALLABLE = "kinderschutz_cms.accounts.network.client_ip"
AXES_LOCKOUT_CALLABLE = "kinderschutz_cms.accounts.throttling.lockout_response"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests from the admin:
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin CSP would block both anyway
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
KINDERSCHUTZ_ADMIN_IDLE_MINUTES = int(os.environ.get("KINDERSCHUTZ_ADMIN_IDLE_MINUTES", 30))
