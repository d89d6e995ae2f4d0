"""What the home page lists: the next events, the latest news, the network in numbers.

The home page asks these functions and nothing else; each delegates to the app that owns
the rule (events.listing, members.agreements, news).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MemberStats:
    """The network in numbers: live member organisations, and how many of them signed the
    current cooperation agreement."""

    members: int
    signatories: int


def upcoming_events(limit=3):
    """The next `limit` public events that have not started, with seats left."""
    from events.listing import upcoming_for_home

    return upcoming_for_home(limit)


def latest_news(limit=3):
    """The newest `limit` live, public articles of the whole site."""
    from news.models import NewsPage

    return list(NewsPage.published()[:limit])


def member_stats():
    """Counts of live, public member organisations and of signatories of the current
    agreement (two queries)."""
    from members.agreements import current_agreement
    from members.models import MemberPage, Signatory

    agreement = current_agreement()
    signatories = (
        Signatory.objects.filter(page=agreement, member__live=True).count() if agreement else 0
    )
    return MemberStats(members=MemberPage.objects.live().public().count(), signatories=signatories)
