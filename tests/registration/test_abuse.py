"""Abuse protection of the public form through the test client: rate limits by the client
address the proxy set-up defines, per e-mail and event, invalid input counted apart;
form stamps bound to the event and expiring; names without invisible characters; and
every refusal shows the form again with what the person typed (#21)."""

import re
import time

import pytest
from django.core import signing

from registrations import spam
from registrations.models import Registration

from .factories import form_data, make_registration_event, register_url

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.fixture
def open_event(index):
    return make_registration_event(index, capacity=None)


def post(client, event, remote=PROXY, forwarded=None, **overrides):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(register_url(event), form_data(event, **overrides), **headers)


def field_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"{name} missing"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


# ---------------------------------------------------------------- who is the client


def test_invalid_posts_behind_the_proxy_do_not_block_registration(client, open_event, settings):
    """15 invalid submissions from 15 people behind the reverse proxy: a 16th person
    registers. (Before: one bucket for the proxy's address, 429 from the 6th.)"""
    settings.REGISTRATION_RATE_LIMIT = (5, 600)
    settings.REGISTRATION_INVALID_RATE_LIMIT = (100, 600)
    settings.KINDERSCHUTZ_TRUSTED_PROXY_COUNT = 1
    for i in range(15):
        response = post(client, open_event, forwarded=f"203.0.113.{i}", email="kaputt")
        assert response.status_code == 400, i
    response = post(client, open_event, forwarded="203.0.113.99")
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_invalid_input_never_uses_up_the_limit_of_valid_submissions(client, open_event, settings):
    """Without a proxy setting all 15 invalid posts come from one address (an office):
    they count only against the far higher limit for refused submissions."""
    settings.REGISTRATION_RATE_LIMIT = (5, 600)
    settings.REGISTRATION_INVALID_RATE_LIMIT = (100, 600)
    for _ in range(15):
        assert post(client, open_event, privacy_consent=None).status_code == 400
    assert post(client, open_event).status_code == 302


