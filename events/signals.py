"""Run the calendar bookkeeping (`events.versioning`) before event rows are written.

Connected in `EventsConfig.ready` with explicit senders: `EventDate` and every concrete
event page class (a save of a `TrainingPage` is sent with `TrainingPage` as sender).
"""

from django.db.models.signals import pre_save

from . import versioning


def stamp_event_date(sender, instance, raw=False, **kwargs):
    if not raw:
        versioning.stamp_event_date(instance)


def stamp_event(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and (update_fields is None or "status" in update_fields):
        versioning.stamp_event(instance)


def connect():
    from .models import EventDate, EventPage

    pre_save.connect(stamp_event_date, sender=EventDate, dispatch_uid="events_stamp_date")
    for model in [EventPage, *all_subclasses(EventPage)]:
        pre_save.connect(
            stamp_event, sender=model, dispatch_uid=f"events_stamp_{model._meta.label_lower}"
        )


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)
