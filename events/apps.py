from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kinderschutz_cms import frame

        from . import feed_cache, signals
        from .models import Audience, EventDate

        signals.connect()
        feed_cache.connect()
        # The calendar's filter choices are cached (EventIndexPage.filter_form): a new
        # audience or a changed date must show at once.
        frame.watch(Audience, EventDate)
