"""The site speaks German unless the visitor chooses English; the browser's wish is ignored."""

import pytest

from kinderschutz_cms.models import ContentPage

pytestmark = pytest.mark.django_db


def test_a_browser_preferring_english_still_gets_the_german_site(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()

    assert '<html lang="de">' in html
    assert 'aria-label="Hauptnavigation"' in html or "Website durchsuchen" in html
    assert "Search this website" not in html
    # The switch names the other language in that language, marked as such.
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in html


def test_choosing_english_switches_the_frame_and_marks_the_german_content(client, home_page):
    home_page.add_child(
        instance=ContentPage(title="Meldewege", slug="meldewege", show_in_menus=True)
    )
    switched = client.post("/sprache/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/"

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in html
    assert "Search this website" in html
    assert '<main id="main" tabindex="-1" lang="de">' in html
    # The menu lists the German page titles: marked German too.
    assert '<ul class="container" lang="de">' in html
    assert '<button type="submit" name="language" value="de" lang="de">Deutsch</button>' in html

    client.post("/sprache/", {"language": "de", "next": "/"})
    back = client.get("/").content.decode()
    assert '<html lang="de">' in back
    assert '<main id="main" tabindex="-1">' in back
    assert back.count('lang="de"') == 1  # only <html>: nothing else to mark


def test_an_unknown_language_cookie_falls_back_to_german(client, home_page):
    client.cookies["django_language"] = "fr"
    assert '<html lang="de">' in client.get("/").content.decode()
