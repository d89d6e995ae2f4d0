from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kinderschutz_cms import frame

        from . import feed_cache, signals
        from .models import Audience, EventDate, Venue

        signals.connect()
        feed_cache.connect()
        # The calendar's filters and page number: answers with them may be kept whole.
        from kinderschutz_cms import page_cache

        from .forms import EventFilterForm

        page_cache.read_parameters("seite", *EventFilterForm.base_fields)
        # The calendar's filter choices are cached (EventIndexPage.filter_form) and so are
        # its cards (`frame_fragment`): a new audience, a changed date or venue must show
        # at once.
        frame.watch(Audience, EventDate, Venue)
