"""Leichte Sprache and Gebärdensprache (§ 4 BITV 2.0, Anlage 2): the four items in order,
the header links on every page, DGS videos checked by ffprobe on upload through the admin
(320 × 240 pixels and 25 frames per second at least) and shown self-hosted."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text

from kinderschutz_cms.models import ContentPage, NetworkHomePage
from publicbody.models import EasyLanguagePage, SignLanguagePage, SignLanguageVideo

from .factories import (
    ffmpeg_video,
    make_easy_language_page,
    make_sign_language_page,
    make_video,
)

pytestmark = pytest.mark.django_db

ADD_VIDEO = "wagtailsnippets_publicbody_signlanguagevideo:add"


def upload(admin_client, path, title="Inhalte dieser Website"):
    with open(path, "rb") as file:
        data = {"title": title, "transcript": "Wir sind das Netzwerk.", "file": file}
        return admin_client.post(reverse(ADD_VIDEO), data)


def file_error(response):
    """The error messages shown at the file field of the admin form."""
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("file", []))


# ---- the upload check, through the admin form


def test_a_video_of_320_by_240_at_25_fps_is_accepted_and_its_data_kept(admin_client, tmp_path):
    response = upload(admin_client, ffmpeg_video(tmp_path, "320x240", 25))
    assert response.status_code == 302, response.content.decode()[:2000]
    video = SignLanguageVideo.objects.get()
    assert (video.width, video.height, video.fps) == (320, 240, 25.0)
    assert video.duration == pytest.approx(1.0, abs=0.1)
    assert video.file_size == video.file.size > 0
    assert video.file.name.startswith("gebaerdensprache/")


def test_a_video_of_160_by_120_is_refused(admin_client, tmp_path):
    response = upload(admin_client, ffmpeg_video(tmp_path, "160x120", 25))
    assert "Das Video ist zu klein: 160 × 120 Pixel" in file_error(response)
    assert "mindestens 320 × 240 Pixel" in file_error(response)
    assert not SignLanguageVideo.objects.exists()


def test_a_video_at_15_fps_is_refused(admin_client, tmp_path):
    response = upload(admin_client, ffmpeg_video(tmp_path, "320x240", 15))
    assert "zu wenige Bilder pro Sekunde: 15" in file_error(response)
    assert "mindestens 25 Bilder pro Sekunde" in file_error(response)
    assert not SignLanguageVideo.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kaputt.mp4", b"kein Video, nur Text"),
        # A still image ffprobe reads as a one-frame video stream of 25 fps.
        ("bild.mp4", None),
    ],
)
def test_a_file_that_is_no_video_is_refused_with_a_clear_message(admin_client, name, content):
    if content is None:
        from django.contrib.staticfiles import finders

        with open(finders.find("kinderschutz_cms/favicon.png"), "rb") as image:
            content = image.read()
    response = admin_client.post(
        reverse(ADD_VIDEO),
        {"title": "Test", "file": SimpleUploadedFile(name, content, "video/mp4")},
    )
    message = file_error(response)
    assert "kein Video" in message or "kein abspielbares Video" in message
    assert "MP4 oder WebM" in message
    assert not SignLanguageVideo.objects.exists()


def test_a_missing_ffprobe_is_a_clear_message_not_an_error(admin_client, tmp_path, settings):
    settings.FFPROBE_BINARY = "ffprobe-gibt-es-nicht"
    response = upload(admin_client, ffmpeg_video(tmp_path, "320x240", 25))
    assert "„ffprobe“ fehlt auf dem Server" in file_error(response)


# ---- the pages


def main(html):
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_easy_language_page_shows_the_four_items_in_order(client, home_page):
    page = make_easy_language_page(
        home_page,
        intro="Hier erklären wir unsere Website in Leichter Sprache.",
        more_content="<p>Mehr Texte in Leichter Sprache gibt es als Heft.</p>",
        site_contents="<p>Wir sind das Netz·werk Kinder·schutz.</p>",
        statement_summary="<p>Manche Dokumente sind schwer zu lesen.</p>",
        navigation="<p>Oben auf jeder Seite ist das Menü.</p>",
    )
    html = client.get(page.url).content.decode()
    headings = re.findall(r"<h2 [^>]*>(.*?)</h2>", main(html))
    assert headings == [
        "Das finden Sie auf dieser Website",
        "So finden Sie sich auf der Website zurecht",
        "Das Wichtigste aus der Erklärung zur Barriere·freiheit",
        "Hier gibt es mehr in Leichter Sprache",
    ]
    texts = ["Netz·werk Kinder·schutz", "das Menü", "schwer zu lesen", "als Heft"]
    positions = [html.index(text) for text in texts]
    assert positions == sorted(positions)
    assert '<meta name="description" content="Hier erklären wir' in html


def test_the_sign_language_page_shows_self_hosted_videos_with_download(client, home_page):
    video = make_video("Inhalte", transcript="Wir sind das Netzwerk Kinderschutz.")
    navigation = make_video("Navigation", duration=42.4)
    page = make_sign_language_page(
        home_page,
        intro="Videos in Deutscher Gebärdensprache.",
        site_contents_video=video,
        navigation_video=navigation,
    )
    response = client.get(page.url)
    html = response.content.decode()
    assert re.findall(r"<h2 [^>]*>.*?> (.*?)</h2>", main(html)) == [
        "Inhalte dieser Website",
        "Hinweise zur Navigation",
    ]
    assert f'<source src="{video.file.url}" type="video/mp4">' in html
    assert "<video controls" in html and "<iframe" not in html
    assert f'<a href="{video.file.url}" download>' in html
    assert "(MP4, 1,5\xa0KB)</a>" in html  # file size, in German
    assert '<time datetime="PT65S">1:05</time> Minuten' in html
    assert '<time datetime="PT42S">0:42</time> Minuten' in html
    assert "publicbody/gebaerdensprache.svg" in html
    assert "Wir sind das Netzwerk Kinderschutz." in html


def test_the_sign_language_page_reads_its_videos_in_one_query(
    client, home_page, django_assert_num_queries
):
    videos = [make_video(f"Video {n}") for n in range(4)]
    page = make_sign_language_page(
        home_page,
        site_contents_video=videos[0],
        navigation_video=videos[1],
        statement_video=videos[2],
        more_content_video=videos[3],
    )
    page = SignLanguagePage.objects.get(pk=page.pk)
    with django_assert_num_queries(1):
        items = page.items()
    assert [video.title for _heading, video in items] == [f"Video {n}" for n in range(4)]


def test_both_pages_belong_below_the_home_page_once(home_page):
    for model in (EasyLanguagePage, SignLanguagePage):
        assert model.can_create_at(home_page)
        assert model.allowed_parent_page_models() == [NetworkHomePage]
    make_easy_language_page(home_page)
    assert not EasyLanguagePage.can_create_at(home_page)


# ---- header links


def header(client, url):
    html = client.get(url).content.decode()
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def test_the_header_links_to_both_pages_on_every_page_only_when_they_exist(client, home_page):
    content = home_page.add_child(instance=ContentPage(title="Meldewege", slug="meldewege"))
    assert "language-links" not in header(client, "/")

    make_easy_language_page(home_page)
    for url in ("/", content.url, "/suche/?q=Kind", "/gibt-es-nicht/"):
        html = header(client, url)
        assert '<a href="/leichte-sprache/">' in html, url
        assert "publicbody/leichte-sprache.svg" in html
        assert ">Leichte Sprache</a>" in html
        assert "Gebärdensprache" not in html

    sign = make_sign_language_page(home_page)
    html = header(client, content.url)
    assert '<a href="/gebaerdensprache/">' in html
    assert ">Gebärdensprache</a>" in html
    assert 'alt=""' in html  # the pictograms are decoration next to the text
    assert '<a href="/gebaerdensprache/" aria-current="page">' in header(client, sign.url)

    sign.unpublish()
    assert "/gebaerdensprache/" not in header(client, "/")


# ---- Leichte Sprache hints while editing


def test_the_editor_sees_hints_per_field_and_the_page_is_saved(admin_client, home_page):
    page = make_easy_language_page(home_page)
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/",
        nested_form_data(
            {
                "title": "Leichte Sprache",
                "slug": "leichte-sprache",
                "intro": "Willkommen.",
                "site_contents": rich_text("Wir helfen Kindern."),
                "navigation": rich_text("Das Menü ist nicht schwer."),
                "statement_summary": rich_text("Das steht im BGG."),
                "more_content": rich_text(""),
            }
        ),
        follow=True,
    )
    html = response.content.decode()
    assert "Leichte Sprache: Verneinung" in html
    assert "„Das Menü ist nicht schwer.“" in html
    assert "Leichte Sprache: Abkürzung „BGG“" in html
    page.refresh_from_db()
    assert "nicht schwer" in page.get_latest_revision().content["navigation"]
