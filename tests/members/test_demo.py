"""The demo builder: plausible data, every sector, idempotent."""

from django.urls import reverse

from demo import members as demo
from members.agreements import current_agreement, unsigned_members
from members.models import (
    AgreementPage,
    ContactPerson,
    MemberIndexPage,
    MemberPage,
    Sector,
    Signatory,
)


def test_member_specs_cover_every_sector_with_unique_names():
    specs = list(demo.member_specs(64))
    assert len({s["title"] for s in specs}) == 64
    assert len({s["slug"] for s in specs}) == 64
    assert {s["sector"] for s in specs} == set(demo.SECTOR_DATA)
    assert len({s["town"] for s in specs}) == len(demo.TOWNS)
    big = list(demo.member_specs(1000))
    assert len({s["slug"] for s in big}) == 1000


def test_build_twice_creates_everything_once(home_page, client):
    demo.build(home_page, members=15)
    counts = (
        MemberIndexPage.objects.count(),
        MemberPage.objects.count(),
        AgreementPage.objects.count(),
        Signatory.objects.count(),
        ContactPerson.objects.count(),
    )
    demo.build(home_page, members=15)

    assert counts == (
        MemberIndexPage.objects.count(),
        MemberPage.objects.count(),
        AgreementPage.objects.count(),
        Signatory.objects.count(),
        ContactPerson.objects.count(),
    )
    assert counts[:3] == (1, 15, 2)
    index = MemberIndexPage.objects.get()
    assert index.slug == "netzwerkpartner" and index.show_in_menus
    assert set(MemberPage.objects.values_list("sector__slug", flat=True)) == set(
        Sector.objects.values_list("slug", flat=True)
    )
    assert ContactPerson.objects.filter(is_isef=True).exists()

    current = current_agreement(home_page)
    assert current.slug == "kooperationsvereinbarung" and current.version == "2.0"
    assert current.show_in_menus
    assert current.supersedes.version == "1.0"
    v1_count = current.supersedes.signatories.count()
    assert v1_count > current.signatories.count() > 0
    assert unsigned_members(home_page, current).exists()

    # More members later: only the new ones are added and asked to sign.
    demo.build(home_page, members=20)
    assert MemberPage.objects.count() == 20

    for url in [
        "/netzwerkpartner/",
        "/kooperationsvereinbarung/",
        "/kooperationsvereinbarung-2021/",
    ]:
        assert client.get(url).status_code == 200


def test_demo_signatures_survive_an_edit_in_the_admin(home_page, admin_client):
    """Signatures are rows of their own (#19): the editor counts them and links to their
    listing; publishing the agreement's latest revision keeps them all."""
    demo.build(home_page, members=12)
    agreement = current_agreement(home_page)
    signed = agreement.signatories.count()
    assert signed > 0
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(agreement.pk,))).content
    html = " ".join(html.decode().split())
    assert f"{signed} gültige Unterzeichnungen" in html
    assert f"{reverse('members_signatures:list')}?agreement={agreement.pk}" in html
    agreement.get_latest_revision().publish()
    assert agreement.signatories.count() == signed


def test_demo_has_concepts_due_and_a_change_in_moderation(home_page, settings):
    import datetime

    from members.concepts import concepts_due_for_review
    from members.models import SelfServiceChange

    settings.REGISTRATION_MAIL_LIMIT = None
    demo.build(home_page, members=8)
    demo.build(home_page, members=8)
    assert concepts_due_for_review(datetime.date(2026, 6, 1)).exists()
    change = SelfServiceChange.objects.get()
    assert change.status == "pending" and change.workflow_state.status == "in_progress"


def test_demo_agreements_run_the_same_queries_for_6_or_30_members(home_page):
    """Loading the agreements signs every member in bulk (#19: for 5,000 members it once
    took longer than 5 minutes): the queries do not grow with the members, and no signature
    saves a page, a revision or a reference-index row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import ReferenceIndex, Revision

    index = demo.build_index(home_page)
    members = demo.build_members(index, 30)

    def load_agreements(count):
        for slug in (demo.AGREEMENT_SLUG, demo.OLD_AGREEMENT_SLUG):  # build them afresh
            for page in AgreementPage.objects.filter(slug=slug):
                page.delete()
        references, revisions = ReferenceIndex.objects.count(), Revision.objects.count()
        with CaptureQueriesContext(connection) as queries:
            v1, v2 = demo.build_agreements(home_page, members[:count])
        # two agreements published; one reference row (v2 supersedes v1): nothing per member
        assert Revision.objects.count() - revisions == 2
        assert ReferenceIndex.objects.count() - references <= 2
        assert v1.signatories.count() > v2.signatories.count() > count // 3
        return len(queries.captured_queries)

    load_agreements(6)  # warms the process's caches (content types, sites)
    assert load_agreements(30) == load_agreements(6)
