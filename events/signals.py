"""Run the calendar bookkeeping (events.services) before event rows are written."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from . import services


@receiver(pre_save, dispatch_uid="events_stamp_before_save")
def stamp_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    from .models import EventDate, EventPage

    if raw:
        return
    if isinstance(instance, EventDate):
        services.stamp_event_date(instance)
    elif isinstance(instance, EventPage) and (update_fields is None or "status" in update_fields):
        services.stamp_event(instance)
