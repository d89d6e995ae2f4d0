"""Certificates of attendance: who gets one, the PDF's content (parsed with pypdf), the
public verification, bulk issuing as tasks, the download from the personal link,
retention after the registration's anonymisation."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks.signals import task_enqueued
from pypdf import PdfReader

from events.models import EventDate
from registrations.models import Certificate, CertificateBatch, Registration
from registrations.services import attendance, booking, certificates
from registrations.services.privacy import purge_expired
from registrations.tokens import personal_path
from tests.events.factories import at

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


def pdf_text(data):
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def training(index):
    """A training with two modules, units and points, and two confirmed participants."""
    event = make_registration_event(
        index,
        "Modulreihe Kinderschutz",
        capacity=10,
        teaching_units=Decimal("16"),
        cpd_points=Decimal("8.5"),
        dates=[(at(10, 9), at(10, 16)), (at(17, 9), at(17, 16))],
    )
    booking.register(event, service_data(first_name="Elif", last_name="Öztürk"))
    booking.register(
        event, service_data(first_name="Otto", last_name="Otten", email="otto@example.org")
    )
    for days, date in zip((-20, -13), event.dates.order_by("start"), strict=True):
        EventDate.objects.filter(pk=date.pk).update(start=at(days, 9), end=at(days, 16))
    return event


def test_only_people_present_at_every_date_of_a_multi_date_event_are_eligible(training):
    first, _second = training.dates.order_by("start")
    elif_, otto = Registration.objects.order_by("last_name")
    attendance.set_attendance(elif_, True)  # all dates
    attendance.set_attendance(otto, True, date_ids=[first.pk])  # one module only
    assert list(certificates.eligible(training)) == [elif_]


def test_the_pdf_states_name_event_units_and_a_number_that_the_page_confirms(
    client, training, django_capture_on_commit_callbacks
):
    elif_ = Registration.objects.get(last_name="Öztürk")
    attendance.set_attendance(elif_, True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificates.issue(elif_)
    assert certificate.number.startswith("TB-") and str(certificate.pk) not in certificate.number
    sent = mail.outbox[-1]
    assert sent.to == [elif_.email]
    name, content, mimetype = sent.attachments[0]
    assert mimetype == "application/pdf" and certificate.number in name
    text = pdf_text(content)
    for expected in ("Elif Öztürk", "Modulreihe Kinderschutz", "16", "8,5", certificate.number):
        assert expected in text
    assert "/bescheinigung/" + certificate.number in text.replace("\n", "")

    page = client.get(f"/bescheinigung/{certificate.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ist echt" in html and "Elif Öztürk" in html and "Modulreihe Kinderschutz" in html
    assert elif_.email not in html
    # typed by hand: any case and spacing
    typed = certificate.number.lower().replace("-", " ")
    assert client.get("/bescheinigung/pruefen/", {"nummer": typed}).status_code == 200


def test_a_second_issue_returns_the_same_certificate(training):
    elif_ = Registration.objects.get(last_name="Öztürk")
    attendance.set_attendance(elif_, True)
    first = certificates.issue(elif_)
    assert certificates.issue(elif_) == first
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    "number",
    ["TB-AAAA-BBBB-CCCC", "1", "TB-" + "A" * 500, "<script>", "%00", "' OR 1=1 --", "ö"],
)
def test_a_forged_number_is_refused_in_german_without_an_error(client, training, number):
    response = client.get("/bescheinigung/pruefen/", {"nummer": number})
    assert response.status_code == 404
    assert "keine Teilnahmebescheinigung" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_verification_is_rate_limited_per_client(client, settings, training):
    settings.KINDERSCHUTZ_CERTIFICATE_VERIFY_RATE_LIMIT = (3, 600)
    for _ in range(3):
        assert client.get("/bescheinigung/TB-AAAA-BBBB-CCCC/").status_code == 404
    limited = client.get("/bescheinigung/TB-AAAA-BBBB-CCCC/")
    assert limited.status_code == 429 and limited["Retry-After"]


def test_the_personal_link_downloads_the_certificate(client, training):
    elif_ = Registration.objects.get(last_name="Öztürk")
    attendance.set_attendance(elif_, True)
    path = personal_path(elif_)
    assert "bescheinigung.pdf" not in client.get(path).content.decode()
    certificate = certificates.issue(elif_, send=False)
    assert "bescheinigung.pdf" in client.get(path).content.decode()
    response = client.get(path + "bescheinigung.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert certificate.number in pdf_text(response.content)
    otto = Registration.objects.get(last_name="Otten")
    assert client.get(personal_path(otto) + "bescheinigung.pdf").status_code == 404


def test_the_certificate_is_english_for_an_english_registration(training):
    elif_ = Registration.objects.get(last_name="Öztürk")
    Registration.objects.filter(pk=elif_.pk).update(language="en")
    elif_.refresh_from_db()
    attendance.set_attendance(elif_, True)
    text = pdf_text(certificates.render_certificate(certificates.issue(elif_, send=False)))
    assert "Certificate of attendance" in text and "Teaching units" in text


def test_the_certificate_outlives_the_registration_until_its_own_retention(
    client, settings, training
):
    elif_ = Registration.objects.get(last_name="Öztürk")
    attendance.set_attendance(elif_, True)
    certificate = certificates.issue(elif_, send=False)
    settings.REGISTRATION_RETENTION_DAYS = 1
    assert purge_expired() == 2
    assert "Elif Öztürk" in client.get(f"/bescheinigung/{certificate.number}/").content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - timedelta(days=3651)
    )
    call_command("purge_registrations", stdout=io.StringIO())
    assert not Certificate.objects.exists()
    assert client.get(f"/bescheinigung/{certificate.number}/").status_code == 404


def _attendees(event, count):
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            attended=True,
            first_name=f"Person{i}",
            last_name="Test",
            email=f"p{i}@example.org",
            email_normalised=f"p{i}@example.org",
        )
        for i in range(count)
    )


def _issue_counting_tasks(event, send, capture):
    enqueued = []

    def count(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(count)
    try:
        with capture(execute=True):
            batch = certificates.start_batch(event, send=send)
    finally:
        task_enqueued.disconnect(count)
    batch.refresh_from_db()
    return batch, enqueued


def test_bulk_issuing_500_certificates_runs_as_chunked_tasks(
    index, django_capture_on_commit_callbacks
):
    """500 certificates in 10 tasks of 50, progress counted, nobody twice. Without the
    e-mails here (each renders a PDF, minutes for 500 on a shared machine); the next test
    sends them, and every stored certificate renders as a PDF on download."""
    event = make_registration_event(index, "Fachtag 500", capacity=None)
    _attendees(event, 500)
    batch, enqueued = _issue_counting_tasks(event, False, django_capture_on_commit_callbacks)
    assert enqueued.count("issue_chunk") == 10  # 500 in chunks of 50
    assert (batch.total, batch.done, batch.failed) == (500, 500, 0)
    assert batch.finished_at is not None
    issued = Certificate.objects.filter(event=event, batch=batch)
    assert issued.count() == 500 and issued.values("registration").distinct().count() == 500
    assert certificates.render_certificate(issued.last()).startswith(b"%PDF")
    # a second run issues nobody twice
    again = certificates.start_batch(event)
    assert again.total == 0 and Certificate.objects.count() == 500
    assert CertificateBatch.objects.count() == 2


def test_bulk_issuing_mails_every_certificate_as_a_pdf(
    settings, index, django_capture_on_commit_callbacks
):
    settings.KINDERSCHUTZ_CERTIFICATE_CHUNK_SIZE = 2
    event = make_registration_event(index, "Fachtag", capacity=None)
    _attendees(event, 3)
    batch, enqueued = _issue_counting_tasks(event, True, django_capture_on_commit_callbacks)
    assert enqueued.count("issue_chunk") == 2 and batch.done == 3
    numbers = set(Certificate.objects.values_list("number", flat=True))
    attached = {name: pdf for m in mail.outbox for name, pdf, _type in m.attachments}
    assert set(attached) == {f"Teilnahmebescheinigung-{n}.pdf" for n in numbers}
    for name, pdf in attached.items():
        assert name.removeprefix("Teilnahmebescheinigung-")[:-4] in pdf_text(pdf)


def test_coordinator_issues_from_the_admin_and_sees_the_progress(
    admin_client, training, django_capture_on_commit_callbacks
):
    for registration in Registration.objects.all():
        attendance.set_attendance(registration, True)
    listing = admin_client.get("/admin/registrations/", {"event": training.pk}).content.decode()
    url = f"/admin/registrations/bescheinigungen/{training.pk}/"
    assert url in listing
    assert "2 Personen haben Anspruch" in admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    batch = CertificateBatch.objects.get()
    assert response["Location"] == f"/admin/registrations/bescheinigungen/lauf/{batch.pk}/"
    progress = admin_client.get(response["Location"]).content.decode()
    assert "2 von 2 ausgestellt" in progress
    assert len(mail.outbox) == 2
