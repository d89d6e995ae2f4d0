"""Pages and records a public body's website must have.

- `EnforcementBody` (snippet): a Schlichtungsstelle. The federal one (§ 16 BGG) ships as
  the default (data migration); editors add their Land's body and choose it per site on
  the statement page.
- `AccessibilityStatementPage`: the statement with the EU model's parts as fields
  (Durchführungsbeschluss (EU) 2018/1523), `NonAccessiblePart` rows inline.
- `BarrierReport`: a visitor's report of a barrier (feedback mechanism), with status and
  answer deadline; personal parts are erased after `BARRIER_REPORT_RETENTION_DAYS`.
- `ImpressumPage` (§ 5 DDG, § 18 MStV) and `PrivacyNoticePage` (Art. 13 DSGVO, the
  processings of the installed apps from `processings.py`).
- `ReminderLog`: which reminder went out for what, so that the reminder command is
  idempotent.
"""

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from kinderschutz_cms.frame import RestrictionsFromCache
from kinderschutz_cms.slugs import GermanSlugMixin

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


@register_snippet
class EnforcementBody(models.Model):
    """A Schlichtungsstelle (enforcement procedure of the accessibility statement)."""

    name = models.CharField(_("Name"), max_length=300)
    address = models.TextField(_("Anschrift"))
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    url = models.URLField(_("Website"), blank=True)
    is_default = models.BooleanField(
        _("Voreinstellung"),
        default=False,
        help_text=_("Wird genannt, wenn eine Erklärung keine Schlichtungsstelle auswählt."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("url"),
        FieldPanel("is_default"),
    ]

    class Meta:
        verbose_name = _("Schlichtungsstelle")
        verbose_name_plural = _("Schlichtungsstellen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConformanceStatus(models.TextChoices):
    FULL = "full", _("vollständig vereinbar")
    PARTIAL = "partial", _("teilweise vereinbar")
    NONE = "none", _("nicht vereinbar")


class AssessmentMethod(models.TextChoices):
    SELF = "self", _("Selbstbewertung")
    EXTERNAL = "external", _("Prüfung durch Dritte")


class AccessibilityStatementPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """The Erklärung zur Barrierefreiheit, rendered in the EU model statement's order:
    status, parts not accessible, preparation (method, date, review), feedback,
    enforcement procedure."""

    legal_basis = models.CharField(
        _("Rechtsgrundlage"),
        max_length=300,
        default=_("§ 12a BGG und BITV 2.0"),
        help_text=_("Bei Landesbehörden und Kommunen: das Landesgesetz, z. B. „§ 10 BGG NRW“."),
    )
    conformance_status = models.CharField(
        _("Stand der Vereinbarkeit"),
        max_length=10,
        choices=ConformanceStatus.choices,
        default=ConformanceStatus.PARTIAL,
    )
    assessment_method = models.CharField(
        _("Bewertungsmethode"),
        max_length=10,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.SELF,
    )
    assessed_by = models.CharField(
        _("Geprüft von"), max_length=300, blank=True, help_text=_("Stelle oder Prüfdienst.")
    )
    assessed_on = models.DateField(_("Geprüft am"), null=True, blank=True)
    prepared_on = models.DateField(_("Erklärung erstellt am"), null=True, blank=True)
    reviewed_on = models.DateField(
        _("Zuletzt überprüft am"),
        null=True,
        blank=True,
        help_text=_(
            "Die Erklärung ist jährlich zu überprüfen; 11 Monate danach erinnert das System."
        ),
    )
    feedback_contact = models.TextField(
        _("Kontakt für Rückmeldungen"),
        blank=True,
        help_text=_(
            "Stelle, Anschrift, Telefon und E-Mail für Rückmeldungen zur Barrierefreiheit."
        ),
    )
    feedback_email = models.EmailField(_("E-Mail für Rückmeldungen"), blank=True)
    enforcement_body = models.ForeignKey(
        EnforcementBody,
        verbose_name=_("Schlichtungsstelle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leer: die voreingestellte (Bundes-)Schlichtungsstelle."),
    )
    extra_text = RichTextField(_("Weitere Hinweise"), blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("legal_basis"),
        FieldPanel("conformance_status"),
        InlinePanel("parts", heading=_("Nicht barrierefreie Inhalte"), label=_("Inhalt")),
        MultiFieldPanel(
            [
                FieldPanel("assessment_method"),
                FieldPanel("assessed_by"),
                FieldPanel("assessed_on"),
                FieldPanel("prepared_on"),
                FieldPanel("reviewed_on"),
            ],
            heading=_("Erstellung der Erklärung"),
        ),
        MultiFieldPanel(
            [FieldPanel("feedback_contact"), FieldPanel("feedback_email")],
            heading=_("Feedback und Kontakt"),
        ),
        FieldPanel("enforcement_body"),
        FieldPanel("extra_text"),
    ]
    search_fields = Page.search_fields + [index.SearchField("extra_text")]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage", "kinderschutz_cms.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Erklärung zur Barrierefreiheit")
        verbose_name_plural = _("Erklärungen zur Barrierefreiheit")

    def get_context(self, request, *args, **kwargs):
        from .statement import statement_context

        context = super().get_context(request, *args, **kwargs)
        context.update(statement_context(self))
        return context


class NonAccessiblePart(Orderable):
    """A part of the site that is not accessible, why, and the accessible alternative."""

    page = ParentalKey(AccessibilityStatementPage, related_name="parts", on_delete=models.CASCADE)
    part = models.CharField(_("Inhalt"), max_length=300)
    reason = models.TextField(_("Begründung"))
    alternative = models.TextField(_("Barrierefreie Alternative"), blank=True)

    panels = [FieldPanel("part"), FieldPanel("reason"), FieldPanel("alternative")]

    class Meta(Orderable.Meta):
        verbose_name = _("Nicht barrierefreier Inhalt")
        verbose_name_plural = _("Nicht barrierefreie Inhalte")


class BarrierReportStatus(models.TextChoices):
    NEW = "new", _("neu")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    ANSWERED = "answered", _("beantwortet")


class BarrierReport(models.Model):
    """A reported barrier: stored before any mail is queued, answered by the coordination
    by `answer_due`. Name, e-mail address and text are erased once the report has been
    answered for `BARRIER_REPORT_RETENTION_DAYS` (`services.reports.purge_answered`)."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("Website"), on_delete=models.CASCADE, related_name="+"
    )
    page_url = models.CharField(_("Seite"), max_length=500, blank=True)
    description = models.TextField(_("Beschreibung"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=BarrierReportStatus.choices,
        default=BarrierReportStatus.NEW,
        db_index=True,
    )
    received_at = models.DateTimeField(_("Eingegangen am"), db_index=True)
    answer_due = models.DateField(_("Antwort bis"))
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    internal_note = models.TextField(_("Interne Notiz"), blank=True)
    anonymised_at = models.DateTimeField(_("Anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Barrieremeldung")
        verbose_name_plural = _("Barrieremeldungen")
        ordering = ["-received_at"]

    def __str__(self):
        return _("Meldung vom %(date)s") % {
            "date": date_format(timezone.localtime(self.received_at), "SHORT_DATE_FORMAT")
        }

    @admin.display(description=_("Antwort bis"), ordering="answer_due")
    def deadline(self):
        """The answer deadline as the admin lists it, marked once it has passed."""
        text = date_format(self.answer_due, "SHORT_DATE_FORMAT")
        if self.status != BarrierReportStatus.ANSWERED and self.answer_due < timezone.localdate():
            return _("%(date)s (überschritten)") % {"date": text}
        return text


class ReminderLog(models.Model):
    """One reminder sent: `kind` and `key` (e.g. the statement's page and review date);
    a second run of the reminder command finds it and sends nothing."""

    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="publicbody_reminder_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class ImpressumPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """The Impressum with the details § 5 DDG and § 18 MStV require. The admin warns
    (never blocks) while a required one is empty (`impressum.missing_fields`)."""

    provider_name = models.CharField(_("Anbieter (Behörde, Träger)"), max_length=300, blank=True)
    postal_address = models.TextField(_("Postanschrift"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(
        _("Telefon"), max_length=50, blank=True, help_text=_("Zweiter schneller Kontaktweg.")
    )
    contact_form_url = models.URLField(
        _("Kontaktformular"), blank=True, help_text=_("Statt des Telefons möglich.")
    )
    legal_representative = models.CharField(
        _("Vertreten durch"), max_length=300, blank=True, help_text=_("z. B. die Landrätin.")
    )
    legal_form = models.CharField(
        _("Rechtsform"),
        max_length=300,
        blank=True,
        help_text=_("z. B. Körperschaft des öffentlichen Rechts."),
    )
    supervisory_authority = models.TextField(_("Aufsichtsbehörde"), blank=True)
    vat_id = models.CharField(_("Umsatzsteuer-Identifikationsnummer"), max_length=50, blank=True)
    responsible_person = models.CharField(
        _("Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)"), max_length=300, blank=True
    )
    responsible_address = models.TextField(_("Anschrift der verantwortlichen Person"), blank=True)
    extra_text = RichTextField(_("Weitere Angaben"), blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("provider_name"),
                FieldPanel("legal_form"),
                FieldPanel("postal_address"),
                FieldPanel("legal_representative"),
            ],
            heading=_("Anbieter (§ 5 DDG)"),
        ),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("phone"), FieldPanel("contact_form_url")],
            heading=_("Kontakt"),
        ),
        FieldPanel("supervisory_authority"),
        FieldPanel("vat_id"),
        MultiFieldPanel(
            [FieldPanel("responsible_person"), FieldPanel("responsible_address")],
            heading=_("Inhaltlich verantwortlich"),
        ),
        FieldPanel("extra_text"),
    ]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage", "kinderschutz_cms.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Impressum")
        verbose_name_plural = _("Impressen")


class PrivacyNoticePage(GermanSlugMixin, RestrictionsFromCache, Page):
    """The Datenschutzerklärung: the editors' fields (controller, data protection officer,
    supervisory authority, free text) around what the installed apps process, written by
    `processings.py` from the same settings the code uses."""

    controller = models.TextField(
        _("Verantwortliche Stelle"), blank=True, help_text=_("Name, Anschrift, Kontakt.")
    )
    data_protection_officer = models.TextField(_("Datenschutzbeauftragte:r"), blank=True)
    supervisory_authority = models.TextField(
        _("Aufsichtsbehörde für Beschwerden"),
        blank=True,
        help_text=_("Die Landesbeauftragte oder der Landesbeauftragte für den Datenschutz."),
    )
    intro = RichTextField(_("Einleitung"), blank=True, features=TEXT_FEATURES)
    extra_text = RichTextField(_("Weitere Hinweise"), blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("controller"),
        FieldPanel("data_protection_officer"),
        FieldPanel("supervisory_authority"),
        FieldPanel("intro"),
        FieldPanel("extra_text"),
    ]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage", "kinderschutz_cms.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Datenschutzerklärung")
        verbose_name_plural = _("Datenschutzerklärungen")

    def get_context(self, request, *args, **kwargs):
        from .processings import processings

        context = super().get_context(request, *args, **kwargs)
        context["processings"] = processings()
        return context


# Leichte Sprache and Gebärdensprache (BITV 2.0 Anlage 2): their own module, one concern.
from .language_pages import EasyLanguagePage as EasyLanguagePage  # noqa: E402
from .language_pages import SignLanguagePage as SignLanguagePage  # noqa: E402
from .language_pages import SignLanguageVideo as SignLanguageVideo  # noqa: E402
