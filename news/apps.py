from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Aktuelles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The news index's tag filter and page number: answers with them may be kept whole.
        from kinderschutz_cms import page_cache

        page_cache.read_parameters("tag", "page")
