from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KinderschutzCmsConfig(AppConfig):
    name = "kinderschutz_cms"
    verbose_name = _("Website")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing registers the checks: the site-wide deploy checks, and the admin-account
        # checks, which run even where the accounts app is not installed.
        from . import checks as site_checks  # noqa: F401
        from . import frame, page_cache
        from .accounts import checks  # noqa: F401

        frame.connect()
        page_cache.connect()
