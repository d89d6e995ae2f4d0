"""Registrations: the per-event settings (a mixin the event page inherits), the
registrations themselves, workshop bookings, the coordinator's extra questions and the
e-mail outbox.

Nothing here changes a registration's state: `registrations.services.booking` does, under
the event lock (`services.locking`). The models only describe the data and the
constraints that hold even if the service had a bug (one active registration per e-mail
and event, one confirmed workshop per time slot).

Event models are named by string ("events.EventPage"); this app never imports `events`.
What it needs from an event it asks the page through the methods `RegistrationPageMixin`
declares (see there).
"""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.contrib.routable_page.models import path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable, PreviewableMixin
from wagtail.utils.decorators import cached_classmethod

from . import conf

# The retention period is formatted in from `REGISTRATION_RETENTION_DAYS`
# (`default_privacy_notice`), so the notice never promises another period than the purge
# keeps.
DEFAULT_PRIVACY_NOTICE = gettext_noop(
    "Verantwortlich für die Verarbeitung Ihrer Daten ist die Netzwerkkoordination "
    "Kinderschutz (Kontakt siehe Impressum). Wir verarbeiten Ihren Namen, Ihre "
    "E-Mail-Adresse, Ihre Organisation und Funktion sowie Ihre freiwilligen Angaben, um "
    "Ihre Anmeldung zu dieser Veranstaltung durchzuführen (Art. 6 Abs. 1 lit. a und e "
    "DSGVO). Angaben zu Ernährung oder Barrierefreiheit können Gesundheitsdaten sein; wir "
    "verarbeiten sie nur mit Ihrer ausdrücklichen Einwilligung (Art. 9 Abs. 2 lit. a DSGVO) "
    "und nur für die Organisation der Veranstaltung. Empfänger sind nur die "
    "Netzwerkkoordination und, soweit nötig, die Referent:innen (Teilnahmeliste). Ihre "
    "Daten werden spätestens %(days)s Tage nach der Veranstaltung gelöscht; es bleiben nur "
    "anonyme Zahlen. Sie haben das Recht auf Auskunft, Berichtigung, Löschung, "
    "Einschränkung, Datenübertragbarkeit und Widerruf Ihrer Einwilligung mit Wirkung für die "
    "Zukunft sowie das Recht auf Beschwerde bei der Aufsichtsbehörde. Über den persönlichen "
    "Link in Ihrer E-Mail können Sie Ihre Anmeldung jederzeit stornieren."
)


# Certificates of attendance outlive the registration (`services.certificates`).
CERTIFICATE_PRIVACY_NOTE = gettext_noop(
    "Wer teilgenommen hat, kann eine Teilnahmebescheinigung erhalten. Name, Veranstaltung, "
    "Termine und Nummer der Bescheinigung bewahren wir %(days)s Tage nach der Ausstellung "
    "auf, damit ihre Echtheit geprüft werden kann; die Prüfseite zeigt nur Name und "
    "Veranstaltung."
)


def default_privacy_notice():
    """The default notice with the configured retention periods of registrations and
    certificates (in the active language)."""
    notice = gettext(DEFAULT_PRIVACY_NOTICE) % {
        "days": int(conf.get("REGISTRATION_RETENTION_DAYS"))
    }
    certificates = gettext(CERTIFICATE_PRIVACY_NOTE) % {
        "days": int(conf.get("KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS"))
    }
    return f"{notice} {certificates}"


def validate_email_list(value):
    """Comma- or line-separated e-mail addresses (the coordinators to notify)."""
    for address in split_email_list(value):
        validate_email(address)


def split_email_list(value):
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


