"""Exports a German office opens as they are: the CSV as Excel with a German locale reads
it (`;`, BOM, local time, ja/nein), the XLSX (streamed, `kinderschutz_cms.xlsx_stream`)
with openpyxl; one column per extra question; in the language of the admin user."""

import csv
import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from registrations.models import ExportJob, Registration, RegistrationQuestion
from registrations.services import booking

from .factories import service_data

pytestmark = pytest.mark.django_db

INDEX = "/admin/registrations/"
BERLIN = ZoneInfo("Europe/Berlin")
# 13:05:07.123456 UTC on a winter day: 14:05 in Berlin
CREATED = datetime.datetime(2026, 1, 15, 13, 5, 7, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def registered(event):
    RegistrationQuestion.objects.create(page=event, label="Ernährung", field_type="singleline")
    RegistrationQuestion.objects.create(
        page=event, label="Rollstuhlplatz", field_type="checkbox", sort_order=1
    )
    registration = booking.register(
        event,
        service_data(
            first_name="Zoë",
            last_name="Öztürk",
            answers={"Ernährung": "vegetarisch", "Rollstuhlplatz": True},
        ),
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=CREATED,
        attended=True,
        role="=cmd|' /C calc'!A0",  # looks like a formula
        organisation="Kita\x07 Sonnenschein",  # a control character XML does not allow
    )
    return registration


def open_as_german_spreadsheet(response):
    """What Excel with a German locale does with the file: a BOM says UTF-8, `;` separates."""
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_opens_in_a_german_spreadsheet(admin_client, registered):
    rows = open_as_german_spreadsheet(admin_client.get(INDEX, {"export": "csv"}))
    assert len(rows) == 1
    row = rows[0]
    assert row["Nachname"] == "Öztürk" and row["Vorname"] == "Zoë"
    assert row["angemeldet am"] == "15.01.2026 14:05"  # Berlin, no seconds, no microseconds
    assert row["teilgenommen"] == "ja"
    # one column per extra question
    assert row["Ernährung"] == "vegetarisch"
    assert row["Rollstuhlplatz"] == "ja"
    assert "Antworten" not in row


def test_xlsx_export_has_local_times_and_question_columns(admin_client, registered):
    response = admin_client.get(INDEX, {"export": "xlsx"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.xlsx"')
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    sheet = load_workbook(io.BytesIO(body)).active
    header, *rows = list(sheet.values)
    assert header[:4] == ("Veranstaltung", "Status", "Vorname", "Nachname")
    row = dict(zip(header, rows[0], strict=True))
    assert row["Vorname"] == "Zoë" and row["Nachname"] == "Öztürk"
    assert row["angemeldet am"] == datetime.datetime(2026, 1, 15, 14, 5)
    created = sheet.cell(row=2, column=header.index("angemeldet am") + 1)
    assert created.is_date and created.number_format == "DD.MM.YYYY HH:MM"
    assert row["teilgenommen"] == "ja"
    assert row["Ernährung"] == "vegetarisch"
    assert row["Rollstuhlplatz"] == "ja"
    role = sheet.cell(row=2, column=header.index("Funktion") + 1)
    assert role.value == "=cmd|' /C calc'!A0" and role.data_type == "s"  # text, no formula
    assert row["Organisation"] == "Kita Sonnenschein"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_in_the_admin_users_language(admin_client, registered, file_format):
    """Wagtail activates the user's language only while the view runs; the file is
    written later, while it is sent, and still in that language."""
    from wagtail.users.models import UserProfile

    response = admin_client.get(INDEX)
    profile = UserProfile.get_for_user(response.wsgi_request.user)
    profile.preferred_language = "en"
    profile.save()
    response = admin_client.get(INDEX, {"export": file_format})
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        row = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";").__next__()
    else:
        header, first, *_rest = list(load_workbook(io.BytesIO(body)).active.values)
        row = dict(zip(header, first, strict=True))
    assert row["Last name"] == "Öztürk"
    assert row["attended"] == "yes"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_in_the_admin_users_time_zone(admin_client, registered, file_format):
    """Wagtail activates the user's time zone only while the view runs; the file is
    written later, while it is sent, and its times are still in that zone (13:05 UTC is
    08:05 in New York on a winter day, 14:05 in Berlin)."""
    from wagtail.users.models import UserProfile

    response = admin_client.get(INDEX)
    profile = UserProfile.get_for_user(response.wsgi_request.user)
    profile.current_time_zone = "America/New_York"
    profile.save()
    response = admin_client.get(INDEX, {"export": file_format})
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        row = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";").__next__()
        assert row["angemeldet am"] == "15.01.2026 08:05"
    else:
        header, first, *_rest = list(load_workbook(io.BytesIO(body)).active.values)
        row = dict(zip(header, first, strict=True))
        assert row["angemeldet am"] == datetime.datetime(2026, 1, 15, 8, 5)


def test_report_csv_uses_the_same_german_format(admin_client, home_page):
    """Every report exports through the same path: `;`, BOM, dates as 01.09.2025."""
    from tests.members.factories import make_contact, make_member, make_member_index

    member = make_member(make_member_index(home_page), title="Beratungsstelle Süd")
    make_contact(
        page=member, name="Elif Öztürk", is_isef=True, last_checked=datetime.date(2025, 9, 1)
    )
    rows = open_as_german_spreadsheet(admin_client.get("/admin/members/isef/", {"export": "csv"}))
    assert rows[0]["Name"] == "Elif Öztürk"
    assert rows[0]["Angaben geprüft am"] == "01.09.2025"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_background_export_is_in_the_language_and_time_zone_of_who_asked(
    admin_client, registered, file_format, django_capture_on_commit_callbacks
):
    """The task writes the file after the request (a worker, or after the commit), where
    neither the user's language nor their time zone is active: the job keeps those of the
    request, so its file has the cells of the direct download (13:05 UTC: 08:05 in New
    York, not 14:05 in Berlin; English headings)."""
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    from registrations.models import ExportJob

    response = admin_client.get(INDEX)
    profile = UserProfile.get_for_user(response.wsgi_request.user)
    profile.current_time_zone = "America/New_York"
    profile.preferred_language = "en"
    profile.save()
    event = {"event": registered.event_id}

    def cells(body):
        if file_format == "csv":
            return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        return list(load_workbook(io.BytesIO(body)).active.values)

    direct = cells(
        b"".join(admin_client.get(INDEX, {**event, "export": file_format}).streaming_content)
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = admin_client.post(
            reverse("registrations:export_start") + f"?event={registered.event_id}",
            {"format": file_format},
        )
    assert started.status_code == 302
    job = ExportJob.objects.get()
    assert (job.language, job.time_zone) == ("en", "America/New_York")
    download = admin_client.get(reverse("registrations:export_download", args=[job.pk]))
    background = cells(b"".join(download.streaming_content))

    assert background == direct
    header, row = direct
    created = dict(zip(header, row, strict=True))["registered on"]
    assert created == (
        "15.01.2026 08:05" if file_format == "csv" else datetime.datetime(2026, 1, 15, 8, 5)
    )


@pytest.mark.parametrize(
    ("time_zone", "stamp"),
    [
        ("Europe/Berlin", "2026-12-02-2115"),
        ("America/New_York", "2026-12-02-1515"),
        ("", "2026-12-02-2115"),
        ("Mars/Olympus", "2026-12-02-2115"),
    ],
)
def test_export_file_is_named_by_the_time_it_was_asked_for_in_its_time_zone(
    admin_user, time_zone, stamp
):
    """The file's name carries the local time of the request, in the time zone its rows
    are written in (it carried UTC: 20:15 for an export asked for at 21:15 in Berlin); a
    zone unknown to this machine falls back to the site's TIME_ZONE."""
    job = ExportJob.objects.create(
        user=admin_user,
        file_format="csv",
        time_zone=time_zone,
        created_at=datetime.datetime(2026, 12, 2, 20, 15, tzinfo=datetime.UTC),
    )
    assert job.filename() == f"anmeldungen-{stamp}-{job.pk}.csv"
