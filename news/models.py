"""News: the index ("Aktuelles") and articles (Fachtag write-ups, new agreements, ...).

The index owns its listing query (`NewsIndexPage.articles`): newest first, optionally
filtered by tag, with images, renditions and tags prefetched so that the number of queries
does not grow with the number of articles. The RSS and Atom feeds (news/feeds.py) are
routes of the index, so every index has its own feeds.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from kinderschutz_cms import frame, page_cache
from kinderschutz_cms.blocks import BodyBlock
from kinderschutz_cms.frame import RestrictionsFromCache, public_q
from kinderschutz_cms.slugs import GermanSlugMixin

from . import conf

ALT_TEXT_REQUIRED = _(
    "Bitte beschreiben Sie das Bild in einem Alternativtext (für Menschen, die das Bild "
    "nicht sehen können)."
)
# The rendition every list shows; prefetched with the articles.
LIST_RENDITION = "fill-640x360"
MAX_TAG_LENGTH = 100


class NewsIndexPage(GermanSlugMixin, RestrictionsFromCache, RoutablePageMixin, Page):
    """The list of articles ("Aktuelles") with tag filter, pagination and feeds."""

    intro = models.TextField(_("Einleitung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage"]
    subpage_types = ["news.NewsPage"]

    class Meta:
        verbose_name = _("Nachrichtenübersicht")
        verbose_name_plural = _("Nachrichtenübersichten")

    def articles(self, tag=None):
        """Live, public articles below this index, newest first, optionally of one tag."""
        articles = NewsPage.published().child_of(self)
        if tag:
            articles = articles.filter(tags__slug=tag).distinct()
        return articles

    def used_tags(self):
        """The tags of this index's live articles, for the filter (one query)."""
        return (
            Tag.objects.filter(
                news_newspagetag_items__content_object__in=NewsPage.objects.live()
                .filter(public_q())
                .child_of(self)
            )
            .distinct()
            .order_by("name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "")[:MAX_TAG_LENGTH].strip()
        # The tags and the number of articles are the same for every visitor: kept in
        # the frame cache, which every page, tag or image change renews. The articles of
        # the page shown are read lazily, when the template renders its list, which it
        # keeps there too (`frame_fragment`): no query for them while it is warm.
        tags = frame.cached("news-tags", self.pk, build=lambda: list(self.used_tags()))
        current_tag = next((t for t in tags if t.slug == tag), None)
        articles = self.articles(tag=current_tag.slug if current_tag else None)
        paginator = Paginator(articles, conf.get("KINDERSCHUTZ_NEWS_PER_PAGE"))
        paginator.count = frame.cached(
            "news-count", self.pk, current_tag.slug if current_tag else "", build=articles.count
        )
        asked_page = request.GET.get("page")
        articles = paginator.get_page(asked_page)
        if (current_tag or not tag) and asked_page in (None, str(articles.number)):
            page_cache.offered(request, "tag", "page")  # not an unknown tag or page
        context.update(
            articles=articles,
            tags=tags,
            current_tag=current_tag,
            unknown_tag=bool(tag) and current_tag is None,
            filter_query=urlencode({"tag": current_tag.slug}) if current_tag else "",
        )
        return context

    @path("rss/", name="rss")
    def rss_feed(self, request):
        from .feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("atom/", name="atom")
    def atom_feed(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPageForm(WagtailAdminPageForm):
    """The editor's form: the alt text's "required" message explains what to write."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image_alt" in self.fields:
            self.fields["image_alt"].error_messages["required"] = ALT_TEXT_REQUIRED


class NewsPage(GermanSlugMixin, RestrictionsFromCache, Page):
    """An article: date, teaser, an image with alt text, body, tags, related pages."""

    date = models.DateField(_("Datum"), default=timezone.localdate)
    teaser = models.TextField(
        _("Anreißer"), max_length=400, help_text=_("Zwei, drei Sätze für Übersicht und Feeds.")
    )
    image = models.ForeignKey(
        get_image_model(),
        verbose_name=_("Bild"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("Alternativtext des Bildes"),
        max_length=250,
        help_text=_(
            "Was zeigt das Bild in diesem Artikel? Z. B. „Teilnehmer:innen im Workshop "
            "zu Schutzkonzepten“."
        ),
        error_messages={"blank": ALT_TEXT_REQUIRED},
    )
    image_caption = models.CharField(
        _("Bildunterschrift / Bildnachweis"), max_length=250, blank=True
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))
    author = models.CharField(
        _("Verantwortlich"), max_length=200, blank=True, help_text=_("Autor:in oder Stelle")
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("Schlagwörter"))

    base_form_class = NewsPageForm
    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("teaser"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("image_caption")],
            heading=_("Bild"),
        ),
        FieldPanel("body"),
        FieldPanel("author"),
        FieldPanel("tags"),
        InlinePanel("related_events", label=_("Zugehörige Veranstaltungen")),
        InlinePanel("related_members", label=_("Beteiligte Netzwerkpartner")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    og_type = "article"  # Open Graph (kinderschutz_cms.seo)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_index"] = self.news_index()
        return context

    def social_image(self):
        """The image shown when the article is shared (Open Graph), or None."""
        return self.image if self.image_id else None

    def news_index(self):
        """The article's news index (specific, for its feed links), from the frame cache:
        no query while it is warm."""
        parent_path = self.path[: -self.steplen]
        return frame.cached(
            "page-at", parent_path, build=lambda: Page.objects.get(path=parent_path).specific
        )

    def clean(self):
        super().clean()
        if self.image_id and not (self.image_alt or "").strip():
            raise ValidationError({"image_alt": ALT_TEXT_REQUIRED})

    @classmethod
    def published(cls):
        """Live, public articles, newest first, with list image rendition and tags."""
        renditions = (
            get_image_model().get_rendition_model().objects.filter(filter_spec=LIST_RENDITION)
        )
        return (
            cls.objects.live()
            .filter(public_q())
            .order_by("-date", "-first_published_at", "-pk")
            .select_related("image")
            .prefetch_related(
                # Wagtail's prefetch_renditions, through the article's image.
                Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions"),
                "tags",
            )
        )

    def related_pages(self):
        """The linked events and members that are live and public (for the article)."""
        return {
            "events": _visible_pages(self.related_events.all()),
            "members": _visible_pages(self.related_members.all()),
        }


def _visible_pages(relations):
    """The related pages that are live and public, in the editor's order (one query; the
    article lists titles and links, so the pages are not made specific)."""
    if isinstance(relations, models.QuerySet):
        visible = relations.filter(related_page__live=True).filter(public_q("related_page"))
        return [relation.related_page for relation in visible.select_related("related_page")]
    # A preview: the relations are in memory (modelcluster), not yet in the database.
    ids = [relation.related_page_id for relation in relations]
    pages = Page.objects.filter(pk__in=ids).live().filter(public_q()).in_bulk()
    return [pages[pk] for pk in ids if pk in pages]


class RelatedPage(Orderable):
    """A link from an article to another page (abstract; events and members below).

    A plain page link because the events and members apps are optional to this one.
    """

    related_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Seite"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("related_page")]

    class Meta(Orderable.Meta):
        abstract = True


class NewsRelatedEvent(RelatedPage):
    page = ParentalKey(NewsPage, related_name="related_events", on_delete=models.CASCADE)

    class Meta(RelatedPage.Meta):
        verbose_name = _("Zugehörige Veranstaltung")
        verbose_name_plural = _("Zugehörige Veranstaltungen")


class NewsRelatedMember(RelatedPage):
    page = ParentalKey(NewsPage, related_name="related_members", on_delete=models.CASCADE)

    class Meta(RelatedPage.Meta):
        verbose_name = _("Beteiligter Netzwerkpartner")
        verbose_name_plural = _("Beteiligte Netzwerkpartner")
