import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kinderschutz_cms.models import ContentPage, NetworkHomePage
from news.models import ALT_TEXT_REQUIRED, NewsIndexPage, NewsPage

from .factories import make_article, make_image

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    assert NewsIndexPage.allowed_parent_page_models() == [NetworkHomePage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert NewsPage.allowed_subpage_models() == []
    assert NewsPage not in ContentPage.allowed_subpage_models()


def test_article_without_alt_text_is_refused_with_german_message(news_index):
    article = NewsPage(title="Neu", teaser="Kurz.", image=make_image(), image_alt="   ")

    with pytest.raises(ValidationError) as error:
        news_index.add_child(instance=article)

    assert error.value.message_dict["image_alt"] == [str(ALT_TEXT_REQUIRED)]


def test_article_without_image_is_refused(news_index):
    article = NewsPage(title="Neu", teaser="Kurz.", image_alt="Ein Bild")

    with pytest.raises(ValidationError) as error:
        news_index.add_child(instance=article)

    assert "image" in error.value.message_dict


def test_admin_form_explains_missing_alt_text(admin_client, news_index):
    image = make_image()
    url = f"/admin/pages/add/news/newspage/{news_index.pk}/"
    data = nested_form_data(
        {
            "title": "Fachtag 2026",
            "slug": "fachtag-2026",
            "date": "2026-03-12",
            "teaser": "Rückblick.",
            "image": image.pk,
            "image_alt": "",
            "image_caption": "",
            "author": "",
            "tags": "",
            "body": streamfield([]),
            "related_events": inline_formset([]),
            "related_members": inline_formset([]),
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert str(ALT_TEXT_REQUIRED) in response.content.decode()
    assert not NewsPage.objects.exists()

    data["image_alt"] = "Plenum des Fachtags"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert NewsPage.objects.get().image_alt == "Plenum des Fachtags"


def test_published_articles_newest_first_without_drafts(news_index):
    old = make_article(news_index, title="Alt", date=datetime.date(2025, 1, 1))
    new = make_article(news_index, title="Neu", date=datetime.date(2026, 6, 1))
    draft = make_article(news_index, title="Entwurf", date=datetime.date(2026, 7, 1))
    draft.unpublish()

    assert list(news_index.articles()) == [new, old]


def test_related_pages_only_live_ones_in_editor_order(news_index, home_page):
    first = ContentPage(title="Fachtag 2026", slug="fachtag")
    second = ContentPage(title="Kita Sonnenschein", slug="kita")
    hidden = ContentPage(title="Entwurf", slug="entwurf", live=False)
    for page in (first, second, hidden):
        home_page.add_child(instance=page)
    article = make_article(news_index)
    article.related_events.create(related_page=first, sort_order=0)
    article.related_members.create(related_page=hidden, sort_order=0)
    article.related_members.create(related_page=second, sort_order=1)
    article.save()

    related = NewsPage.objects.get(pk=article.pk).related_pages()

    # Plain pages (titles and links are all an article shows), in the editor's order.
    assert {kind: [page.pk for page in pages] for kind, pages in related.items()} == {
        "events": [first.pk],
        "members": [second.pk],
    }
