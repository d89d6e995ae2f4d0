"""Exports at a Land's size (issue #19): the list's CSV/XLSX stream from an iterator in a
constant number of queries, read back complete; the background export (`ExportJob`) writes
its file with progress, only for the user who asked, and is purged after
KINDERSCHUTZ_EXPORT_KEEP_HOURS; the event filter is a chooser, not a <select> of every
event."""

import csv
import io
import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registrations import exports
from registrations.models import ExportJob, ExportStatus, Registration, RegistrationQuestion

from .factories import make_registration_event

pytestmark = pytest.mark.django_db

INDEX = "/admin/registrations/"


def bulk_registrations(event, count, start=0):
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            email=f"person{i}@example.org",
            email_normalised=f"person{i}@example.org",
            organisation="Kita Sonnenschein",
            answers={"Ernährung": "vegan"} if i % 2 else {},
        )
        for i in range(start, start + count)
    )


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("koordination", "k@example.org", "pw")
    user.groups.add(Group.objects.get(name="Koordination"))
    return user


def csv_rows(body):
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def export_csv(client):
    """The CSV export's rows and the queries of the request and of streaming its body."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX, {"export": "csv"})
        assert response.streaming
        body = b"".join(response.streaming_content)
    return csv_rows(body), len(queries.captured_queries)


def test_csv_export_streams_every_row_in_constant_queries(client, coordinator, event):
    RegistrationQuestion.objects.create(page=event, label="Ernährung", field_type="singleline")
    client.force_login(coordinator)
    bulk_registrations(event, 3)
    export_csv(client)  # the first request fills the caches (session, sites, permissions)
    rows, small = export_csv(client)
    assert len(rows) == 3
    bulk_registrations(event, 40, start=3)
    rows, large = export_csv(client)
    assert len(rows) == 43
    assert large == small
    assert rows[1]["Nachname"] == "Nachname1" and rows[1]["Ernährung"] == "vegan"
    assert rows[0]["Status"] == "bestätigt" and rows[0]["teilgenommen"] == "nein"


def test_xlsx_export_reads_back_complete_in_constant_queries(client, coordinator, event):
    client.force_login(coordinator)
    counts = []
    client.get(INDEX, {"export": "xlsx"})  # fills the caches (session, sites, permissions)
    for size in (3, 40):
        Registration.objects.all().delete()
        bulk_registrations(event, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INDEX, {"export": "xlsx"})
            body = b"".join(response.streaming_content)
        counts.append(len(queries.captured_queries))
        header, *rows = list(load_workbook(io.BytesIO(body)).active.values)
        assert len(rows) == size
        assert dict(zip(header, rows[-1], strict=True))["Nachname"] == f"Nachname{size - 1}"
    assert counts[0] == counts[1]


REGISTRATIONS_READ = 'FROM "registrations_registration"'


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_starts_before_a_registration_is_read(client, coordinator, event, file_format):
    """The first piece of the file leaves after the request's own queries (session,
    user, permissions), before the question columns or the rows are read."""
    RegistrationQuestion.objects.create(page=event, label="Ernährung", field_type="singleline")
    bulk_registrations(event, 30)
    client.force_login(coordinator)
    client.get(INDEX, {"export": file_format})  # fills the caches (session, sites, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX, {"export": file_format})
        assert isinstance(response, StreamingHttpResponse)
        pieces = iter(response.streaming_content)
        first = next(pieces)
        before_first = [query["sql"] for query in queries.captured_queries]
        body = first + b"".join(pieces)
    assert len(before_first) <= 7  # session, user, second factor, profile, permissions
    assert not any(REGISTRATIONS_READ in sql for sql in before_first)
    assert any(REGISTRATIONS_READ in query["sql"] for query in queries.captured_queries)
    if file_format == "csv":
        assert len(csv_rows(body)) == 30
    else:
        assert len(list(load_workbook(io.BytesIO(body)).active.values)) == 31


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_needs_the_registrations_permission(client, django_user_model, event, file_format):
    bulk_registrations(event, 2)
    user = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(INDEX, {"export": file_format})
    assert response.status_code in (302, 403)
    assert not response.streaming


def test_event_filter_is_a_chooser_not_a_select_of_every_event(client, coordinator, index, event):
    other = make_registration_event(index, title="Ganz andere Fortbildung")
    bulk_registrations(event, 2)
    client.force_login(coordinator)
    html = client.get(INDEX).content.decode()
    assert "Ganz andere Fortbildung" not in html  # no option per event
    assert 'name="event"' in html and "page-chooser" in html
    html = client.get(INDEX, {"event": other.pk}).content.decode()
    assert "Nachname1" not in html
    html = client.get(INDEX, {"event": event.pk}).content.decode()
    assert "Nachname1" in html


# --------------------------------------------------------------------------- jobs


@pytest.fixture
def other_coordinator(django_user_model):
    user = django_user_model.objects.create_user("andere", "a@example.org", "pw")
    user.groups.add(Group.objects.get(name="Koordination"))
    return user


def start_job(client, django_capture_on_commit_callbacks, event, file_format="xlsx"):
    url = reverse("registrations:export_start") + f"?event={event.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"format": file_format})
    assert response.status_code == 302
    return ExportJob.objects.get()


def test_background_export_writes_the_file_for_its_user_only(
    client, coordinator, other_coordinator, event, index, django_capture_on_commit_callbacks
):
    bulk_registrations(event, 5)
    bulk_registrations(make_registration_event(index, title="Andere"), 2, start=100)
    client.force_login(coordinator)
    job = start_job(client, django_capture_on_commit_callbacks, event)
    assert job.status == ExportStatus.DONE and job.rows_total == 5 and job.rows_done == 5
    assert "5 von 5 Zeilen" in client.get(job_url(job)).content.decode()

    response = client.get(reverse("registrations:export_download", args=[job.pk]))
    assert response.status_code == 200
    header, *rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values
    )
    assert len(rows) == 5  # only the filtered event

    client.force_login(other_coordinator)
    assert client.get(reverse("registrations:export_download", args=[job.pk])).status_code == 404
    assert client.get(job_url(job)).status_code == 404


def job_url(job):
    return reverse("registrations:export_job", args=[job.pk])


def test_background_export_counts_progress_per_chunk(coordinator, event):
    bulk_registrations(event, 5)
    job = ExportJob.objects.create(user=coordinator, file_format="csv", rows_total=5)
    with CaptureQueriesContext(connection) as queries:
        exports.run_job.call(job.pk, chunk_size=2)
    progress = [
        q["sql"]
        for q in queries.captured_queries
        if "rows_done" in q["sql"] and "UPDATE" in q["sql"]
    ]
    assert len(progress) >= 3  # after 2, 4 and 5 rows
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == 5
    with job.file.open("rb") as handle:
        assert len(csv_rows(handle.read())) == 5


def test_expired_export_is_purged_with_its_file(coordinator, event, settings):
    settings.KINDERSCHUTZ_EXPORT_KEEP_HOURS = 24
    bulk_registrations(event, 2)
    job = ExportJob.objects.create(user=coordinator, file_format="csv", rows_total=2)
    exports.run_job.call(job.pk)
    job.refresh_from_db()
    path = job.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))  # private, not served as media
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_registrations", stdout=io.StringIO())
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not os.path.exists(path)


def test_download_needs_the_registrations_permission(
    client, coordinator, event, django_capture_on_commit_callbacks
):
    bulk_registrations(event, 1)
    client.force_login(coordinator)
    job = start_job(client, django_capture_on_commit_callbacks, event, file_format="csv")
    coordinator.groups.clear()
    coordinator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = client.get(reverse("registrations:export_download", args=[job.pk]))
    assert response.status_code in (302, 403, 404)
