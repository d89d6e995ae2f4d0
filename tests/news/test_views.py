import datetime
import xml.etree.ElementTree as ET

import pytest

from kinderschutz_cms.models import ContentPage
from news.conf import DEFAULTS

from .factories import make_article

pytestmark = pytest.mark.django_db

ARTICLES_PER_PAGE = DEFAULTS["KINDERSCHUTZ_NEWS_PER_PAGE"]
ATOM = "{http://www.w3.org/2005/Atom}"


def make_articles(index, count, start=0, **fields):
    return [
        make_article(
            index,
            title=f"Nachricht {number}",
            slug=f"nachricht-{number}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
            **fields,
        )
        for number in range(start, start + count)
    ]


def test_index_lists_newest_first_with_image_alt(client, news_index):
    make_articles(news_index, 3)

    response = client.get("/aktuelles/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Nachricht 2") < html.index("Nachricht 1") < html.index("Nachricht 0")
    assert 'alt="Teilnehmer:innen im Plenum des Fachtags"' in html
    assert 'type="application/rss+xml"' in html and 'href="/aktuelles/rss/"' in html
    assert html.count("<h1") == 1


def test_index_paginates_and_survives_bad_page_numbers(client, news_index):
    make_articles(news_index, ARTICLES_PER_PAGE + 2)

    first = client.get("/aktuelles/")
    second = client.get("/aktuelles/?page=2")

    assert len(first.context["articles"]) == ARTICLES_PER_PAGE
    assert [a.title for a in second.context["articles"]] == ["Nachricht 1", "Nachricht 0"]
    assert 'aria-current="page"' in second.content.decode()
    for bad in ("0", "-1", "999", "abc", "1e9", "%00", "2" * 500):
        response = client.get("/aktuelles/", {"page": bad})
        assert response.status_code == 200, bad


def test_index_filters_by_tag_and_keeps_it_on_page_links(client, news_index):
    make_articles(news_index, ARTICLES_PER_PAGE + 1, tags=["Fachtag"])
    make_article(news_index, title="Ohne Schlagwort", slug="ohne")

    response = client.get("/aktuelles/", {"tag": "fachtag"})

    html = response.content.decode()
    assert response.context["current_tag"].name == "Fachtag"
    assert response.context["articles"].paginator.count == ARTICLES_PER_PAGE + 1
    assert "Ohne Schlagwort" not in html
    assert "?tag=fachtag&amp;page=2" in html


@pytest.mark.parametrize("tag", ["gibt-es-nicht", "<script>", "x" * 5000, "' OR 1=1 --", "%"])
def test_unknown_or_bad_tag_shows_all_articles(client, news_index, tag):
    make_article(news_index, title="Sichtbar", slug="sichtbar", tags=["Netzwerk"])

    response = client.get("/aktuelles/", {"tag": tag})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sichtbar" in html
    assert "Dieses Schlagwort gibt es nicht" in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_index_query_count_does_not_grow_with_articles(
    client, news_index, django_assert_max_num_queries
):
    make_articles(news_index, 3, tags=["Fachtag", "Netzwerk"])
    client.get("/aktuelles/")  # warm caches (site root) and make the renditions
    with django_assert_max_num_queries(20) as few:
        client.get("/aktuelles/")
    queries_for_three = len(few.captured_queries)  # read now: each request resets the log
    make_articles(news_index, 7, start=3, tags=["Fachtag", "Netzwerk"])
    client.get("/aktuelles/")  # the new images' renditions are made once
    with django_assert_max_num_queries(queries_for_three):
        client.get("/aktuelles/")


def test_article_page_shows_image_body_tags_and_related_links(client, news_index, home_page):
    event = ContentPage(title="Fachtag Kinderschutz 2026", slug="fachtag-2026")
    home_page.add_child(instance=event)
    article = make_article(
        news_index,
        slug="rueckblick",
        tags=["Fachtag"],
        author="Koordinierungsstelle",
        image_caption="Foto: Koordinierungsstelle",
        body=[("paragraph", "<p>Die Folien zum Download.</p>")],
    )
    article.related_events.create(related_page=event, sort_order=0)
    article.save()

    response = client.get("/aktuelles/rueckblick/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'alt="Teilnehmer:innen im Plenum des Fachtags"' in html
    assert "<figcaption>Foto: Koordinierungsstelle</figcaption>" in html
    assert "Die Folien zum Download." in html
    assert "Verantwortlich: Koordinierungsstelle" in html
    assert 'href="/aktuelles/?tag=fachtag"' in html
    assert '<a href="/fachtag-2026/">Fachtag Kinderschutz 2026</a>' in html


def test_rss_feed_parses_with_latest_articles(client, news_index):
    make_articles(news_index, 3, tags=["Fachtag"])

    response = client.get("/aktuelles/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert channel.findtext("link") == "http://testserver/aktuelles/"
    assert [item.findtext("title") for item in items] == [
        "Nachricht 2",
        "Nachricht 1",
        "Nachricht 0",
    ]
    first = items[0]
    assert first.findtext("link") == "http://testserver/aktuelles/nachricht-2/"
    assert first.findtext("guid").startswith("urn:kinderschutz-cms:news:")
    assert first.findtext("category") == "Fachtag"
    assert "Schutzkonzepte" in first.findtext("description")


def test_atom_feed_parses_and_skips_drafts(client, news_index):
    make_articles(news_index, 2)
    draft = make_article(news_index, title="Entwurf", slug="entwurf")
    draft.unpublish()

    response = client.get("/aktuelles/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Nachricht 1", "Nachricht 0"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/aktuelles/nachricht-1/"
    assert entries[0].findtext(f"{ATOM}updated")


def test_feeds_of_empty_index_are_valid(client, news_index):
    for url in ("/aktuelles/rss/", "/aktuelles/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)
