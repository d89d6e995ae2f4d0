"""Venues and audiences: snippets shared by many events."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


class Venue(index.Indexed, models.Model):
    """A place where events happen, with its address and accessibility information.

    `updated_at` feeds the calendar feed's ETag, because the LOCATION of every event here
    changes when the address is edited.
    """

    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=10, blank=True)
    town = models.CharField(_("Ort"), max_length=100, blank=True)
    room = models.CharField(_("Raum"), max_length=200, blank=True)
    accessibility = models.TextField(
        _("Barrierefreiheit"),
        blank=True,
        help_text=_("z. B. stufenloser Zugang, barrierefreies WC, Induktionsschleife"),
    )
    directions = models.TextField(_("Anfahrt"), blank=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("street"), FieldPanel("postcode"), FieldPanel("town"), FieldPanel("room")],
            heading=_("Adresse"),
        ),
        FieldPanel("accessibility"),
        FieldPanel("directions"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("town")]

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.town}" if self.town else self.name

    def address_lines(self):
        """Name, room, street and town as non-empty lines (for pages and LOCATION)."""
        return address_lines(self.name, self.room, self.street, self.postcode, self.town)


def address_lines(name, room, street, postcode, town):
    """A venue's non-empty address lines from its plain values (`Venue.address_lines`)."""
    town = " ".join(part for part in (postcode, town) if part)
    return [line for line in (name, room, street, town) if line]


class Audience(models.Model):
    """Who an event is for (Zielgruppe), e.g. Fachkräfte aus Kitas; used for filtering."""

    name = models.CharField(_("Bezeichnung"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")
        ordering = ["name"]

    def __str__(self):
        return self.name
