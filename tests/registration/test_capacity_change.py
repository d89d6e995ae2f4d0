"""Publishing a raised capacity moves the waitlist up, in order, before anyone new."""

import pytest
from django.core import mail
from django.urls import reverse

from events.models import FachtagPage
from registrations import queries
from registrations.models import (
    BookingStatus,
    EmailKind,
    EmailMessage,
    Registration,
    RegistrationStatus,
    WorkshopBooking,
)
from registrations.services import booking

from .factories import make_fachtag_event, make_registration_event, service_data

pytestmark = pytest.mark.django_db


def statuses(*registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def publish_capacity(event, capacity):
    page = type(event).objects.get(pk=event.pk).get_latest_revision_as_object()
    page.capacity = capacity
    page.save_revision().publish()


def test_raising_the_capacity_promotes_the_waitlist_in_order(
    index, django_capture_on_commit_callbacks
):
    event = make_registration_event(index, capacity=2)
    seated = [booking.register(event, service_data()) for _ in range(2)]
    waiting = [booking.register(event, service_data()) for _ in range(3)]
    assert statuses(*waiting) == [RegistrationStatus.WAITLISTED] * 3
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        publish_capacity(event, 4)

    assert statuses(*seated, *waiting) == ["confirmed"] * 4 + ["waitlisted"]
    promoted = EmailMessage.objects.filter(kind=EmailKind.PROMOTION)
    assert {m.registration_id for m in promoted} == {waiting[0].pk, waiting[1].pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting[0].email, waiting[1].email])
    assert queries.seats_taken(event) == 4
    # the next new registrant waits behind the one still waiting: no overbooking
    late = booking.register(event, service_data())
    assert late.status == RegistrationStatus.WAITLISTED
    assert queries.seats_taken(event) == 4


def test_unlimited_capacity_seats_everyone_and_a_lower_one_moves_nobody(index):
    event = make_registration_event(index, capacity=1)
    first = booking.register(event, service_data())
    waiting = [booking.register(event, service_data()) for _ in range(2)]

    publish_capacity(event, 1)  # a publish without a free seat changes nothing
    assert statuses(first, *waiting) == ["confirmed", "waitlisted", "waitlisted"]

    publish_capacity(event, None)
    assert statuses(first, *waiting) == ["confirmed"] * 3


def test_no_promotion_for_a_past_event(index):
    from tests.events.factories import at

    event = make_registration_event(index, capacity=1)
    booking.register(event, service_data())
    waiting = booking.register(event, service_data())
    page = type(event).objects.get(pk=event.pk).get_latest_revision_as_object()
    (first,) = page.dates.all()
    first.start, first.end = at(-2, 9), at(-2, 12)
    page.dates = [first]
    page.capacity = 5
    page.save_revision().publish()
    assert statuses(waiting) == ["waitlisted"]


def test_raising_a_workshop_capacity_promotes_its_waitlist(
    index, django_capture_on_commit_callbacks
):
    event = make_fachtag_event(index, ws_capacity=1)
    slot = event.time_slots.get(title="Workshops I")
    workshop = slot.workshops.get(title="Schutzkonzepte")
    choice = {slot.pk: workshop.pk}
    a = booking.register(event, service_data(), workshops=choice)
    b = booking.register(event, service_data(), workshops=choice)
    c = booking.register(event, service_data(), workshops=choice)
    bookings = {reg.pk: WorkshopBooking.objects.get(registration=reg).status for reg in (a, b, c)}
    assert list(bookings.values()) == ["confirmed", "waitlisted", "waitlisted"]

    page = FachtagPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    time_slots = list(page.time_slots.all())
    for time_slot in time_slots:
        items = list(time_slot.workshops.all())
        for item in items:
            if item.pk == workshop.pk:
                item.capacity = 2
        time_slot.workshops = items
    page.time_slots = time_slots
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    after = [WorkshopBooking.objects.get(registration=reg).status for reg in (a, b, c)]
    assert after == [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED, BookingStatus.WAITLISTED]
    assert list(
        EmailMessage.objects.filter(kind=EmailKind.WORKSHOP_PROMOTION).values_list(
            "registration_id", flat=True
        )
    ) == [b.pk]


def test_publishing_a_raised_capacity_in_the_admin_promotes(admin_client, index):
    from tests.events.test_admin import date_row, page_data

    event = make_registration_event(index, capacity=1)
    booking.register(event, service_data())
    waiting = booking.register(event, service_data())
    date_ = event.dates.get()
    data = page_data(
        event.title,
        event.slug,
        [{"id": date_.pk, **date_row(14)}],
        registration_enabled="on",
        capacity="2",
        waitlist_enabled="on",
        privacy_notice="Hinweise",
        privacy_notice_version="1",
    )
    data["dates-INITIAL_FORMS"] = "1"
    data["speakers-TOTAL_FORMS"] = "0"

    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), data)

    assert response.status_code == 302, response.context["form"].errors
    assert statuses(waiting) == ["confirmed"]
    assert EmailMessage.objects.filter(registration=waiting, kind=EmailKind.PROMOTION).exists()
