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
        # `?termin=` chooses the date of a series on the registration form.
        from kinderschutz_cms import page_cache

        from .forms import OCCURRENCE_FIELD

        page_cache.read_parameters(OCCURRENCE_FIELD)
