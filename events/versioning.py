"""Bookkeeping rules of the calendar: stable UIDs, SEQUENCE, LAST-MODIFIED, cancellation time.

Wagtail writes an event's rows to the database only when a revision is published (drafts
live in the revision's JSON), and it re-saves every date of the event on each publish.
That save is therefore the moment a change "reaches the calendar", and these functions run
just before it (connected in `events.signals`). They never trust the bookkeeping values that
come in with the instance, because those were copied into the revision when the editor
opened the page and may be stale; they read the stored row instead.

The rules themselves (what counts as a change for SEQUENCE) are documented in `events.ical`.
"""

import hashlib

from django.utils import timezone

from .choices import EventStatus


def schedule_fingerprint(event_date, event):
    """A digest of what matters to someone who has the date in their calendar.

    Date, time, all-day flag, place (venue and format) and status. The teaser, title or
    speakers are not in it: a changed text is not worth a SEQUENCE bump. For a recurring
    event, also its rule and exceptions (`RecurrenceMixin.recurrence_digest`): the moved
    occurrences' VEVENTs (RECURRENCE-ID) carry the first date's SEQUENCE.
    """
    parts = [
        event_date.start.isoformat() if event_date.start else "",
        event_date.end.isoformat() if event_date.end else "",
        "1" if event_date.all_day else "0",
        str(event.venue_id or ""),
        event.event_format or "",
        event.status or "",
    ]
    if getattr(event, "recurrence_rule", ""):
        parts.append(event.recurrence_digest())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def stamp_event_date(event_date, now=None):
    """Set `uid`, `sequence`, `fingerprint` and `last_modified` of a date about to be saved.

    - A new date keeps the UID it was given when the editor added it, unless another date
      already uses it (a copied page): then it gets a fresh one. SEQUENCE starts at 0.
    - A stored date keeps its stored UID, whatever the instance says.
    - If the schedule fingerprint differs from the stored one, SEQUENCE is the stored one
      plus 1 and LAST-MODIFIED is now; otherwise both stay as stored.
    Changes the instance only; one query.
    """
    from .models import EventDate, new_uid

    now = now or timezone.now()
    fingerprint = schedule_fingerprint(event_date, event_date.page)
    stored = None
    if event_date.pk:
        stored = (
            EventDate.objects.filter(pk=event_date.pk)
            .values("uid", "sequence", "fingerprint", "last_modified")
            .first()
        )
    if stored is None:
        if not event_date.uid or EventDate.objects.filter(uid=event_date.uid).exists():
            event_date.uid = new_uid()
        event_date.sequence = 0
        event_date.last_modified = now
    else:
        event_date.uid = stored["uid"]
        if stored["fingerprint"] != fingerprint:
            event_date.sequence = stored["sequence"] + 1
            event_date.last_modified = now
        else:
            event_date.sequence = stored["sequence"]
            event_date.last_modified = stored["last_modified"]
    event_date.fingerprint = fingerprint


def stamp_event(event, now=None):
    """Keep `cancelled_at` true: the moment the event was first saved as cancelled.

    A cancelled event stays in the feed for `ical.CANCELLED_GRACE` after this moment, so
    that subscribers' calendars learn about the cancellation. Changes the instance only.
    """
    from .models import EventPage

    if event.status != EventStatus.CANCELLED:
        event.cancelled_at = None
        return
    if event.pk:
        stored = (
            EventPage.objects.filter(pk=event.pk, status=EventStatus.CANCELLED)
            .values_list("cancelled_at", flat=True)
            .first()
        )
        if stored:
            event.cancelled_at = stored
            return
    event.cancelled_at = event.cancelled_at or now or timezone.now()


# What the bytes of one date's VEVENT(s) in a feed depend on, besides the feed's context
# (`feed_entries`). Every edit of an event reaches the database by publishing it, which sets
# `last_published_at` and re-saves its dates (and its series' exceptions); a schedule
# change also moves the date's `last_modified` and `sequence` (`stamp_event_date`); a
# cancellation sets `cancelled_at`; an edited venue its `updated_at`.
ENTRY_VERSION_FIELDS = (
    "last_modified",
    "sequence",
    "page__last_published_at",
    "page__cancelled_at",
    "page__venue__updated_at",
)
