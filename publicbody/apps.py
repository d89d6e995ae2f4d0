from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicBodyConfig(AppConfig):
    """What a public body's website must have: accessibility statement, barrier reports,
    Impressum and privacy notice. Works without members or events; mails go through the
    registrations app's outbox."""

    name = "publicbody"
    verbose_name = _("Barrierefreiheit und Rechtliches")
    default_auto_field = "django.db.models.BigAutoField"
