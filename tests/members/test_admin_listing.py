"""The admin's list of member organisations: German order, columns, filters, search."""

import datetime
import re

import pytest
from django.urls import reverse

from kinderschutz_cms.collation import german_sort_key

from .factories import (
    GERMAN_TITLES,
    make_agreement,
    make_contact,
    make_member,
    make_signatory,
    sector,
)

pytestmark = pytest.mark.django_db

URL = "/admin/members/list/"


def titles_in_order(html, names):
    return sorted(names, key=html.index)


def test_german_sort_key_puts_umlauts_with_their_base_letter():
    names = ["Zander", "Öztürk", "Otto", "Oberhaus", "Straße", "Strasse B", "ärztlich"]
    assert sorted(names, key=german_sort_key) == [
        "ärztlich",
        "Oberhaus",
        "Otto",
        "Öztürk",
        "Straße",
        "Strasse B",
        "Zander",
    ]


def test_members_are_listed_in_german_order_with_sector_town_signed_checked(
    admin_client, home_page
):
    from .factories import make_member_index

    index = make_member_index(home_page)
    agreement = make_agreement(home_page, valid_from=datetime.date(2020, 1, 1))
    zander = make_member(index, title="Zander Jugendhilfe", town="Lindenau")
    oeztuerk = make_member(index, title="Öztürk Beratung", town="Oberdorf", sector=sector("schule"))
    make_member(index, title="Otto-Kita", town="Musterstadt")
    make_signatory(page=agreement, member=oeztuerk)
    make_contact(page=zander, last_checked=datetime.date(2025, 9, 1))

    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert titles_in_order(html, ["Zander Jugendhilfe", "Öztürk Beratung", "Otto-Kita"]) == [
        "Otto-Kita",
        "Öztürk Beratung",
        "Zander Jugendhilfe",
    ]
    assert reverse("wagtailadmin_pages:edit", args=[zander.pk]) in html
    assert "Oberdorf" in html and "Schule" in html
    assert "Aktuelle Vereinbarung unterzeichnet" in html
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Zander Jugendhilfe.*?</tr>", html, re.S).group(0)
    assert "01.09.2025" in row or "Sept. 1, 2025" in row or "1. September 2025" in row


def test_members_filter_by_signed_and_sector_and_search(admin_client, home_page):
    from .factories import make_member_index

    index = make_member_index(home_page)
    agreement = make_agreement(home_page, valid_from=datetime.date(2020, 1, 1))
    signed = make_member(index, title="Hat unterschrieben")
    make_member(index, title="Fehlt noch", sector=sector("schule"))
    make_signatory(page=agreement, member=signed)

    html = admin_client.get(URL, {"signed": "false"}).content.decode()
    assert "Fehlt noch" in html and "Hat unterschrieben" not in html
    html = admin_client.get(URL, {"signed": "true"}).content.decode()
    assert "Hat unterschrieben" in html and "Fehlt noch" not in html
    html = admin_client.get(URL, {"sector": sector("schule").pk}).content.decode()
    assert "Fehlt noch" in html and "Hat unterschrieben" not in html
    html = admin_client.get(URL, {"q": "Fehlt"}).content.decode()
    assert "Fehlt noch" in html and "Hat unterschrieben" not in html


