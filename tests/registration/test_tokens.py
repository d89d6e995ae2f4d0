"""Personal links: signed, revocable, expiring; cancel only on POST; .ics download."""

import time

import pytest
from django.urls import reverse
from icalendar import Calendar

from registrations.models import Registration
from registrations.services import booking, privacy
from registrations.tokens import make_token

from .factories import service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(event):
    return booking.register(event, service_data(email="link@example.org"))


def url(name, token):
    return reverse(f"registration_links:{name}", args=[token])


def test_detail_shows_the_registration(client, reg):
    response = client.get(url("registration_detail", make_token(reg)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "link@example.org" in html and "Anmeldung stornieren" in html


@pytest.mark.parametrize(
    "name",
    ["registration_detail", "registration_cancel", "registration_ics", "registration_confirm"],
)
def test_tampered_tokens_are_refused_with_a_german_page(client, reg, name):
    token = make_token(reg)
    for bad in (token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "unsinn", "a:b:c"):
        response = client.get(url(name, bad))
        assert response.status_code == 404
        assert "ungültig oder abgelaufen" in response.content.decode()


def test_expired_token_is_refused(client, reg):
    token = make_token(reg, expires=int(time.time()) - 1)
    assert client.get(url("registration_detail", token)).status_code == 404


def test_default_expiry_is_after_the_event(reg):
    from registrations.tokens import expiry_for

    assert expiry_for(reg) > reg.event.registration_end().timestamp() + 29 * 86400


def test_revoked_links_stop_working(client, reg):
    token = make_token(reg)
    booking.cancel(reg, by_coordinator=True)  # every cancellation revokes the links
    assert client.get(url("registration_detail", token)).status_code == 404
    reg.refresh_from_db()
    assert client.get(url("registration_detail", make_token(reg))).status_code == 200


def test_cancel_asks_on_get_and_cancels_on_post(client, reg):
    token = make_token(reg)
    response = client.get(url("registration_cancel", token))
    assert response.status_code == 200 and "wirklich stornieren" in response.content.decode()
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"
    response = client.post(url("registration_cancel", token))
    assert response.status_code == 302
    assert Registration.objects.get(pk=reg.pk).status == "cancelled"
    page = client.get(response["Location"]).content.decode()
    assert "storniert" in page


def test_ics_download_for_confirmed_only(client, event, reg):
    response = client.get(url("registration_ics", make_token(reg)))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert len(cal.walk("VEVENT")) == 1
    booking.register(event, service_data())
    waiting = booking.register(event, service_data())
    assert waiting.status == "waitlisted"
    assert client.get(url("registration_ics", make_token(waiting))).status_code == 404


def test_anonymised_registrations_have_no_link(client, reg):
    privacy.erase_person("link@example.org")
    assert client.get(url("registration_detail", make_token(reg))).status_code == 404
