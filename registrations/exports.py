"""The registrations spreadsheet (CSV/XLSX) of the admin list, at any size.

Rules:

- **Columns:** the fixed ones (`COLUMNS`), then one per extra question of the exported
  events (`question_labels`: the questions as the events ask them now, then answers to
  questions renamed or removed since).
- **Streamed:** rows are read with `.values()` of only the exported columns through
  `.iterator(chunk_size=…)`, never as model instances and never all at once; the
  workshops of a chunk come in one more query. Queries: two for the question columns, one
  for the rows, one per chunk of `chunk_size` rows for the workshops — no query per row.
  Memory stays flat however many rows there are.
- **Started at once** (`stream`, the admin list's CSV/XLSX download): the first bytes
  (the CSV's BOM, the XLSX package's fixed parts) are produced before any of these
  queries runs; the question columns and the rows are read while the file is sent, in
  the language of the request that asked for it.
- **Background jobs** (`ExportJob`, `start_job` → task `run_job`): the same rows into a
  file in private storage (`storage.private_storage`, never under MEDIA_ROOT), in the
  language and time zone active when the job was asked for (the admin user's, as for the
  direct download; stored on the job), the progress (`rows_done` of `rows_total`) updated
  after each chunk. Only the user who asked may download it, and only while they may see
  registrations; it is deleted `KINDERSCHUTZ_EXPORT_KEEP_HOURS` after it was started
  (`purge_expired`, run by `purge_registrations`).
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from kinderschutz_cms import exports as writers
from kinderschutz_cms.xlsx_stream import stream_xlsx

from . import conf
from .models import (
    BookingStatus,
    ExportJob,
    ExportStatus,
    RegistrationQuestion,
    RegistrationStatus,
    WorkshopBooking,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# (values() field, heading) of the fixed columns, in their order
COLUMNS = [
    ("event__title", _("Veranstaltung")),
    ("status", _("Status")),
    ("first_name", _("Vorname")),
    ("last_name", _("Nachname")),
    ("email", _("E-Mail")),
    ("organisation", _("Organisation")),
    ("role", _("Funktion")),
    ("phone", _("Telefon")),
    ("workshops", _("Workshops")),
    ("created_at", _("angemeldet am")),
    ("attended", _("teilgenommen")),
    # last of the fixed columns, so the columns of existing exports keep their places
    ("occurrence_date", _("Termin der Reihe")),
]
VALUE_FIELDS = ["pk", "answers", *(field for field, _h in COLUMNS if field != "workshops")]


@dataclass
class Spreadsheet:
    """What a writer needs: the headings and an iterator over the rows (lists of cells)."""

    headings: list[str]
    rows: Iterator[list]


def question_labels(registrations: QuerySet) -> list[str]:
    """The extra questions of the events of `registrations`, as export columns: the
    questions as the events ask them now (in their order), then answers to questions
    that were renamed or removed since (two queries; the answers are read as one column,
    in chunks, skipping registrations without answers)."""
    labels = dict.fromkeys(
        RegistrationQuestion.objects.filter(page_id__in=registrations.order_by().values("event_id"))
        .order_by("page_id", "sort_order", "pk")
        .values_list("label", flat=True)
    )
    answer_rows = (
        registrations.order_by()
        .prefetch_related(None)
        .exclude(answers={})
        .values_list("answers", flat=True)
    )
    for answers in answer_rows.iterator(chunk_size=CHUNK_SIZE):
        labels.update(dict.fromkeys(answers or {}))
    return list(labels)


def spreadsheet(
    registrations: QuerySet, chunk_size: int = CHUNK_SIZE, progress=None
) -> Spreadsheet:
    """The spreadsheet of `registrations` (their order is kept). `progress(rows_done)` is
    called after each chunk, if given."""
    labels = question_labels(registrations)
    headings = [str(heading) for _field, heading in COLUMNS] + labels
    return Spreadsheet(headings, _rows(registrations, labels, chunk_size, progress))


def _rows(registrations, labels, chunk_size, progress):
    values = registrations.prefetch_related(None).values(*VALUE_FIELDS)
    # translated once per export, not once per row
    names = (
        {key: str(label) for key, label in RegistrationStatus.choices},
        {key: str(label) for key, label in BookingStatus.choices},
    )
    chunk, done = [], 0
    for row in values.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from _chunk_rows(chunk, labels, names)
            done += len(chunk)
            chunk = []
            if progress:
                progress(done)
    if chunk:
        yield from _chunk_rows(chunk, labels, names)
        done += len(chunk)
    if progress:
        progress(done)


def _chunk_rows(chunk, labels, names):
    status_names, booking_names = names
    workshops = {}
    bookings = (
        WorkshopBooking.objects.filter(registration_id__in=[row["pk"] for row in chunk])
        .exclude(status=BookingStatus.CANCELLED)
        .order_by("created_at", "id")
        .values_list("registration_id", "workshop__title", "status")
    )
    for registration_id, title, status in bookings:
        workshops.setdefault(registration_id, []).append(f"{title} ({booking_names[status]})")
    for row in chunk:
        answers = row["answers"] or {}
        yield [
            row["event__title"],
            status_names.get(row["status"], row["status"]),
            row["first_name"],
            row["last_name"],
            row["email"],
            row["organisation"],
            row["role"],
            row["phone"],
            "; ".join(workshops.get(row["pk"], ())),
            row["created_at"],
            row["attended"],
            row["occurrence_date"],
            *(_answer(answers.get(label, "")) for label in labels),
        ]


def _answer(value):
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def stream(
    registrations: QuerySet, file_format: str, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The CSV or XLSX of `registrations` as pieces of bytes for a `StreamingHttpResponse`,
    started before anything is read (see the module docstring). Strings are translated
    into the language active now and times are in the time zone active now, not those
    active when the response is sent (Wagtail's admin activates the user's language and
    time zone only while the view runs)."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    sheet = None

    def headings():
        nonlocal sheet
        sheet = spreadsheet(registrations, chunk_size=chunk_size)
        yield from sheet.headings

    def rows():
        yield from sheet.rows

    writer = writers.stream_csv if file_format == CSV else stream_xlsx
    return _as_in_the_view(language, zone, writer(headings(), rows()))


def _as_in_the_view(language: str, zone, pieces: Iterator[bytes]) -> Iterator[bytes]:
    """`pieces`, each made with `language` and the time zone `zone` active (and only
    while it is made)."""
    while True:
        with translation.override(language), timezone.override(zone):
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece


def write(sheet: Spreadsheet, file_format: str, fileobj) -> None:
    """`sheet` into the binary file `fileobj` as CSV or XLSX."""
    writer = writers.stream_csv if file_format == CSV else stream_xlsx
    for piece in writer(sheet.headings, sheet.rows):
        fileobj.write(piece)


# --------------------------------------------------------------------------- jobs


def keep_hours() -> int:
    return int(conf.get("KINDERSCHUTZ_EXPORT_KEEP_HOURS"))


def start_job(user, params: dict, file_format: str, registrations: QuerySet) -> ExportJob:
    """An `ExportJob` for `user` of the registrations the admin list shows with the query
    parameters `params` (`registrations`, already filtered and limited to the user's
    events, gives the count); the task `run_job` is enqueued after the commit."""
    job = ExportJob.objects.create(
        user=user,
        file_format=file_format if file_format in FORMATS else XLSX,
        filters=params,
        language=translation.get_language() or "",
        time_zone=timezone.get_current_timezone_name(),
        rows_total=registrations.count(),
    )
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def job_queryset(job: ExportJob) -> QuerySet:
    """The registrations of `job`: the admin list's filters and search applied for the
    job's user, as the list showed them (`admin.viewsets.filtered_registrations`)."""
    from .admin.viewsets import filtered_registrations

    return filtered_registrations(job.user, job.filters)


