"""The one export path for every spreadsheet the admin offers.

Wagtail's spreadsheet export (`SpreadsheetExportMixin`: viewsets' `list_export`, reports)
writes CSV as plain UTF-8 with commas, datetimes as ISO strings in UTC with microseconds,
and XLSX datetimes in UTC. A German office opens the file by double-click in Excel or
LibreOffice, so `SafeSpreadsheetExportMixin` writes what opens there as it is:

- XLSX is offered first (Wagtail's button order); datetimes in it are local time
  (`TIME_ZONE`, Europe/Berlin) to the minute, not UTC, booleans "ja"/"nein";
- CSV with `;` as the separator (Excel's with a German locale, where `,` is the decimal
  comma) and a UTF-8 BOM, without which Excel reads umlauts as two characters each;
  dates as 01.12.2026, times as 01.12.2026 14:30 in local time, booleans "ja"/"nein";
- neutralised formula cells in CSV (OWASP "CSV injection": a cell starting with
  = + - @, a tab or a carriage return is prefixed with '). XLSX stores such cells as text.

Mix it into every index view or report that exports, before the Wagtail view class.

Large exports (tens of thousands of rows) use the plain writers `stream_csv` and
`kinderschutz_cms.xlsx_stream.stream_xlsx` with rows from an iterator: the same cells as
the mixin writes, but a row is written as soon as it is read, so memory stays flat and
the first bytes leave before the headings or the first row are read.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext
from wagtail.admin.views.mixins import Echo

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"


def neutralise_formula(value):
    """A spreadsheet cell that starts like a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def yes_no(value: bool) -> str:
    return gettext("ja") if value else gettext("nein")


def local_datetime(value: datetime.datetime) -> datetime.datetime:
    """`value` in local time (naive if aware), to the minute."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value)
    return value.replace(second=0, microsecond=0)


def csv_datetime(value: datetime.datetime) -> str:
    return local_datetime(value).strftime("%d.%m.%Y %H:%M")


def csv_date(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


class SafeSpreadsheetExportMixin:
    """Wagtail's export as a German office opens it (see the module docstring)."""

    def get_preprocess_function(self, field, value, export_format):
        if field in self.custom_field_preprocess:
            return super().get_preprocess_function(field, value, export_format)
        if isinstance(value, bool):
            return yes_no
        if isinstance(value, datetime.datetime):
            return csv_datetime if export_format == self.FORMAT_CSV else local_datetime
        if isinstance(value, datetime.date) and export_format == self.FORMAT_CSV:
            return csv_date
        return super().get_preprocess_function(field, value, export_format)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        # Wagtail's date format shows seconds; local times to the minute read better.
        yield from super().generate_xlsx_row(worksheet, row_dict, date_format="DD.MM.YYYY HH:MM")

    def stream_csv(self, queryset):
        yield "\ufeff".encode()
        fields = self.list_export
        writer = csv.DictWriter(Echo(), fieldnames=fields, delimiter=CSV_DELIMITER)
        yield writer.writerow({field: self.get_heading(queryset, field) for field in fields})
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))


# --------------------------------------------------------------------------- plain writers

CSV_LINES_PER_CHUNK = 500  # rows per piece of a streamed CSV (fewer, larger writes)


def csv_cell(value) -> str:
    """One CSV cell as `SafeSpreadsheetExportMixin` writes it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return csv_datetime(value)
    if isinstance(value, datetime.date):
        return csv_date(value)
    return neutralise_formula(str(value))


def stream_csv(headings: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The German CSV (BOM, `;`, local times, ja/nein, neutralised formulas) of `rows`,
    as pieces of bytes for a `StreamingHttpResponse` or a file: each row is written as it
    comes, `CSV_LINES_PER_CHUNK` rows to a piece. The first piece (the BOM) is produced
    before `headings` or `rows` is read, so a lazy iterator may run its queries only then."""
    yield "\ufeff".encode()
    writer = csv.writer(_Lines(), delimiter=CSV_DELIMITER)
    yield writer.writerow([str(h) for h in headings]).encode()
    yes, no = yes_no(True), yes_no(False)  # translated once, not once per cell

    def cell(value):
        if value is True:
            return yes
        if value is False:
            return no
        return csv_cell(value)

    lines = []
    for row in rows:
        lines.append(writer.writerow([cell(value) for value in row]))
        if len(lines) >= CSV_LINES_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


class _Lines:
    """A file for `csv.writer` that hands each written line back instead of storing it."""

    def write(self, value):
        return value
