"""Site-wide pages and settings: the home page, generic content pages, the network's data.

The reporting-path box (who to call in a suspected case) is a site setting, because every
page shows it in its footer; the site itself collects no case data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from . import frame, home, routing
from .blocks import BodyBlock
from .frame import RestrictionsFromCache
from .slugs import GermanSlugMixin


def _page_link(verbose_name):
    """An optional link to another page of the site (kept if that page is deleted)."""
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class NetworkHomePage(GermanSlugMixin, RestrictionsFromCache, Page):
    """The network's front page: name, purpose and what is next.

    One installation may host several networks: each is a Wagtail Site whose root page is
    a home page, so a home page may be created at the top of the tree as often as needed
    (one per Site); everything it lists is its own site's (kinderschutz_cms/home.py).
    """

    intro = models.TextField(
        _("Einleitung"), blank=True, help_text=_("Zweck des Netzwerks in zwei, drei Sätzen.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))
    directory_page = _page_link(_("Seite „Netzwerkpartner“ (Verzeichnis)"))
    agreement_page = _page_link(_("Seite „Kooperationsvereinbarung“"))
    calendar_page = _page_link(_("Seite „Veranstaltungen“"))
    news_page = _page_link(_("Seite „Aktuelles“"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("directory_page"),
                FieldPanel("agreement_page"),
                FieldPanel("calendar_page"),
                FieldPanel("news_page"),
            ],
            heading=_("Verweise auf der Startseite"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")

    def route(self, request, path_components):
        """Wagtail's routing in two queries for any depth (kinderschutz_cms/routing.py)."""
        if not path_components:
            return super().route(request, path_components)
        return routing.route_below(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        """Next events, latest news and the network in numbers (kinderschutz_cms/home.py)."""
        context = super().get_context(request, *args, **kwargs)
        context.update(
            upcoming_events=home.upcoming_events(self, limit=3),
            latest_news=home.latest_news(self, limit=3),
            member_stats=home.member_stats(self),
            home_links=home.links(self),
            # The home page shows the reporting paths in its main content, not the footer.
            reporting_box_in_main=True,
        )
        return context


class ContentPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """A generic page: Meldewege, Datenschutz, Impressum, Erklärung zur Barrierefreiheit."""

    intro = models.TextField(_("Einleitung"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage", "kinderschutz_cms.ContentPage"]

    class Meta:
        verbose_name = _("Inhaltsseite")
        verbose_name_plural = _("Inhaltsseiten")


@register_setting(icon="site")
class NetworkSettings(BaseSiteSetting):
    """The network's name, its coordination's contact details and the reporting paths."""

    network_name = models.CharField(
        _("Name des Netzwerks"), max_length=200, default="Netzwerk Kinderschutz"
    )
    coordination_name = models.CharField(_("Koordinierungsstelle"), max_length=200, blank=True)
    coordination_address = models.TextField(_("Anschrift"), blank=True)
    coordination_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    coordination_email = models.EmailField(_("E-Mail"), blank=True)

    reporting_intro = models.TextField(
        _("Hinweis zu den Meldewegen"),
        blank=True,
        default=_(
            "Sie machen sich Sorgen um ein Kind? Bei gewichtigen Anhaltspunkten für eine "
            "Kindeswohlgefährdung erreichen Sie uns hier."
        ),
    )
    office_hours_label = models.CharField(
        _("Bezeichnung Dienstzeit"), max_length=200, blank=True, default=_("Jugendamt, Dienstzeit")
    )
    office_hours_phone = models.CharField(_("Telefon Dienstzeit"), max_length=50, blank=True)
    office_hours = models.CharField(
        _("Dienstzeiten"), max_length=200, blank=True, help_text=_("z. B. Mo–Fr 8–16 Uhr")
    )
    out_of_hours_label = models.CharField(
        _("Bezeichnung Rufbereitschaft"),
        max_length=200,
        blank=True,
        default=_("Rufbereitschaft außerhalb der Dienstzeit"),
    )
    out_of_hours_phone = models.CharField(_("Telefon Rufbereitschaft"), max_length=50, blank=True)
    police_phone = models.CharField(_("Polizei"), max_length=50, default="110")
    medical_hotline_phone = models.CharField(
        _("Medizinische Kinderschutzhotline"),
        max_length=50,
        blank=True,
        default="0800 19 210 00",
        help_text=_("Bundesweite Beratung für medizinisches Fachpersonal."),
    )
    reporting_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Seite „Meldewege“"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Impressum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Datenschutz"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Erklärung zur Barrierefreiheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    easy_language_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Leichte Sprache"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_note = RichTextField(_("Fußzeile, Zusatztext"), blank=True, features=["bold", "link"])

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("network_name"),
                FieldPanel("coordination_name"),
                FieldPanel("coordination_address"),
                FieldPanel("coordination_phone"),
                FieldPanel("coordination_email"),
            ],
            heading=_("Netzwerk und Koordinierungsstelle"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("reporting_intro"),
                FieldPanel("office_hours_label"),
                FieldPanel("office_hours_phone"),
                FieldPanel("office_hours"),
                FieldPanel("out_of_hours_label"),
                FieldPanel("out_of_hours_phone"),
                FieldPanel("police_phone"),
                FieldPanel("medical_hotline_phone"),
                FieldPanel("reporting_page"),
            ],
            heading=_("Meldewege (in jeder Fußzeile)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("imprint_page"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("easy_language_page"),
                FieldPanel("footer_note"),
            ],
            heading=_("Fußzeile"),
        ),
    ]

    # The footer on every page reads these; fetch the linked pages with the setting.
    select_related = [
        "reporting_page",
        "imprint_page",
        "privacy_page",
        "accessibility_page",
        "easy_language_page",
    ]

    class Meta:
        verbose_name = _("Netzwerk und Meldewege")

    @classmethod
    def for_request(cls, request):
        """The settings of the request's site, from the shared cache (kinderschutz_cms.frame):
        the footer of every page reads them. Once per request, as Wagtail has it."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        settings = frame.cached(
            "settings",
            cls._meta.label_lower,
            site.pk if site else None,
            build=lambda: cls.for_site(site),
        )
        settings._request = request
        setattr(request, attr_name, settings)
        return settings
