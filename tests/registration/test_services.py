"""The service directly: waitlist order, promotions, workshops, holds, constraints."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from registrations import errors, queries
from registrations.models import BookingStatus, Registration, WorkshopBooking
from registrations.services import booking, privacy, waitlist

from .factories import mails_to, make_fachtag_event, make_registration_event, service_data

pytestmark = pytest.mark.django_db(transaction=False)


def register(event, **kw):
    workshops = kw.pop("workshops", None)
    return booking.register(event, service_data(**kw), workshops=workshops)


def test_waitlist_moves_up_in_order_when_someone_cancels(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = register(event), register(event)
    w1, w2, w3 = register(event), register(event), register(event)
    assert [r.status for r in (a, b, w1, w2, w3)] == ["confirmed"] * 2 + ["waitlisted"] * 3
    # w2 registered later but gets an earlier created_at: order is (created_at, id)
    Registration.objects.filter(pk=w2.pk).update(created_at=w1.created_at - timedelta(seconds=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(a)
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses[a.pk] == "cancelled"
    assert statuses[w2.pk] == "confirmed"
    assert statuses[w1.pk] == "waitlisted" and statuses[w3.pk] == "waitlisted"
    assert [m.subject for m in mails_to(w2.email)] == [f"Sie sind nachgerückt: {event.title}"]
    assert mails_to(a.email)[0].subject.startswith("Stornierung")
    booking.reject(b)
    assert Registration.objects.get(pk=w1.pk).status == "confirmed"
    assert Registration.objects.get(pk=w3.pk).status == "waitlisted"


def test_cancelling_a_waitlisted_person_promotes_nobody(event):
    register(event), register(event)
    w1, w2 = register(event), register(event)
    booking.cancel(w1)
    assert Registration.objects.get(pk=w2.pk).status == "waitlisted"


def test_cancel_twice_changes_nothing(event):
    a = register(event)
    booking.cancel(a)
    booking.cancel(a)
    assert Registration.objects.get(pk=a.pk).status == "cancelled"


def test_approval_flow_and_errors(index):
    event = make_registration_event(index, approval_required=True, capacity=1)
    a = register(event)
    b = register(event)
    assert (a.status, b.status) == ("pending_approval", "waitlisted")
    booking.approve(a)
    assert Registration.objects.get(pk=a.pk).status == "confirmed"
    with pytest.raises(errors.RegistrationError):
        booking.approve(a)
    with pytest.raises(errors.RegistrationError):
        booking.promote(b)  # no seat free
    booking.promote(b, force=True)
    assert Registration.objects.get(pk=b.pk).status == "pending_approval"


def test_manual_promotion_when_seat_free(event):
    a, _b = register(event), register(event)
    w = register(event)
    Registration.objects.filter(pk=a.pk).update(status="cancelled")  # freed outside service
    booking.promote(w)
    assert Registration.objects.get(pk=w.pk).status == "confirmed"


def test_full_without_waitlist_raises(index):
    event = make_registration_event(index, capacity=1, waitlist_enabled=False)
    register(event)
    with pytest.raises(errors.RegistrationError) as exc:
        register(event)
    assert "ausgebucht" in str(exc.value.message)


def test_database_refuses_second_active_registration(event):
    a = register(event, email="x@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, status="waitlisted", first_name="X", last_name="Y", email="X@example.org"
        )
    booking.cancel(a)
    again = register(event, email="x@example.org")  # cancelled ones do not block
    assert again.status == "confirmed"


def test_double_opt_in_hold_expires_and_seat_goes_to_waitlist(index, mailoutbox):
    event = make_registration_event(
        index, capacity=1, double_opt_in=True, double_opt_in_hold_hours=2
    )
    held = register(event)
    late = register(event)
    assert held.hold_expires_at and late.hold_expires_at is None
    booking.confirm_email(late)
    assert Registration.objects.get(pk=late.pk).status == "waitlisted"
    later = timezone.now() + timedelta(hours=3)
    assert waitlist.release_unconfirmed(now=later) == 1
    assert Registration.objects.get(pk=held.pk).status == "cancelled"
    assert Registration.objects.get(pk=late.pk).status == "confirmed"


def test_expired_holds_do_not_count_and_are_released_lazily(index):
    event = make_registration_event(
        index, capacity=1, double_opt_in=True, double_opt_in_hold_hours=1
    )
    held = register(event)
    Registration.objects.filter(pk=held.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert queries.availability(event).seats_left == 1
    newcomer = register(event)
    assert newcomer.hold_expires_at is not None  # got the released seat
    assert Registration.objects.get(pk=held.pk).status == "cancelled"


def test_confirm_after_expiry_without_waitlist_refuses(index):
    event = make_registration_event(
        index, capacity=1, double_opt_in=True, waitlist_enabled=False, double_opt_in_hold_hours=1
    )
    held = register(event)
    Registration.objects.filter(pk=held.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    booking.register(event, service_data())  # releases the expired hold lazily
    with pytest.raises(errors.RegistrationError) as exc:
        booking.confirm_email(held)
    assert "abgelaufen" in str(exc.value.message)


def _slots(event):
    slots = list(event.time_slots.filter(kind="workshops").order_by("start"))
    return [(s, list(s.workshops.order_by("sort_order", "pk"))) for s in slots]


def test_workshop_waitlist_moves_up_in_order_and_never_gives_two_in_a_slot(
    index, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_fachtag_event(index, ws_capacity=1)
    (s1, (full, _other)), (s2, (k1, k2)) = _slots(event)
    a = register(event, workshops={s1.pk: full.pk, s2.pk: k1.pk})
    b = register(event, workshops={s1.pk: full.pk, s2.pk: k2.pk})
    c = register(event, workshops={s1.pk: full.pk})
    assert WorkshopBooking.objects.get(registration=b, workshop=full).status == "waitlisted"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(a)
    # b (first on the workshop's waitlist) moves up in `full`; c keeps waiting
    assert WorkshopBooking.objects.get(registration=b, workshop=full).status == "confirmed"
    assert WorkshopBooking.objects.get(registration=c, workshop=full).status == "waitlisted"
    assert [m.subject.split(":")[0] for m in mails_to(b.email)] == ["Workshop-Platz frei geworden"]
    for reg in Registration.objects.all():
        slots = list(
            reg.bookings.filter(status=BookingStatus.CONFIRMED).values_list(
                "time_slot_id", flat=True
            )
        )
        assert len(slots) == len(set(slots))


def test_db_refuses_two_confirmed_workshops_in_one_slot(index):
    event = make_fachtag_event(index, ws_capacity=5)
    (s1, (w1, w2)), _ = _slots(event)
    reg = register(event, workshops={s1.pk: w1.pk})
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopBooking.objects.create(
            registration=reg, workshop=w2, time_slot=s1, status="confirmed"
        )


def test_waitlisted_registration_gets_workshops_on_promotion(index):
    event = make_fachtag_event(index, ws_capacity=5, capacity=1)
    (s1, (w1, _w2)), _ = _slots(event)
    a = register(event, workshops={s1.pk: w1.pk})
    b = register(event, workshops={s1.pk: w1.pk})
    assert WorkshopBooking.objects.get(registration=b).status == BookingStatus.REQUESTED
    assert queries.workshop_seats_taken([w1.pk]) == {w1.pk: 1}
    booking.cancel(a)
    assert WorkshopBooking.objects.get(registration=b).status == "confirmed"


def test_mark_attended(event):
    a = register(event)
    booking.mark_attended(a)
    assert Registration.objects.get(pk=a.pk).attended
    w = register(event, email="w@example.org")
    register(event)
    w2 = register(event)
    with pytest.raises(errors.RegistrationError):
        booking.mark_attended(w2)
    assert w


def test_availability_counts_in_two_queries(event, django_assert_max_num_queries):
    register(event)
    with django_assert_max_num_queries(2):
        info = queries.availability(event)
    assert info.seats_left == 1 and info.is_open


def test_export_and_erase_person(event, index):
    other = make_registration_event(index, title="Zweite Fortbildung", capacity=1)
    a = register(event, email="Person@Example.org", phone="0123 456")
    register(other, email="person@example.org")
    waiting = register(other)
    rows = privacy.export_person("PERSON@example.org")
    assert {r["event"] for r in rows} == {event.title, other.title}
    assert rows[0]["phone"] == "0123 456"
    assert privacy.erase_person("person@example.org") == 2
    a.refresh_from_db()
    assert a.anonymised_at and a.email == "" and a.first_name == "" and a.status == "cancelled"
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"  # moved up
    assert privacy.export_person("person@example.org") == []
    assert not a.emails.exclude(recipient="").exists()
