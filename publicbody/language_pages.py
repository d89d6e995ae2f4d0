"""Start-page information in Leichte Sprache and in Deutsche Gebärdensprache (§ 4 BITV 2.0
with Anlage 2): the models, imported into `publicbody.models`.

Anlage 2 asks for the same four items in both: (1) what the site contains, (2) how to
find one's way, (3) the main points of the accessibility statement, (4) where more
content in Leichte Sprache / DGS is. Each page type has them as four separate fields,
rendered in that order under fixed headings (`ITEMS`):

- `EasyLanguagePage`: four rich texts. While editing, the Leichte Sprache hints
  (`easy_language.py`) run over them (`easy_language_texts`): hints, never a block.
- `SignLanguagePage`: four `SignLanguageVideo`s, each shown with `<video controls>` from
  the site's own media, a download link with file size and running time, the DGS symbol
  and its text version.
- `SignLanguageVideo` (snippet): the video file, checked on upload by `videos.py`
  (ffprobe: at least 320 × 240 pixels and 25 frames per second), with the width, height,
  frame rate, running time and file size it found.

Both pages are linked from the header of every page of their site (`language_links.py`).
"""

from django.contrib import admin
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from kinderschutz_cms.frame import RestrictionsFromCache
from kinderschutz_cms.slugs import GermanSlugMixin

from . import videos

EASY_LANGUAGE_FEATURES = ["bold", "link", "ul", "ol"]

# (field, heading) in the order of BITV 2.0 Anlage 2; the headings are Leichte Sprache too.
EASY_LANGUAGE_ITEMS = [
    ("site_contents", _("Das finden Sie auf dieser Website")),
    ("navigation", _("So finden Sie sich auf der Website zurecht")),
    ("statement_summary", _("Das Wichtigste aus der Erklärung zur Barriere·freiheit")),
    ("more_content", _("Hier gibt es mehr in Leichter Sprache")),
]
SIGN_LANGUAGE_ITEMS = [
    ("site_contents_video", _("Inhalte dieser Website")),
    ("navigation_video", _("Hinweise zur Navigation")),
    ("statement_video", _("Erklärung zur Barrierefreiheit")),
    ("more_content_video", _("Weitere Informationen in Gebärdensprache")),
]
PARENT_PAGE_TYPES = ["kinderschutz_cms.NetworkHomePage"]


class SignLanguageVideoForm(WagtailAdminModelForm):
    """Refuses a file that is no video, or one below 320 × 240 pixels or 25 frames per
    second (`videos.inspect_upload`), with the German reason on the file field; keeps
    what ffprobe found on the video."""

    def clean(self):
        cleaned_data = super().clean()
        uploaded = cleaned_data.get("file")
        if uploaded and "file" in self.changed_data and not self.has_error("file"):
            try:
                info = videos.inspect_upload(uploaded)
            except videos.VideoRejected as rejected:
                self.add_error("file", rejected.message)
            else:
                self.instance.set_info(info, uploaded.size)
        return cleaned_data


