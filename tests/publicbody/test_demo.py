"""The demo's Leichte Sprache page is written to the rules (no hint at all) and links the
statement; its Gebärdensprache page has four sample videos ffmpeg made at set-up, or is
left out with a message when ffmpeg is missing."""

import io

import pytest

from demo import language_pages
from demo import publicbody as demo
from kinderschutz_cms.models import NetworkSettings
from publicbody.easy_language import hints
from publicbody.models import EasyLanguagePage, SignLanguagePage, SignLanguageVideo

pytestmark = pytest.mark.django_db


def build(home_page):
    out = io.StringIO()
    demo.build(home_page, NetworkSettings.for_site(home_page.get_site()), stdout=out)
    return out.getvalue()


def test_the_demo_has_leichte_sprache_to_the_rules_and_dgs_sample_videos(client, home_page):
    build(home_page)
    page = EasyLanguagePage.objects.get()
    assert [hint for text in page.easy_language_texts() for hint in hints(text)] == []
    assert all(text for _heading, text in page.items())
    sign = SignLanguagePage.objects.get()
    videos = [video for _heading, video in sign.items()]
    assert all(
        video and (video.width, video.height, video.fps) == (640, 360, 25) for video in videos
    )
    assert NetworkSettings.for_site(home_page.get_site()).easy_language_page_id == page.pk

    html = client.get(page.url).content.decode()
    assert 'href="/barrierefreiheit/">Erklärung zur Barriere·freiheit</a>' in html
    assert 'href="/gebaerdensprache/">Gebärden·sprache</a>' in html
    assert client.get(sign.url).content.decode().count("<video controls") == 4

    build(home_page)  # idempotent
    assert SignLanguageVideo.objects.count() == 4
    assert EasyLanguagePage.objects.count() == 1


def test_without_ffmpeg_the_demo_skips_the_videos_with_a_message(home_page, monkeypatch):
    monkeypatch.setattr(language_pages, "FFMPEG", "ffmpeg-gibt-es-nicht")
    out = build(home_page)
    assert "ffmpeg fehlt" in out
    assert not SignLanguagePage.objects.exists() and not SignLanguageVideo.objects.exists()
    assert "Gebärden·sprache" not in EasyLanguagePage.objects.get().more_content
