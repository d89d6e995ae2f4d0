"""A streamed XLSX writer: one worksheet, written row by row, its bytes handed out while
it is written, so a `StreamingHttpResponse` starts at once however many rows follow.

Guarantees of `stream_xlsx(headings, rows)`:

- **It starts at once.** The first piece (the package's fixed parts) is produced before
  `headings` or `rows` is read, so a lazy iterator may run its queries only then.
- **Memory stays flat.** Rows are turned into sheet XML as they come, `ROWS_PER_PIECE`
  to a piece, and compressed into a ZIP written to an unseekable sink (Python's
  `zipfile`, which then puts the sizes in a data descriptor after each entry); only the
  compressor's window and one piece are held, never the sheet.
- **A minimal valid package:** `[Content_Types].xml`, `_rels/.rels`, `xl/workbook.xml`,
  `xl/_rels/workbook.xml.rels`, `xl/styles.xml`, `xl/worksheets/sheet1.xml` ("Sheet1"),
  every entry deflated. Text as inline strings (no shared-string table to keep in memory).
- **The cells of `kinderschutz_cms.exports`** (what openpyxl's write-only mode wrote
  before): datetimes as real Excel dates in local time to the minute (`local_datetime`),
  shown as `DD.MM.YYYY HH:MM`; dates as real dates shown as `yyyy-mm-dd`; booleans
  "ja"/"nein" (`yes_no`); numbers as numbers (not finite ones as text); `None` and ""
  empty; everything else as text, including text starting with "=": an inline string is
  never a formula. Text is XML-escaped, characters XML 1.0 does not allow (control
  characters but tab and line breaks, lone surrogates, U+FFFE/U+FFFF) are dropped, and a
  cell keeps at most 32,767 characters (Excel's limit for a cell).
- **No Zip64.** Python's `zipfile` can force a Zip64 header on the sheet's entry (its size
  is not known when the header is written), but a streamed entry whose local header
  carries a Zip64 field with 0xFFFFFFFF sizes is refused by Microsoft Excel
  (zlib-ng/minizip-ng#894, duckdb/duckdb-excel#64: the same header bytes). Without it an
  entry holds up to 2 GiB of sheet XML (`zipfile.ZIP64_LIMIT`), far more than a sheet
  Excel opens whole (1,048,576 rows) at the widths exported here; past it `zipfile`
  raises and the download breaks off instead of ending as a file Excel cannot open.

`write_xlsx(headings, rows, fileobj)` writes the same bytes into a binary file.
"""

import datetime
import decimal
import math
import re
import zipfile
from collections.abc import Iterable, Iterator

from kinderschutz_cms.exports import local_datetime, yes_no

DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "yyyy-mm-dd"
ROWS_PER_PIECE = 500  # rows of sheet XML handed to the compressor at once
MAX_CELL_CHARS = 32767
SHEET_NAME = "Sheet1"

# style indexes in styles.xml's cellXfs
_STYLE_DATETIME = 1
_STYLE_DATE = 2
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # serial 0 (with Excel's 1900 leap day)

# what must change in a text before it goes into the XML: escapes and forbidden characters
_NEEDS_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_FIXED_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="2">'
        f'<numFmt numFmtId="164" formatCode="{DATETIME_FORMAT}"/>'
        f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT}"/>'
        "</numFmts>"
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        "</fonts>"
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="3">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"


def stream_xlsx(headings: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The XLSX of `headings` (the first row, as text) and `rows`, as pieces of bytes
    (see the module docstring for what it guarantees)."""
    cell_xml = _CellWriter()
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, xml in _FIXED_PARTS.items():
            package.writestr(name, _HEAD + xml)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            yield sink.take()
            parts = [cell_xml.row(1, [str(heading) for heading in headings])]
            for number, row in enumerate(rows, start=2):
                parts.append(cell_xml.row(number, row))
                if len(parts) >= ROWS_PER_PIECE:
                    sheet.write("".join(parts).encode())
                    parts = []
                    if piece := sink.take():
                        yield piece
            parts.append(_SHEET_END)
            sheet.write("".join(parts).encode())
    yield sink.take()


def write_xlsx(headings: Iterable, rows: Iterable[Iterable], fileobj) -> None:
    """`stream_xlsx(headings, rows)` into the binary file `fileobj`."""
    for piece in stream_xlsx(headings, rows):
        fileobj.write(piece)


class _Sink:
    """An unseekable file for `zipfile` that keeps what is written until it is taken."""

    def __init__(self):
        self.pieces = []

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.pieces)
        self.pieces = []
        return data


class _CellWriter:
    """The sheet XML of one row at a time."""

    def __init__(self):
        self.yes, self.no = yes_no(True), yes_no(False)  # translated once, not per cell
        self.columns = []

    def row(self, number: int, values: Iterable) -> str:
        cells = []
        columns = self.columns
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if index >= len(columns):
                columns.append(column_letters(index))
            reference = f"{columns[index]}{number}"
            if type(value) is str:
                cells.append(_text_cell(reference, value))
            elif type(value) is bool:
                cells.append(_text_cell(reference, self.yes if value else self.no))
            elif isinstance(value, datetime.datetime):
                serial = _serial(local_datetime(value))
                cells.append(f'<c r="{reference}" s="{_STYLE_DATETIME}"><v>{serial}</v></c>')
            elif isinstance(value, datetime.date):
                serial = (value - _EXCEL_EPOCH.date()).days
                cells.append(f'<c r="{reference}" s="{_STYLE_DATE}"><v>{serial}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{reference}"><v>{int(value)}</v></c>')
            elif isinstance(value, float | decimal.Decimal) and math.isfinite(value):
                cells.append(f'<c r="{reference}"><v>{float(value)!r}</v></c>')
            else:
                cells.append(_text_cell(reference, str(value)))
        return f'<row r="{number}">{"".join(cells)}</row>'


def _text_cell(reference: str, text: str) -> str:
    if len(text) > MAX_CELL_CHARS or _NEEDS_CARE.search(text):
        text = (
            _FORBIDDEN.sub("", text)[:MAX_CELL_CHARS]
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\r", "&#13;")  # kept as it is, not read as a line break
        )
    if text[:1].isspace() or text[-1:].isspace():
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def _serial(value: datetime.datetime) -> float:
    """Excel's serial number of a naive datetime (days since 1899-12-30)."""
    delta = value - _EXCEL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def column_letters(index: int) -> str:
    """The letters of the column at `index` (0: A, 25: Z, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
