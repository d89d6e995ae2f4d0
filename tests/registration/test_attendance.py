"""Attendance: per date for multi-date trainings, the attendance list in German order
with a signature column per date, one-click marking from the list and the registrations
list, export and attendance list as visible buttons."""

import pytest
from django.urls import reverse

from registrations.errors import RegistrationError
from registrations.models import Attendance, Registration
from registrations.services import attendance, booking
from tests.events.factories import at

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db

INDEX = "/admin/registrations/"


@pytest.fixture
def training(index):
    """A training with two modules and three confirmed participants."""
    event = make_registration_event(
        index,
        "Modulreihe Kinderschutz",
        capacity=10,
        dates=[(at(10, 9), at(10, 16)), (at(17, 9), at(17, 16))],
    )
    for first, last in [("Zoë", "Zander"), ("Elif", "Öztürk"), ("Otto", "Otten")]:
        booking.register(event, service_data(first_name=first, last_name=last))
    return event


def test_attendance_is_recorded_per_date(training):
    first, second = training.dates.order_by("start")
    reg = Registration.objects.get(last_name="Öztürk")
    attendance.set_attendance(reg, True, date_ids=[first.pk])
    assert set(
        Attendance.objects.filter(registration=reg).values_list("event_date", flat=True)
    ) == {first.pk}
    reg.refresh_from_db()
    assert reg.attended
    attendance.set_attendance(reg, True, date_ids=[first.pk, second.pk])  # idempotent
    assert Attendance.objects.filter(registration=reg).count() == 2
    attendance.set_attendance(reg, False)
    reg.refresh_from_db()
    assert not reg.attended and not Attendance.objects.filter(registration=reg).exists()


def test_only_confirmed_registrations_attend(index):
    event = make_registration_event(index, capacity=0)
    waiting = booking.register(event, service_data())
    with pytest.raises(RegistrationError):
        attendance.set_attendance(waiting, True)


def test_attendance_list_sorts_in_german_order_with_a_signature_column_per_date(
    admin_client, training
):
    html = admin_client.get(
        reverse("registrations:attendance", args=[training.pk])
    ).content.decode()
    names = ["Otten, Otto", "Öztürk, Elif", "Zander, Zoë"]
    assert sorted(names, key=html.index) == names  # Öztürk with O, not after Z
    assert html.count("Unterschrift") == 2  # one column per module


def test_attendance_marked_from_the_list_in_one_click(admin_client, training):
    first, _second = training.dates.order_by("start")
    reg = Registration.objects.get(last_name="Zander")
    list_url = reverse("registrations:attendance", args=[training.pk])
    response = admin_client.post(
        reverse("registrations:attendance_mark", args=[reg.pk]),
        {"date": first.pk, "attended": "1", "next": list_url},
    )
    assert response.status_code == 302 and response["Location"] == list_url
    assert list(
        Attendance.objects.filter(registration=reg).values_list("event_date", flat=True)
    ) == [first.pk]
    html = admin_client.get(list_url).content.decode()
    assert "✓ anwesend" in html
    # never on GET
    assert (
        admin_client.get(reverse("registrations:attendance_mark", args=[reg.pk])).status_code == 405
    )


def test_registrations_list_has_attendance_column_and_visible_buttons(admin_client, index):
    event = make_registration_event(index, "Eintägige Fortbildung")
    reg = booking.register(event, service_data(last_name="Bäcker"))
    html = admin_client.get(INDEX, {"event": event.pk}).content.decode()
    assert "Teilnahme" in html
    mark_url = reverse("registrations:attendance_mark", args=[reg.pk])
    assert f'action="{mark_url}"' in html
    # export and attendance list are buttons in the header, not only in the "…" menu
    header = html[: html.index("</header>")] if "</header>" in html else html
    assert "Teilnahmeliste" in header and "Export Excel (XLSX)" in header
    response = admin_client.post(mark_url, {"attended": "1", "next": f"{INDEX}?event={event.pk}"})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.attended


def test_multi_date_registration_row_links_to_the_attendance_list(admin_client, training):
    html = admin_client.get(INDEX, {"event": training.pk}).content.decode()
    assert "0 von 2 Terminen" in html
    assert reverse("registrations:attendance", args=[training.pk]) in html
