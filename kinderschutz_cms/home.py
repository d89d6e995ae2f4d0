"""What the home page lists: the next events, the latest news, the network in numbers.

The home page asks these functions and nothing else; each delegates to the app that owns
the rule (events.listing, members.agreements, news). Each lists the home page's own site
only (`kinderschutz_cms.sites`): one installation may serve several networks, and a
network's home never shows another's events, articles or members.
"""

from dataclasses import dataclass

from wagtail.models import Page

from . import frame
from .frame import public_q
from .sites import in_site, site_root_path


@dataclass(frozen=True)
class MemberStats:
    """The network in numbers: live member organisations, and how many of them signed the
    current cooperation agreement."""

    members: int
    signatories: int


def upcoming_events(network: Page, limit=3):
    """The next `limit` public events of `network`'s site that have not started, with the
    seats left: which events, the frame cache keeps for as long as that choice holds; the
    seats are counted on each request (`events.listing.upcoming_for_home`)."""
    from events.listing import upcoming_for_home

    return upcoming_for_home(limit, site_root_path=site_root_path(network))


def latest_news(network: Page, limit=3):
    """The newest `limit` live, public articles of `network`'s site, as a lazy queryset:
    the home page template keeps its news part in the frame cache, so it is read (three
    queries: articles, renditions, tags) only when that part is rendered."""
    from news.models import NewsPage

    return NewsPage.published().filter(in_site(site_root_path(network)))[:limit]


LINK_FIELDS = ("directory_page", "agreement_page", "calendar_page", "news_page")


def links(home: Page) -> dict:
    """The pages the home page links to ("Verweise auf der Startseite"), by field name,
    specific (the news page's feed links need its routes); None where unset or deleted.

    Kept in the frame cache (kinderschutz_cms/frame.py): no query while it is warm.
    """

    def build():
        ids = {name: getattr(home, f"{name}_id") for name in LINK_FIELDS}
        pages = Page.objects.filter(pk__in=[pk for pk in ids.values() if pk]).specific()
        found = pages.in_bulk()
        return {name: found.get(pk) for name, pk in ids.items()}

    if home.pk is None:  # a preview of a home page not yet saved
        return {name: getattr(home, name) for name in LINK_FIELDS}
    key = (home.pk, *(getattr(home, f"{name}_id") for name in LINK_FIELDS))
    return frame.cached("home-links", *key, build=build)


def member_stats(network: Page):
    """Counts of live, public member organisations of `network`'s site and of the
    signatories of its current agreement (three queries, none while the frame cache
    holds them: a page saved or a signature recorded starts a new generation)."""
    from django.utils import timezone

    today = timezone.localdate().isoformat()  # the agreement in force changes at midnight
    return frame.cached("member-stats", network.pk, today, build=lambda: _member_stats(network))


def _member_stats(network: Page):
    from members.agreements import current_agreement
    from members.models import MemberPage, Signatory

    agreement = current_agreement(network)
    signatories = (
        Signatory.objects.filter(
            page=agreement, member__live=True, withdrawn_on__isnull=True
        ).count()
        if agreement
        else 0
    )
    members = MemberPage.objects.live().filter(public_q()).filter(in_site(site_root_path(network)))
    return MemberStats(members=members.count(), signatories=signatories)
