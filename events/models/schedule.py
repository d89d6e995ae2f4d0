"""When things happen: the dates of an event and the programme of a Fachtag.

`EventDate.uid`, `sequence`, `fingerprint` and `last_modified` belong to the calendar feed;
the rules that maintain them are in `events.versioning` and documented in `events.ical`.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from ..choices import TimeSlotKind

UID_DOMAIN = "kinderschutz-cms"


def new_uid():
    """A random, stored iCalendar UID; never derived from URLs or ids (see events.ical)."""
    return f"{uuid.uuid4().hex}@{UID_DOMAIN}"


class EventDate(Orderable):
    """One date of an event (a module of a training, the day of a Fachtag): one VEVENT.

    For all-day dates `start`/`end` still hold aware datetimes; only their local dates
    count (the feed writes DATE values with an exclusive end).
    """

    page = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="dates")
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    all_day = models.BooleanField(
        _("ganztägig"), default=False, help_text=_("Nur die Tage zählen, nicht die Uhrzeiten.")
    )
    title = models.CharField(
        _("Titel des Termins"), max_length=200, blank=True, help_text=_("z. B. „Modul 2“")
    )
    note = models.CharField(_("Hinweis"), max_length=255, blank=True)

    # Calendar bookkeeping, never edited by hand (see events.versioning.stamp_event_date).
    uid = models.CharField(_("Kalender-UID"), max_length=120, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("Änderungszähler"), default=0, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    last_modified = models.DateTimeField(
        _("zuletzt geändert"), default=timezone.now, editable=False
    )

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("all_day"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("note")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def __str__(self):
        return f"{self.title or self.page_id}: {self.start:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Das Ende liegt vor dem Beginn.")})

    @property
    def local_start(self):
        return timezone.localtime(self.start)

    @property
    def local_end(self):
        return timezone.localtime(self.end)


class TimeSlot(Orderable, ClusterableModel):
    """A block in a Fachtag's programme: a plenary item or a set of parallel workshops.

    Workshops are a nested InlinePanel (a ClusterableModel inside the page's cluster), so
    drafts and revisions carry the whole programme. Wagtail 8 handles this, including
    adding workshops to a time slot that was itself just added in the same edit (checked
    in the browser).
    """

    page = ParentalKey("events.FachtagPage", on_delete=models.CASCADE, related_name="time_slots")
    start = models.TimeField(_("von"))
    end = models.TimeField(_("bis"))
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(
        _("Art"), max_length=20, choices=TimeSlotKind.choices, default=TimeSlotKind.PLENARY
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldPanel("description"),
        InlinePanel("workshops", label=_("Workshop")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Zeitfenster")
        verbose_name_plural = _("Zeitfenster")

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M} {self.title}"

    @property
    def has_workshops(self):
        return self.kind == TimeSlotKind.WORKSHOPS


class Workshop(Orderable):
    """A parallel session in a time slot; participants choose one per slot.

    `capacity` empty means unlimited; registration counts seats against it.
    """

    time_slot = ParentalKey(TimeSlot, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    speakers = models.CharField(_("Referent:innen"), max_length=255, blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer lassen für unbegrenzt.")
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("speakers"), FieldPanel("room"), FieldPanel("capacity")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Workshop")
        verbose_name_plural = _("Workshops")

    def __str__(self):
        return self.title
