"""Registration for recurring events is per occurrence (#15): the form's choice of a date
(and `?termin=` from the calendar), capacity, waitlist and one registration per address
per occurrence, the e-mail's calendar file with that occurrence only (across the
daylight-saving switch), moved and vanished occurrences, bad input, and the admin's
filter, column, export and attendance list."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from events.models import NetworkMeetingPage, Occurrence, RecurrenceException
from registrations.errors import RegistrationError
from registrations.models import Registration, RegistrationStatus
from registrations.services import booking
from registrations.tokens import personal_path
from tests.events.factories import at, make_event

from .factories import form_data, mails_to, make_registration_event, register_url, service_data

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def make_series(index, first_start, *, count=10, title="Netzwerktreffen Frühe Hilfen", **fields):
    """A weekly series (90 minutes) taking registrations, one seat per occurrence."""
    defaults = {
        "registration_enabled": True,
        "capacity": 1,
        "waitlist_enabled": True,
        "double_opt_in": False,
        "online_access_link": "",
    }
    defaults.update(fields)
    return make_event(
        index,
        title,
        cls=NetworkMeetingPage,
        dates=[(first_start, first_start + timedelta(minutes=90))],
        recurrence_frequency="WEEKLY",
        recurrence_count=count,
        **defaults,
    )


def occurrences(event):
    return list(Occurrence.objects.filter(page=event).order_by("start"))


def first_wednesday_of_march_next_year():
    day = date(timezone.localdate().year + 1, 3, 1)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN)


@pytest.fixture
def series(index):
    return make_series(index, at(8, 10))


def test_each_occurrence_fills_up_and_moves_up_on_its_own(series):
    first, second = occurrences(series)[:2]
    anna = booking.register(series, service_data(email="anna@example.org"), occurrence=first)
    ben = booking.register(series, service_data(email="ben@example.org"), occurrence=first)
    # the same seat count on another date: a seat of its own, and Anna may come twice
    cem = booking.register(series, service_data(email="cem@example.org"), occurrence=second)
    anna_again = booking.register(series, service_data(email="anna@example.org"), occurrence=second)
    assert (anna.status, ben.status) == ("confirmed", "waitlisted")
    assert (cem.status, anna_again.status) == ("confirmed", "waitlisted")
    assert anna.occurrence_date == first.occurrence_date
    with pytest.raises(RegistrationError) as refused:
        booking.register(series, service_data(email="ANNA@example.org"), occurrence=first)
    assert refused.value.code == "duplicate"

    booking.cancel(anna)  # a seat on the first date: Ben moves up, nobody of the second
    ben.refresh_from_db()
    anna_again.refresh_from_db()
    assert ben.status == RegistrationStatus.CONFIRMED
    assert anna_again.status == RegistrationStatus.WAITLISTED

    full = make_series(series.get_parent(), at(9, 18), title="Sprechstunde", waitlist_enabled=False)
    only = occurrences(full)[0]
    booking.register(full, service_data(), occurrence=only)
    with pytest.raises(RegistrationError) as refused:
        booking.register(full, service_data(), occurrence=only)
    assert "ausgebucht" in str(refused.value.message)
    assert booking.register(full, service_data(), occurrence=occurrences(full)[1]).status == (
        "confirmed"
    )


def test_the_form_offers_the_dates_and_takes_the_one_from_the_calendar_link(client, series):
    chosen = occurrences(series)[2]
    day = f"{timezone.localtime(chosen.start):%Y-%m-%d}"
    page = client.get(series.url).content.decode()
    assert f"anmelden/?termin={day}" in page
    calendar = client.get(series.get_parent().url).content.decode()
    assert f"anmelden/?termin={day}" in calendar

    form = client.get(register_url(series), {"termin": day}).content.decode()
    assert f'<option value="{day}" selected>' in form
    assert "noch 1 Platz" in form

    response = client.post(register_url(series), form_data(series, termin=day))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.occurrence_date == chosen.occurrence_date
    when = f'datetime="{timezone.localtime(chosen.start).isoformat()}"'
    assert when in client.get(response["Location"]).content.decode()
    cancel = client.get(personal_path(registration, "registration_links:registration_cancel"))
    assert when in cancel.content.decode()

    # Full now: the form says so for that date and keeps the waitlist open
    again = client.get(register_url(series), {"termin": day}).content.decode()
    assert "ausgebucht, Warteliste" in again


def test_bad_dates_get_a_german_reason_and_change_nothing(client, index, series):
    other = make_series(index, at(9, 14), title="Sprechstunde")
    past = make_series(index, at(-15, 10), title="Offene Sprechstunde")
    cancelled_day = occurrences(series)[1]
    series.recurrence_exceptions.add(
        RecurrenceException(occurrence_date=cancelled_day.occurrence_date, cancelled=True)
    )
    series.save()
    cancelled_text = f"{timezone.localtime(cancelled_day.start):%Y-%m-%d}"
    past_text = f"{timezone.localtime(occurrences(past)[0].start):%Y-%m-%d}"
    other_text = f"{timezone.localtime(occurrences(other)[0].start):%Y-%m-%d}"
    cases = [
        (series, "morgen", "Datum als JJJJ-MM-TT"),
        (series, "2026-02-30", "Datum als JJJJ-MM-TT"),
        (series, "x" * 5000, "Datum als JJJJ-MM-TT"),
        (series, other_text, "findet kein Termin dieser Veranstaltung statt"),
        (series, "9999-12-31", "findet kein Termin dieser Veranstaltung statt"),
        (series, "0001-01-01", "findet kein Termin dieser Veranstaltung statt"),
        (series, cancelled_text, "fällt aus"),
        (past, past_text, "hat bereits begonnen oder ist vorbei"),
        (series, "", "Bitte wählen Sie einen Termin."),
    ]
    for event, value, reason in cases:
        response = client.post(register_url(event), form_data(event, termin=value))
        assert response.status_code == 400, value
        assert reason in response.content.decode(), value
        if value:
            shown = client.get(register_url(event), {"termin": value})
            assert shown.status_code == 200 and reason in shown.content.decode(), value
    assert not Registration.objects.exists()

    # the service itself refuses what the form would never hand over
    for event, occurrence, code in [
        (series, occurrences(other)[0], "invalid"),
        (series, Occurrence.objects.get(page=series, cancelled=True), "closed"),
        (past, occurrences(past)[0], "closed"),
        (series, None, "invalid"),
    ]:
        with pytest.raises(RegistrationError) as refused:
            booking.register(event, service_data(), occurrence=occurrence)
        assert refused.value.code == code
    assert not Registration.objects.exists()


def test_the_confirmation_carries_that_occurrence_only_across_the_dst_switch(
    index, django_capture_on_commit_callbacks
):
    series = make_series(index, first_wednesday_of_march_next_year(), count=8)
    # the fifth Wednesday is after the last Sunday of March: summer time
    april = occurrences(series)[4]
    local = timezone.localtime(april.start, BERLIN)
    assert local.hour == 10 and local.utcoffset() == timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(series, service_data(email="ida@example.org"), occurrence=april)
    [message] = mails_to("ida@example.org")
    assert f"{date_format(local, 'DATE_FORMAT')}, 10:00" in message.body
    first = timezone.localtime(occurrences(series)[0].start, BERLIN)
    assert date_format(first, "DATE_FORMAT") not in message.body  # not the other dates
    [(filename, content, ctype)] = message.attachments
    assert "method=PUBLISH" in ctype
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert start == local and start.utcoffset() == timedelta(hours=2)
    assert str(vevent["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert vevent.decoded("dtend") - start == timedelta(minutes=90)
    assert "RRULE" not in vevent and "RECURRENCE-ID" not in vevent
    assert str(vevent["uid"]).split("@")[0].endswith(f"-{local:%Y%m%d}")


def test_a_moved_occurrence_is_followed_and_a_vanished_one_flagged(
    admin_client, client, series, django_capture_on_commit_callbacks
):
    second, third = occurrences(series)[1:3]
    moved = booking.register(series, service_data(email="mo@example.org"), occurrence=second)
    gone = booking.register(series, service_data(email="go@example.org"), occurrence=third)
    new_start = timezone.localtime(second.start) + timedelta(days=1, hours=4)
    series.recurrence_exceptions.add(
        RecurrenceException(
            occurrence_date=second.occurrence_date,
            new_start=new_start,
            new_end=new_start + timedelta(hours=1),
        )
    )
    series.recurrence_exceptions.add(
        RecurrenceException(occurrence_date=third.occurrence_date, cancelled=True)
    )
    series.save()
    moved.refresh_from_db()
    assert moved.occurrence().start == new_start
    [vevent] = Calendar.from_ical(series.calendar_file(occurrence=moved.occurrence())).walk(
        "VEVENT"
    )
    assert vevent.decoded("dtstart") == new_start

    listing = admin_client.get("/admin/registrations/", {"event": series.pk}).content.decode()
    assert listing.count("Termin entfällt") == 1
    gone.refresh_from_db()
    assert gone.occurrence_gone and gone.occurrence_date == third.occurrence_date
    assert booking.self_cancel_refusal(gone) is None  # the person may still cancel
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(gone)
    [message] = mails_to("go@example.org")
    # the occurrence still exists (cancelled): its own entry leaves the calendar
    [(filename, content, ctype)] = message.attachments
    assert "method=CANCEL" in ctype
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    assert "RRULE" not in vevent
    assert str(vevent["uid"]).split("@")[0].endswith(f"-{third.occurrence_date:%Y%m%d}")


def test_admin_filters_exports_and_lists_attendance_per_occurrence(admin_client, series):
    first, second = occurrences(series)[:2]
    booking.register(series, service_data(last_name="Erstetermin"), occurrence=first)
    booking.register(series, service_data(last_name="Zweitetermin"), occurrence=second)
    single = make_registration_event(series.get_parent(), title="Einzeltermin")
    booking.register(single, service_data(last_name="Ohnereihe"))

    day = first.occurrence_date.isoformat()
    listing = admin_client.get("/admin/registrations/", {"occurrence_date": day})
    body = listing.content.decode()
    assert "Erstetermin" in body and "Zweitetermin" not in body and "Ohnereihe" not in body

    export = admin_client.get("/admin/registrations/", {"export": "csv", "event": series.pk})
    raw = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = {row["Nachname"]: row for row in csv.DictReader(io.StringIO(raw), delimiter=";")}
    assert rows["Erstetermin"]["Termin der Reihe"] == first.occurrence_date.strftime("%d.%m.%Y")
    assert rows["Zweitetermin"]["Termin der Reihe"] == second.occurrence_date.strftime("%d.%m.%Y")

    attendance = admin_client.get(
        f"/admin/registrations/teilnahmeliste/{series.pk}/", {"termin": second.occurrence_date}
    ).content.decode()
    assert "Zweitetermin" in attendance and "Erstetermin" not in attendance
    assert f"?termin={day}" in attendance  # the other date of the series
    mail.outbox.clear()


def test_a_series_that_began_long_ago_keeps_registrations_for_its_next_dates(index, settings):
    """The retention purge counts from the series' last occurrence, not its first date."""
    from registrations.services import privacy

    settings.REGISTRATION_RETENTION_DAYS = 30
    series = make_series(index, at(-71, 10), count=20)  # weekly: 10 weeks past, 10 to come
    upcoming = next(o for o in occurrences(series) if o.start > timezone.now())
    kept = booking.register(series, service_data(), occurrence=upcoming)
    assert privacy.purge_expired() == 0
    kept.refresh_from_db()
    assert kept.anonymised_at is None and kept.email


def test_a_raised_capacity_fills_the_dates_ahead_of_a_series_that_began(index):
    from registrations.services.waitlist import fill_free_seats

    series = make_series(index, at(-8, 10), count=5)
    ahead = next(o for o in occurrences(series) if o.start > timezone.now())
    booking.register(series, service_data(), occurrence=ahead)
    waiting = booking.register(series, service_data(), occurrence=ahead)
    assert waiting.status == "waitlisted"
    series.capacity = 2
    series.save()
    promoted, _bookings = fill_free_seats(series)
    waiting.refresh_from_db()
    assert promoted == [waiting] and waiting.status == "confirmed"


def test_reminders_come_before_each_registrations_own_date(index):
    from registrations.services.reminders import send_reminders

    series = make_series(index, at(-6, 10), count=5, reminder_days_before=2)
    soon, later = [o for o in occurrences(series) if o.start > timezone.now()][:2]
    near = booking.register(series, service_data(), occurrence=soon)  # in one day
    far = booking.register(series, service_data(), occurrence=later)  # in eight days
    assert send_reminders() == 1
    near.refresh_from_db()
    far.refresh_from_db()
    assert near.reminded_at is not None and far.reminded_at is None
