"""Models of the events app; import them from here (`from events.models import EventPage`)."""

from .external import ExternalCalendar, ExternalEvent
from .pages import (
    EventIndexPage,
    EventPage,
    FachtagPage,
    NetworkMeetingPage,
    Speaker,
    TrainingPage,
)
from .recurrence import Occurrence, RecurrenceException
from .schedule import EventDate, TimeSlot, Workshop, new_uid
from .venues import Audience, Venue

__all__ = [
    "Audience",
    "EventDate",
    "EventIndexPage",
    "EventPage",
    "ExternalCalendar",
    "ExternalEvent",
    "FachtagPage",
    "NetworkMeetingPage",
    "Occurrence",
    "RecurrenceException",
    "Speaker",
    "TimeSlot",
    "TrainingPage",
    "Venue",
    "Workshop",
    "new_uid",
]
