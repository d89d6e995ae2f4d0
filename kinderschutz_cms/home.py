"""What the home page lists: the next events, the latest news, the network in numbers.

The home page asks these small functions and nothing else, so that the events and members
apps can be wired in (or left out) without touching the page. Each function is safe when
the other app's models are missing: it returns an empty list or None, and the template
leaves the section out.

Wiring: if `events.listing.upcoming_for_home(limit)` exists it is used as is (it must
return `EventTeaser` objects or objects with the same attributes); likewise
`members.directory.member_stats()` returning `MemberStats`. Without them the fallbacks
below query the models by their expected shape (EventPage with `dates`: EventDate
start/end and an optional `seats_left()`; MemberPage and Signatory).
"""

import importlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Min
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventTeaser:
    """An upcoming event as the home page shows it. `seats_left` None means no limit."""

    page: object
    start: datetime
    end: datetime | None = None
    seats_left: int | None = None


@dataclass(frozen=True)
class MemberStats:
    """The network in numbers: member organisations and how many signed the agreement."""

    members: int
    signatories: int


def _provided(module_name, function_name):
    """A function another app provides for the home page, or None if it has none."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, function_name, None)


def upcoming_events(limit=3):
    """The next `limit` live, public events that have not started yet, soonest first."""
    provided = _provided("events.listing", "upcoming_for_home")
    if provided is not None:
        return list(provided(limit))
    try:
        event_model = apps.get_model("events", "EventPage")
        pages = (
            event_model.objects.live()
            .public()
            # Filter before annotating: the minimum is then taken over future dates only.
            .filter(dates__start__gte=timezone.now())
            .annotate(next_start=Min("dates__start"))
            .order_by("next_start")[:limit]
        )
        pages = list(pages)
    except (LookupError, FieldError) as error:
        logger.debug("Home page: no upcoming events (%s)", error)
        return []
    return [
        EventTeaser(
            page=page,
            start=page.next_start,
            seats_left=page.seats_left() if callable(getattr(page, "seats_left", None)) else None,
        )
        for page in pages
    ]


def latest_news(limit=3):
    """The newest `limit` live, public articles of the whole site."""
    from news.models import NewsPage

    return list(NewsPage.published()[:limit])


def member_stats():
    """Counts of live member organisations and of signatories, or None without members."""
    provided = _provided("members.directory", "member_stats")
    if provided is not None:
        return provided()
    try:
        member_model = apps.get_model("members", "MemberPage")
        signatory_model = apps.get_model("members", "Signatory")
        members = member_model.objects.live().public().count()
        signatories = (
            signatory_model.objects.filter(member__live=True).values("member").distinct().count()
        )
    except (LookupError, FieldError) as error:
        logger.debug("Home page: no member statistics (%s)", error)
        return None
    return MemberStats(members=members, signatories=signatories)
