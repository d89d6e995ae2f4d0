"""Fixed choices of the events app (formats, statuses, programme items)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("Präsenz")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("findet statt")
    CANCELLED = "cancelled", _("abgesagt")
    POSTPONED = "postponed", _("verschoben")


class TimeSlotKind(models.TextChoices):
    WELCOME = "welcome", _("Begrüßung")
    KEYNOTE = "keynote", _("Impulsvortrag")
    BREAK = "break", _("Pause")
    PLENARY = "plenary", _("Plenum")
    WORKSHOPS = "workshops", _("Parallele Workshops")
