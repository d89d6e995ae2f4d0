"""Rules about cooperation agreements: the current version, who has not signed, reviews due.

Versions: every version of the agreement is its own `AgreementPage`; a new version points
at the one it replaces through `supersedes`. The *current* version on a day is the live
agreement that is in force that day (valid_from <= day, valid_until empty or >= day) and
that no live version already in force has superseded; if several qualify, the one with the
latest valid_from (then the newest page) wins. So a v2.0 published today with valid_from
next month does not displace v1.0 before that date, and an unpublished draft never counts.

Sites: one installation may host several networks, each a Wagtail Site
(`kinderschutz_cms.sites`). Agreements and members belong to the site they are in: the
current agreement is decided among the agreements of one site, and only that site's members
are measured against it. Every function that lists takes the network it works on (any page
of the site; its site is meant), so nothing is looked up across sites by accident.

Every function runs a fixed number of queries, whatever the number of members.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from wagtail.models import Page

from kinderschutz_cms.sites import in_site, site_root_path

from .models import AgreementPage, MemberPage, Sector, Signatory


def _today(today=None):
    return today or timezone.localdate()


def agreements_in_force(network: Page, today=None):
    """Live agreement versions of `network`'s site in force on `today` (default: today in
    the site's time zone)."""
    today = _today(today)
    return AgreementPage.objects.live().filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        in_site(site_root_path(network)),
        valid_from__lte=today,
    )


def current_agreement(network: Page, today=None) -> AgreementPage | None:
    """The agreement version the members of `network`'s site are expected to have signed
    on `today`, or None. `network` is any page of the site (its home, the agreement itself).

    One query. See the module docstring for the rule.
    """
    in_force = agreements_in_force(network, today)
    superseded_ids = in_force.filter(supersedes__isnull=False).values("supersedes")
    return in_force.exclude(pk__in=superseded_ids).order_by("-valid_from", "-pk").first()


def current_agreement_ids(root_paths, today=None) -> dict[str, int | None]:
    """The id of the current agreement (as `current_agreement`, the same rule) of each site
    named by the tree path of its root page: one query whatever the number of sites (issue
    #19: a Land's 50), the versions in force, decided per site here.

    The query starts from the agreement table (a few versions per site) and reads three
    columns: a condition on the sites' path ranges (one OR per site) made the database read
    every page of every site to find the few agreements among them (SQLite: 45 ms at a
    Land's 37,000 pages), and whole pages cost another 10 ms to build. Versions of sites
    not asked for are read and left aside.
    """
    root_paths = list(dict.fromkeys(root_paths))
    if not root_paths:
        return {}
    today = _today(today)
    in_force = list(
        AgreementPage.objects.live()
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today), valid_from__lte=today)
        .order_by("-valid_from", "-pk")
        .values_list("pk", "path", "supersedes_id")
    )
    current = {}
    for root_path in root_paths:
        of_site = [
            (pk, supersedes) for pk, path, supersedes in in_force if path.startswith(root_path)
        ]
        superseded = {supersedes for _pk, supersedes in of_site if supersedes}
        current[root_path] = next((pk for pk, _s in of_site if pk not in superseded), None)
    return current


def unsigned_members(network: Page, agreement: AgreementPage | None):
    """Live members of `network`'s site that have not signed `agreement` (all of them if
    it is None). A queryset ordered by title, with the sector selected."""
    return unsigned_members_of_sites({site_root_path(network): agreement})


def unsigned_members_of_sites(agreements: dict[str, AgreementPage | None]):
    """Live members of several sites, each measured against its own site's agreement.

    `agreements` maps the tree path of a site's root page to the agreement its members are
    expected to have signed (None: none is current, so all its live members are listed).
    A queryset ordered by title, with the sector selected; no site is mixed with another's
    agreement.
    """
    condition = Q(pk__in=[])
    for root_path, agreement in agreements.items():
        of_site = in_site(root_path)
        if agreement is not None:
            signed = Signatory.objects.filter(
                page=agreement, member=OuterRef("pk"), withdrawn_on__isnull=True
            )
            of_site &= ~Exists(signed)
        condition |= of_site
    return MemberPage.objects.live().filter(condition).select_related("sector").order_by("title")


def agreements_due_for_review(today=None, within_days=90):
    """Agreements whose next review date is past or within `within_days` of `today`.

    All sites: the reports narrow it to what a coordinator may see.
    Drafts count (a review may be prepared before publishing); versions that have expired
    (valid_until before today) or that a live version supersedes are left out, because
    nobody reviews a text that is no longer in use. Ordered by review date, most overdue first.
    """
    today = _today(today)
    limit = today + datetime.timedelta(days=within_days)
    replaced = AgreementPage.objects.live().filter(supersedes__isnull=False).values("supersedes")
    return (
        AgreementPage.objects.filter(next_review__lte=limit)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exclude(pk__in=replaced)
        .order_by("next_review", "title")
    )


SIGNATORIES_PER_PAGE = 50


def signatory_overview(agreement, page_number=None, per_page=SIGNATORIES_PER_PAGE):
    """What an agreement page shows about its signatories: valid signatures (not
    withdrawn) of live members.

    Returns a dict with `signatory_count`, `signatories_by_sector` (a list of (sector or
    None, count) in the sectors' sort order, sectors without signatures left out) and
    `signatories`: one page (`page_number`, `per_page` rows) of the list, newest accessions
    first, member and sector selected, as a Django `Page` (`signatories_page`).

    The counts come from the frame cache (kinderschutz_cms.frame; a signature, sector or
    page change renews them; two queries when it is cold): with thousands of signatures,
    counting them on every view cost more than the rest of the page. `signatories` is
    lazy, one query when read; the agreement page reads it only when its rendered list
    (`{% frame_fragment %}`, per agreement and page number) is not cached.
    """
    from django.core.paginator import Paginator

    from kinderschutz_cms import frame

    valid = agreement.signatories.filter(member__live=True, withdrawn_on__isnull=True)
    by_sector = frame.cached(
        "agreement-sectors", agreement.pk, build=lambda: _count_by_sector(valid)
    )
    total = sum(n for _sector, n in by_sector)
    ordered = valid.select_related("member", "member__sector").order_by(
        "-signed_on", "member__title", "pk"
    )
    paginator = Paginator(ordered, per_page)
    paginator.count = total  # known already: no COUNT query
    page = paginator.get_page(page_number)
    return {
        "signatories": page.object_list,
        "signatories_page": page,
        "signatory_count": total,
        "signatories_by_sector": by_sector,
    }


def _count_by_sector(valid):
    """[(sector or None, number of `valid` signatures)] in the sectors' order (2 queries)."""
    counts = list(valid.values("member__sector").annotate(n=Count("pk")).order_by("member__sector"))
    sectors = Sector.objects.in_bulk([c["member__sector"] for c in counts if c["member__sector"]])
    return sorted(
        ((sectors.get(c["member__sector"]), c["n"]) for c in counts),
        key=lambda item: (item[0] is None, item[0].sort_order if item[0] else 0, str(item[0])),
    )


def signatures_of(member):
    """The live agreement versions `member` signed, newest signature first (one query)."""
    return list(
        member.signatures.filter(page__live=True, withdrawn_on__isnull=True)
        .select_related("page")
        .order_by("-signed_on", "-page__valid_from")
    )
