"""Fixed value lists of the members app (stored values English, labels German)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    """Öffentlicher Träger (a public body, e.g. the Landkreis) or freier Träger (NGO, church)."""

    PUBLIC = "public", _("öffentlicher Träger")
    INDEPENDENT = "independent", _("freier Träger")


DEFAULT_LEGAL_BASIS = "§ 3 KKG, § 4 KKG, § 8a SGB VIII"


class SigningMethod(models.TextChoices):
    """How a member signed an agreement version: online through a signing link, or on paper
    (recorded by the coordination)."""

    PAPER = "paper", _("auf Papier")
    ONLINE = "online", _("online")


class RoundScope(models.TextChoices):
    """Whom a signing round invites."""

    UNSIGNED = "unsigned", _("Netzwerkpartner ohne gültige Unterschrift unter diese Fassung")
    ALL = "all", _("alle Netzwerkpartner (nach einer Überarbeitung)")


class ConceptStatus(models.TextChoices):
    """Whether a member has a protection concept (Schutzkonzept)."""

    NONE = "none", _("keines")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    ADOPTED = "adopted", _("beschlossen")


class CheckAnswer(models.TextChoices):
    """A member's answer in a yearly check (Prüfrunde)."""

    OPEN = "open", _("offen")
    UNCHANGED = "unchanged", _("keine Änderungen")
    CHANGED = "changed", _("Änderungen eingereicht")


class ChangeStatus(models.TextChoices):
    """A change a maintainer submitted through the self-service form."""

    PENDING = "pending", _("in Prüfung")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")
    REPLACED = "replaced", _("durch neuere Änderung ersetzt")
