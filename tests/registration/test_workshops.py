"""Changing the chosen workshop of a Fachtag: the service and the personal page."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from registrations.errors import RegistrationError
from registrations.models import Registration, WorkshopBooking
from registrations.services import booking, workshops
from registrations.tokens import personal_path

from .factories import make_fachtag_event, service_data


def slots(event):
    """[(slot, [workshop, ...])] of the workshop slots, in order."""
    result = []
    for slot in event.time_slots.filter(kind="workshops").order_by("start"):
        result.append((slot, list(slot.workshops.order_by("sort_order", "pk"))))
    return result


def status_of(registration, workshop):
    return (
        WorkshopBooking.objects.filter(registration=registration, workshop=workshop)
        .exclude(status="cancelled")
        .values_list("status", flat=True)
        .first()
    )


@pytest.mark.django_db
def test_change_to_a_free_workshop_moves_the_old_waitlist_up_and_mails(
    index, django_capture_on_commit_callbacks
):
    event = make_fachtag_event(index, ws_capacity=1)
    (slot, (limited, unlimited)), _second = slots(event)
    holder = booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    waiting = booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    assert status_of(waiting, limited) == "waitlisted"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workshops.change_workshop(holder, slot.pk, unlimited.pk)

    assert status_of(holder, unlimited) == "confirmed"
    assert status_of(holder, limited) is None
    assert status_of(waiting, limited) == "confirmed"  # the freed seat moved the list up
    kinds = sorted(
        Registration.objects.get(pk=r.pk).emails.latest("pk").kind for r in (holder, waiting)
    )
    assert kinds == ["confirmation", "workshop_promotion"]
    to_holder = [m for m in mail.outbox if holder.email in m.to]
    assert len(to_holder) == 1 and "Gesprächsführung" in to_holder[0].body


@pytest.mark.django_db
def test_change_to_a_full_workshop_joins_its_waitlist(index):
    event = make_fachtag_event(index, ws_capacity=1)
    (slot, (limited, unlimited)), _second = slots(event)
    booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    mover = booking.register(event, service_data(), workshops={slot.pk: unlimited.pk})

    workshops.change_workshop(mover, slot.pk, limited.pk)

    assert status_of(mover, limited) == "waitlisted"
    assert status_of(mover, unlimited) is None


@pytest.mark.django_db
def test_change_to_a_full_workshop_without_waitlist_changes_nothing(index):
    event = make_fachtag_event(index, ws_capacity=1, waitlist_enabled=False)
    (slot, (limited, unlimited)), _second = slots(event)
    booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    mover = booking.register(event, service_data(), workshops={slot.pk: unlimited.pk})

    with pytest.raises(RegistrationError) as refused:
        workshops.change_workshop(mover, slot.pk, limited.pk)

    assert refused.value.code == "workshop_full"
    assert status_of(mover, unlimited) == "confirmed"
    assert status_of(mover, limited) is None


@pytest.mark.django_db
def test_no_change_after_the_deadline_or_into_another_slot(index):
    event = make_fachtag_event(index, ws_capacity=5)
    (slot, (first, second)), (other_slot, (other, _)) = slots(event)
    reg = booking.register(event, service_data(), workshops={slot.pk: first.pk})

    with pytest.raises(RegistrationError):
        workshops.change_workshop(reg, slot.pk, other.pk)  # a workshop of another slot
    event.registration_deadline = timezone.now() - timedelta(minutes=1)
    event.save(update_fields=["registration_deadline"])
    reg.refresh_from_db()
    with pytest.raises(RegistrationError) as refused:
        workshops.change_workshop(reg, slot.pk, second.pk)
    assert refused.value.code == "closed"
    assert status_of(reg, first) == "confirmed"


@pytest.mark.django_db
def test_personal_page_changes_the_workshop(client, index):
    event = make_fachtag_event(index, ws_capacity=1)
    (slot, (limited, unlimited)), _second = slots(event)
    reg = booking.register(event, service_data(), workshops={slot.pk: unlimited.pk})
    url = personal_path(reg)

    html = client.get(url).content.decode()
    assert 'action="' + url + 'workshop/"' in html
    assert "Gesprächsführung (Ihre Wahl)" in html
    response = client.post(
        url + "workshop/", {"slot": slot.pk, f"slot{slot.pk}-workshop": limited.pk}
    )

    assert response.status_code == 302 and response["Location"].endswith("#workshops")
    page = client.get(response["Location"]).content.decode()
    assert "Sie haben jetzt einen Platz im Workshop „Schutzkonzepte“." in page
    assert "Schutzkonzepte (Ihre Wahl)" in page
    assert status_of(reg, limited) == "confirmed"


@pytest.mark.django_db
def test_personal_page_refuses_a_full_workshop_without_waitlist(client, index):
    event = make_fachtag_event(index, ws_capacity=1, waitlist_enabled=False)
    (slot, (limited, unlimited)), _second = slots(event)
    booking.register(event, service_data(), workshops={slot.pk: limited.pk})
    reg = booking.register(event, service_data(), workshops={slot.pk: unlimited.pk})
    url = personal_path(reg)

    assert "Schutzkonzepte – ausgebucht" in client.get(url).content.decode()
    response = client.post(
        url + "workshop/", {"slot": slot.pk, f"slot{slot.pk}-workshop": limited.pk}, follow=True
    )

    assert "Dieser Workshop ist ausgebucht." in response.content.decode()
    assert status_of(reg, unlimited) == "confirmed"


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_participants_change_into_the_last_seat_only_one_gets_it(index):
    event = make_fachtag_event(index, ws_capacity=1, waitlist_enabled=False)
    (slot, (limited, unlimited)), _second = slots(event)
    movers = [
        booking.register(event, service_data(), workshops={slot.pk: unlimited.pk}) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def change(reg):
        try:
            barrier.wait(timeout=30)
            workshops.change_workshop(reg, slot.pk, limited.pk)
            outcomes.append("ok")
        except RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=change, args=(reg,)) for reg in movers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "workshop_full"]
    assert WorkshopBooking.objects.filter(workshop=limited, status="confirmed").count() == 1
    kept = [status_of(reg, unlimited) for reg in movers]
    assert kept.count("confirmed") == 1  # the refused one keeps their old workshop
