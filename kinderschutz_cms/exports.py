"""The one export path for every spreadsheet the admin offers.

Wagtail's spreadsheet export (`SpreadsheetExportMixin`: viewsets' `list_export`, reports)
writes CSV as plain UTF-8 and cells as they are. `SafeSpreadsheetExportMixin` adds what
a CSV opened in Excel needs: a UTF-8 BOM, without which Excel reads umlauts as two
characters each, and neutralised formula cells (OWASP "CSV injection": a cell starting
with = + - @, a tab or a carriage return is prefixed with '). XLSX needs neither: Wagtail
writes it as Unicode and stores such cells as text. Mix it into every index view or report
that exports, before the Wagtail view class.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A spreadsheet cell that starts like a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """Wagtail's CSV export with a UTF-8 BOM and neutralised formula cells."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)
