"""Signatures as rows of their own (issue #19): the agreement editor and publish at 25 and
2,500 signatures, the public agreement page at both sizes, the admin's "Unterzeichnungen"
(filters, search, export, bulk actions, scope) and the data migration."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from members.choices import SigningMethod
from members.models import MemberPage, Signatory
from tests.bulk import bulk_add_children

from .factories import make_agreement, make_member, make_signatory, sector

pytestmark = pytest.mark.django_db

SMALL, LARGE = 25, 2500


def _members(index, count):
    sectors = [sector("schule"), sector("sonstige")]
    return bulk_add_children(
        index,
        [
            MemberPage(
                title=f"Mitglied {i:04d}",
                slug=f"mitglied-{i:04d}",
                sector=sectors[i % 2],
                town="Musterstadt",
            )
            for i in range(count)
        ],
    )


def _sign(agreement, members):
    Signatory.objects.bulk_create(
        Signatory(
            page=agreement,
            member=member,
            signed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300),
            signed_by_name=f"Person {n}",
            sort_order=n,
        )
        for n, member in enumerate(members)
    )


def _measure(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return response, len(ctx.captured_queries)


def _publish_data(agreement):
    return nested_form_data(
        {
            "title": agreement.title,
            "slug": agreement.slug,
            "version": agreement.version,
            "valid_from": agreement.valid_from.isoformat(),
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


@pytest.fixture
def sizes(home_page, index_page):
    """Two live agreements of the same site, signed by 25 and by 2,500 members."""
    members = _members(index_page, LARGE)
    small = make_agreement(home_page, slug="klein", valid_from=datetime.date(2020, 1, 1))
    large = make_agreement(home_page, slug="gross", valid_from=datetime.date(2020, 1, 1))
    for agreement in (small, large):
        agreement.save_revision().publish()
    _sign(small, members[:SMALL])
    _sign(large, members)
    return small, large


def test_agreement_edit_and_publish_do_not_grow_with_signatures(admin_client, sizes):
    """At 2,500 signatures the editor was 5,036 queries and 43.6 MB, a publish 9,000
    queries: now both are the same at 25 and at 2,500, and small."""
    figures = {}
    for agreement in sizes:
        edit_url = reverse("wagtailadmin_pages:edit", args=(agreement.pk,))
        admin_client.get(edit_url)  # warm caches
        edit, edit_queries = _measure(admin_client, "get", edit_url)
        assert edit.status_code == 200
        admin_client.post(edit_url, _publish_data(agreement))  # warm caches
        published, publish_queries = _measure(
            admin_client, "post", edit_url, _publish_data(agreement)
        )
        assert published.status_code == 302, published.content.decode()[:2000]
        figures[agreement.slug] = (edit_queries, publish_queries, len(edit.content))
    (edit_s, publish_s, bytes_s), (edit_l, publish_l, bytes_l) = (
        figures["klein"],
        figures["gross"],
    )
    # the same up to a few queries of Wagtail's and the frame's caches between the two
    # agreements (was 136 -> 5,036 queries and 43.6 MB at 2,500 signatures)
    assert abs(edit_l - edit_s) <= 5 and edit_l < 100
    # the same up to a few queries of Wagtail's own caches (was 9,000 at 2,500 signatures)
    assert abs(publish_l - publish_s) <= 5 and publish_l < 150
    assert abs(bytes_l - bytes_s) < 100  # a count differs, not a row per signature
    large = sizes[1]
    assert large.signatories.count() == LARGE  # the publish kept every signature


def test_public_agreement_page_stays_small_at_both_sizes(client, sizes):
    figures = []
    for agreement in sizes:
        client.get(agreement.url)
        response, queries = _measure(client, "get", agreement.url)
        assert response.status_code == 200
        figures.append((queries, len(response.content)))
    (queries_s, _bytes_s), (queries_l, bytes_l) = figures
    assert queries_l == queries_s <= 10
    assert bytes_l < 100_000
    assert "2500 Organisationen haben unterzeichnet" in client.get(sizes[1].url).content.decode()


def test_signature_listing_queries_do_not_grow(admin_client, sizes):
    url = reverse("members_signatures:list")
    counts = []
    for agreement in sizes:
        admin_client.get(url, {"agreement": agreement.pk})
        response, queries = _measure(admin_client, "get", url + f"?agreement={agreement.pk}")
        assert response.status_code == 200
        counts.append(queries)
    assert counts[0] == counts[1]


def test_site_filter_finds_each_sites_pages_through_the_path_index(
    django_user_model, home_page, index_page
):
    """The "Website" filter's options (`visible_sites`) look up each site's pages as a
    range of the indexed tree path: at a Land's 50 sites the former `path LIKE root_path
    || '%'` scanned every page once per site (0.5 s, twice per signature listing)."""
    from members.reports import visible_sites

    other_home = Page.get_first_root_node().add_child(
        instance=type(home_page)(title="Anderes Netzwerk", slug="anders")
    )
    make_agreement(other_home, slug="fremd", version="9.0")
    Site.objects.create(hostname="anders.test", root_page=other_home, site_name="Anders")
    group = Group.objects.create(name="Koordination Anders")
    GroupPagePermission.objects.create(
        group=group, page=other_home, permission=Permission.objects.get(codename="change_page")
    )
    coordinator = django_user_model.objects.create_user("anders", password="x")
    coordinator.groups.add(group)
    admin = django_user_model.objects.create_superuser("admin-sites", password="x")

    assert [s.root_page_id for s in visible_sites(coordinator)] == [other_home.pk]
    assert other_home.pk in {s.root_page_id for s in visible_sites(admin)}
    assert visible_sites(admin).count() == Site.objects.count()
    if connection.vendor != "sqlite":
        # PostgreSQL's planner may read a table this small whole: the plan part is
        # SQLite's, reported as skipped, not as passed
        pytest.skip("SQLite's query plan (the other assertions ran)")
    for user in (admin, coordinator):
        sql, params = visible_sites(user).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
        inner = [step for step in plan if " U0" in step]
        assert inner and all("(path>? AND path<?)" in step for step in inner), plan


# --------------------------------------------------------------------------- the listing


@pytest.fixture
def signed(home_page, index_page):
    kita = make_member(index_page, title="Kita Sonnenschein", sector=sector("schule"))
    school = make_member(index_page, title="Grundschule Am Park")
    old = make_agreement(home_page, slug="v1", version="1.0")
    new = make_agreement(home_page, slug="v2", version="2.0", supersedes=old)
    rows = {
        "kita_old": make_signatory(page=old, member=kita, signed_on=datetime.date(2021, 5, 1)),
        "kita_new": make_signatory(page=new, member=kita, signed_on=datetime.date(2025, 5, 1)),
        "school_new": make_signatory(
            page=new,
            member=school,
            signed_on=datetime.date(2025, 7, 1),
            method=SigningMethod.ONLINE,
            signed_by_name="=HYPERLINK()",
        ),
    }
    return {"old": old, "new": new, "kita": kita, "school": school, **rows}


def _listed(response):
    html = response.content.decode()
    return sorted(t for t in ("Kita Sonnenschein", "Grundschule Am Park") if t in html)


def test_listing_filters_and_search(admin_client, signed):
    url = reverse("members_signatures:list")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Kooperationsvereinbarung Kinderschutz, Fassung 2.0" in response.content.decode()
    assert _listed(admin_client.get(url, {"agreement": signed["old"].pk})) == ["Kita Sonnenschein"]
    assert _listed(admin_client.get(url, {"method": "online"})) == ["Grundschule Am Park"]
    dates = {"signed_on_from": "2025-06-01", "signed_on_to": "2025-12-31"}
    assert _listed(admin_client.get(url, dates)) == ["Grundschule Am Park"]
    assert _listed(admin_client.get(url, {"q": "sonnen"})) == ["Kita Sonnenschein"]
    Signatory.objects.filter(pk=signed["kita_new"].pk).update(withdrawn_on=datetime.date.today())
    withdrawn = admin_client.get(url, {"withdrawn": "true", "agreement": signed["new"].pk})
    assert _listed(withdrawn) == ["Kita Sonnenschein"]


def test_listing_exports_csv_and_xlsx(admin_client, signed):
    url = reverse("members_signatures:list")
    response = admin_client.get(url, {"export": "csv", "agreement": signed["new"].pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Netzwerkpartner", "Vereinbarung", "Fassung", "Unterzeichnet am"]
    assert sorted(r[0] for r in rows[1:]) == ["Grundschule Am Park", "Kita Sonnenschein"]
    assert "'=HYPERLINK()" in text  # formulas neutralised
    xlsx = admin_client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _bulk_url(action, ids, next_url="/admin/"):
    query = "&".join(f"id={pk}" for pk in ids)
    url = reverse("wagtail_bulk_action", args=("members", "signatory", action))
    return f"{url}?{query}&next={next_url}"


def test_bulk_withdraw_and_delete(admin_client, signed, home_page):
    from kinderschutz_cms import home

    assert home.member_stats(home_page).signatories == 2  # cached now
    ids = [signed["kita_new"].pk, signed["school_new"].pk]
    url = _bulk_url("withdraw", ids)
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "Kita Sonnenschein" in confirm.content.decode()
    response = admin_client.post(url, {"withdrawn_on": "2026-03-01"})
    assert response.status_code == 302
    withdrawn = Signatory.objects.filter(withdrawn_on=datetime.date(2026, 3, 1))
    assert sorted(withdrawn.values_list("pk", flat=True)) == sorted(ids)
    assert Signatory.objects.get(pk=signed["kita_old"].pk).withdrawn_on is None
    assert home.member_stats(home_page).signatories == 0

    response = admin_client.post(_bulk_url("delete", [signed["kita_old"].pk]))
    assert response.status_code == 302
    assert not Signatory.objects.filter(pk=signed["kita_old"].pk).exists()
    assert Signatory.objects.count() == 2


def test_coordination_group_has_the_permissions():
    group = Group.objects.get(name="Koordination")
    codenames = set(
        group.permissions.filter(content_type__app_label="members").values_list(
            "codename", flat=True
        )
    )
    assert {"view_signatory", "add_signatory", "change_signatory", "delete_signatory"} <= codenames


def test_a_coordinator_of_one_part_of_the_tree_sees_only_its_signatures(
    client, django_user_model, home_page, index_page, signed
):
    """Scope as the reports: signatures of agreements whose pages the user may work on."""
    other_home = Page.get_first_root_node().add_child(
        instance=type(home_page)(title="Anderes Netzwerk", slug="anders")
    )
    foreign = make_agreement(other_home, slug="fremd", version="9.0")
    foreign_row = make_signatory(page=foreign, member=signed["kita"])
    group = Group.objects.create(name="Koordination Testland")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="members", codename__endswith="_signatory"
        ),
    )
    GroupPagePermission.objects.create(
        group=group, page=home_page, permission=Permission.objects.get(codename="change_page")
    )
    user = django_user_model.objects.create_user("koordination", password="x")
    user.groups.add(group)
    client.force_login(user)
    url = reverse("members_signatures:list")
    html = client.get(url).content.decode()
    assert "Fassung 2.0" in html and "Fassung 9.0" not in html
    assert client.get(reverse("members_signatures:edit", args=[foreign_row.pk])).status_code in (
        302,
        403,
    )
    response = client.post(_bulk_url("withdraw", [foreign_row.pk]), {"withdrawn_on": "2026-03-01"})
    assert Signatory.objects.get(pk=foreign_row.pk).withdrawn_on is None, response.status_code
    response = client.post(
        reverse("members_signatures:add"),
        {
            "page": str(foreign.pk),
            "member": str(signed["school"].pk),
            "signed_on": "2026-01-01",
            "method": "paper",
        },
    )
    assert response.status_code == 200
    assert not Signatory.objects.filter(page=foreign, member=signed["school"]).exists()


# --------------------------------------------------------------------------- migration


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_every_signature(home_page, index_page):
    """Back to the inline model (0005) and forward again: every row with its fields and
    order is still there, and the coordination group gets its permissions."""
    from django.core.management import call_command

    kita = make_member(index_page, title="Kita")
    school = make_member(index_page, title="Schule")
    agreement = make_agreement(home_page, slug="migration")
    make_signatory(page=agreement, member=kita, sort_order=1, signed_by_function="Leitung")
    make_signatory(
        page=agreement,
        member=school,
        sort_order=0,
        method=SigningMethod.ONLINE,
        withdrawn_on=datetime.date(2026, 1, 1),
    )
    fields = [f.attname for f in Signatory._meta.concrete_fields]
    before = list(Signatory.objects.order_by("pk").values_list(*fields))

    call_command("migrate", "members", "0005", verbosity=0)
    call_command("migrate", "members", verbosity=0)

    assert list(Signatory.objects.order_by("pk").values_list(*fields)) == before
    assert [s.member for s in agreement.signatories.all()] == [school, kita]


def test_signature_listing_stays_under_100_kb_and_does_not_grow(
    admin_client, home_page, index_page
):
    """Issue #19: 50 rows with relative dates in tooltip buttons and a `<select>` of every
    agreement version were 116 KB at a Land's size; now a page of 30 rows with the dates as
    text and the agreement chosen with the page chooser, the same size for one page of
    signatures as for three, under 100 KB."""
    from members.admin_signatures import SignatureViewSet

    per_page = SignatureViewSet.list_per_page
    url = reverse("members_signatures:list")
    members = _members(index_page, 3 * per_page)
    sizes = []
    for number, count in ((1, per_page + 1), (2, 3 * per_page)):
        agreement = make_agreement(home_page, slug=f"fassung-{number}", version=f"{number}.0")
        _sign(agreement, members[:count])
        Signatory.objects.filter(page=agreement).update(
            signed_by_name="Dr. Maria Mustermann-Schulze",
            withdrawn_on=datetime.date(2026, 1, 31),
        )
        admin_client.get(url, {"agreement": agreement.pk})  # warm caches
        response = admin_client.get(url, {"agreement": agreement.pk})
        assert response.status_code == 200
        sizes.append(len(response.content))
    small, large = sizes
    assert large < 100_000, large
    assert abs(large - small) < 500, sizes  # the pagination's numbers, not a row more


def test_signature_listing_reads_its_rows_in_date_order_from_an_index(
    admin_client, home_page, index_page
):
    """The listing's default order starts with the signing date: the rows of a page are
    read through the date index (only ties are sorted), not all signatures of a Land
    sorted for every page. (More rows than a page: for a LIMIT of a handful SQLite
    prefers another plan.)"""
    from members.admin_signatures import SignatureViewSet

    agreement = make_agreement(home_page, slug="fassung", version="1.0")
    _sign(agreement, _members(index_page, SignatureViewSet.list_per_page + 1))
    url = reverse("members_signatures:list")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(url).status_code == 200
    (rows,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "members_signatory"."id"') and " LIMIT " in q["sql"]
    ]
    if connection.vendor != "sqlite":
        # the plan part is SQLite's; the captured SQL of other backends is not runnable
        # as it stands: reported as skipped, not as passed
        pytest.skip("SQLite's query plan (the other assertions ran)")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + rows)
        plan = [row[-1] for row in cursor.fetchall()]
    assert "SCAN members_signatory USING INDEX members_sig_signed_on_idx" in plan, plan
