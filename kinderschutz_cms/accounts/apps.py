from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kinderschutz_cms.accounts"
    label = "kinderschutz_accounts"
    verbose_name = _("Admin-Konten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit  # noqa: F401  (signal receivers)
