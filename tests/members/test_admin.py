"""The admin: creating and editing members and agreements, the sector snippet, the reports."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from members.models import AgreementPage, MemberPage

from .factories import (
    make_agreement,
    make_contact,
    make_member,
    make_signatory,
    sector,
)


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=("members", model, parent.pk))


def member_form(**overrides):
    data = {
        "title": "Familienzentrum Regenbogen",
        "slug": "familienzentrum-regenbogen",
        "sector": str(sector("kindertagesbetreuung").pk),
        "provider_name": "AWO Kreisverband Testland e. V.",
        "provider_kind": "independent",
        "street": "Lindenallee 4",
        "postcode": "31137",
        "town": "Lindenau",
        "district": "Oberdorf",
        "phone": "05121 4711",
        "email": "info@regenbogen.example",
        "website": "https://regenbogen.example/",
        "description": rich_text("<p>Kita und Familienzentrum.</p>"),
        "services": "Elternberatung, Kinder 3–6 Jahre",
        "concept_status": "none",
        "contact_persons": inline_formset(
            [
                {
                    "name": "Elif Öztürk",
                    "function": "Leitung",
                    "phone": "05121 4712",
                    "email": "oeztuerk@regenbogen.example",
                    "is_isef": "on",
                    "languages": "Deutsch, Türkisch",
                    "last_checked": "2025-09-01",
                },
                {"name": "Jonas Brandt", "function": "Stellvertretung"},
            ]
        ),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_create_member_with_contact_persons_through_the_admin(admin_client, index_page):
    response = admin_client.post(add_url("memberpage", index_page), member_form())

    assert response.status_code == 302, response.content.decode()[:3000]
    member = MemberPage.objects.get(slug="familienzentrum-regenbogen")
    assert member.live and member.get_parent().pk == index_page.pk
    assert member.sector.slug == "kindertagesbetreuung"
    assert sorted(t.name for t in member.services.all()) == ["Elternberatung", "Kinder 3–6 Jahre"]
    contacts = list(member.contact_persons.all())
    assert [(c.name, c.is_isef) for c in contacts] == [
        ("Elif Öztürk", True),
        ("Jonas Brandt", False),
    ]
    assert contacts[0].last_checked == datetime.date(2025, 9, 1)
    assert admin_client.get("/netzwerkpartner/familienzentrum-regenbogen/").status_code == 200


def test_member_form_rejects_bad_postcode_and_missing_sector_in_german(admin_client, index_page):
    response = admin_client.post(
        add_url("memberpage", index_page), member_form(postcode="1234", sector="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte geben Sie eine fünfstellige Postleitzahl ein." in html
    assert "Dieses Feld muss ausgefüllt werden." in html  # the missing sector
    assert not MemberPage.objects.filter(slug="familienzentrum-regenbogen").exists()


def test_edit_member_changes_contact_persons(admin_client, index_page):
    member = make_member(parent=index_page, title="Kita Pusteblume", slug="kita-pusteblume")
    old = make_contact(page=member, name="Alte Leitung", sort_order=0)
    data = member_form(
        title="Kita Pusteblume",
        slug="kita-pusteblume",
        contact_persons=inline_formset(
            [
                {"id": str(old.pk), "name": "Alte Leitung", "DELETE": "on"},
                {"name": "Neue Leitung", "is_isef": "on"},
            ],
            initial=1,
        ),
    )
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(member.pk,)), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert [(c.name, c.is_isef) for c in member.contact_persons.all()] == [("Neue Leitung", True)]
    assert member.town == "Lindenau"
    assert member.revisions.count() == 1


def test_create_agreement_then_its_signatures_through_the_admin(
    admin_client, home_page, index_page
):
    school = make_member(parent=index_page, title="Grundschule", sector=sector("schule"))
    kita = make_member(parent=index_page, title="Kita", sector=sector("schule"))
    old = make_agreement(parent=home_page, slug="v1")
    data = nested_form_data(
        {
            "title": "Kooperationsvereinbarung Kinderschutz",
            "slug": "kooperationsvereinbarung",
            "version": "2.0",
            "supersedes": str(old.pk),
            "legal_basis": "§ 3 KKG, § 4 KKG, § 8a SGB VIII",
            "adopted_on": "2025-02-19",
            "valid_from": "2025-04-01",
            "valid_until": "",
            "next_review": "2027-03-31",
            "intro": "Die aktuelle Fassung.",
            "body": streamfield(
                [
                    ("heading", {"text": "Ziele", "level": "h2"}),
                    ("paragraph", rich_text("<p>Text</p>")),
                ]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("members", "agreementpage", home_page.pk)), data
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = AgreementPage.objects.get(slug="kooperationsvereinbarung")
    assert agreement.supersedes == old
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=(agreement.pk,)))
    add = reverse("members_signatures:add") + f"?agreement={agreement.pk}"
    assert "0 gültige Unterzeichnungen" in edit.content.decode()
    assert add.replace("&", "&amp;") in edit.content.decode() or add in edit.content.decode()
    assert "signatories-TOTAL_FORMS" not in edit.content.decode()
    for member, signed_on, name in [
        (school, "2025-04-10", "Katrin Lange"),
        (kita, "2025-05-02", ""),
    ]:
        response = admin_client.post(
            add,
            {
                "page": str(agreement.pk),
                "member": str(member.pk),
                "signed_on": signed_on,
                "signed_by_name": name,
                "signed_by_function": "",
                "method": "paper",
                "withdrawn_on": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert [(s.member.title, s.signed_on) for s in agreement.signatories.order_by("signed_on")] == [
        ("Grundschule", datetime.date(2025, 4, 10)),
        ("Kita", datetime.date(2025, 5, 2)),
    ]
    assert agreement.body[0].value["text"] == "Ziele"
    assert (
        "2 Organisationen haben unterzeichnet"
        in admin_client.get("/kooperationsvereinbarung/").content.decode()
    )


def test_agreement_needs_valid_from(admin_client, home_page):
    data = nested_form_data(
        {
            "title": "Ohne Datum",
            "slug": "ohne-datum",
            "version": "1.0",
            "valid_from": "",
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("members", "agreementpage", home_page.pk)), data
    )
    assert response.status_code == 200
    assert not AgreementPage.objects.filter(slug="ohne-datum").exists()


def test_sector_snippet_listing_and_edit(admin_client):
    listing = admin_client.get(reverse("wagtailsnippets_members_sector:list"))
    assert listing.status_code == 200
    assert "Kindertagesbetreuung" in listing.content.decode()
    sector_obj = sector("sonstige")
    response = admin_client.post(
        reverse("wagtailsnippets_members_sector:edit", args=(sector_obj.pk,)),
        {"name": "Sonstige Partner", "slug": "sonstige", "sort_order": "120"},
    )
    assert response.status_code == 302
    sector_obj.refresh_from_db()
    assert sector_obj.name == "Sonstige Partner"


def test_admin_menu_has_network_group_and_reports(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    for label in ["Netzwerk", "Bereiche", "Ohne Unterschrift", "Netzwerkpartner ohne Unterschrift"]:
        assert label in html


@pytest.fixture
def signed_network(home_page, index_page):
    v1 = make_agreement(parent=home_page, slug="v1", valid_from=datetime.date(2021, 4, 1))
    v2 = make_agreement(
        parent=home_page, slug="v2", version="2.0", valid_from=datetime.date(2025, 4, 1),
        supersedes=v1, next_review=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip
    signed = make_member(parent=index_page, title="Unterschrieben", sector=sector("schule"))
    old = make_member(parent=index_page, title="Nur Fassung 1", sector=sector("schule"))
    never = make_member(
        parent=index_page, title="Nie", sector=sector("gesundheitswesen"), email="nie@example.org"
    )
    make_signatory(page=v2, member=signed)
    make_signatory(page=v1, member=old, signed_on=datetime.date(2021, 6, 7))
    make_contact(page=never, name="Miriam Husemann", is_isef=True)
    return {"v1": v1, "v2": v2, "signed": signed, "old": old, "never": never}


def _csv(response):
    """The rows of a CSV export, which must start with a UTF-8 BOM (Excel and umlauts)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_unsigned_members_report_and_csv(admin_client, signed_network):
    url = reverse("members_unsigned:index")
    response = admin_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ohne Unterschrift unter die aktuelle Vereinbarung" in html
    assert "Fassung 2.0" in html
    assert "Nur Fassung 1" in html and "Nie" in html
    assert "Unterschrieben" not in html.split("listing-results", 1)[1]

    rows = _csv(admin_client.get(url, {"export": "csv"}))
    assert rows[0] == [
        "Netzwerkpartner", "Bereich", "Träger", "Ort", "E-Mail", "Telefon", "Zuletzt unterzeichnet",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["Nie", "Nur Fassung 1"]
    assert rows[1][1] == "Gesundheitswesen" and rows[1][4] == "nie@example.org"
    assert rows[2][6] == "07.06.2021"

    filtered = _csv(admin_client.get(url, {"export": "csv", "sector": sector("schule").pk}))
    assert [r[0] for r in filtered[1:]] == ["Nur Fassung 1"]

    xlsx = admin_client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('netzwerkpartner-ohne-unterschrift.xlsx"')


def test_unsigned_members_report_without_current_agreement(admin_client, index_page):
    make_member(parent=index_page, title="Allein")
    html = admin_client.get(reverse("members_unsigned:index")).content.decode()
    assert "Es gibt keine aktuelle Kooperationsvereinbarung." in html


def test_reviews_due_report_and_csv(admin_client, home_page, signed_network):
    make_agreement(
        parent=home_page, slug="spaeter", title="Später",
        next_review=timezone.localdate() + datetime.timedelta(days=200),
    )  # fmt: skip
    url = reverse("members_reviews_due:index")
    rows = _csv(admin_client.get(url, {"export": "csv"}))
    assert rows[0][:3] == ["Vereinbarung", "Fassung", "Nächste Überprüfung"]
    assert [(r[1]) for r in rows[1:]] == ["2.0"]

    wide = _csv(admin_client.get(url, {"export": "csv", "within_days": "365"}))
    assert [r[0] for r in wide[1:]] == ["Kooperationsvereinbarung Kinderschutz", "Später"]

    for params in [{}, {"within_days": "30"}, {"within_days": "abc"}]:
        assert admin_client.get(url, params).status_code == 200
    results = admin_client.get(reverse("members_reviews_due:index_results"), {"within_days": "30"})
    assert "Kooperationsvereinbarung Kinderschutz" in results.content.decode()


def test_isef_report_and_csv(admin_client, signed_network):
    url = reverse("members_isef:index")
    assert "Miriam Husemann" in admin_client.get(url).content.decode()
    rows = _csv(admin_client.get(url, {"export": "csv"}))
    assert rows[1][0] == "Miriam Husemann" and rows[1][2] == "Nie"


def test_reports_need_page_permissions(client, django_user_model, signed_network):
    user = django_user_model.objects.create_user("leser", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for name in ["members_unsigned:index", "members_reviews_due:index", "members_isef:index"]:
        assert client.get(reverse(name)).status_code in (302, 403)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Ohne Unterschrift" not in html
    assert "Überprüfung fällig" not in html


def test_editors_with_page_permissions_see_the_reports(client, django_user_model, home_page):
    user = django_user_model.objects.create_user("redaktion", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    assert client.get(reverse("members_unsigned:index")).status_code == 200
    assert "Ohne Unterschrift" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_same_member_cannot_sign_one_version_twice(admin_client, home_page, index_page):
    member = make_member(parent=index_page, title="Doppelt")
    agreement = make_agreement(parent=home_page, slug="vereinbarung", version="1.0")
    make_signatory(page=agreement, member=member, signed_on=datetime.date(2025, 4, 10))
    response = admin_client.post(
        reverse("members_signatures:add"),
        {
            "page": str(agreement.pk),
            "member": str(member.pk),
            "signed_on": "2025-04-11",
            "method": "paper",
        },
    )
    assert response.status_code == 200
    assert agreement.signatories.count() == 1
    assert "existiert bereits" in response.content.decode()


def test_edit_agreement_keeps_its_signatures(admin_client, home_page, index_page):
    first = make_member(parent=index_page, title="Erste")
    agreement = make_agreement(parent=home_page, slug="vereinbarung", version="1.0")
    existing = make_signatory(page=agreement, member=first, signed_on=datetime.date(2021, 5, 1))
    data = nested_form_data(
        {
            "title": agreement.title,
            "slug": "vereinbarung",
            "version": "1.1",
            "valid_from": "2021-04-01",
            "next_review": "2026-01-31",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(agreement.pk,)), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    agreement.refresh_from_db()
    assert agreement.version == "1.1"
    assert agreement.next_review == datetime.date(2026, 1, 31)
    assert list(agreement.signatories.all()) == [existing]


def test_add_forms_render_with_german_panels(admin_client, home_page, index_page):
    member_form_html = admin_client.get(add_url("memberpage", index_page)).content.decode()
    assert "Ansprechpersonen" in member_form_html
    assert "Angebote und Zielgruppen" in member_form_html
    agreement_html = admin_client.get(
        reverse("wagtailadmin_pages:add", args=("members", "agreementpage", home_page.pk))
    ).content.decode()
    assert "Unterzeichnungen" in agreement_html
    assert "Nächste Überprüfung" in agreement_html


FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("report", "column"),
    [("members_unsigned:index", 0), ("members_reviews_due:index", 0), ("members_isef:index", 0)],
)
def test_report_csv_has_a_bom_and_neutralises_formulas(
    admin_client, signed_network, report, column
):
    """Every report's CSV goes through the admin's one export path (kinderschutz_cms.exports)."""
    make_member(parent=signed_network["never"].get_parent(), title=FORMULA)
    signed_network["v2"].title = FORMULA
    signed_network["v2"].save()
    make_contact(page=signed_network["never"], name=FORMULA, is_isef=True)

    response = admin_client.get(reverse(report), {"export": "csv"})

    cells = [row[column] for row in _csv(response)[1:]]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells


def test_reports_show_their_totals_above_the_table(admin_client, signed_network):
    html = admin_client.get(reverse("members_unsigned:index")).content.decode()
    assert "2 Netzwerkpartner ohne Unterschrift" in html
    html = admin_client.get(reverse("members_reviews_due:index")).content.decode()
    assert "1 Vereinbarung mit fälliger Überprüfung" in html
    html = admin_client.get(reverse("members_isef:index")).content.decode()
    assert "1 insoweit erfahrene Fachkraft" in html


def test_report_names_are_not_broken_mid_word(admin_client, signed_network):
    from django.contrib.staticfiles import finders

    html = admin_client.get(reverse("members_unsigned:index")).content.decode()
    assert 'class="ks-keep-words title"' in html
    assert "members/css/reports.css" in html
    css = Path(finders.find("members/css/reports.css")).read_text(encoding="utf-8")
    assert "td.ks-keep-words" in css and "word-break: normal" in css
    assert "overflow-wrap: normal" in css


def test_reviews_due_report_shows_the_review_date_in_words(admin_client, home_page):
    make_agreement(parent=home_page, slug="alt", next_review=datetime.date(2026, 3, 15))
    url = reverse("members_reviews_due:index")
    visible = re.compile(r">\s*15\. März 2026\s*<")  # as the cell's text, not a tooltip
    assert visible.search(admin_client.get(url).content.decode())

    admin_client.get(reverse("wagtailadmin_home"))
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_client.get(url).wsgi_request.user)
    profile.preferred_language = "en"
    profile.save()
    assert re.search(r">\s*March 15, 2026\s*<", admin_client.get(url).content.decode())


def test_sector_chooser_filters_by_a_search_query(admin_client, index_page):
    sector("schule"), sector("gesundheitswesen")
    form = admin_client.get(add_url("memberpage", index_page)).content.decode()
    assert reverse("wagtailsnippetchoosers_members_sector:choose") in form  # the member's field
    url = reverse("wagtailsnippetchoosers_members_sector:choose_results")
    html = admin_client.get(url, {"q": "schu"}).content.decode()
    assert "Schule" in html and "Gesundheitswesen" not in html
    modal = admin_client.get(reverse("wagtailsnippetchoosers_members_sector:choose"))
    assert 'name="q"' in modal.json()["html"]
