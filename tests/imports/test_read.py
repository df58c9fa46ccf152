"""A file to import read as a table: the encodings spreadsheets write, quoted line breaks, blank rows skipped, the
delimiter sniffed, XLSX values as text; a file that is not a table refused with a reason."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tracker.errors import ValidationError
from tracker.imports.read import read_table


def test_utf8_with_a_bom_reads_without_it():
    table = read_table("\ufeffCode,Name\nPX-1,Café\n".encode())
    assert table.header == ["Code", "Name"] and table.rows == [(2, ["PX-1", "Café"])]
    assert table.encoding == "utf-8-sig"


def test_latin1_reads_as_windows_1252():
    table = read_table("Code;Name\nPX-1;Crème brûlée\n".encode("latin-1"))
    assert table.rows == [(2, ["PX-1", "Crème brûlée"])] and table.encoding == "cp1252"


def test_a_quoted_line_break_stays_in_its_cell_and_blank_rows_are_skipped():
    table = read_table(b'Title,Problem\r\n\r\n"Late reviews","First line\r\nsecond line"\r\n,\r\nX,"say ""hi"""\r\n')
    assert table.rows == [(3, ["Late reviews", "First line\nsecond line"]), (5, ["X", 'say "hi"'])]


def test_a_short_row_is_padded_and_a_long_one_cut_to_the_header():
    table = read_table(b"a,b,c\n1\n1,2,3,4\n")
    assert table.rows == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]


def test_a_workbook_reads_its_first_sheet_as_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Start", "Benefit", "Note", None])
    sheet.append(["PX-1", datetime(2026, 3, 1), 4, None, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["PX-2", date(2026, 4, 2), 2.5, "two\nlines", None])
    content = io.BytesIO()
    book.save(content)
    table = read_table(content.getvalue())
    assert table.header == ["Code", "Start", "Benefit", "Note"] and table.encoding == "xlsx"
    assert table.rows == [(2, ["PX-1", "2026-03-01", "4", ""]), (4, ["PX-2", "2026-04-02", "2.5", "two\nlines"])]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"\n\n,,\n", "The file has no rows."),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "Send a CSV file or an Excel workbook (.xlsx)."),
    (b"PK\x03\x04" + bytes(64), "Send a CSV file or an Excel workbook (.xlsx)."),
])
def test_a_file_that_is_no_table_is_refused_with_the_reason(content, message):
    with pytest.raises(ValidationError) as refused:
        read_table(content)
    assert refused.value.errors == {"file": message}


@pytest.mark.parametrize(("content", "message"), [
    (b'{"issues": []}', "This is a JSON file, not a spreadsheet: Redmine's JSON is imported as “Redmine issues”."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "This is an old Excel workbook (.xls): save it as .xlsx or CSV "
                                                      "and send that."),
])
def test_a_file_of_another_kind_is_told_what_to_do(content, message):
    with pytest.raises(ValidationError) as refused:
        read_table(content)
    assert refused.value.errors == {"file": message}


def test_excels_unicode_text_reads_as_utf16_and_cells_past_the_header_are_noticed():
    table = read_table("Code\tName\nPX-1\tCafé\nPX-2\tTea\tPPQA\n".encode("utf-16"))
    assert (table.encoding, table.rows) == ("utf-16", [(2, ["PX-1", "Café"]), (3, ["PX-2", "Tea"])])
    assert table.overflow == {3}