def test_members_listing_is_in_the_network_menu(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert URL in html


def _network(number):
    """Another network: a home page of its own Site, with a directory, a member who
    signed its current agreement, and a superseded older version."""
    from wagtail.models import Page, Site

    from kinderschutz_cms.models import NetworkHomePage

    from .factories import make_member_index

    home = NetworkHomePage(title=f"Netzwerk {number}", slug=f"netz-{number}")
    Page.get_first_root_node().add_child(instance=home)
    Site.objects.create(hostname=f"netz{number}.test", port=80, root_page=home)
    old = make_agreement(home, valid_from=datetime.date(2020, 1, 1))
    agreement = make_agreement(home, valid_from=datetime.date(2022, 1, 1), supersedes=old)
    member = make_member(make_member_index(home), title=f"Kita {number}")
    make_signatory(page=agreement, member=member)
    make_signatory(page=old, member=make_member(member.get_parent(), title=f"Alt {number}"))
    return member


def test_members_listing_queries_do_not_grow_with_the_sites(
    admin_client, home_page, django_assert_max_num_queries
):
    """Issue #19: the current agreement of every site was one query per site (a Land:
    50); now the same number of queries for one site as for three, and each member is
    measured against its own site's current agreement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    members = [_network(1)]
    admin_client.get(URL, {"signed": "true"})
    with CaptureQueriesContext(connection) as one_site:
        admin_client.get(URL, {"signed": "true"})
    one_site_queries = len(one_site.captured_queries)  # before the next request resets them
    members += [_network(2), _network(3)]
    admin_client.get(URL, {"signed": "true"})

    with django_assert_max_num_queries(one_site_queries):
        html = admin_client.get(URL, {"signed": "true"}).content.decode()
    for member in members:
        assert f"Kita {member.get_parent().get_parent().title.split()[-1]}" in html
    assert "Alt 1" not in html


def test_members_listing_stays_under_100_kb_and_does_not_grow_with_the_members(
    admin_client, home_page
):
    """Issue #19: 50 rows, each with Wagtail's "More" dropdown, were 290 KB; now a page
    of 20 rows without the dropdown, the same size for one page of members as for three,
    under 100 KB (Wagtail's frame is about 65 KB of it)."""
    from members.admin_listing import MemberIndexView
    from members.models import MemberPage
    from tests.bulk import bulk_add_children

    from .factories import make_member_index

    index = make_member_index(home_page)
    per_page = MemberIndexView.paginate_by
    sizes = []
    for start, count in ((0, per_page + 1), (per_page + 1, 2 * per_page)):
        bulk_add_children(
            index,
            [
                MemberPage(
                    title=f"Evangelische Kindertagesstätte Sonnenschein Musterstadt {n:04d}",
                    slug=f"kita-{n:04d}",
                    town="Musterstadt-Nord",
                )
                for n in range(start, start + count)
            ],
        )
        admin_client.get(URL)  # warm caches
        response = admin_client.get(URL)
        assert response.status_code == 200
        sizes.append(len(response.content))
    small, large = sizes
    assert large < 100_000, large
    assert abs(large - small) < 500, sizes  # the pagination's numbers, not a row more


def _row(html, title):
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(title)}.*?</tr>", html, re.S).group(0)


def _signed(html, title):
    row = _row(html, title)
    assert ("icon-check" in row) != ("icon-cross" in row), row
    return "icon-check" in row


def test_umlauts_and_sharp_s_sort_as_the_german_key(admin_client, index_page):
    names = GERMAN_TITLES
    for name in names:
        make_member(index_page, title=name)

    html = admin_client.get(URL).content.decode()
    assert titles_in_order(html, names) == sorted(names, key=german_sort_key)
    html = admin_client.get(URL, {"ordering": "-sort_title"}).content.decode()
    assert titles_in_order(html, names) == sorted(names, key=german_sort_key, reverse=True)


def test_equal_titles_are_paginated_in_page_id_order(admin_client, index_page):
    """No member on two pages, none left out: ties are broken by id, either direction."""
    from members.admin_listing import MemberIndexView

    per_page = MemberIndexView.paginate_by
    members = [
        make_member(index_page, title="Kita Regenbogen", slug=f"kita-regenbogen-{n}")
        for n in range(per_page + 3)
    ]
    ids = [m.pk for m in members]
    for ordering, expected in (("sort_title", ids), ("-sort_title", ids[::-1])):
        seen = []
        for page in (1, 2):
            html = admin_client.get(URL, {"ordering": ordering, "p": page}).content.decode()
            seen += [int(pk) for pk in re.findall(r"/admin/pages/(\d+)/edit/", html)]
        assert seen == expected, ordering


def test_the_signed_column_is_each_members_own_sites_current_agreement(admin_client, home_page):
    """Two networks, each with a superseded and a current version: a member counts as
    signed only with its own site's current version, not with the older one, and not once
    withdrawn; a site without an agreement has nobody signed. (Signing another site's
    agreement is refused by the signature form, `members.forms.SignatoryForm`.)"""
    from .factories import make_member_index

    ours = _network(1)
    _network(2)
    index = ours.get_parent()
    own_current = ours.signatures.get().page
    withdrawn = make_member(index, title="Kita Ausgetreten")
    make_signatory(page=own_current, member=withdrawn, withdrawn_on=datetime.date(2024, 1, 1))
    make_member(make_member_index(home_page), title="Kita Ohne Vereinbarung")

    html = admin_client.get(URL).content.decode()
    assert _signed(html, "Kita 1") and _signed(html, "Kita 2")
    for title in ("Alt 1", "Alt 2", "Kita Ausgetreten", "Kita Ohne Vereinbarung"):
        assert not _signed(html, title), title
    unsigned = admin_client.get(URL, {"signed": "false"}).content.decode()
    assert "Kita Ausgetreten" in unsigned and "Alt 2" in unsigned
    assert "Kita 1" not in unsigned and "Kita 2" not in unsigned


def _bulk_members(index, start, count):
    """Members written raw (tests.bulk), their sort key with them: a raw insert skips the
    field's pre_save, as bench/landkit.py's does."""
    from members.models import MemberPage
    from tests.bulk import bulk_add_children

    titles = [f"Kita {'Ä' if n % 2 else 'Z'}{n:04d}" for n in range(start, start + count)]
    return bulk_add_children(
        index,
        [
            MemberPage(title=t, slug=f"kita-{n}", sort_title=german_sort_key(t))
            for n, t in enumerate(titles, start)
        ],
    )


def test_members_listing_queries_do_not_grow_with_the_members(
    admin_client, index_page, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _bulk_members(index_page, 0, 21)
    admin_client.get(URL)
    with CaptureQueriesContext(connection) as small:
        first = admin_client.get(URL).content.decode()
    small_queries = len(small.captured_queries)  # before the next request resets them
    _bulk_members(index_page, 21, 80)
    admin_client.get(URL)
    with django_assert_num_queries(small_queries):
        html = admin_client.get(URL).content.decode()
    assert "Kita Ä0001" in first and "Kita Ä0001" in html  # Ä sorts with A, before Z
    assert "Kita Z0000" not in html


def _listing_plans(client, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params or {}).status_code == 200
    plans = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans[query["sql"]] = " | ".join(str(row[-1]) for row in cursor.fetchall())
    return plans


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "sqlite", reason="SQLite's query plan"
)
@pytest.mark.parametrize("ordering", ["sort_title", "-sort_title"])
def test_the_page_of_members_is_read_from_the_title_index(admin_client, home_page, ordering):
    """Issue #19: the page of 20 members is read in order from `members_member_sort_title_idx`,
    not all members sorted first (a temporary B-tree over a Land's 5,000), and the sites'
    current agreements from the agreement table, not found among every page of every
    site through one path range per site."""
    members = [_network(n) for n in (1, 2, 3)]
    _bulk_members(members[0].get_parent(), 100, 30)
    plans = _listing_plans(admin_client, {"ordering": ordering})

    [listing] = [
        plan
        for sql, plan in plans.items()
        if 'FROM "members_memberpage"' in sql and "LIMIT" in sql and "COUNT(" not in sql[:30]
    ]
    assert "members_member_sort_title_idx" in listing, listing
    assert "TEMP B-TREE" not in listing, listing
    [agreements] = [plan for sql, plan in plans.items() if 'FROM "members_agreementpage"' in sql]
    assert "MULTI-INDEX OR" not in agreements and "sqlite_autoindex_wagtailcore_page_1" not in (
        agreements
    ), agreements


def _editor(django_user_model, name, *grants):
    """A user whose group has `grants`, (page, codename) pairs, and admin access."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name=f"Gruppe {name}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for page, codename in grants:
        GroupPagePermission.objects.create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                codename=codename, content_type__app_label="wagtailcore"
            ),
        )
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(group)
    return user


def test_editors_see_the_members_they_may_explore(client, home_page, django_user_model):
    """As Wagtail's explorable pages: at or below a page with add, change, publish, lock,
    unlock or bulk delete permission; a coordinator of one network sees its members only,
    the maintainer with rights on one member page that page only, a viewer nothing."""
    from .factories import make_member_index

    ours = make_member(make_member_index(home_page), title="Kita Eigene")
    theirs = _network(2)
    coordinator = _editor(django_user_model, "koord", (home_page, "publish_page"))
    maintainer = _editor(django_user_model, "pflege", (theirs, "change_page"))
    viewer = _editor(django_user_model, "leser", (home_page, "view_page"))

    for user, visible in (
        (coordinator, {ours.title}),
        (maintainer, {theirs.title}),
        (viewer, set()),
    ):
        client.force_login(user)
        html = client.get(URL).content.decode()
        shown = {title for title in (ours.title, theirs.title, "Alt 2") if title in html}
        assert shown == visible, user.username


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "sqlite", reason="SQLite's query plan"
)
def test_a_coordinators_members_are_read_from_the_path_index(client, django_user_model):
    """Issue #19: Wagtail's filter (`id IN (pages with path LIKE ...)`) read every page of
    every site, twice per request; the members of a coordinator's site are a range of the
    indexed tree path."""
    members = [_network(n) for n in (1, 2, 3)]
    home = members[1].get_parent().get_parent()
    client.force_login(_editor(django_user_model, "koord", (home, "change_page")))
    plans = _listing_plans(client)
    member_plans = [plan for sql, plan in plans.items() if 'FROM "members_memberpage"' in sql]
    in_range = [plan for sql, plan in plans.items() if '"wagtailcore_page"."path" >=' in sql]
    assert len(in_range) == 2  # the count and the page of rows
    for plan in member_plans:
        assert not re.search(r"SCAN (wagtailcore_page|V0)\b", plan), plan
    for plan in in_range:
        assert "sqlite_autoindex_wagtailcore_page_1 (path>? AND path<?)" in plan, plan
