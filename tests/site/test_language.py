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


def test_registration_emails_follow_the_chosen_language_not_the_browser(
    client, home_page, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from registrations.emails import subject_for
    from registrations.models import EmailMessage, Registration
    from tests.events.factories import make_index
    from tests.registration.factories import make_registration_event, post_registration

    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    event = make_registration_event(make_index(home_page))

    def register(email):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            post_registration(client, event, email=email)
        registration = Registration.objects.get(email=email)
        kind = EmailMessage.objects.filter(registration=registration).earliest("pk").kind
        return registration, mail.outbox[0].subject, kind

    german, subject, kind = register("de@example.org")
    assert german.language == "de"
    assert subject == subject_for(kind, event, "de")

    client.post("/sprache/", {"language": "en", "next": "/"})
    english, subject, kind = register("en@example.org")
    assert english.language == "en"
    assert subject == subject_for(kind, event, "en") != subject_for(kind, event, "de")
