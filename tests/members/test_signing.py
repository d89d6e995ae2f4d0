"""Recording a signature ("Unterzeichnung erfassen") from the member's page and the
"Ohne Unterschrift" report; which agreement version is current in the page tree."""

import datetime

import pytest
from django.urls import reverse

from members.models import Signatory
from members.signing import Signature, SigningError, record_signature

from .factories import make_agreement, make_member, make_member_index, make_signatory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(home_page):
    index = make_member_index(home_page)
    agreement = make_agreement(home_page, version="2.0", valid_from=datetime.date(2020, 1, 1))
    agreement.save_revision().publish()
    member = make_member(index, title="Kita Sonnenschein")
    return {"index": index, "agreement": agreement, "member": member}


def test_record_signature_writes_only_the_row(network, admin_user):
    """A signature is a row of its own (#19): no revision, no publish; publishing any
    revision of the agreement afterwards keeps it."""
    agreement = network["agreement"]
    revisions = agreement.revisions.count()
    record_signature(
        Signature(
            member=network["member"],
            agreement=agreement,
            signed_on=datetime.date(2026, 3, 1),
            signed_by_name="Anna Leitung",
        ),
        user=admin_user,
    )
    assert Signatory.objects.filter(page=agreement, member=network["member"]).count() == 1
    agreement.refresh_from_db()
    assert not agreement.has_unpublished_changes
    assert agreement.revisions.count() == revisions
    # publishing the agreement again from its latest revision keeps the signature
    agreement.get_latest_revision().publish()
    assert Signatory.objects.filter(page=agreement, member=network["member"]).count() == 1
    with pytest.raises(SigningError):
        record_signature(
            Signature(
                member=network["member"], agreement=agreement, signed_on=datetime.date.today()
            )
        )


def test_signature_recorded_from_the_unsigned_report(admin_client, network):
    report = reverse("members_unsigned:index")
    html = admin_client.get(report).content.decode()
    assert "Kita Sonnenschein" in html and "Unterzeichnung erfassen" in html
    url = reverse("members_sign:sign", args=[network["member"].pk])
    assert url in html
    form = admin_client.get(url, {"next": report}).content.decode()
    assert "Fassung 2.0 (aktuell)" in form
    response = admin_client.post(
        url,
        {
            "agreement": network["agreement"].pk,
            "signed_on": "2026-03-01",
            "signed_by_name": "Anna Leitung",
            "next": report,
        },
    )
    assert response.status_code == 302 and response["Location"] == report
    after = admin_client.get(report).content.decode()
    assert "Unterzeichnung von Kita Sonnenschein erfasst" in after
    assert url not in after  # no longer listed


def test_member_page_editor_offers_the_action(admin_client, network):
    html = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[network["member"].pk])
    ).content.decode()
    assert reverse("members_sign:sign", args=[network["member"].pk]) in html


def test_page_tree_says_which_agreement_version_is_current(admin_client, home_page, network):
    old = make_agreement(home_page, version="1.0", valid_from=datetime.date(2018, 1, 1))
    network["agreement"].supersedes = old
    network["agreement"].save()
    make_signatory(page=old, member=network["member"])
    html = admin_client.get(reverse("wagtailadmin_explore", args=[home_page.pk])).content.decode()
    assert "Fassung 2.0 (aktuell)" in html
    assert "Fassung 1.0 (aktuell)" not in html and "Fassung 1.0" in html


def test_each_signature_costs_the_same_queries_however_many_exist(network):
    """Signing N members is N times one signature's queries (#19): the 2nd and the 12th
    signature of a version run the same queries, and none writes a revision or a
    reference-index row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import ReferenceIndex, Revision

    from .factories import make_members

    agreement = network["agreement"]
    members = [network["member"], *make_members(network["index"], 11)]
    references, revisions = ReferenceIndex.objects.count(), Revision.objects.count()
    counts = []
    for member in members:
        with CaptureQueriesContext(connection) as queries:
            record_signature(
                Signature(member=member, agreement=agreement, signed_on=datetime.date(2026, 3, 1))
            )
        counts.append(len(queries.captured_queries))
    assert Signatory.objects.filter(page=agreement).count() == 12
    assert counts[1] == counts[-1]
    assert ReferenceIndex.objects.count() == references
    assert Revision.objects.count() == revisions
