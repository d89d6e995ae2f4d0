"""Never overbook: 200 simultaneous submissions for 50 seats through real requests.

Runs on SQLite (a database file, IMMEDIATE transactions) and, with
`bash scripts/with-postgres.sh .venv/bin/pytest ...`, on PostgreSQL (row locks). The
control test replaces the locking function (`registrations.services.locking.locked_event`)
by one that neither locks nor opens a transaction, and widens the window between counting
and inserting (`registrations.queries.seat_state` lets requests count in groups of three
before any of them inserts): then it must overbook,
which shows that the main test can fail.
"""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from registrations.models import Registration, WorkshopBooking

from .factories import form_data, make_fachtag_event, make_registration_event, register_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SUBMISSIONS = 200
WORKERS = 40


def fire(url, payloads):
    """POST every payload at once from a pool of threads, each with its own Client and
    its own database connection; returns the status codes."""
    barrier = threading.Barrier(min(WORKERS, len(payloads)))
    local = threading.local()

    def submit(payload):
        if not getattr(local, "started", False):
            local.started = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=30)
        try:
            return Client().post(url, payload).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(submit, payloads))


@pytest.fixture
def big_event(index):
    return make_registration_event(index, title="Großer Fachtag", capacity=50)


def test_fifty_seats_two_hundred_submissions(big_event):
    url = register_url(big_event)
    codes = fire(url, [form_data(big_event) for _ in range(SUBMISSIONS)])
    assert codes.count(302) == SUBMISSIONS, sorted(set(codes))
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count("confirmed") == 50
    assert statuses.count("waitlisted") == 150


def test_workshop_capacity_holds(index):
    event = make_fachtag_event(index, ws_capacity=10, capacity=None, waitlist_enabled=True)
    slot = event.time_slots.filter(kind="workshops").order_by("start").first()
    other_slot = event.time_slots.filter(kind="workshops").order_by("start").last()
    workshop = slot.workshops.order_by("sort_order", "pk").first()
    free = other_slot.workshops.order_by("sort_order", "pk").first()
    payloads = [
        form_data(
            event,
            **{f"workshop_{slot.pk}": str(workshop.pk), f"workshop_{other_slot.pk}": str(free.pk)},
        )
        for _ in range(60)
    ]
    codes = fire(register_url(event), payloads)
    assert codes.count(302) + codes.count(400) == 60
    confirmed = WorkshopBooking.objects.filter(workshop=workshop, status="confirmed").count()
    assert confirmed == 10


def test_control_without_the_lock_it_overbooks(big_event, monkeypatch):
    """Without the event lock the service overbooks: proves the test above can fail."""
    from registrations import queries
    from registrations.services import locking

    count = queries.seat_state
    # Requests count in groups of three before any of the group inserts: 50 is no multiple
    # of three, so a group meets the last seats and all three confirm. A sleep alone (a
    # timing window) once gave exactly 50 on a loaded machine.
    together = threading.Barrier(3)

    def slow_count(*args, **kwargs):
        state = count(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=10)
        time.sleep(0.05)
        return state

    @contextlib.contextmanager
    def no_lock(event_id, **kwargs):  # autocommit: counting and inserting are separate
        yield locking.event_model().objects.get(pk=event_id)

    monkeypatch.setattr(locking, "locked_event", no_lock)
    monkeypatch.setattr(queries, "seat_state", slow_count)
    url = register_url(big_event)
    fire(url, [form_data(big_event) for _ in range(SUBMISSIONS)])
    confirmed = Registration.objects.filter(status="confirmed").count()
    assert confirmed > 50


def test_occurrences_of_a_series_fill_up_independently(index):
    """Per-occurrence seats under the one event lock: two dates, five seats each, twenty
    simultaneous submissions for each date."""
    from django.utils import timezone

    from events.models import Occurrence
    from tests.events.factories import at

    from .test_occurrence_registration import make_series

    series = make_series(index, at(8, 10), capacity=5)
    days = [
        f"{timezone.localtime(o.start):%Y-%m-%d}"
        for o in Occurrence.objects.filter(page=series).order_by("start")[:2]
    ]
    payloads = [form_data(series, termin=days[i % 2]) for i in range(40)]
    codes = fire(register_url(series), payloads)
    assert codes.count(302) == 40, sorted(set(codes))
    for day in {r.occurrence_date for r in Registration.objects.all()}:
        statuses = list(
            Registration.objects.filter(occurrence_date=day).values_list("status", flat=True)
        )
        assert (statuses.count("confirmed"), statuses.count("waitlisted")) == (5, 15)
    assert Registration.objects.values("occurrence_date").distinct().count() == 2
