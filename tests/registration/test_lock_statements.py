"""The registration POST in few statements, and few of them under the event lock.

Query counts only, never times (the speed is measured by `bench/run_all.py registration`).
Statements "under the lock" are those between taking the event lock and the commit,
counted by wrapping `registrations.services.locking.locked_event`; transaction control
(BEGIN, COMMIT, savepoints) is not counted.
"""

import contextlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from registrations.models import (
    EmailMessage,
    Registration,
    RegistrationQuestion,
    WorkshopBooking,
)
from registrations.services import booking, locking

from .factories import form_data, make_fachtag_event, register_url, service_data

pytestmark = pytest.mark.django_db

# A registration POST (no workshops, no coordinator notices), from the first query of the
# page routing to the commit: the event page, its dates, the organisation's sector, then
# the four statements under the lock. The form's questions come from the frame cache, and
# a training has no workshop slots to look for. (The test's own transaction never
# commits, so the e-mail's hand-over to the task queue after the commit, one INSERT with
# the database queue, is not run here.)
POST_QUERIES = 7
# Under the lock: lock the event, count the seats (and look for an active registration of
# the address and for expired holds, in the same query), insert the registration, insert
# its outbox row.
LOCKED_STATEMENTS = 4

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _statements(queries):
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(CONTROL)]


@pytest.fixture
def under_lock(monkeypatch):
    """The statements run under each event lock (a list per `locked_event` block)."""
    blocks = []
    original = locking.locked_event

    @contextlib.contextmanager
    def counting(*args, **kwargs):
        start = len(connection.queries_log)
        with original(*args, **kwargs) as event:
            yield event
            blocks.append(_statements(list(connection.queries_log)[start:]))

    monkeypatch.setattr(locking, "locked_event", counting)
    return blocks


def test_registration_post_statements(client, event, under_lock):
    event.capacity = 50
    event.save()
    url = register_url(event)
    client.post(url, form_data(event))  # warm: the first request of a test loads more
    under_lock.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, form_data(event))
    assert response.status_code == 302
    statements = _statements(ctx.captured_queries)
    assert len(statements) <= POST_QUERIES, "\n".join(statements)
    assert len(under_lock) == 1
    assert len(under_lock[0]) <= LOCKED_STATEMENTS, "\n".join(under_lock[0])
    locked = " ".join(under_lock[0]).lower()
    assert "referenceindex" not in locked
    # nothing under the lock reads the rows it just wrote
    assert 'from "registrations_emailmessage"' not in locked
    assert locked.count('from "registrations_registration"') == 1  # the one count


def test_registration_with_workshops_under_the_lock(index, under_lock):
    event = make_fachtag_event(index, ws_capacity=5)
    slot = event.time_slots.filter(kind="workshops").order_by("start").first()
    workshop = slot.workshops.order_by("sort_order", "pk").first()
    booking.register(event, service_data())  # warm
    under_lock.clear()
    reg = booking.register(event, service_data(), workshops={slot.pk: workshop.pk})
    assert reg.bookings.get().status == "confirmed"
    # + lock the workshops, count their places, insert the bookings (one statement)
    assert len(under_lock[0]) <= LOCKED_STATEMENTS + 3, "\n".join(under_lock[0])


def test_registrations_and_outbox_rows_are_not_in_the_reference_index(index):
    """Registrations, workshop bookings and e-mails have no references worth indexing
    (and personal data): saving them writes no `ReferenceIndex` row."""
    event = make_fachtag_event(index, ws_capacity=5, coordinator_emails="koordination@example.org")
    slot = event.time_slots.filter(kind="workshops").order_by("start").first()
    workshop = slot.workshops.order_by("sort_order", "pk").first()
    reg = booking.register(event, service_data(), workshops={slot.pk: workshop.pk})
    booking.cancel(reg, by_coordinator=True)
    assert WorkshopBooking.objects.exists() and EmailMessage.objects.count() >= 3
    types = ContentType.objects.get_for_models(Registration, WorkshopBooking, EmailMessage)
    assert not ReferenceIndex.objects.filter(content_type__in=types.values()).exists()
    assert not ReferenceIndex.objects.filter(base_content_type__in=types.values()).exists()


def test_a_question_added_after_the_form_was_cached_is_asked(client, event):
    """The questions kept in the frame cache are read again once a question is saved or
    deleted, even without saving the page."""
    event.capacity = 50
    event.save()
    url = register_url(event)
    assert client.post(url, form_data(event)).status_code == 302  # questions now cached
    question = RegistrationQuestion.objects.create(
        page=event, label="Ernährung", field_type="singleline", required=True
    )
    response = client.post(url, form_data(event))
    assert response.status_code == 400
    assert "Ernährung" in response.content.decode()
    question.delete()
    assert client.post(url, form_data(event)).status_code == 302
