"""Factories for news pages: an index below the home page and articles with an image."""

import datetime

import wagtail_factories

from news.models import NewsIndexPage, NewsPage


class ImageFactory(wagtail_factories.ImageFactory):
    title = "Foto vom Fachtag"


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
        fields["image"] = ImageFactory()
    fields.setdefault("image_alt", "Teilnehmer:innen im Plenum des Fachtags")
    article = NewsPage(title=title, **{k: v for k, v in fields.items() if k != "slug"})
    if fields["slug"]:
        article.slug = fields["slug"]
    for tag in tags:
        article.tags.add(tag)
    index.add_child(instance=article)
    return article
