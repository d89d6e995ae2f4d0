"""Run the calendar bookkeeping (`events.versioning`) before event rows are written, and
keep an event's stored date span (`EventPage.first_date_start`, `last_date_end`) after a
date is written or deleted on its own.

Connected in `EventsConfig.ready` with explicit senders: `EventDate` and every concrete
event page class (a save of a `TrainingPage` is sent with `TrainingPage` as sender).

Dates saved by their page (the admin's save and publish, Wagtail's copy, a revision
published) are covered by `EventPage.save`, which writes the span of the dates it commits;
their signals skip the UPDATE here. Dates written in bulk (`bulk_create`, `update`) send
no signals: whoever writes them calls `EventPage.refresh_date_spans` (`demo.bulk_events`
sets the span with the rows it writes).
"""

from django.db.models.signals import post_delete, post_save, pre_save

from . import versioning


def stamp_event_date(sender, instance, raw=False, **kwargs):
    if not raw:
        versioning.stamp_event_date(instance)


def stamp_event(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and (update_fields is None or "status" in update_fields):
        versioning.stamp_event(instance)


def refresh_date_span(sender, instance, origin=None, **kwargs):
    """After a date is saved or deleted: write its event's span (one UPDATE), unless the
    event's own save is committing it or the date goes with its deleted event."""
    from .models import EventPage

    page = instance._state.fields_cache.get("page")
    if page is not None and getattr(page, "_committing_dates", False):
        return  # `EventPage.save` writes the span of the dates it commits
    if origin is not None and not issubclass(getattr(origin, "model", type(origin)), sender):
        return  # deleted with its page (the origin of the deletion), nothing to keep
    EventPage.refresh_date_spans([instance.page_id])


def connect():
    from .models import EventDate, EventPage

    pre_save.connect(stamp_event_date, sender=EventDate, dispatch_uid="events_stamp_date")
    post_save.connect(refresh_date_span, sender=EventDate, dispatch_uid="events_date_span_save")
    post_delete.connect(refresh_date_span, sender=EventDate, dispatch_uid="events_date_span_delete")
    for model in [EventPage, *all_subclasses(EventPage)]:
        pre_save.connect(
            stamp_event, sender=model, dispatch_uid=f"events_stamp_{model._meta.label_lower}"
        )


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)