class RegistrationPageMixin(models.Model):
    """What a page needs to take registrations: the per-event settings (tab "Anmeldung")
    and the routes of the registration form, the way a Wagtail form page inherits
    `AbstractEmailForm`. Use it with `RoutablePageMixin` on a concrete page model that is
    named "events.EventPage" (the foreign keys of this app point there).

    The host page provides (the registrations app asks only through these):

    - `registration_start()` / `registration_end()`: the first start and the last end of
      its dates (aware datetimes) or None; `registration_span()` both at once (the
      default asks the two methods; a host may read them in one query);
    - `is_cancelled`: whether the organiser cancelled the event;
    - `registration_workshop_slots()`: its time slots that offer parallel workshops, each
      with `.workshops.all()` (workshops have `title`, `capacity`, `time_slot_id`);
    - `calendar_file(occurrence=None)` / `cancellation_calendar_file(organizer,
      occurrence=None)`: its dates (or only `occurrence`) as .ics bytes (METHOD:PUBLISH /
      METHOD:CANCEL) for e-mail attachments and the personal link;
    - `registration_place()` and `registration_credits()` (teaching units, CPD points):
      what a certificate of attendance states (defaults: "" and (None, None));
    - `registration_occurrences(now)`: for a recurring event, its occurrences that can
      still be registered for (not cancelled, starting after `now`), in order, each with
      `start`, `end`, `occurrence_date` (the day the rule gives it, its identity) and
      `venue` (a moved one's own place, or None for the event's `venue`); None
      for an event that is not a series. `registration_occurrence(day)`: the occurrence
      whose `occurrence_date` is `day` (cancelled or past ones too), or None;
    - classmethods `registration_ended_before(cutoff)` (a queryset of the events whose
      last date ended before `cutoff`) and `registration_upcoming(now)` (the events with
      registration that are not cancelled and start after `now`, annotated `first_start`).
    """

    registration_enabled = models.BooleanField(_("Anmeldung möglich"), default=False)
    registration_opens_at = models.DateTimeField(
        _("Anmeldung ab"), null=True, blank=True, help_text=_("Leer lassen: sofort.")
    )
    registration_deadline = models.DateTimeField(
        _("Anmeldeschluss"),
        null=True,
        blank=True,
        help_text=_("Leer lassen: bis zum Beginn der Veranstaltung."),
    )
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer lassen für unbegrenzt.")
    )
    waitlist_enabled = models.BooleanField(_("Warteliste"), default=True)
    approval_required = models.BooleanField(
        _("Anmeldungen müssen bestätigt werden"),
        default=False,
        help_text=_("Die Koordination bestätigt oder lehnt jede Anmeldung ab."),
    )
    # On by default: without it, anyone can register (and cancel) someone else's address,
    # and that address gets the mails.
    double_opt_in = models.BooleanField(
        _("E-Mail-Adresse bestätigen lassen"),
        default=True,
        help_text=_("Der Platz wird reserviert, bis der Link in der E-Mail geklickt wird."),
    )
    double_opt_in_hold_hours = models.PositiveIntegerField(
        _("Reservierung (Stunden)"), null=True, blank=True, default=48
    )
    confirmation_text = models.TextField(
        _("Zusatztext der Bestätigung"),
        blank=True,
        help_text=_("Erscheint in der Bestätigungs-E-Mail, z. B. Hinweise zur Anreise."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("Erinnerung (Tage vorher)"),
        null=True,
        blank=True,
        default=2,
        help_text=_("Leer lassen: keine Erinnerung."),
    )
    coordinator_emails = models.TextField(
        _("Benachrichtigung an"),
        blank=True,
        validators=[validate_email_list],
        help_text=_("E-Mail-Adressen der Koordination, durch Komma getrennt (optional)."),
    )
    privacy_notice = models.TextField(
        _("Datenschutzhinweise"), default=default_privacy_notice, blank=True
    )
    privacy_notice_version = models.CharField(
        _("Version der Datenschutzhinweise"),
        max_length=40,
        default="1",
        blank=True,
        help_text=_(
            "Bei jeder inhaltlichen Änderung erhöhen; wird mit der Einwilligung gespeichert."
        ),
    )

    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("registration_enabled"),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_deadline")]
                ),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("waitlist_enabled")]),
                FieldPanel("approval_required"),
                FieldRowPanel(
                    [FieldPanel("double_opt_in"), FieldPanel("double_opt_in_hold_hours")]
                ),
                FieldPanel("reminder_days_before"),
                # The coordinators' notices name the registrants: only people who may
                # see registrations may choose who gets them.
                FieldPanel("coordinator_emails", permission="registrations.view_registration"),
            ],
            heading=_("Anmeldung"),
        ),
        FieldPanel("confirmation_text"),
        InlinePanel("registration_questions", label=_("Frage"), heading=_("Zusätzliche Fragen")),
        InlinePanel(
            "feedback_questions",
            label=_("Frage"),
            heading=_("Feedback nach der Veranstaltung"),
            help_text=_(
                "Optional. Teilnehmende erhalten nach der Veranstaltung einen Link; die "
                "Antworten sind anonym. Bewertung 1–5: Auswahl mit den Optionen 1 bis 5."
            ),
        ),
        InlinePanel(
            "participant_materials",
            label=_("Unterlage"),
            heading=_("Unterlagen nur für Teilnehmende"),
            help_text=_(
                "Erscheinen nur über den persönlichen Link bestätigter Teilnehmender und in der "
                "E-Mail „Unterlagen an Teilnehmende senden“, nie auf der öffentlichen Seite."
            ),
        ),
        MultiFieldPanel(
            [FieldPanel("privacy_notice"), FieldPanel("privacy_notice_version")],
            heading=_("Datenschutz"),
        ),
    ]

    class Meta:
        abstract = True

    @property
    def hold_hours(self):
        return self.double_opt_in_hold_hours or 48

    @property
    def notice_version(self):
        """The version stored with each consent ("1" if the field was left empty)."""
        return self.privacy_notice_version or "1"

    @property
    def effective_privacy_notice(self):
        return self.privacy_notice or default_privacy_notice()

    @cached_classmethod
    def get_edit_handler(cls):
        """The page's tabs with "Anmeldung" after the content (a page may still set its own
        `edit_handler`)."""
        if hasattr(cls, "edit_handler"):
            return cls.edit_handler.bind_to_model(cls)
        tabs = [
            ObjectList(cls.content_panels, heading=_("Inhalt")),
            ObjectList(cls.registration_panels, heading=_("Anmeldung")),
            ObjectList(cls.promote_panels, heading=_("Veröffentlichung")),
            ObjectList(cls.settings_panels, heading=_("Einstellungen")),
        ]
        return TabbedInterface(tabs, base_form_class=cls.base_form_class).bind_to_model(cls)

    # ---- what the host page provides (see the class docstring)

    def registration_start(self):
        raise NotImplementedError

    def registration_end(self):
        raise NotImplementedError

    def registration_span(self):
        """(`registration_start()`, `registration_end()`)."""
        return self.registration_start(), self.registration_end()

    def registration_workshop_slots(self):
        raise NotImplementedError

    def registration_occurrences(self, now=None):
        """None: not a recurring event (registration is for the event as a whole)."""
        return None

    def registration_occurrence(self, day):
        return None

    def calendar_file(self, occurrence=None):
        raise NotImplementedError

    def cancellation_calendar_file(self, organizer, occurrence=None):
        raise NotImplementedError

    def registration_place(self):
        """Where the event takes place, as one line for a certificate (e.g. "Rathaus,
        Leipzig" or "online"); "" if unknown."""
        return ""

    def registration_credits(self):
        """(teaching units, CPD points) of the event for a certificate; None if not set."""
        return None, None

    @classmethod
    def registration_ended_before(cls, cutoff):
        raise NotImplementedError

    @classmethod
    def registration_upcoming(cls, now):
        raise NotImplementedError

    # ---- routes of the page

    @path("anmelden/", name="register")
    def registration_form(self, request):
        """The public registration form (GET) and its submission (POST)."""
        from .views import registration_form_view

        return registration_form_view(request, self)

    @path("anmelden/gesendet/", name="registration_sent")
    def registration_sent(self, request):
        """After submitting with double opt-in: "please check your mail"."""
        from .views import registration_sent_view

        return registration_sent_view(request, self)


