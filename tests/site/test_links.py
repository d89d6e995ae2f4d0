"""Absolute links: on pages from the request, in e-mails from WAGTAILADMIN_BASE_URL.

The Wagtail Site here is left as nobody configured it (localhost:80), while the site is
served elsewhere: links must not point to localhost.
"""

import pytest
from django.core import mail
from icalendar import Calendar
from wagtail.models import Site

from kinderschutz_cms.links import absolute_url, base_url, page_url
from registrations.services import booking
from tests.events.factories import make_event, make_index

pytestmark = pytest.mark.django_db

SERVED_AT = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture
def unconfigured_site(home_page):
    Site.objects.update(hostname="localhost", port=80)
    return home_page


@pytest.fixture
def calendar(unconfigured_site):
    index = make_index(unconfigured_site)
    event = make_event(
        index,
        "Kinderschutz in der Kita",
        registration_enabled=True,
        capacity=5,
        online_access_link="",
        double_opt_in=False,
    )
    return index, event


def test_calendar_links_follow_the_host_and_port_the_page_was_served_on(client, calendar):
    index, event = calendar

    listing = client.get("/veranstaltungen/", **SERVED_AT).content.decode()
    detail = client.get(event.url, **SERVED_AT).content.decode()

    for html in (listing, detail):
        assert 'type="text/calendar"' in html
        assert 'href="http://127.0.0.1:8000/veranstaltungen/ical/"' in html
        assert 'href="webcal://127.0.0.1:8000/veranstaltungen/ical/"' in html
        assert "localhost" not in html
    event_file = "http://127.0.0.1:8000/veranstaltungen/kinderschutz-in-der-kita/ical/"
    assert f'href="{event_file}"' in detail


def test_feed_entries_link_to_the_host_the_feed_was_fetched_from(client, calendar):
    feed = client.get("/veranstaltungen/ical/", **SERVED_AT)

    urls = [str(e["URL"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert urls == ["http://127.0.0.1:8000/veranstaltungen/kinderschutz-in-der-kita/"]


def test_https_behind_the_proxy_gives_https_links(client, calendar, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True

    html = client.get(
        "/veranstaltungen/",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="kinderschutz.landkreis.example",
    ).content.decode()

    assert 'href="https://kinderschutz.landkreis.example/veranstaltungen/ical/"' in html
    assert 'href="webcal://kinderschutz.landkreis.example/veranstaltungen/ical/"' in html


def test_email_links_start_with_the_configured_base_url(
    calendar, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILADMIN_BASE_URL = "https://kinderschutz.landkreis.example"
    _, event = calendar
    event.coordinator_emails = "koordination@example.org"
    event.save_revision().publish()
    event.refresh_from_db()
    data = {
        "first_name": "Anna",
        "last_name": "Becker",
        "email": "anna@kita.example",
        "organisation": "Kita",
        "role": "",
        "phone": "",
        "answers": {},
    }
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(event, data)

    bodies = {m.to[0]: m.body + m.alternatives[0][0] for m in mail.outbox}
    personal = bodies["anna@kita.example"]
    assert "https://kinderschutz.landkreis.example/anmeldung/" in personal
    assert "https://kinderschutz.landkreis.example/veranstaltungen/kinderschutz-in-der-kita/" in (
        personal
    )
    assert "https://kinderschutz.landkreis.example/admin/" in bodies["koordination@example.org"]
    assert not [body for body in bodies.values() if "localhost" in body]


def test_links_without_a_request_use_the_setting_or_a_further_sites_own_address(calendar, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://kinderschutz.landkreis.example/"
    _, event = calendar
    default = Site.objects.get()
    other_home = default.root_page.get_parent().add_child(
        instance=type(default.root_page.specific)(title="Nachbarkreis", slug="nachbar")
    )
    other = Site.objects.create(hostname="nachbarkreis.example", port=443, root_page=other_home)

    assert base_url() == "https://kinderschutz.landkreis.example"
    assert absolute_url("/x/") == "https://kinderschutz.landkreis.example/x/"
    assert absolute_url("/x/", site=default) == "https://kinderschutz.landkreis.example/x/"
    assert absolute_url("/x/", site=other) == "https://nachbarkreis.example/x/"
    assert page_url(event) == (
        "https://kinderschutz.landkreis.example/veranstaltungen/kinderschutz-in-der-kita/"
    )
    assert page_url(other_home) == "https://nachbarkreis.example/"
