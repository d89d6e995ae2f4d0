"""Factories for news pages: an index below the home page and articles with an image."""

import datetime
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from news.models import NewsIndexPage, NewsPage


def make_image(title="Foto vom Fachtag", size=(640, 480)):
    """A saved Wagtail image holding a real (small, generated) JPEG."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (40, 90, 160)).save(buffer, format="JPEG")
    image = get_image_model()(title=title)
    image.file = ImageFile(buffer, name="fachtag.jpg")
    image.save()
    return image


def make_index(home, **fields):
    fields.setdefault("title", "Aktuelles")
    fields.setdefault("slug", "aktuelles")
    index = NewsIndexPage(**fields)
    home.add_child(instance=index)
    return index


def make_article(index, title="Fachtag Kinderschutz 2026: Rückblick", tags=(), **fields):
    """A published article with an image and alt text; `fields` override the defaults."""
    fields.setdefault("slug", None)
    fields.setdefault("date", datetime.date(2026, 3, 12))
    fields.setdefault("teaser", "Rund 150 Fachkräfte diskutierten über Schutzkonzepte.")
    if "image" not in fields:
        fields["image"] = make_image()
    fields.setdefault("image_alt", "Teilnehmer:innen im Plenum des Fachtags")
    article = NewsPage(title=title, **{k: v for k, v in fields.items() if k != "slug"})
    if fields["slug"]:
        article.slug = fields["slug"]
    for tag in tags:
        article.tags.add(tag)
    index.add_child(instance=article)
    return article
