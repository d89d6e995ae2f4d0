"""A moved occurrence of a series with a venue of its own: the personal page, the default
e-mail and a coordinator's reworded e-mail ({place}) name that occurrence's venue and new
date, not the series' venue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Occurrence, RecurrenceException
from registrations.services import booking
from registrations.tokens import personal_path
from tests.events.factories import at, make_venue

from .factories import mails_to, service_data
from .test_email_texts import make_text
from .test_occurrence_registration import make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(index):
    """A series in the Kreishaus whose second date moved a day on, to the Familienzentrum."""
    series = make_series(index, at(8, 10), capacity=5, venue=make_venue())
    second = list(Occurrence.objects.filter(page=series).order_by("start"))[1]
    new_start = timezone.localtime(second.start) + timedelta(days=1)
    series.recurrence_exceptions.add(
        RecurrenceException(
            occurrence_date=second.occurrence_date,
            new_start=new_start,
            new_end=new_start + timedelta(hours=1),
            new_venue=make_venue("Familienzentrum Nord", street="Nordweg 5", room=""),
        )
    )
    series.save()
    occurrence = series.registration_occurrence(second.occurrence_date)
    assert occurrence.moved and occurrence.venue.name == "Familienzentrum Nord"
    return series, occurrence


def test_the_personal_page_shows_the_moved_occurrences_own_venue_and_date(client, moved):
    series, occurrence = moved
    registration = booking.register(series, service_data(), occurrence=occurrence)
    page = client.get(personal_path(registration)).content.decode()
    assert "Familienzentrum Nord" in page and "Nordweg 5" in page
    assert "Kreishaus Musterstadt" not in page
    assert f'datetime="{timezone.localtime(occurrence.start).isoformat()}"' in page


def test_the_e_mails_name_the_moved_occurrences_venue(moved, django_capture_on_commit_callbacks):
    series, occurrence = moved
    when = date_format(timezone.localtime(occurrence.start), "DATE_FORMAT")
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(series, service_data(email="ida@example.org"), occurrence=occurrence)
    [message] = mails_to("ida@example.org")
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Familienzentrum Nord" in text and "Kreishaus Musterstadt" not in text
        assert when in text

    make_text(series.get_site())  # a coordinator's wording with {dates} and {place}
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(series, service_data(email="jo@example.org"), occurrence=occurrence)
    [message] = mails_to("jo@example.org")
    assert "in Familienzentrum Nord, Nordweg 5, 31134 Musterstadt." in message.body
    assert "Kreishaus" not in message.body and when in message.body
