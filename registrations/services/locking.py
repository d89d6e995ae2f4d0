"""The event lock: every change of who holds a seat runs under it.

Guarantee: inside `with locked_event(event_id) as event:` (or `locked(registration)`) no
other writer changes the seats of that event (or of its workshops) until the block ends.
The lock and the transaction are one thing here, because on SQLite the transaction *is*
the lock.

- PostgreSQL: `SELECT ... FOR UPDATE` on the event's row and then on its workshops, so
  concurrent writers for the same event queue up on that row; other events are not
  affected. All writers lock the event first and its workshops second: no deadlock.
- SQLite: the connection runs every transaction as `BEGIN IMMEDIATE` (see
  `kinderschutz_cms.settings.base.database_from_env`), so `transaction.atomic()` already
  holds the database's write lock before the seats are counted.

The event and workshop models are taken from the foreign keys of this app's models (named
by string), so this module does not import the events app.
"""

from contextlib import contextmanager

from django.db import transaction

from kinderschutz_cms import page_cache

from ..models import Registration, WorkshopBooking


def event_model():
    """The event page model registrations point at ("events.EventPage")."""
    return Registration._meta.get_field("event").related_model


def workshop_model():
    return WorkshopBooking._meta.get_field("workshop").related_model


def lock_event(event_id, workshops=True):
    """Take the event lock inside the current transaction and return the fresh event.

    With `workshops=False` the event's workshop rows are not locked (yet): for a
    registration that chooses no workshop (see `booking.register`); every writer locks
    the event row first, so the workshop rows only add a wait for an editor publishing
    new workshop capacities, which `lock_workshops` takes when places are changed.
    """
    event = event_model().objects.select_for_update(of=("self",)).get(pk=event_id)
    # Pages showing its seats are answered anew once this transaction commits.
    page_cache.seats_changed(event.path)
    if workshops:
        lock_workshops(event_id)
    return event


def lock_workshops(event_id):
    """Lock the workshops of the event (after its row); returns {pk: workshop}."""
    return {
        workshop.pk: workshop
        for workshop in workshop_model()
        .objects.select_for_update(of=("self",))
        .filter(time_slot__page_id=event_id)
    }


def locked_registration(registration):
    """Lock the event of `registration` and return a fresh copy of it (with that event)."""
    event = lock_event(registration.event_id)
    fresh = Registration.objects.get(pk=registration.pk)
    fresh.event = event
    return fresh


@contextmanager
def locked_event(event_id, workshops=True):
    """A transaction that holds the event lock; yields the fresh event (`lock_event`)."""
    with transaction.atomic():
        yield lock_event(event_id, workshops=workshops)


@contextmanager
def locked(registration):
    """A transaction that holds the lock of the registration's event; yields a fresh
    copy of the registration."""
    with transaction.atomic():
        yield locked_registration(registration)
