"""Services: which agreement is current, who has not signed, reviews due, directory rules."""

import datetime

import pytest
from wagtail.models import Site

from members import agreements, directory
from members.models import MemberPage

from .factories import (
    make_agreement,
    make_contact,
    make_member,
    make_signatory,
    sector,
)

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def versions(home_page):
    """v1.0 from 2021 and v2.0 from 2025 that supersedes it."""
    v1 = make_agreement(parent=home_page, version="1.0", valid_from=datetime.date(2021, 4, 1))
    v2 = make_agreement(
        parent=home_page, version="2.0", valid_from=datetime.date(2025, 4, 1), supersedes=v1
    )
    return v1, v2


def test_current_agreement_is_the_newest_version_in_force(home_page, versions):
    v1, v2 = versions
    assert agreements.current_agreement(home_page, TODAY) == v2
    # Before v2 takes effect, v1 is still the current version.
    assert agreements.current_agreement(home_page, datetime.date(2025, 3, 31)) == v1
    assert agreements.current_agreement(home_page, datetime.date(2020, 1, 1)) is None


def test_a_superseded_version_is_not_current_even_if_newer_valid_from(home_page, versions):
    v1, v2 = versions
    # An odd data entry: v1's successor is in force, so v1 can never be current again.
    v1.valid_from = datetime.date(2025, 5, 1)
    v1.save()
    assert agreements.current_agreement(home_page, TODAY) == v2


def test_unpublished_or_expired_versions_are_not_current(home_page, versions):
    v1, v2 = versions
    v2.unpublish()
    assert agreements.current_agreement(home_page, TODAY) == v1
    v1.valid_until = datetime.date(2025, 12, 31)
    v1.save()
    assert agreements.current_agreement(home_page, TODAY) is None


def test_current_agreement_takes_one_query(home_page, versions, django_assert_num_queries):
    Site.get_site_root_paths()  # cached by Wagtail; every rendered page link reads it
    with django_assert_num_queries(1):
        agreements.current_agreement(home_page, TODAY)


def test_unsigned_members_are_live_members_without_signature(home_page, index_page, versions):
    v1, v2 = versions
    signed = make_member(parent=index_page, title="Hat unterschrieben")
    only_old = make_member(parent=index_page, title="Nur alte Fassung")
    never = make_member(parent=index_page, title="Nie unterschrieben")
    draft = make_member(parent=index_page, title="Entwurf", live=False)
    make_signatory(page=v2, member=signed)
    make_signatory(page=v1, member=only_old)

    assert list(agreements.unsigned_members(home_page, v2)) == [never, only_old]
    assert list(agreements.unsigned_members(home_page, v1)) == [signed, never]
    assert draft not in agreements.unsigned_members(home_page, None)


def test_reviews_due_within_window_or_overdue(home_page):
    overdue = make_agreement(parent=home_page, next_review=TODAY - datetime.timedelta(days=1))
    soon = make_agreement(parent=home_page, next_review=TODAY + datetime.timedelta(days=30))
    later = make_agreement(parent=home_page, next_review=TODAY + datetime.timedelta(days=200))
    make_agreement(parent=home_page, next_review=None)

    assert list(agreements.agreements_due_for_review(TODAY, within_days=90)) == [overdue, soon]
    assert list(agreements.agreements_due_for_review(TODAY, within_days=365)) == [
        overdue,
        soon,
        later,
    ]
    assert list(agreements.agreements_due_for_review(TODAY, within_days=0)) == [overdue]


def test_reviews_skip_replaced_and_expired_versions(home_page):
    old = make_agreement(parent=home_page, next_review=TODAY - datetime.timedelta(days=400))
    new = make_agreement(
        parent=home_page, supersedes=old, next_review=TODAY + datetime.timedelta(days=10)
    )
    make_agreement(
        parent=home_page,
        next_review=TODAY - datetime.timedelta(days=3),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    assert list(agreements.agreements_due_for_review(TODAY, within_days=90)) == [new]
    new.unpublish()  # a draft successor does not yet replace the old version
    assert list(agreements.agreements_due_for_review(TODAY, within_days=90)) == [old, new]


def test_signatory_overview_groups_by_sector_newest_first(index_page, versions):
    _v1, v2 = versions
    school = make_member(parent=index_page, title="Grundschule", sector=sector("schule"))
    kita = make_member(parent=index_page, title="Kita", sector=sector("kindertagesbetreuung"))
    kita2 = make_member(parent=index_page, title="Kita 2", sector=sector("kindertagesbetreuung"))
    hidden = make_member(parent=index_page, title="Offline", live=False)
    make_signatory(page=v2, member=school, signed_on=datetime.date(2025, 6, 1))
    make_signatory(page=v2, member=kita, signed_on=datetime.date(2025, 4, 2))
    make_signatory(page=v2, member=kita2, signed_on=datetime.date(2025, 7, 9))
    make_signatory(page=v2, member=hidden, signed_on=datetime.date(2025, 8, 1))

    overview = agreements.signatory_overview(v2)

    assert [s.member for s in overview["signatories"]] == [kita2, school, kita]
    assert overview["signatory_count"] == 3
    assert [(s.name, n) for s, n in overview["signatories_by_sector"]] == [
        ("Kindertagesbetreuung", 2),
        ("Schule", 1),
    ]


def test_signatures_of_member_newest_first(index_page, versions):
    v1, v2 = versions
    member = make_member(parent=index_page)
    make_signatory(page=v1, member=member, signed_on=datetime.date(2021, 5, 1))
    make_signatory(page=v2, member=member, signed_on=datetime.date(2025, 5, 1))
    assert [s.page for s in agreements.signatures_of(member)] == [v2, v1]


def test_german_sort_key_puts_umlauts_with_their_base_letter():
    titles = ["Zentrum", "Ärztliche Ambulanz", "Oberschule", "Öffentliche Bibliothek", "arche"]
    assert sorted(titles, key=directory.german_sort_key) == [
        "arche",
        "Ärztliche Ambulanz",
        "Oberschule",
        "Öffentliche Bibliothek",
        "Zentrum",
    ]


def test_filter_members_combines_filters(index_page):
    a = make_member(
        parent=index_page, title="Erziehungsberatung", town="Lindenau", district="Oberdorf",
        sector=sector("beratungsstellen"),
    )  # fmt: skip
    b = make_member(
        parent=index_page, title="Suchtberatung", town="Lindenau",
        sector=sector("beratungsstellen"),
    )  # fmt: skip
    c = make_member(parent=index_page, title="Kita", town="Musterstadt")
    make_contact(page=a, is_isef=True)
    make_contact(page=b, is_isef=False)
    a.services.add("Elternberatung")
    a.save()
    members = MemberPage.objects.all()

    def titles(**filters):
        return sorted(m.title for m in directory.filter_members(members, **filters))

    assert titles(sector_slug="beratungsstellen") == ["Erziehungsberatung", "Suchtberatung"]
    assert titles(town="Lindenau", district="Oberdorf") == ["Erziehungsberatung"]
    assert titles(isef_only=True) == ["Erziehungsberatung"]
    assert titles(service_slug="elternberatung") == ["Erziehungsberatung"]
    assert titles(sector_slug="beratungsstellen", town="Musterstadt") == []
    assert titles(query="beratung lindenau") == ["Erziehungsberatung", "Suchtberatung"]
    assert titles(query="ELTERNBERATUNG") == ["Erziehungsberatung"]  # via its service tag
    assert c.title in titles()
