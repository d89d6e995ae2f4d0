"""The stored German sort key of a member's title (`MemberPage.sort_title`, issue #19):
written on every path that writes a member, by the rule the directory sorts by."""

import importlib.util
from pathlib import Path

import pytest
from django.urls import reverse

from kinderschutz_cms.collation import german_sort_key
from members import directory
from members.models import MemberPage

from .factories import GERMAN_TITLES, make_agreement, make_member
from .test_admin import add_url, member_form

pytestmark = pytest.mark.django_db

NAMES = GERMAN_TITLES


def stored_key(page):
    return MemberPage.objects.values_list("sort_title", flat=True).get(pk=page.pk)


def test_the_stored_key_is_the_directorys_key(index_page):
    for name in NAMES:
        member = make_member(index_page, title=name)
        assert stored_key(member) == german_sort_key(name) == directory.german_sort_key(name)
    assert stored_key(MemberPage.objects.get(title="Öztürk Beratung")) == "ozturk beratung"
    assert stored_key(MemberPage.objects.get(title="GROẞE Hilfe")) == "grosse hilfe"


def test_the_key_follows_the_title_through_the_admin(admin_client, index_page):
    response = admin_client.post(
        add_url("memberpage", index_page),
        member_form(title="Ärztliche Beratung", slug="aerztliche-beratung"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = MemberPage.objects.get(slug="aerztliche-beratung")
    assert stored_key(member) == "arztliche beratung"

    edit = reverse("wagtailadmin_pages:edit", args=(member.pk,))
    draft = member_form(title="Zwergenstube", slug="aerztliche-beratung")
    del draft["action-publish"]
    assert admin_client.post(edit, draft).status_code == 302
    # A draft changes neither the live title nor its key: the listing sorts by what is live.
    assert stored_key(member) == "arztliche beratung"

    published = member_form(title="Übergang Süd", slug="aerztliche-beratung")
    assert admin_client.post(edit, published).status_code == 302
    member.refresh_from_db()
    assert member.title == "Übergang Süd"
    assert stored_key(member) == "ubergang sud"


def test_the_key_follows_publishing_a_revision_and_copying(index_page):
    member = make_member(index_page, title="Kita Sonnenschein")
    member.title = "Öko-Kita Sonnenschein"
    revision = member.save_revision()
    assert stored_key(member) == "kita sonnenschein"
    revision.publish()
    assert stored_key(member) == "oko-kita sonnenschein"

    copy = member.copy(update_attrs={"title": "Straßenkinder e. V.", "slug": "strassenkinder"})
    assert stored_key(copy) == "strassenkinder e. v."
    assert stored_key(member) == "oko-kita sonnenschein"


def test_the_demo_loader_writes_the_key(index_page):
    from demo.members import build_members

    members = build_members(index_page, 6)
    assert members
    for member in members:
        assert stored_key(member) == german_sort_key(member.title)


def _landkit():
    path = Path(__file__).resolve().parents[2] / "bench" / "landkit.py"
    spec = importlib.util.spec_from_file_location("landkit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_land_bench_loader_writes_the_key(home_page, index_page):
    """bench/landkit.py writes the member rows raw (no pre_save): it writes the key itself."""
    landkit = _landkit()
    sectors, tags, _venue, _audiences = landkit._shared()
    agreement = make_agreement(home_page)
    network = landkit.Network(1, "kreis01.land.test", home_page, None, index_page, agreement, None)
    landkit._members(network, sectors, tags)

    rows = MemberPage.objects.filter(pk__in=network.member_ids).values_list("title", "sort_title")
    assert len(rows) == landkit.MEMBERS_PER_NETWORK
    for title, key in rows:
        assert key == german_sort_key(title), title