@contextmanager
def _as_asked(job: ExportJob) -> Iterator[None]:
    """The language and time zone `job` was asked in active (the site's defaults for a
    job that has none), so that the file's headings, names and times are those of the
    direct download from the same admin user."""
    zone = ZoneInfo(job.time_zone) if job.time_zone else None  # None: TIME_ZONE
    with translation.override(job.language or settings.LANGUAGE_CODE), timezone.override(zone):
        yield


@task()
def run_job(job_id: int, chunk_size: int = CHUNK_SIZE):
    """Write the file of one job, counting `rows_done` after each chunk."""
    job = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).first()
    if job is None:
        return None
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with _as_asked(job):
            sheet = spreadsheet(job_queryset(job), chunk_size=chunk_size, progress=progress)
            with tempfile.TemporaryFile() as output:
                write(sheet, job.file_format, output)
                output.seek(0)
                job.file.save(job.filename(), File(output), save=False)
    except Exception as exc:  # the admin shows "failed"; the details go to the log
        logger.exception("Export job %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:200]
        )
        return None
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, file=job.file.name, finished_at=timezone.now()
    )
    return job.pk


def may_download(job: ExportJob, user) -> bool:
    """Only the user who asked, while they may see registrations, while it is kept."""
    return (
        job.user_id == user.pk
        and user.has_perm("registrations.view_registration")
        and job.status == ExportStatus.DONE
        and bool(job.file)
        and job.created_at > timezone.now() - timedelta(hours=keep_hours())
    )


def purge_expired(now=None) -> int:
    """Delete jobs (and their files) started more than `KINDERSCHUTZ_EXPORT_KEEP_HOURS`
    hours ago. Returns the count."""
    cutoff = (now or timezone.now()) - timedelta(hours=keep_hours())
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