class RegistrationQuestion(AbstractFormField):
    """An extra question of an event's registration form (built with Wagtail's FormBuilder).

    Questions about diet or accessibility needs are health data (Art. 9 DSGVO): flag them,
    and the form asks for a separate explicit consent when one of them is answered.
    """

    page = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="registration_questions"
    )
    is_health_data = models.BooleanField(
        _("Gesundheitsdaten"),
        default=False,
        help_text=_(
            "z. B. Ernährung, Allergien, Barrierefreiheit: braucht eine eigene Einwilligung."
        ),
    )

    panels = AbstractFormField.panels + [FieldPanel("is_health_data")]

    class Meta(AbstractFormField.Meta):
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")


class ParticipantMaterial(Orderable):
    """A document or link of an event for its participants only ("nur für Teilnehmende").

    Shown on the personal-link page of confirmed registrations and sent with the
    coordination's "Unterlagen an Teilnehmende senden"; never on the public page. The
    document is served only through the personal link
    (`certificate_views.material_download`); Wagtail's own document URL refuses it to
    anyone without admin access (`wagtail_hooks.protect_participant_documents`).
    Public materials stay in the event's "Unterlagen".
    """

    page = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="participant_materials"
    )
    title = models.CharField(_("Titel"), max_length=200)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Dokument"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("oder Link"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("Unterlage für Teilnehmende")
        verbose_name_plural = _("Unterlagen für Teilnehmende")

    def __str__(self):
        return self.title

    def clean(self):
        if bool(self.document_id) == bool(self.url):
            raise ValidationError(_("Bitte entweder ein Dokument oder einen Link angeben."))


