"""Cancelling an event: the editor confirms (with the number of people told and an
optional message), the registrations are marked "abgesagt durch Veranstalter", the seats
drop, and every e-mail that takes a seat away carries a METHOD:CANCEL calendar file."""

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from events.models import EventPage
from registrations.admin.panels import event_counts
from registrations.models import EmailKind, EmailMessage, Registration, RegistrationStatus
from registrations.services import booking, outbox
from tests.events.test_admin import date_row, page_data

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


def edit_data(event, **extra):
    date_ = event.dates.get()
    data = page_data(
        event.title,
        event.slug,
        [{"id": date_.pk, **date_row(14)}],
        registration_enabled="on",
        capacity=str(event.capacity),
        waitlist_enabled="on",
        privacy_notice="Hinweise",
        privacy_notice_version="1",
        **extra,
    )
    data["dates-INITIAL_FORMS"] = "1"
    data["speakers-TOTAL_FORMS"] = "0"
    return data


def ics_of(message, method):
    files = [
        content
        for _name, content, mimetype in message.attachments
        if mimetype.startswith(f"text/calendar; method={method}")
    ]
    assert len(files) == 1, message.attachments
    return Calendar.from_ical(files[0])


@pytest.fixture
def booked(index, django_capture_on_commit_callbacks):
    """An event with 2 seats: two confirmed people, one waiting; confirmations sent."""
    event = make_registration_event(index, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        regs = [booking.register(event, service_data(email=f"p{i}@example.org")) for i in range(3)]
    return event, regs


def test_publishing_as_cancelled_asks_first_then_cancels_and_notifies(
    admin_client, booked, django_capture_on_commit_callbacks
):
    event, regs = booked
    date_ = event.dates.get()
    confirmation_ics = ics_of(next(m for m in mail.outbox if m.to == ["p0@example.org"]), "PUBLISH")
    [sent_event] = confirmation_ics.walk("VEVENT")
    mail.outbox.clear()
    edit_url = reverse("wagtailadmin_pages:edit", args=(event.pk,))

    response = admin_client.post(
        edit_url,
        edit_data(event, status="cancelled", cancellation_message="Die Referentin ist erkrankt."),
    )

    # Nothing happened yet: a draft, a question
    assert response.status_code == 302
    assert "/absagen/" in response.url
    assert EventPage.objects.get(pk=event.pk).status == "scheduled"
    assert [r.status for r in Registration.objects.order_by("pk")] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert not EmailMessage.objects.filter(kind=EmailKind.EVENT_CANCELLED).exists()
    page = admin_client.get(response.url).content.decode()
    assert "3 Personen werden per E-Mail benachrichtigt" in page
    assert "Die Referentin ist erkrankt." in page

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            response.url, {"message": "Die Referentin ist erkrankt. Neuer Termin folgt."}
        )

    assert done.status_code == 302
    live = EventPage.objects.get(pk=event.pk)
    assert live.status == "cancelled"
    assert live.cancellation_message == "Die Referentin ist erkrankt. Neuer Termin folgt."
    assert {r.status for r in Registration.objects.all()} == {RegistrationStatus.EVENT_CANCELLED}
    assert event_counts([event.pk]) == {event.pk: (2, 0, 0, None)}
    notices = {m.to[0]: m for m in mail.outbox}
    assert set(notices) == {"p0@example.org", "p1@example.org", "p2@example.org"}
    for message in notices.values():
        assert message.subject.startswith("Abgesagt")
        assert "Neuer Termin folgt." in message.body
        assert "Neuer Termin folgt." in message.alternatives[0][0]
    # the people with a seat had a calendar entry: it is cancelled (same UID, higher SEQUENCE)
    cal = ics_of(notices["p0@example.org"], "CANCEL")
    assert str(cal["METHOD"]) == "CANCEL"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == date_.uid == str(sent_event["UID"])
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) > int(sent_event["SEQUENCE"])
    assert "Die angehängte Kalenderdatei" in notices["p0@example.org"].body
    # the waiting person never had one
    assert not notices["p2@example.org"].attachments

    # publishing again tells nobody twice and asks nothing
    admin_client.post(edit_url, edit_data(event, status="cancelled"))
    assert EmailMessage.objects.filter(kind=EmailKind.EVENT_CANCELLED).count() == 3


def test_export_shows_the_cancellation_by_the_organiser(client, admin_user, booked):
    event, _regs = booked
    event.status = "cancelled"
    event.save_revision().publish()
    client.force_login(admin_user)
    response = client.get("/admin/registrations/", {"export": "csv"})
    csv_text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert csv_text.count("abgesagt durch Veranstalter") == 3


def test_an_event_without_registrations_is_published_at_once(admin_client, index):
    event = make_registration_event(index, capacity=2)
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(event.pk,)),
        edit_data(event, status="cancelled"),
    )
    assert response.status_code == 302 and "/absagen/" not in response.url
    assert EventPage.objects.get(pk=event.pk).status == "cancelled"


def test_only_publishers_may_confirm(client, booked, django_user_model, admin_client):
    from django.contrib.auth.models import Permission

    event, _regs = booked
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(event.pk,)),
        edit_data(event, status="cancelled"),
    )
    editor = django_user_model.objects.create_user("r", "r@example.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    refused = client.post(response.url, {"message": ""})
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert EventPage.objects.get(pk=event.pk).status == "scheduled"


def test_self_cancellation_mail_removes_the_calendar_entry(
    booked, django_capture_on_commit_callbacks
):
    event, (first, _second, waiting) = booked
    date_ = event.dates.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(first)

    cancellation = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    cal = ics_of(cancellation, "CANCEL")
    [vevent] = cal.walk("VEVENT")
    assert (str(vevent["UID"]), int(vevent["SEQUENCE"])) == (date_.uid, date_.sequence + 1)
    assert str(vevent["STATUS"]) == "CANCELLED"
    # the waiting person moved up and got a fresh calendar file with the stored SEQUENCE
    promotion = next(m for m in mail.outbox if m.to == ["p2@example.org"])
    assert ics_of(promotion, "PUBLISH")

    mail.outbox.clear()
    other = booking.register(event, service_data(email="w@example.org"))
    assert other.status == "waitlisted"
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(other)
    [message] = mail.outbox
    assert message.attachments == []  # never had a calendar entry


def test_people_told_before_are_marked_but_not_told_twice(booked):
    """Registrations of an event cancelled before this version stayed active although
    their people had been told: the next publish marks them without another e-mail."""
    event, (first, second, _waiting) = booked
    outbox.queue_email(EmailKind.EVENT_CANCELLED, first)
    assert booking.people_to_notify_of_cancellation(event) == 2

    event.status = "cancelled"
    event.save_revision().publish()

    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.EVENT_CANCELLED
    assert EmailMessage.objects.filter(kind=EmailKind.EVENT_CANCELLED).count() == 3
    assert EmailMessage.objects.filter(registration=first, kind="event_cancelled").count() == 1


def test_links_sent_before_the_event_was_cancelled_stop_working(client, booked):
    """Cancelling for the event revokes personal links like any other cancellation; the
    cancellation e-mail carries new ones."""
    from registrations.tokens import personal_path

    event, regs = booked
    old_link = personal_path(regs[0])
    assert client.get(old_link).status_code == 200

    booking.cancel_for_event(event)

    assert client.get(old_link).status_code == 404
    regs[0].refresh_from_db()
    assert client.get(personal_path(regs[0])).status_code == 200
