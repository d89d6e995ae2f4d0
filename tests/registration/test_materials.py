"""Materials for participants only: on the personal link of confirmed registrations and
in the coordination's follow-up mail, never on the public page; Wagtail's own document
URL refuses such a document to anonymous visitors."""

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from registrations.models import ParticipantMaterial, Registration
from registrations.services import booking
from registrations.tokens import personal_path

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(index):
    event = make_registration_event(index, "Fachtag Schutzkonzepte", capacity=1)
    booking.register(event, service_data(first_name="Elif", last_name="Öztürk"))
    booking.register(event, service_data(email="warte@example.org", last_name="Warte"))
    document = get_document_model().objects.create(
        title="Folien", file=ContentFile(b"%PDF-1.4 folien", name="folien.pdf")
    )
    ParticipantMaterial.objects.create(page=event, title="Folien zum Vortrag", document=document)
    ParticipantMaterial.objects.create(
        page=event, title="Padlet", url="https://padlet.example/fachtag"
    )
    return event


def test_only_confirmed_participants_get_the_materials(client, event):
    material = ParticipantMaterial.objects.get(title="Folien zum Vortrag")
    confirmed = Registration.objects.get(last_name="Öztürk")
    waiting = Registration.objects.get(last_name="Warte")
    page = client.get(personal_path(confirmed)).content.decode()
    assert "Folien zum Vortrag" in page and "https://padlet.example/fachtag" in page
    download = client.get(personal_path(confirmed) + f"unterlagen/{material.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 folien"
    assert "Folien zum Vortrag" not in client.get(personal_path(waiting)).content.decode()
    refused = client.get(personal_path(waiting) + f"unterlagen/{material.pk}/")
    assert refused.status_code == 404


def test_the_public_page_and_the_public_document_url_do_not_give_them_away(admin_client, event):
    client = Client()  # anonymous (admin_client logs in the `client` fixture)
    public = client.get(event.url).content.decode()
    assert "Folien zum Vortrag" not in public and "padlet.example" not in public
    document = ParticipantMaterial.objects.get(title="Folien zum Vortrag").document
    refused = client.get(document.url)
    assert refused.status_code == 403
    assert "nur den Teilnehmenden" in refused.content.decode()
    assert admin_client.get(document.url).status_code == 200  # editors still see it


def test_a_public_document_stays_public(client, event):
    other = get_document_model().objects.create(
        title="Programm", file=ContentFile(b"programm", name="programm.pdf")
    )
    assert client.get(other.url).status_code == 200


def test_the_coordination_sends_the_materials_link_to_confirmed_participants(
    admin_client, event, django_capture_on_commit_callbacks
):
    url = f"/admin/registrations/unterlagen/{event.pk}/"
    assert url in admin_client.get("/admin/registrations/", {"event": event.pk}).content.decode()
    assert "1 bestätigte Person" in admin_client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)
    assert [m.to for m in mail.outbox] == [[Registration.objects.get(last_name="Öztürk").email]]
    assert "Folien zum Vortrag" in mail.outbox[0].body
    assert "/anmeldung/" in mail.outbox[0].body
