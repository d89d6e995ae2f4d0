"""The registration form's fields, empty, are kept rendered in the frame cache per what
they show (`RegistrationForm.shown_key`: seats left of workshops and dates, initial
values); the CSRF token and the form-start stamp stay fresh per request (issue #19)."""

import re

import pytest

from registrations.services import booking

from .factories import add_question, make_fachtag_event, service_data

pytestmark = pytest.mark.django_db


def form_url(event):
    return event.url + "anmelden/"


def test_a_booked_workshop_seat_shows_at_once(client, index):
    event = make_fachtag_event(index, ws_capacity=2, waitlist_enabled=False)
    first = client.get(form_url(event)).content.decode()
    assert "Schutzkonzepte (noch 2 Plätze)" in first
    slot = event.time_slots.get(title="Workshops I")
    limited = slot.workshops.get(title="Schutzkonzepte")

    booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    assert "Schutzkonzepte (noch 1 Platz)" in client.get(form_url(event)).content.decode()
    booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    html = client.get(form_url(event)).content.decode()
    assert "Schutzkonzepte – ausgebucht" in html
    assert re.search(rf'value="{limited.pk}"[^>]*disabled', html)


def test_each_answer_has_its_own_token_and_stamp(client, index):
    event = make_fachtag_event(index)
    stamps, tokens = set(), set()
    for _ in range(2):
        client.cookies.clear()
        html = client.get(form_url(event)).content.decode()
        stamps.update(re.findall(r'name="form_started" value="([^"]+)"', html))
        tokens.update(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(stamps) == 2 and len(tokens) == 2


def test_a_new_question_shows_at_once(client, index):
    event = make_fachtag_event(index)
    assert "Anreise mit dem Zug" not in client.get(form_url(event)).content.decode()
    add_question(event, "Anreise mit dem Zug")  # a saved question starts a new frame generation
    assert "Anreise mit dem Zug" in client.get(form_url(event)).content.decode()


def test_a_form_with_errors_shows_what_was_typed(client, index):
    event = make_fachtag_event(index)
    client.get(form_url(event))  # the empty form's fields are kept
    response = client.post(form_url(event), {"first_name": "Erika", "email": "kein-at"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Erika"' in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    # and the empty form afterwards is empty again
    assert 'value="Erika"' not in client.get(form_url(event)).content.decode()
