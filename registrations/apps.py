from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    label = "registrations"
    verbose_name = _("Anmeldungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import log_redaction, signals

        log_redaction.install()
        signals.connect()
