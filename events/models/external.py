"""Members' own calendars: iCal feeds of member organisations shown beside our events.

An `ExternalCalendar` is a feed URL a coordinator registers for a site (optionally for a
member organisation of that site). `manage.py import_external_calendars` fetches it
(`events.external`) and keeps one `ExternalEvent` per UID. Only sources that are trusted
or approved by a coordinator are shown; their events are never ours: they keep their own
UIDs and link to the organiser's page for registration.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalCalendar(models.Model):
    """An external iCal feed and the state of its last import."""

    name = models.CharField(
        _("Name"), max_length=200, help_text=_("Wird bei jedem Termin als Veranstalter genannt.")
    )
    url = models.URLField(
        _("Adresse des Kalenders (iCal)"),
        max_length=500,
        help_text=_("Nur http:// oder https://, z. B. https://example.org/termine.ics"),
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("Netzwerk (Site)"),
        on_delete=models.CASCADE,
        related_name="external_calendars",
    )
    member = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Mitgliedsorganisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: die Mitgliedsorganisation, deren Kalender dies ist."),
    )
    trusted = models.BooleanField(
        _("vertrauenswürdig"),
        default=False,
        help_text=_("Termine erscheinen ohne Freigabe."),
    )
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    republish = models.BooleanField(
        _("in unserem Kalender-Abo weitergeben"),
        default=False,
        help_text=_("Die Termine erscheinen auch in der iCal-Datei des Kalenders."),
    )
    last_fetched_at = models.DateTimeField(_("zuletzt abgerufen"), null=True, editable=False)
    last_success_at = models.DateTimeField(_("zuletzt erfolgreich"), null=True, editable=False)
    last_error = models.TextField(_("letzter Fehler"), blank=True, editable=False)
    event_count = models.PositiveIntegerField(_("Termine"), default=0, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Externer Kalender")
        verbose_name_plural = _("Externe Kalender")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_approved(self):
        """Whether its events are shown: trusted, or approved by a coordinator."""
        return self.trusted or self.approved_at is not None


def approved_q(prefix: str = "") -> models.Q:
    """Sources (or, with `prefix` "source__", their events) that may be shown."""
    return models.Q(**{f"{prefix}trusted": True}) | models.Q(
        **{f"{prefix}approved_at__isnull": False}
    )


class ExternalEvent(models.Model):
    """An event read from an external calendar, kept by its UID within the source.

    `start`/`end` are aware datetimes; for all-day events only their local dates count and
    `end` lies on the last day (as for `EventDate`). `description` is plain text.
    """

    source = models.ForeignKey(ExternalCalendar, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(_("UID"), max_length=255)
    title = models.CharField(_("Titel"), max_length=255)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    all_day = models.BooleanField(_("ganztägig"), default=False)
    location = models.CharField(_("Ort"), max_length=255, blank=True)
    url = models.URLField(_("Link"), max_length=500, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(_("zuletzt gesehen"))

    class Meta:
        verbose_name = _("Externer Termin")
        verbose_name_plural = _("Externe Termine")
        constraints = [models.UniqueConstraint(fields=["source", "uid"], name="external_event_uid")]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def __str__(self):
        return self.title

    @property
    def link(self):
        """The event's own page, only if it is an http(s) address (never javascript: etc.)."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""
