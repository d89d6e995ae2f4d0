"""Fixed value lists of the members app (stored values English, labels German)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    """Öffentlicher Träger (a public body, e.g. the Landkreis) or freier Träger (NGO, church)."""

    PUBLIC = "public", _("öffentlicher Träger")
    INDEPENDENT = "independent", _("freier Träger")


DEFAULT_LEGAL_BASIS = "§ 3 KKG, § 4 KKG, § 8a SGB VIII"
