"""Guard rails before publishing an event: contradicting settings are refused with
Wagtail's validation messages when publishing, while a draft may still be saved."""

import pytest
from wagtail.test.utils.form_data import inline_formset

from events.models import FachtagPage, TrainingPage

from .factories import at
from .test_admin import add_url, date_row, page_data
from .test_programme_validation import slot, workshop

pytestmark = pytest.mark.django_db

SEATS = "Plätze sind eingetragen, aber die Anmeldung ist ausgeschaltet"
DEADLINE = "Der Anmeldeschluss liegt nach dem Beginn"
WORKSHOP = "Die anderen Workshops haben Plätze"


def test_seats_without_registration_are_refused_on_publish(admin_client, index):
    data = page_data("Fortbildung", "fortbildung", [date_row(30)], capacity="20")
    response = admin_client.post(add_url("trainingpage", index), data)
    assert response.status_code == 200
    assert SEATS in response.content.decode()
    assert not TrainingPage.objects.filter(slug="fortbildung").exists()


def test_a_draft_with_seats_without_registration_may_be_saved(admin_client, index):
    data = page_data("Fortbildung", "fortbildung", [date_row(30)], capacity="20")
    del data["action-publish"]
    response = admin_client.post(add_url("trainingpage", index), data)
    assert response.status_code == 302
    assert not TrainingPage.objects.get(slug="fortbildung").live


def test_deadline_after_the_start_is_refused_on_publish(admin_client, index):
    deadline = at(31, 9).strftime("%Y-%m-%d %H:%M")
    data = page_data(
        "Fortbildung",
        "fortbildung",
        [date_row(30)],
        registration_enabled="on",
        privacy_notice="Hinweise",
        registration_deadline=deadline,
    )
    response = admin_client.post(add_url("trainingpage", index), data)
    assert response.status_code == 200
    assert DEADLINE in response.content.decode()


def test_workshop_without_capacity_among_workshops_with_capacities(admin_client, index):
    mixed = [workshop("Schutzkonzepte"), {**workshop("Gesprächsführung"), "capacity": ""}]
    data = page_data(
        "Fachtag",
        "fachtag",
        [date_row(30)],
        registration_enabled="on",
        privacy_notice="Hinweise",
        time_slots=inline_formset([slot("workshops", mixed)]),
    )
    response = admin_client.post(add_url("fachtagpage", index), data)
    assert response.status_code == 200
    assert WORKSHOP in response.content.decode()
    assert not FachtagPage.objects.filter(slug="fachtag").exists()
    # all without capacity: unlimited workshops are fine
    unlimited = [{**workshop(t), "capacity": ""} for t in ("A", "B")]
    data = page_data(
        "Fachtag",
        "fachtag",
        [date_row(30)],
        time_slots=inline_formset([slot("workshops", unlimited)]),
    )
    assert admin_client.post(add_url("fachtagpage", index), data).status_code == 302


def test_audiences_are_checkboxes(admin_client, index):
    from .factories import make_audience

    audience = make_audience()
    html = admin_client.get(add_url("trainingpage", index)).content.decode()
    assert f'type="checkbox" name="audiences" value="{audience.pk}"' in html
