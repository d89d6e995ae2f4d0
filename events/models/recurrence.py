"""Recurring events: the rule's fields on the event, its exceptions, its occurrences.

The rules (RRULE, expansion in local time, limits) are in `events.recurrence`. The fields
an editor sets live on `EventPage` through `RecurrenceMixin`; when the page is saved the
RRULE is written to `recurrence_rule` and the occurrences are stored in `Occurrence`
rows (rebuilt on every full save), so the calendar's queries can list, filter and order
by occurrences in SQL like they do by dates.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from .. import recurrence


class WeekdaysFormField(forms.MultipleChoiceField):
    """Weekday checkboxes whose value is stored as "MO,WE"."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return list(recurrence.weekdays_of(value)) if isinstance(value, str) else value

    def clean(self, value):
        return ",".join(recurrence.weekdays_of(super().clean(value)))

    def has_changed(self, initial, data):
        return ",".join(recurrence.weekdays_of(initial)) != ",".join(recurrence.weekdays_of(data))


class WeekdaysField(models.CharField):
    """Weekday codes in week order, comma-separated ("MO,WE")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 27)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return WeekdaysFormField(
            choices=recurrence.WEEKDAY_CHOICES,
            required=False,
            label=self.verbose_name,
            help_text=self.help_text,
        )


RECURRENCE_HELP = _(
    "Für Treffen, die sich regelmäßig wiederholen. Der (einzige) Termin oben ist der erste "
    "Termin der Reihe und muss selbst zur Regel passen. Beispiel „jeden zweiten Mittwoch im "
    "Quartal“: monatlich am n-ten Wochentag, alle 3 Monate, Mittwoch, am zweiten. Ende nach "
    "Datum oder nach Anzahl der Termine (oder offen). Einzelne Termine absagen oder "
    "verlegen Sie unten unter „Ausnahmen“."
)


class RecurrenceMixin(models.Model):
    """The recurrence fields of an event (see `events.recurrence` for what they mean)."""

    recurrence_frequency = models.CharField(
        _("Wiederholung"),
        max_length=10,
        blank=True,
        default="",
        choices=recurrence.FREQUENCY_CHOICES,
    )
    recurrence_interval = models.PositiveSmallIntegerField(
        _("Abstand"),
        default=1,
        null=True,
        blank=True,
        help_text=_(
            "1 = jeden Tag / jede Woche / jeden Monat, 2 = jede zweite …, 3 = jede dritte …"
        ),
    )
    recurrence_weekdays = WeekdaysField(
        _("Wochentage"),
        help_text=_(
            "Bei wöchentlich: an welchen Tagen; bei monatlich: der Wochentag (der erste "
            "angekreuzte). Leer: der Wochentag des ersten Termins."
        ),
    )
    recurrence_position = models.SmallIntegerField(
        _("am … Wochentag des Monats"),
        null=True,
        blank=True,
        choices=recurrence.POSITION_CHOICES,
        help_text=_("Nur bei monatlich, z. B. am zweiten Mittwoch."),
    )
    recurrence_until = models.DateField(
        _("wiederholen bis"), null=True, blank=True, help_text=_("Einschließlich dieses Tages.")
    )
    recurrence_count = models.PositiveSmallIntegerField(
        _("Anzahl der Termine"), null=True, blank=True, help_text=_("Statt eines Enddatums.")
    )
    # Written on save (events.recurrence.to_rrule / expand); never edited by hand.
    recurrence_rule = models.CharField(_("RRULE"), max_length=200, blank=True, editable=False)
    recurrence_end = models.DateTimeField(
        _("Ende der Terminreihe"), null=True, blank=True, editable=False
    )

    recurrence_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("recurrence_frequency"), FieldPanel("recurrence_interval")]
                ),
                FieldPanel("recurrence_weekdays"),
                FieldPanel("recurrence_position"),
                FieldRowPanel([FieldPanel("recurrence_until"), FieldPanel("recurrence_count")]),
            ],
            heading=_("Wiederholung"),
            help_text=RECURRENCE_HELP,
            classname="collapsed",
        ),
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        full = kwargs.get("update_fields") is None
        spans = self.refresh_recurrence() if full else None
        result = super().save(*args, **kwargs)
        if full:
            first = self.first_date()
            store_occurrences(self, spans, all_day=bool(first and first.all_day))
        return result

    def recurrence_context(self, shown=12):
        """The next occurrences (cancelled ones marked) for the event page: one query."""
        from django.utils import timezone

        now = timezone.now()
        upcoming = list(
            Occurrence.objects.filter(page_id=self.pk, end__gte=now)
            .select_related("venue")
            .order_by("start", "pk")[:shown]
        )
        return {
            "occurrences": upcoming,
            "is_upcoming": any(not occurrence.cancelled for occurrence in upcoming),
        }

    @property
    def is_recurring(self):
        return bool(self.recurrence_rule)

    @property
    def recurrence_description(self):
        """The rule in words for the page and the calendar, e.g. "jedes Quartal … Mittwoch"."""
        return recurrence.describe(self.recurrence_rule)

    def editor_rule(self):
        return recurrence.Rule(
            frequency=self.recurrence_frequency or "",
            interval=self.recurrence_interval or 1,
            weekdays=recurrence.weekdays_of(self.recurrence_weekdays),
            position=self.recurrence_position,
            until=self.recurrence_until,
            count=self.recurrence_count,
        )

    def first_date(self):
        dates = sorted(self.dates.all(), key=lambda d: (d.start, d.sort_order or 0))
        return dates[0] if dates else None

    def recurrence_spans(self):
        """Every occurrence (`recurrence.Span`, cancelled ones included) from the fields
        and exceptions as they are on this instance (in memory while it is being saved)."""
        first = self.first_date()
        if first is None or not self.recurrence_rule:
            return []
        pairs = recurrence.expand(
            self.recurrence_rule, first.start, first.end, all_day=first.all_day
        )
        return recurrence.apply_exceptions(pairs, list(self.recurrence_exceptions.all()))

    def recurrence_digest(self):
        """What a subscriber's calendar must learn about the series, for the first date's
        SEQUENCE (`events.versioning.schedule_fingerprint`): the rule and the exceptions."""
        if not self.recurrence_rule:
            return ""
        exceptions = sorted(
            (
                str(exception.occurrence_date),
                exception.cancelled,
                exception.new_start and exception.new_start.isoformat(),
                exception.new_end and exception.new_end.isoformat(),
                exception.new_venue_id,
            )
            for exception in self.recurrence_exceptions.all()
        )
        return f"{self.recurrence_rule}|{exceptions}"

    def refresh_recurrence(self):
        """Write `recurrence_rule` and `recurrence_end` from the fields; return the spans."""
        first = self.first_date()
        if first is None or not self.recurrence_frequency:
            self.recurrence_rule, self.recurrence_end = "", None
            return []
        self.recurrence_rule = recurrence.to_rrule(
            self.editor_rule(), first.start, all_day=first.all_day
        )
        spans = self.recurrence_spans()
        live = [span for span in spans if not span.cancelled]
        self.recurrence_end = max((span.end for span in live), default=first.end)
        return spans


def store_occurrences(event, spans, *, all_day=False):
    """Replace the event's `Occurrence` rows by `spans` (none for a single event)."""
    Occurrence.objects.filter(page_id=event.pk).delete()
    if spans:
        Occurrence.objects.bulk_create(
            Occurrence(
                page_id=event.pk,
                start=span.start,
                end=span.end,
                original_start=span.original_start,
                cancelled=span.cancelled,
                moved=span.moved,
                venue_id=span.venue_id,
                note=span.note,
                all_day=all_day,
            )
            for span in spans
        )


