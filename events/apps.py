from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import feed_cache, signals

        signals.connect()
        feed_cache.connect()