class RegistrationStatus(models.TextChoices):
    PENDING_EMAIL = "pending_email", _("E-Mail-Bestätigung ausstehend")
    PENDING_APPROVAL = "pending_approval", _("wartet auf Bestätigung")
    CONFIRMED = "confirmed", _("bestätigt")
    WAITLISTED = "waitlisted", _("Warteliste")
    CANCELLED = "cancelled", _("storniert")
    REJECTED = "rejected", _("abgelehnt")
    EVENT_CANCELLED = "event_cancelled", _("abgesagt durch Veranstalter")


ACTIVE_STATUSES = (
    RegistrationStatus.PENDING_EMAIL,
    RegistrationStatus.PENDING_APPROVAL,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


def new_secret():
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """One person's registration for one event (for one occurrence of a recurring event).

    For a recurring event `occurrence_date` names the occurrence: the local day the rule
    gives it (its RECURRENCE-ID's day), not its current start. Capacity, waitlist and the
    one registration per address count per occurrence. When an editor moves the
    occurrence (an exception with a new start), the registration follows it: e-mails,
    calendar file and personal page show the new time. When the occurrence disappears
    (cancelled as an exception, or the rule was edited so that the day is no longer in the
    series) the registration keeps its date and status; the admin listing shows it flagged
    ("Termin entfällt") and the coordination decides (cancel, or tell the person).

    A seat is held by CONFIRMED and PENDING_APPROVAL registrations and by PENDING_EMAIL
    ones whose `hold_expires_at` lies in the future (double opt-in). `secret` is part of
    every personal link; replacing it revokes all links. After the retention period the
    personal fields are blanked and `anonymised_at` is set; status, attendance and the
    organisation's sector stay for the statistics.
    """

    # Not in Wagtail's reference index: a registration's only reference (its event) is
    # not a "usage" of the page, and indexing it costs a savepoint, a read and an insert
    # inside the event lock on every registration (the same for bookings and e-mails).
    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("Veranstaltung"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    # The chosen occurrence of a recurring event, by the day the rule gives it (the key
    # of its exceptions too); None for an event that is not a series. See the docstring.
    occurrence_date = models.DateField(_("Termin der Reihe"), null=True, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"))
    email_normalised = models.CharField(max_length=254, editable=False, db_index=True)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    organisation_sector = models.CharField(
        _("Bereich"), max_length=200, blank=True, help_text=_("Bleibt nach der Anonymisierung.")
    )
    role = models.CharField(_("Funktion"), max_length=200, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    answers = models.JSONField(_("Antworten"), default=dict, blank=True)
    language = models.CharField(_("Sprache"), max_length=10, default="de")

    privacy_consent_at = models.DateTimeField(_("Einwilligung Datenschutz am"), null=True)
    privacy_notice_version = models.CharField(
        _("Version der Datenschutzhinweise"), max_length=40, blank=True
    )
    health_consent_at = models.DateTimeField(
        _("Einwilligung Gesundheitsdaten am"), null=True, blank=True
    )
    health_consent_version = models.CharField(max_length=40, blank=True)

    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    hold_expires_at = models.DateTimeField(_("reserviert bis"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    promoted_at = models.DateTimeField(_("nachgerückt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    attended = models.BooleanField(_("teilgenommen"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    feedback_invited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "id"]
        # One active registration per address: per event, or per occurrence of a series
        # (two conditional constraints, as NULL dates would never clash in one).
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_normalised"],
                condition=Q(
                    status__in=[s.value for s in ACTIVE_STATUSES],
                    anonymised_at__isnull=True,
                    occurrence_date__isnull=True,
                ),
                name="registration_one_active_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "occurrence_date", "email_normalised"],
                condition=Q(
                    status__in=[s.value for s in ACTIVE_STATUSES],
                    anonymised_at__isnull=True,
                    occurrence_date__isnull=False,
                ),
                name="registration_one_active_per_email_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["event", "occurrence_date"]),
        ]

    def __str__(self):
        if self.anonymised_at:
            return str(_("anonymisiert"))
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.email_normalised = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    def occurrence(self):
        """The chosen occurrence as it is now (moved ones with their new time), or None
        (not a series, or the occurrence no longer exists); read once per object."""
        if self.occurrence_date is None:
            return None
        if "_occurrence" not in self.__dict__:
            self._occurrence = self.event.registration_occurrence(self.occurrence_date)
        return self._occurrence

    @property
    def occurrence_gone(self):
        """Whether the chosen occurrence was cancelled or is no longer in the series."""
        if self.occurrence_date is None:
            return False
        occurrence = self.occurrence()
        return occurrence is None or occurrence.cancelled

    def occurrence_start(self):
        occurrence = self.occurrence()
        return occurrence.start if occurrence is not None else None

    def occurrence_end(self):
        occurrence = self.occurrence()
        return occurrence.end if occurrence is not None else None

    def venue(self):
        """Where the registration's date takes place: a moved occurrence's own venue when
        the editor gave it one, else the event's venue (or None)."""
        occurrence = self.occurrence()
        if occurrence is not None and not occurrence.cancelled and occurrence.venue_id:
            return occurrence.venue
        return getattr(self.event, "venue", None)

    def workshops_display(self):
        """The chosen workshops as one line (exports, attendance list)."""
        return "; ".join(
            f"{b.workshop.title} ({b.get_status_display()})"
            for b in self.bookings.all()
            if b.status != BookingStatus.CANCELLED
        )

    workshops_display.short_description = _("Workshops")

    def answers_display(self):
        return "; ".join(f"{key}: {value}" for key, value in (self.answers or {}).items())

    answers_display.short_description = _("Antworten")


def normalise_email(email):
    return (email or "").strip().lower()


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("gewünscht")
    CONFIRMED = "confirmed", _("bestätigt")
    WAITLISTED = "waitlisted", _("Warteliste")
    CANCELLED = "cancelled", _("storniert")


class WorkshopBooking(models.Model):
    """A registration's choice of one workshop in one time slot.

    REQUESTED while the registration holds no seat (it waits for the event), CONFIRMED
    when it counts against the workshop's capacity, WAITLISTED when the workshop was full.
    `time_slot` is stored (redundantly) so the database can refuse two confirmed
    workshops in the same slot.
    """

    wagtail_reference_index_ignore = True  # see Registration

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="bookings"
    )
    workshop = models.ForeignKey(
        "events.Workshop",
        verbose_name=_("Workshop"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    time_slot = models.ForeignKey(
        "events.TimeSlot", on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(_("Status"), max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Workshop-Buchung")
        verbose_name_plural = _("Workshop-Buchungen")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "time_slot"],
                condition=Q(status="confirmed"),
                name="booking_one_confirmed_per_slot",
            ),
            models.UniqueConstraint(
                fields=["registration", "workshop"],
                condition=~Q(status="cancelled"),
                name="booking_one_active_per_workshop",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} ({self.get_status_display()})"


class Attendance(models.Model):
    """A confirmed registrant was present at one date of the event (one row per date).

    Multi-date trainings record attendance per module; `Registration.attended` stays the
    summary (present at one date at least), kept by `services.attendance`.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    event_date = models.ForeignKey(
        "events.EventDate",
        verbose_name=_("Termin"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    recorded_at = models.DateTimeField(_("eingetragen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "event_date"], name="attendance_once_per_date"
            )
        ]

    def __str__(self):
        return f"{self.registration} – {self.event_date_id}"


class EmailKind(models.TextChoices):
    CONFIRM_EMAIL = "confirm_email", _("E-Mail-Adresse bestätigen")
    CONFIRMATION = "confirmation", _("Anmeldebestätigung")
    WAITLIST = "waitlist", _("Warteliste")
    PENDING_APPROVAL = "pending_approval", _("Anmeldung eingegangen")
    PROMOTION = "promotion", _("Nachgerückt")
    WORKSHOP_PROMOTION = "workshop_promotion", _("Workshop: nachgerückt")
    APPROVAL = "approval", _("Anmeldung bestätigt")
    REJECTION = "rejection", _("Anmeldung abgelehnt")
    CANCELLATION = "cancellation", _("Stornierung")
    REMINDER = "reminder", _("Erinnerung")
    EVENT_CANCELLED = "event_cancelled", _("Veranstaltung abgesagt")
    COORDINATOR_NOTICE = "coordinator_notice", _("Benachrichtigung der Koordination")
    # Written complete by another part of the product (members' links, barrier reports,
    # certificates): subject, text and HTML are stored on the row, attachments beside it.
    PREPARED = "prepared", _("Nachricht")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    SENT = "sent", _("gesendet")
    FAILED = "failed", _("fehlgeschlagen")
    SUPPRESSED = "suppressed", _("unterdrückt (zu viele E-Mails an diese Adresse)")


class EmailMessage(models.Model):
    """The outbox: one row per e-mail, written in the transaction that causes it.

    The task `registrations.services.outbox.send_email_message` renders and sends it
    after the commit and records the outcome. `last_error` holds only the exception
    class and SMTP code, never an address or message text.
    """

    wagtail_reference_index_ignore = True  # see Registration

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("Anmeldung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("Veranstaltung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=30, choices=EmailKind.choices)
    recipient = models.EmailField(_("Empfänger:in"), blank=True)
    subject = models.CharField(_("Betreff"), max_length=255, blank=True)
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.CharField(_("letzter Fehler"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("letzter Versuch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    # Only for PREPARED messages; emptied once the message is sent (data minimisation).
    body_text = models.TextField(_("Text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)

    class Meta:
        verbose_name = _("E-Mail")
        verbose_name_plural = _("E-Mails")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def clean(self):
        if "\n" in self.recipient or "\r" in self.recipient:
            raise ValidationError({"recipient": _("Ungültige Adresse.")})


class EmailAttachment(models.Model):
    """A file sent with a PREPARED outbox message (e.g. a PDF receipt); deleted once sent."""

    wagtail_reference_index_ignore = True

    message = models.ForeignKey(EmailMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")

    def __str__(self):
        return self.filename


class EmailText(PreviewableMixin, models.Model):
    """A coordinator's wording of one kind of e-mail on one site, in one language: subject
    and text with `{placeholder}`s (rules and defaults: `registrations.email_texts`).

    Without a row for a site, kind and language the e-mail is sent as the templates write
    it. The text is checked on save (`clean`): only the kind's placeholders, no stray
    braces.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("Website"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("Art der E-Mail"),
        max_length=30,
        choices=[(kind.value, kind.label) for kind in EmailKind if kind != EmailKind.PREPARED],
    )
    language = models.CharField(
        _("Sprache"),
        max_length=10,
        choices=[("de", _("Deutsch")), ("en", _("Englisch"))],
        default="de",
        help_text=_(
            "Angemeldete, die die Seite auf Englisch nutzen, erhalten den englischen Text."
        ),
    )
    subject = models.CharField(
        _("Betreff"),
        max_length=200,
        help_text=_("Platzhalter in geschweiften Klammern, z. B. {event}."),
    )
    body = models.TextField(
        _("Text"),
        help_text=_(
            "Platzhalter in geschweiften Klammern, z. B. {name}; die erlaubten stehen in der "
            "Liste. Eine Leerzeile beginnt einen neuen Absatz. Eine Klammer als Text: {{ oder }}."
        ),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("E-Mail-Text")
        verbose_name_plural = _("E-Mail-Texte")
        ordering = ["site", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "language"], name="unique_email_text_per_site"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_language_display()})"

    def clean(self):
        from .email_texts import check

        errors = {}
        for name in ("subject", "body"):
            try:
                check(getattr(self, name) or "", self.kind)
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)

    def rendered_sample(self):
        """Subject, text and HTML with example values (preview and test e-mail)."""
        from .email_texts import Extras, render, sample_values

        language = self.language or "de"
        site = self.site if self.site_id else None
        with translation.override(language):
            return render(self, sample_values(self.kind, site, language), Extras())

    def get_preview_template(self, request, mode_name):
        return "registrations/admin/email_text_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        try:
            context["sample"] = self.rendered_sample()
        except ValueError as error:
            context["error"] = str(error)
        return context


# --------------------------------------------------------------------------- certificates

# Letters and digits that cannot be mistaken for each other when typed from paper.
CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_number():
    """A random, unguessable certificate number: "TB-" and 3 groups of 4 characters
    (60 random bits), e.g. "TB-7KQM-X2PA-9WHE"; never derived from a primary key."""
    chars = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))
    return f"TB-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


class CertificateBatch(models.Model):
    """One bulk issue of certificates for an event, run as tasks in chunks; the admin
    shows its progress (`done` + `failed` of `total`)."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("Veranstaltung"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("gesamt"), default=0)
    done = models.PositiveIntegerField(_("erledigt"), default=0)
    failed = models.PositiveIntegerField(_("fehlgeschlagen"), default=0)
    send_email = models.BooleanField(_("per E-Mail senden"), default=True)
    created_at = models.DateTimeField(_("gestartet am"), default=timezone.now)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausstellung von Bescheinigungen")
        verbose_name_plural = _("Ausstellungen von Bescheinigungen")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.done}/{self.total}"

    @property
    def is_finished(self):
        return self.done + self.failed >= self.total

    @property
    def percent(self):
        return 100 if not self.total else int(100 * (self.done + self.failed) / self.total)


class Certificate(models.Model):
    """A certificate of attendance (Teilnahmebescheinigung).

    Stores everything the PDF and the public verification page show (`content`, name,
    event title, dates), so it can be downloaded again and verified after the
    registration was anonymised; it is kept `CERTIFICATE_RETENTION_DAYS` after issue
    (`services.certificates.purge_expired`). At most one per registration.
    """

    wagtail_reference_index_ignore = True

    number = models.CharField(
        _("Nummer"), max_length=32, unique=True, default=new_certificate_number, editable=False
    )
    registration = models.OneToOneField(
        Registration,
        verbose_name=_("Anmeldung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificate",
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("Veranstaltung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        CertificateBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("Name"), max_length=200)
    event_title = models.CharField(_("Veranstaltung"), max_length=255)
    dates_text = models.CharField(_("Termine"), max_length=500)
    language = models.CharField(_("Sprache"), max_length=10, default="de")
    content = models.JSONField(_("Inhalt"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("ausgestellt am"), default=timezone.now, db_index=True)
    emailed_at = models.DateTimeField(_("versendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Teilnahmebescheinigung")
        verbose_name_plural = _("Teilnahmebescheinigungen")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number


DEFAULT_CERTIFICATE_BODY_DE = (
    "hat an der oben genannten Veranstaltung teilgenommen. Die Veranstaltung diente der "
    "Fortbildung von Fachkräften im Kinderschutz."
)
DEFAULT_CERTIFICATE_BODY_EN = (
    "attended the event named above, a continuing education course for professionals in "
    "child protection."
)


@register_setting(icon="doc-full")
class CertificateSettings(BaseSiteSetting):
    """Per network (site): the texts, logo and signature of certificates of attendance.

    The layout is the app's HTML template `registrations/certificate.html`; these texts
    fill it in German or English (the registration's language)."""

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_name = models.CharField(_("Unterzeichnet von (Name)"), max_length=200, blank=True)
    signer_role = models.CharField(
        _("Funktion"), max_length=200, blank=True, default="Netzwerkkoordination Kinderschutz"
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Unterschrift (Bild)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leer lassen: eine Linie zum Unterschreiben."),
    )
    heading_de = models.CharField(
        _("Überschrift (deutsch)"), max_length=200, default="Teilnahmebescheinigung"
    )
    body_de = models.TextField(_("Text (deutsch)"), default=DEFAULT_CERTIFICATE_BODY_DE)
    footnote_de = models.TextField(_("Fußnote (deutsch)"), blank=True)
    heading_en = models.CharField(
        _("Überschrift (englisch)"), max_length=200, default="Certificate of attendance"
    )
    body_en = models.TextField(_("Text (englisch)"), default=DEFAULT_CERTIFICATE_BODY_EN)
    footnote_en = models.TextField(_("Fußnote (englisch)"), blank=True)

    panels = [
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("signer_name"), FieldPanel("signer_role"), FieldPanel("signature")],
            heading=_("Unterschrift"),
        ),
        MultiFieldPanel(
            [FieldPanel("heading_de"), FieldPanel("body_de"), FieldPanel("footnote_de")],
            heading=_("Deutsch"),
        ),
        MultiFieldPanel(
            [FieldPanel("heading_en"), FieldPanel("body_en"), FieldPanel("footnote_en")],
            heading=_("Englisch"),
        ),
    ]

    class Meta:
        verbose_name = _("Teilnahmebescheinigungen")

    def texts(self, language):
        """(heading, body, footnote) in `language` ("en" or German)."""
        suffix = "en" if (language or "de").startswith("en") else "de"
        return tuple(getattr(self, f"{name}_{suffix}") for name in ("heading", "body", "footnote"))


# --------------------------------------------------------------------------- feedback


class FeedbackQuestion(AbstractFormField):
    """A question of an event's optional feedback survey (Wagtail's FormBuilder fields).
    A rating is a choice field with the options 1 to 5 (averaged in the results)."""

    page = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="feedback_questions"
    )

    class Meta(AbstractFormField.Meta):
        verbose_name = _("Feedback-Frage")
        verbose_name_plural = _("Feedback-Fragen")


class FeedbackResponse(models.Model):
    """One anonymous answer set: no link to a registration, a random key (no insertion
    order) and only the day it was given."""

    wagtail_reference_index_ignore = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="feedback_responses"
    )
    answers = models.JSONField(default=dict)
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("Feedback")
        verbose_name_plural = _("Feedback")

    def __str__(self):
        return str(self.submitted_on)


class FeedbackUse(models.Model):
    """That a personal link was used for feedback: a keyed hash of the registration (see
    `feedback.marker`), nothing else; one answer per link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    marker = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.marker[:8]


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


def _private_storage():
    from .storage import private_storage

    return private_storage()


class ExportJob(models.Model):
    """A registrations export run as a task (`registrations.exports`): who asked, with
    which filters of the admin list, in which language and time zone, its progress and
    its file in private storage. Only
    the user who asked may download the file; it is deleted with the job
    `KINDERSCHUTZ_EXPORT_KEEP_HOURS` after it was started."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_format = models.CharField(_("Format"), max_length=4, default="xlsx")
    filters = models.JSONField(_("Filter"), default=dict, blank=True)
    # the language and time zone active in the admin when the export was asked for (the
    # user's, as Wagtail's admin activates them), to write the file in: "" for the
    # site's defaults (LANGUAGE_CODE, TIME_ZONE)
    language = models.CharField(_("Sprache"), max_length=15, blank=True)
    time_zone = models.CharField(_("Zeitzone"), max_length=63, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("Zeilen gesamt"), default=0)
    rows_done = models.PositiveIntegerField(_("Zeilen geschrieben"), default=0)
    file = models.FileField(
        _("Datei"), storage=_private_storage, upload_to="registrations/", blank=True
    )
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("gestartet am"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Export von Anmeldungen")
        verbose_name_plural = _("Exporte von Anmeldungen")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename()

    def filename(self):
        """E.g. `anmeldungen-2026-12-02-2015-7.xlsx`: the time the export was asked for
        in the time zone the file is written in (its rows' times are in it too)."""
        try:
            tz = zoneinfo.ZoneInfo(self.time_zone) if self.time_zone else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = None
        started = timezone.localtime(self.created_at, tz or timezone.get_default_timezone())
        return f"anmeldungen-{started:%Y-%m-%d-%H%M}-{self.pk}.{self.file_format}"

    @property
    def is_finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self):
        if self.status == ExportStatus.DONE or not self.rows_total:
            return 100 if self.status == ExportStatus.DONE else 0
        return min(100, int(100 * self.rows_done / self.rows_total))