class RecurrenceException(Orderable):
    """A single occurrence of a series that is cancelled or moved (an editor's row)."""

    page = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="recurrence_exceptions"
    )
    occurrence_date = models.DateField(
        _("Termin vom"), help_text=_("Das Datum, an dem der Termin laut Regel wäre.")
    )
    cancelled = models.BooleanField(_("fällt aus"), default=False)
    new_start = models.DateTimeField(_("neuer Beginn"), null=True, blank=True)
    new_end = models.DateTimeField(_("neues Ende"), null=True, blank=True)
    new_venue = models.ForeignKey(
        "events.Venue",
        verbose_name=_("anderer Ort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("Hinweis"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("occurrence_date"), FieldPanel("cancelled")]),
        FieldRowPanel([FieldPanel("new_start"), FieldPanel("new_end"), FieldPanel("new_venue")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Ausnahme")
        verbose_name_plural = _("Ausnahmen")

    def __str__(self):
        return f"{self.occurrence_date}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.cancelled:
            return
        if not (self.new_start and self.new_end):
            raise ValidationError(
                _(
                    "Kreuzen Sie „fällt aus“ an oder tragen Sie den neuen Beginn und das "
                    "neue Ende ein."
                )
            )
        if self.new_end < self.new_start:
            raise ValidationError({"new_end": _("Das Ende liegt vor dem Beginn.")})


class Occurrence(models.Model):
    """One occurrence of a recurring event, stored on save for the calendar's queries.

    `original_start` is the start the rule gives it (the RECURRENCE-ID of a moved one).
    """

    page = models.ForeignKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="occurrences"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    original_start = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)
    venue = models.ForeignKey(
        "events.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    all_day = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Termin der Reihe")
        verbose_name_plural = _("Termine der Reihe")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["page", "start"]), models.Index(fields=["end"])]

    def __str__(self):
        return f"{self.page_id}: {self.start:%Y-%m-%d %H:%M}"

    @property
    def occurrence_date(self):
        """The local day the rule gives this occurrence: its identity (exceptions and
        registrations name it by this day), unchanged when it is moved."""
        from django.utils import timezone

        return timezone.localtime(self.original_start, recurrence.local_zone()).date()
