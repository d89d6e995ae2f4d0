"""The streamed XLSX writer (`kinderschutz_cms.xlsx_stream`): read back with openpyxl, the
cells are what the exports promise (local dates with their format, ja/nein, text that
stays text, umlauts, no control character breaking the file); the ZIP is valid, without
Zip64, and its first piece comes before a heading or a row is read, the next ones while
the rows are still being read."""

import datetime
import io
import random
import string
import zipfile
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from kinderschutz_cms.xlsx_stream import (
    DATETIME_FORMAT,
    MAX_CELL_CHARS,
    column_letters,
    stream_xlsx,
    write_xlsx,
)

BERLIN = ZoneInfo("Europe/Berlin")
HEADINGS = ["Name", "angemeldet am", "teilgenommen", "Organisation", "Anzahl", "Termin", "leer"]
# 13:05:07.123456 UTC on a winter day: 14:05 in Berlin
CREATED = datetime.datetime(2026, 1, 15, 13, 5, 7, 123456, tzinfo=datetime.UTC)


def read(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def test_cells_read_back_as_the_exports_promise():
    rows = [
        ["Zoë Öztürk", CREATED, True, "=cmd|' /C calc'!A0", 3, datetime.date(2026, 3, 1), None],
        ["Bäcker\x07\x00 & <Söhne>", CREATED.astimezone(BERLIN), False, "+49 Amt", 2.5, "", ""],
    ]
    sheet = read(b"".join(stream_xlsx(HEADINGS, rows)))
    header, first, second = list(sheet.values)
    assert list(header) == HEADINGS
    assert first[0] == "Zoë Öztürk"
    assert first[1] == datetime.datetime(2026, 1, 15, 14, 5)  # Berlin, to the minute
    assert sheet["B2"].number_format == DATETIME_FORMAT and sheet["B2"].is_date
    assert first[2] == "ja" and second[2] == "nein"
    assert first[3] == "=cmd|' /C calc'!A0" and sheet["D2"].data_type == "s"  # not a formula
    assert first[4] == 3 and second[4] == 2.5
    assert first[5] == datetime.datetime(2026, 3, 1) and sheet["F2"].is_date
    assert first[6] is None and second[5] is None
    assert second[0] == "Bäcker & <Söhne>"  # control characters dropped, the rest kept
    assert second[1] == datetime.datetime(2026, 1, 15, 14, 5)
    assert second[3] == "+49 Amt"


def test_text_keeps_spaces_and_line_breaks_and_excels_cell_limit():
    rows = [["  eingerückt", "Zeile 1\r\nZeile 2", "x" * (MAX_CELL_CHARS + 10)]]
    (_header, row) = list(read(b"".join(stream_xlsx(["a", "b", "c"], rows))).values)
    assert row[0] == "  eingerückt"
    assert row[1] == "Zeile 1\r\nZeile 2"
    assert row[2] == "x" * MAX_CELL_CHARS


def test_package_is_a_valid_zip_without_zip64():
    body = b"".join(stream_xlsx(HEADINGS, [["a"] * len(HEADINGS)] * 10))
    package = zipfile.ZipFile(io.BytesIO(body))
    assert package.testzip() is None
    assert package.namelist() == [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    ]
    # Excel refuses a streamed entry with a forced Zip64 header (see the module docstring)
    assert all(info.extract_version == 20 for info in package.infolist())
    assert b"\xff\xff\xff\xff" not in body[:200]


def test_first_piece_comes_before_headings_or_rows_are_read():
    read_so_far = []

    def headings():
        read_so_far.append("headings")
        yield "Name"

    def rows():
        read_so_far.append("rows")
        yield ["Zoë"]

    pieces = stream_xlsx(headings(), rows())
    first = next(pieces)
    assert first.startswith(b"PK\x03\x04") and read_so_far == []
    body = first + b"".join(pieces)
    assert read_so_far == ["headings", "rows"]
    assert list(read(body).values) == [("Name",), ("Zoë",)]


def test_pieces_leave_while_the_rows_are_still_read():
    """Memory stays flat: compressed pieces are handed out as rows come, not at the end."""
    count = 20000
    letters = random.Random(19)
    read_rows = 0
    rows_read_at_piece = []

    def rows():
        nonlocal read_rows
        for i in range(count):
            read_rows += 1
            # text that does not compress to nothing, so the compressor has to hand out
            yield [i, "".join(letters.choices(string.ascii_letters, k=40)), CREATED]

    body = b""
    for piece in stream_xlsx(["Nr", "Text", "Zeit"], rows()):
        rows_read_at_piece.append(read_rows)
        body += piece
    assert len([n for n in rows_read_at_piece if 0 < n < count]) >= 10
    assert read(body).max_row == count + 1


def test_write_xlsx_writes_the_same_file(tmp_path):
    path = tmp_path / "export.xlsx"
    with path.open("wb") as output:
        write_xlsx(["Name"], [["Zoë"], [None], ["Öztürk"]], output)
    assert list(read(path.read_bytes()).values) == [("Name",), ("Zoë",), (None,), ("Öztürk",)]


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