def test_valid_submissions_are_counted_per_forwarded_client(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = (2, 600)
    settings.KINDERSCHUTZ_TRUSTED_PROXY_COUNT = 1
    for _ in range(2):
        assert post(client, open_event, forwarded="198.51.100.7").status_code == 302
    assert post(client, open_event, forwarded="198.51.100.7").status_code == 429
    # Another client behind the same proxy is not affected ...
    assert post(client, open_event, forwarded="198.51.100.8").status_code == 302
    # ... and a client cannot escape its bucket by writing its own X-Forwarded-For:
    # the proxy appends the real address, and only that one is read.
    spoofed = "192.0.2.1, 198.51.100.7"
    assert post(client, open_event, forwarded=spoofed).status_code == 429


def test_forwarded_header_is_ignored_without_a_trusted_proxy(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    assert post(client, open_event, remote="192.0.2.10", forwarded="1.1.1.1").status_code == 302
    assert post(client, open_event, remote="192.0.2.10", forwarded="2.2.2.2").status_code == 429


def test_ipv6_clients_are_counted_by_their_64(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    assert post(client, open_event, remote="2001:db8:1:2::1").status_code == 302
    assert post(client, open_event, remote="2001:db8:1:2:ffff::9").status_code == 429
    assert post(client, open_event, remote="2001:db8:1:3::1").status_code == 302


def test_one_email_address_is_limited_per_event(client, open_event, index, settings):
    """Register, cancel, register again … from ever new addresses: the e-mail address
    and event pair has its own limit."""
    settings.REGISTRATION_EMAIL_RATE_LIMIT = (2, 3600)
    from registrations.services import booking

    for i in range(2):
        response = post(client, open_event, remote=f"192.0.2.{i}", email="opfer@example.org")
        assert response.status_code == 302
        booking.cancel(Registration.objects.latest("id"))
    response = post(client, open_event, remote="192.0.2.50", email="Opfer@Example.org")
    assert response.status_code == 429
    assert "mit dieser E-Mail-Adresse" in response.content.decode()
    other = make_registration_event(index, title="Andere Fortbildung", capacity=None)
    assert post(client, other, remote="192.0.2.51", email="opfer@example.org").status_code == 302


def test_refused_submissions_have_their_own_limit_per_address(client, open_event, settings):
    settings.REGISTRATION_INVALID_RATE_LIMIT = (3, 600)
    for _ in range(3):
        assert post(client, open_event, email="kaputt").status_code == 400
    response = post(client, open_event, email="kaputt")
    assert response.status_code == 429
    # another address is not affected
    assert post(client, open_event, remote="10.9.9.9").status_code == 302


# ---------------------------------------------------------------- the form stamp


def old_stamp(event, seconds_ago, monkeypatch):
    past = time.time() - seconds_ago
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: past)
        return spam.new_stamp(event)


def test_stamp_of_another_event_is_refused(client, open_event, index):
    other = make_registration_event(index, title="Andere Fortbildung")
    response = post(client, open_event, **{spam.STAMP_FIELD: spam.new_stamp(other)})
    assert response.status_code == 400 and "abgelaufen" in response.content.decode()
    assert Registration.objects.count() == 0


def test_stamp_expires_after_the_configured_hours(client, open_event, monkeypatch, settings):
    settings.REGISTRATION_FORM_MAX_AGE_HOURS = 4
    stale = old_stamp(open_event, 5 * 3600, monkeypatch)
    response = post(client, open_event, **{spam.STAMP_FIELD: stale})
    assert response.status_code == 400 and "abgelaufen" in response.content.decode()
    fresh_enough = old_stamp(open_event, 3 * 3600, monkeypatch)
    assert post(client, open_event, **{spam.STAMP_FIELD: fresh_enough}).status_code == 302


def test_stamp_without_event_is_refused(client, open_event):
    unbound = signing.dumps(time.time() - 60, salt=spam.STAMP_SALT)
    response = post(client, open_event, **{spam.STAMP_FIELD: unbound})
    assert response.status_code == 400 and "abgelaufen" in response.content.decode()


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name", ["\u202e", "\u200b\u200b", "\u2066\u2069", "\ufeff", "\u3164", "\u200d \u200c"]
)
def test_invisible_characters_alone_are_no_name(client, open_event, name):
    response = post(client, open_event, first_name=name)
    assert response.status_code == 400
    assert "Bitte geben Sie einen Namen mit Buchstaben ein." in response.content.decode()
    assert Registration.objects.count() == 0


def test_invisible_and_direction_characters_are_stripped_from_names(client, open_event):
    response = post(
        client,
        open_event,
        first_name="Er\u200bika",
        last_name="\u202eMusterfrau\u202c",
        organisation="Kita\u2066 Sonnenschein\u2069",
        role="\ufeffLeitung",
    )
    assert response.status_code == 302
    reg = Registration.objects.get()
    assert (reg.first_name, reg.last_name) == ("Erika", "Musterfrau")
    assert (reg.organisation, reg.role) == ("Kita Sonnenschein", "Leitung")


def test_joiners_between_letters_stay(client, open_event):
    assert post(client, open_event, last_name="Raha\u200cmi").status_code == 302
    assert Registration.objects.get().last_name == "Raha\u200cmi"


# ---------------------------------------------------------------- nothing typed is lost


TYPED = {
    "first_name": "Erika",
    "last_name": "Musterfrau",
    "email": "erika.m@example.org",
    "organisation": "Kita Sonnenschein",
    "role": "Leitung",
}


def assert_form_kept(response, event):
    html = response.content.decode()
    for name, value in TYPED.items():
        assert field_value(html, name) == value, name
    consent = re.search(r'<input[^>]*name="privacy_consent"[^>]*>', html).group(0)
    assert "checked" in consent
    stamp = field_value(html, spam.STAMP_FIELD)
    fresh = signing.loads(stamp, salt=spam.STAMP_SALT, max_age=60)  # new, signed ...
    assert fresh["e"] == event.pk  # ... and for this event
    assert not field_value(html, spam.HONEYPOT_FIELD)
    return html


def test_too_fast_keeps_what_was_typed(client, open_event, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 3
    response = post(client, open_event, **TYPED)
    assert response.status_code == 400 and "sehr schnell" in response.content.decode()
    assert_form_kept(response, open_event)


def test_too_fast_refusal_can_be_sent_again_as_shown(client, open_event, settings):
    """The refused form, sent again as the browser would (its fields as rendered, with
    the new stamp), registers once the person took the minimum time."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 1
    html = post(client, open_event, **TYPED).content.decode()
    resent = {
        name: field_value(html, name) or ""
        for name in [*TYPED, spam.STAMP_FIELD, spam.HONEYPOT_FIELD]
    }
    resent["privacy_consent"] = "on"
    assert resent[spam.STAMP_FIELD]
    time.sleep(1.1)

    response = client.post(register_url(open_event), resent, REMOTE_ADDR=PROXY)

    assert response.status_code == 302
    assert Registration.objects.filter(email="erika.m@example.org").count() == 1


def test_form_has_a_skip_link_to_its_first_field(client, open_event):
    html = client.get(register_url(open_event)).content.decode()
    links = re.findall(r'<a class="skip-link" href="([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("#main", "Zum Inhalt springen"),
        ("#id_first_name", "Zum Anmeldeformular springen"),
    ]
    assert 'id="id_first_name"' in html


def test_expired_form_keeps_what_was_typed(client, open_event):
    response = post(client, open_event, **TYPED, **{spam.STAMP_FIELD: "abgelaufen"})
    assert response.status_code == 400
    assert_form_kept(response, open_event)


def test_rate_limit_keeps_what_was_typed_and_says_how_long_to_wait(client, open_event, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    assert post(client, open_event).status_code == 302
    response = post(client, open_event, **TYPED)
    assert response.status_code == 429
    html = assert_form_kept(response, open_event)
    wait = int(response["Retry-After"])
    assert 0 < wait <= 600
    minutes = re.search(r"Bitte warten Sie (\d+) Minuten?", html)
    assert minutes and 1 <= int(minutes.group(1)) <= 10
    assert Registration.objects.filter(email="erika.m@example.org").count() == 0