class SignLanguageVideo(models.Model):
    """A video in Deutsche Gebärdensprache, served from the site's own media."""

    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(
        _("Videodatei"),
        upload_to="gebaerdensprache/",
        validators=[FileExtensionValidator(videos.EXTENSIONS)],
        help_text=_("MP4 (H.264) oder WebM, mindestens 320 × 240 Pixel und 25 Bilder pro Sekunde."),
    )
    transcript = models.TextField(
        _("Inhalt als Text"),
        blank=True,
        help_text=_("Was im Video gebärdet wird, für alle, die das Video nicht sehen können."),
    )
    width = models.PositiveIntegerField(_("Breite (Pixel)"), default=0, editable=False)
    height = models.PositiveIntegerField(_("Höhe (Pixel)"), default=0, editable=False)
    fps = models.FloatField(_("Bilder pro Sekunde"), default=0, editable=False)
    duration = models.FloatField(_("Laufzeit (Sekunden)"), default=0, editable=False)
    file_size = models.PositiveBigIntegerField(_("Dateigröße (Bytes)"), default=0, editable=False)

    panels = [FieldPanel("title"), FieldPanel("file"), FieldPanel("transcript")]
    base_form_class = SignLanguageVideoForm

    class Meta:
        verbose_name = _("Video in Gebärdensprache")
        verbose_name_plural = _("Videos in Gebärdensprache")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def set_info(self, info: videos.VideoInfo, file_size: int) -> None:
        """Keep what the check found (`videos.VideoInfo`) and the file's size."""
        self.width, self.height = info.width, info.height
        self.fps, self.duration = info.fps, info.duration
        self.file_size = file_size

    @property
    def running_time(self) -> str:
        """The running time as minutes and seconds, e.g. "1:05"."""
        minutes, seconds = divmod(round(self.duration), 60)
        return f"{minutes}:{seconds:02d}"

    @admin.display(description=_("Laufzeit"), ordering="duration")
    def running_time_display(self) -> str:
        return self.running_time

    @admin.display(description=_("Auflösung"))
    def resolution(self) -> str:
        return f"{self.width} × {self.height}"

    @admin.display(description=_("Bilder pro Sekunde"), ordering="fps")
    def frame_rate(self) -> str:
        return f"{self.fps:g}".replace(".", ",")

    @property
    def file_type(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""

    @property
    def mime_type(self) -> str:
        extension = self.file_type.lower()
        return {"webm": "video/webm", "ogv": "video/ogg"}.get(extension, "video/mp4")


class EasyLanguagePage(GermanSlugMixin, RestrictionsFromCache, Page):
    """Leichte Sprache: the four items of BITV 2.0 Anlage 2 as four texts."""

    intro = models.TextField(
        _("Einleitung"), blank=True, help_text=_("Ein oder zwei kurze Sätze zur Begrüßung.")
    )
    site_contents = RichTextField(
        _("Was steht auf der Website?"),
        blank=True,
        features=EASY_LANGUAGE_FEATURES,
        help_text=_("Die wichtigsten Inhalte der Website."),
    )
    navigation = RichTextField(
        _("Wie findet man sich zurecht?"),
        blank=True,
        features=EASY_LANGUAGE_FEATURES,
        help_text=_("Hinweise zur Navigation: Menü, Suche, Fußzeile."),
    )
    statement_summary = RichTextField(
        _("Das Wichtigste aus der Erklärung zur Barrierefreiheit"),
        blank=True,
        features=EASY_LANGUAGE_FEATURES,
    )
    more_content = RichTextField(
        _("Wo gibt es mehr in Leichter Sprache und Gebärdensprache?"),
        blank=True,
        features=EASY_LANGUAGE_FEATURES,
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel(name) for name, _heading in EASY_LANGUAGE_ITEMS],
            heading=_("Die vier Angaben nach BITV 2.0, Anlage 2"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        *(index.SearchField(name) for name, _heading in EASY_LANGUAGE_ITEMS),
    ]

    parent_page_types = PARENT_PAGE_TYPES
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Leichte Sprache (Startseite)")
        verbose_name_plural = _("Leichte Sprache (Startseiten)")

    def items(self):
        """(heading, text) of the four items, in the order of Anlage 2."""
        return [(heading, getattr(self, name)) for name, heading in EASY_LANGUAGE_ITEMS]

    def easy_language_texts(self):
        """The texts the Leichte Sprache hints check while editing."""
        return [self.intro] + [getattr(self, name) for name, _heading in EASY_LANGUAGE_ITEMS]


class SignLanguagePage(GermanSlugMixin, RestrictionsFromCache, Page):
    """Deutsche Gebärdensprache: the four items of BITV 2.0 Anlage 2 as four videos."""

    intro = models.TextField(_("Einleitung"), blank=True)
    site_contents_video = models.ForeignKey(
        SignLanguageVideo,
        verbose_name=_("Video: Inhalte der Website"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    navigation_video = models.ForeignKey(
        SignLanguageVideo,
        verbose_name=_("Video: Hinweise zur Navigation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    statement_video = models.ForeignKey(
        SignLanguageVideo,
        verbose_name=_("Video: Erklärung zur Barrierefreiheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    more_content_video = models.ForeignKey(
        SignLanguageVideo,
        verbose_name=_("Video: weitere Informationen in Gebärdensprache"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel(name) for name, _heading in SIGN_LANGUAGE_ITEMS],
            heading=_("Die vier Angaben nach BITV 2.0, Anlage 2"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = PARENT_PAGE_TYPES
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Gebärdensprache (Startseite)")
        verbose_name_plural = _("Gebärdensprache (Startseiten)")

    def items(self):
        """(heading, video or None) of the four items, in the order of Anlage 2; the
        videos in one query."""
        ids = [getattr(self, f"{name}_id") for name, _heading in SIGN_LANGUAGE_ITEMS]
        found = SignLanguageVideo.objects.in_bulk([pk for pk in ids if pk])
        return [
            (heading, found.get(pk))
            for (_name, heading), pk in zip(SIGN_LANGUAGE_ITEMS, ids, strict=True)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.items()
        return context
