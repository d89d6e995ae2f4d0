"""Impressum (warnings while a required detail is missing) and the privacy notice (written
from the settings the code uses)."""

import pytest

from publicbody.impressum import missing_fields
from publicbody.models import ImpressumPage

from .factories import make_impressum, make_privacy_notice

pytestmark = pytest.mark.django_db

COMPLETE = {
    "provider_name": "Landkreis Testland",
    "postal_address": "Marktplatz 1\n12345 Teststadt",
    "email": "info@testland.example",
    "phone": "01234 5678",
    "legal_representative": "Landrätin Erika Muster",
    "supervisory_authority": "Ministerium des Innern des Landes",
    "responsible_person": "Max Muster, Jugendamt",
    "responsible_address": "Marktplatz 1\n12345 Teststadt",
}


def test_a_complete_impressum_renders_every_detail(client, home_page):
    page = make_impressum(home_page, **COMPLETE)
    html = client.get(page.url).content.decode()
    for value in (
        "Landkreis Testland",
        "Landrätin Erika Muster",
        "info@testland.example",
        "01234 5678",
        "Ministerium des Innern",
        "§ 18 Abs. 2 MStV",
        "Max Muster",
    ):
        assert value in html
    assert missing_fields(page) == []


def test_a_second_contact_is_phone_or_form():
    page = ImpressumPage(**(COMPLETE | {"phone": ""}))
    assert missing_fields(page) == ["Telefon oder Kontaktformular"]
    page.contact_form_url = "https://testland.example/kontakt/"
    assert missing_fields(page) == []


def test_the_admin_warns_but_saves_an_incomplete_impressum(admin_client, home_page):
    from wagtail.test.utils.form_data import nested_form_data

    response = admin_client.post(
        f"/admin/pages/add/publicbody/impressumpage/{home_page.pk}/",
        nested_form_data({"title": "Impressum", "slug": "impressum", "email": "a@example.org"}),
        follow=True,
    )
    assert ImpressumPage.objects.filter(slug="impressum").exists()
    html = response.content.decode()
    assert "Im Impressum fehlen Pflichtangaben" in html
    assert "Vertreten durch" in html


def test_the_privacy_notice_names_the_retention_settings(client, home_page, settings):
    page = make_privacy_notice(home_page, supervisory_authority="Landesbeauftragte für Datenschutz")
    settings.REGISTRATION_RETENTION_DAYS = 180
    settings.BARRIER_REPORT_RETENTION_DAYS = 365
    html = client.get(page.url).content.decode()
    assert "anonymisiert 180 Tage nach dem Ende der Veranstaltung" in html
    assert "365 Tage nach der Antwort" in html
    assert "Landesbeauftragte für Datenschutz" in html
    assert "Double-Opt-in" in html and "Server-Protokolle" in html
    settings.REGISTRATION_RETENTION_DAYS = 90
    settings.BARRIER_REPORT_RETENTION_DAYS = 60
    html = client.get(page.url).content.decode()
    assert "anonymisiert 90 Tage" in html and "60 Tage nach der Antwort" in html
    assert "180 Tage" not in html


def test_the_privacy_notice_names_certificate_retention_and_anonymous_feedback(
    client, home_page, settings
):
    page = make_privacy_notice(home_page)
    settings.KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS = 3650
    html = client.get(page.url).content.decode()
    assert "Teilnahmebescheinigungen" in html
    assert "3650 Tage nach der Ausstellung" in html
    assert "von Anfang an anonym" in html and "nicht mit Ihrer Anmeldung verknüpft" in html
    settings.KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS = 1825
    html = client.get(page.url).content.decode()
    assert "1825 Tage nach der Ausstellung" in html and "3650 Tage" not in html


def test_the_privacy_notice_names_the_signing_invitation_retention(client, home_page, settings):
    """The members app's signing invitations (an address per invitee) are a processing of
    their own, with the period `members.privacy` deletes them after."""
    page = make_privacy_notice(home_page)
    settings.KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS = 365
    html = client.get(page.url).content.decode()
    assert "Einladungen zur Online-Unterzeichnung" in html
    assert "365 Tage nach der letzten E-Mail" in html
    settings.KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS = 90
    html = client.get(page.url).content.decode()
    assert "90 Tage nach der letzten E-Mail" in html and "365 Tage nach der letzten" not in html
