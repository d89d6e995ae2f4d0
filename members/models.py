"""Member organisations of the network and the cooperation agreements they sign.

Members and agreements are Wagtail pages, not snippets: each needs its own public URL
(a member's profile, an agreement's text), preview before publishing, revisions and
moderation workflows, the site search index, page-tree permissions (a member can be given
edit rights on its own page) and scheduled publishing (an agreement goes live on a date).
Sectors are a snippet: a short editable list without pages of their own.

The rules that read these models (which agreement is current, who has not signed, which
reviews are due) live in `members/agreements.py`; the directory query in
`members/directory.py`.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kinderschutz_cms.blocks import BodyBlock
from kinderschutz_cms.collation import german_sort_key
from kinderschutz_cms.frame import RestrictionsFromCache
from kinderschutz_cms.slugs import GermanSlugMixin

from .choices import (
    DEFAULT_LEGAL_BASIS,
    ChangeStatus,
    CheckAnswer,
    ConceptStatus,
    ProviderKind,
    RoundScope,
    SigningMethod,
)
from .forms import AgreementPageForm, SignatoryForm
from .panels import SignaturesPanel

postcode_validator = RegexValidator(
    r"^\d{5}$", _("Bitte geben Sie eine fünfstellige Postleitzahl ein.")
)


class GermanSortKeyField(models.CharField):
    """The German sort key (`kinderschutz_cms.collation.german_sort_key`, DIN 5007: ä as a,
    ß as ss, case ignored) of another field of the same row (`source`), stored so that a
    listing can be ordered through an index instead of computing the key for every row
    before it cuts a page (issue #19: the admin's 5,000 members).

    The key is computed in Python by the one rule the directory also sorts by, whenever
    Django writes the row: every `save()` (the admin's create and edit views, Wagtail's
    publish, copy and revision publishing, the demo loader's `add_child`) and
    `bulk_create`, like `auto_now`. Writes that bypass the field's `pre_save` must fill it
    themselves: `save_base(raw=True)`, raw inserts and `QuerySet.update(title=...)` (the
    Land bench's bulk loader does), and so must `save(update_fields=[...])` that lists the
    source but not this field. Not editable: no form or panel shows it.
    """

    def __init__(self, *args, source="title", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 510)  # a title of 255 "ß" spells 510 letters
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        kwargs.pop("default", None)
        if kwargs.get("max_length") == 510:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        key = german_sort_key(getattr(model_instance, self.source))[: self.max_length]
        setattr(model_instance, self.attname, key)
        return key


class Sector(models.Model):
    """A field of work (Bereich) that groups members; the list is editable by coordinators."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("Kurzname (URL)"),
        max_length=100,
        unique=True,
        help_text=_("Wird im Filter-Link verwendet."),
    )
    sort_order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("Bereich")
        verbose_name_plural = _("Bereiche")

    def __str__(self):
        return self.name


class MemberIndexPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """The directory of member organisations; its listing query lives in directory.py."""

    intro = RichTextField(_("Einleitung"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage"]
    subpage_types = ["members.MemberPage", "members.AgreementPage"]

    class Meta:
        verbose_name = _("Verzeichnis der Netzwerkpartner")
        verbose_name_plural = _("Verzeichnisse der Netzwerkpartner")

    def get_context(self, request, *args, **kwargs):
        from kinderschutz_cms import page_cache

        from .directory import directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(directory_context(self, request.GET))
        if context["is_offered_choice"]:
            page_cache.offered(request, "page", *context["filter_form"].fields)
        return context


class MemberServiceTag(TaggedItemBase):
    """Services and target groups of a member (Angebote, Zielgruppen) as free tags."""

    content_object = ParentalKey(
        "members.MemberPage", on_delete=models.CASCADE, related_name="tagged_services"
    )


class MemberPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """One member organisation (Netzwerkpartner) with its contact persons."""

    provider_name = models.CharField(
        _("Träger"), max_length=200, blank=True, help_text=_("Die Rechtsträgerin der Einrichtung.")
    )
    provider_kind = models.CharField(
        _("Art des Trägers"), max_length=20, choices=ProviderKind.choices, blank=True
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("Bereich"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postleitzahl"), max_length=5, blank=True, validators=[postcode_validator]
    )
    town = models.CharField(_("Ort"), max_length=100, blank=True)
    district = models.CharField(_("Ortsteil"), max_length=100, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(
        _("Beschreibung"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )
    services = ClusterTaggableManager(
        through=MemberServiceTag,
        blank=True,
        verbose_name=_("Angebote und Zielgruppen"),
        help_text=_("Schlagwörter, z. B. „Elternberatung“, „Jugendliche“."),
    )

    # Protection concept (Schutzkonzept); the rules that read it: members/concepts.py.
    concept_status = models.CharField(
        _("Schutzkonzept"),
        max_length=20,
        choices=ConceptStatus.choices,
        default=ConceptStatus.NONE,
    )
    concept_adopted_on = models.DateField(_("Schutzkonzept beschlossen am"), null=True, blank=True)
    concept_reviewed_on = models.DateField(
        _("Schutzkonzept zuletzt überprüft am"), null=True, blank=True
    )
    concept_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Schutzkonzept (Dokument, öffentlich)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concept_link = models.URLField(_("Schutzkonzept (Link, öffentlich)"), blank=True)
    concept_consultant = models.BooleanField(
        _("Externe Prozessbegleitung"),
        default=False,
        help_text=_("Eine externe Prozessbegleitung begleitet das Schutzkonzept."),
    )
    last_checked = models.DateField(
        _("Eintrag geprüft am"),
        null=True,
        blank=True,
        help_text=_("Wann der Netzwerkpartner zuletzt bestätigt hat, dass der Eintrag stimmt."),
    )
    # The title's German sort key, for the admin's member listing (members.admin_listing).
    sort_title = GermanSortKeyField(source="title")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("sector"), FieldPanel("provider_name"), FieldPanel("provider_kind")],
            heading=_("Bereich und Träger"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("town")]),
                FieldPanel("district"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("website"),
            ],
            heading=_("Anschrift und Kontakt"),
        ),
        FieldPanel("logo"),
        FieldPanel("description"),
        FieldPanel("services"),
        InlinePanel("contact_persons", label=_("Ansprechpersonen"), heading=_("Ansprechpersonen")),
        MultiFieldPanel(
            [
                FieldPanel("concept_status"),
                FieldRowPanel(
                    [FieldPanel("concept_adopted_on"), FieldPanel("concept_reviewed_on")]
                ),
                FieldRowPanel([FieldPanel("concept_document"), FieldPanel("concept_link")]),
                FieldPanel("concept_consultant"),
            ],
            heading=_("Schutzkonzept"),
        ),
        FieldPanel("last_checked"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("provider_name"),
        index.SearchField("description"),
        index.SearchField("town"),
        index.SearchField("district"),
        index.FilterField("sector"),
        index.RelatedFields("services", [index.SearchField("name")]),
    ]

    parent_page_types = ["members.MemberIndexPage"]

    # Fetched with the page when it is routed to (kinderschutz_cms/routing.py).
    route_select_related = ["sector", "concept_document"]
    subpage_types = []

    class Meta:
        verbose_name = pgettext_lazy("eine Organisation", "Netzwerkpartner")
        verbose_name_plural = _("Netzwerkpartner")
        # The admin listing's order (title, ties by id, either direction): a page of 20
        # rows read from the index, not every member sorted first (issue #19).
        indexes = [
            models.Index(fields=["sort_title", "page_ptr"], name="members_member_sort_title_idx")
        ]

    def with_content_json(self, content):
        """A revision's content, keeping the later confirmation dates (`last_checked` of
        the page and its contact persons) of this instance: "Keine Änderungen" writes
        them to the live rows without a revision (`members.checks.confirm_unchanged`),
        and publishing an older revision must not take them back."""
        page = super().with_content_json(content)
        if self.last_checked and (not page.last_checked or page.last_checked < self.last_checked):
            page.last_checked = self.last_checked
        if self.pk:
            checked = dict(
                ContactPerson.objects.filter(page_id=self.pk).values_list("pk", "last_checked")
            )
            for contact in page.contact_persons.all():
                live = checked.get(contact.pk)
                if live and (not contact.last_checked or contact.last_checked < live):
                    contact.last_checked = live
        return page

    def get_context(self, request, *args, **kwargs):
        from .agreements import signatures_of

        context = super().get_context(request, *args, **kwargs)
        context["contacts"] = list(self.contact_persons.all())
        context["signatures"] = signatures_of(self)
        return context


class ContactPerson(Orderable):
    """A named contact (Ansprechperson) at a member, possibly an IseF under § 8a SGB VIII."""

    page = ParentalKey(MemberPage, on_delete=models.CASCADE, related_name="contact_persons")
    name = models.CharField(_("Name"), max_length=200)
    function = models.CharField(_("Funktion"), max_length=200, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    is_isef = models.BooleanField(
        _("insoweit erfahrene Fachkraft (IseF)"),
        default=False,
        help_text=_("Berät Fachkräfte bei der Gefährdungseinschätzung (§ 8a SGB VIII, § 4 KKG)."),
    )
    languages = models.CharField(
        _("Sprachen"), max_length=200, blank=True, help_text=_("z. B. „Deutsch, Türkisch“")
    )
    last_checked = models.DateField(
        _("Angaben geprüft am"),
        null=True,
        blank=True,
        help_text=_("Wann zuletzt bestätigt wurde, dass die Angaben stimmen."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("function")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldRowPanel([FieldPanel("is_isef"), FieldPanel("languages")]),
        FieldPanel("last_checked"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")

    def __str__(self):
        return self.name


class AgreementPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """One version of a cooperation agreement (Kooperationsvereinbarung) and its signatories.

    Every version is its own page; a new version names the one it replaces in `supersedes`.
    Which version is current (among the versions of the same site) is decided in
    `members.agreements.current_agreement`.
    """

    version = models.CharField(_("Fassung"), max_length=50, help_text=_("z. B. „2.0“"))
    legal_basis = models.CharField(
        _("Rechtsgrundlage"), max_length=200, blank=True, default=DEFAULT_LEGAL_BASIS
    )
    adopted_on = models.DateField(_("Beschlossen am"), null=True, blank=True)
    valid_from = models.DateField(_("Gültig ab"))
    valid_until = models.DateField(
        _("Gültig bis"), null=True, blank=True, help_text=_("Leer lassen, wenn unbefristet.")
    )
    next_review = models.DateField(_("Nächste Überprüfung"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("Ersetzt Fassung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    intro = models.TextField(_("Kurzbeschreibung"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Text der Vereinbarung"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Unterzeichnete Fassung (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    base_form_class = AgreementPageForm
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("version"), FieldPanel("supersedes")]),
                FieldPanel("legal_basis"),
                FieldRowPanel([FieldPanel("adopted_on"), FieldPanel("next_review")]),
                FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
            ],
            heading=_("Fassung und Gültigkeit"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("document"),
        SignaturesPanel(heading=_("Unterzeichnungen")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("valid_from"),
        index.FilterField("next_review"),
    ]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage", "members.MemberIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Kooperationsvereinbarung")
        verbose_name_plural = _("Kooperationsvereinbarungen")

    def get_admin_display_title(self):
        """The title with the version, and "aktuell" on the current one (page tree,
        listings, choosers): one query per agreement shown."""
        from .agreements import current_agreement

        title = _("%(title)s, Fassung %(version)s") % {
            "title": super().get_admin_display_title(),
            "version": self.version,
        }
        if self.pk and self.live:
            current = current_agreement(self)
            if current is not None and current.pk == self.pk:
                title += " " + str(_("(aktuell)"))
        return title

    def get_context(self, request, *args, **kwargs):
        from .agreements import current_agreement, signatory_overview

        context = super().get_context(request, *args, **kwargs)
        context.update(signatory_overview(self, request.GET.get("page")))
        current = current_agreement(self)  # of this agreement's own site
        context["current_agreement"] = current
        context["is_current"] = current is not None and current.pk == self.pk
        return context


class Signatory(models.Model):
    """A member's accession (Beitritt) to one agreement version: who signed, and when.

    A row of its own, not an inline child of the agreement page (issue #19): signatures
    are listed, filtered, exported and edited in the admin's "Unterzeichnungen"
    (`members.admin_signatures`), and are not part of the page's revisions. Editing or
    publishing the agreement never touches them; publishing an old revision (whose
    content still lists the inline signatories of before migration 0006) neither deletes
    nor restores any: the "signatories" key of such a revision is ignored.
    """

    page = models.ForeignKey(
        AgreementPage,
        verbose_name=_("Fassung der Vereinbarung"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    member = models.ForeignKey(
        MemberPage,
        verbose_name=pgettext_lazy("eine Organisation", "Netzwerkpartner"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    signed_on = models.DateField(_("Unterzeichnet am"))
    signed_by_name = models.CharField(_("Unterzeichnet von"), max_length=200, blank=True)
    signed_by_function = models.CharField(_("Funktion"), max_length=200, blank=True)
    scan = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Scan der Unterschrift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    method = models.CharField(
        _("Art der Unterzeichnung"),
        max_length=10,
        choices=SigningMethod.choices,
        default=SigningMethod.PAPER,
    )
    signing_round = models.ForeignKey(
        "members.SigningRound",
        verbose_name=_("Unterzeichnungsrunde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
    )
    invitation = models.ForeignKey(
        "members.SigningInvitation",
        verbose_name=_("Einladung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("Ausgetreten am"), null=True, blank=True)
    # The order of the former inline rows (kept by migration 0006); new rows leave it empty.
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    # Signatures are not followed by Wagtail's reference index: a signature is one INSERT,
    # not an index rebuild (issue #19).
    wagtail_reference_index_ignore = True

    base_form_class = SignatoryForm
    panels = [
        FieldPanel("page"),
        FieldRowPanel([FieldPanel("member"), FieldPanel("signed_on")]),
        FieldRowPanel([FieldPanel("signed_by_name"), FieldPanel("signed_by_function")]),
        FieldRowPanel([FieldPanel("method"), FieldPanel("withdrawn_on")]),
        FieldPanel("scan"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("Unterzeichnung")
        verbose_name_plural = _("Unterzeichnungen")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "member"], name="unique_signatory_per_agreement"
            )
        ]
        # The signature listing's default order ("-signed_on", then member, pk): with this
        # index a page of rows is read in date order and only ties are sorted, not every
        # signature of a Land (4,500) for each page (issue #19).
        indexes = [models.Index(fields=["signed_on"], name="members_sig_signed_on_idx")]

    def __str__(self):
        return f"{self.member} – {self.signed_on:%d.%m.%Y}"


class SigningRound(models.Model):
    """The coordination invites members to sign one agreement version online
    (`members.signing_rounds`)."""

    agreement = models.ForeignKey(
        AgreementPage,
        verbose_name=_("Fassung der Vereinbarung"),
        on_delete=models.CASCADE,
        related_name="signing_rounds",
    )
    started_at = models.DateTimeField(_("Gestartet am"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Gestartet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.CharField(
        _("Eingeladen werden"),
        max_length=10,
        choices=RoundScope.choices,
        default=RoundScope.UNSIGNED,
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("Nur Bereich"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("Unterzeichnungsrunde")
        verbose_name_plural = _("Unterzeichnungsrunden")

    def __str__(self):
        return _("Runde vom %(date)s") % {"date": f"{self.started_at:%d.%m.%Y}"}


class SigningInvitation(models.Model):
    """One maintainer of one member invited in a round (a signed SIGN link was e-mailed)."""

    signing_round = models.ForeignKey(
        SigningRound, on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(MemberPage, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        ContactPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("E-Mail"))
    sent_at = models.DateTimeField(_("Eingeladen am"))
    reminded_at = models.DateTimeField(_("Erinnert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung zur Unterzeichnung")
        verbose_name_plural = _("Einladungen zur Unterzeichnung")
        constraints = [
            models.UniqueConstraint(
                fields=["signing_round", "member", "email"], name="unique_invitation_per_round"
            )
        ]

    def __str__(self):
        return f"{self.member} – {self.email}"


class SelfServiceChange(models.Model):
    """A change of a member's entry that a maintainer submitted through an edit link.

    It names the revision it created and the moderation it went into (`workflow_state`),
    and who asked for it (name and address as on record when submitted), so the maintainer
    can be told the outcome (members/self_service.py).
    """

    member = models.ForeignKey(
        MemberPage, on_delete=models.CASCADE, related_name="self_service_changes"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(_("Eingereicht von"), max_length=200)
    requested_by_email = models.EmailField(_("E-Mail"))
    created_at = models.DateTimeField(_("Eingereicht am"), auto_now_add=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    # The concept PDF uploaded with this change: not public until a live entry shows it
    # (`members.self_service.refuse_public_download`).
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Hochgeladenes Schutzkonzept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Änderung durch Netzwerkpartner")
        verbose_name_plural = _("Änderungen durch Netzwerkpartner")

    def __str__(self):
        return f"{self.member_id}: {self.requested_by_name} ({self.get_status_display()})"


class CheckCampaign(models.Model):
    """A yearly "please check your entry" round (Prüfrunde): members/checks.py."""

    started_at = models.DateTimeField(_("Gestartet am"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Gestartet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("Nur Bereich"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("Auswahl"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Prüfrunde")
        verbose_name_plural = _("Prüfrunden")

    def __str__(self):
        return _("Prüfrunde vom %(date)s") % {"date": f"{self.started_at:%d.%m.%Y}"}


class CheckRequest(models.Model):
    """One member in a check round: its answer and whether its maintainers were reminded."""

    campaign = models.ForeignKey(CheckCampaign, on_delete=models.CASCADE, related_name="requests")
    member = models.ForeignKey(MemberPage, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(
        _("Antwort"), max_length=20, choices=CheckAnswer.choices, default=CheckAnswer.OPEN
    )
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    answered_by = models.CharField(_("Beantwortet von"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("Erinnert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Prüfanfrage")
        verbose_name_plural = _("Prüfanfragen")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="unique_check_per_member")
        ]

    def __str__(self):
        return f"{self.campaign}: {self.member_id} ({self.get_answer_display()})"
