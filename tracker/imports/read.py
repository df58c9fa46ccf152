"""A file to import as a table: its header and its rows of text, each with the row number a spreadsheet shows (the
header is row 1). CSV in the encodings spreadsheets write (UTF-16 by its BOM, UTF-8 with or without its BOM, else
Windows-1252, which reads Latin-1 too), its delimiter the one its first row uses most; XLSX through openpyxl (the
first sheet, values not formulas). Blank rows are skipped; a cell's line breaks are kept."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

import filetype
from openpyxl import load_workbook

from tracker.errors import ValidationError

DELIMITERS = ",;\t|"
UTF16 = (b"\xff\xfe", b"\xfe\xff")
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound document: .xls
MOST_COLUMNS = 200


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (its row number in the file, its cells), as long as the header
    encoding: str  # what the file was read as ("xlsx" for a workbook)
    overflow: frozenset[int] = frozenset()  # rows with something in cells past the header's columns


def read_table(content: bytes, *, field: str = "file") -> Table:
    """The file as a table, or a ValidationError on `field` saying why it cannot be read."""
    if not content.strip():
        raise ValidationError({field: "The file is empty."})
    kind = filetype.guess(content)
    if kind is not None and kind.extension == "xlsx":
        numbered = _workbook_rows(content, field)
        encoding = "xlsx"
    elif content.startswith(OLD_EXCEL):
        raise ValidationError({field: "This is an old Excel workbook (.xls): save it as .xlsx or CSV and send that."})
    elif content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        raise ValidationError({field: "This is a JSON file, not a spreadsheet: Redmine's JSON is imported as "
                                      "“Redmine issues”."})
    elif kind is not None or (b"\x00" in content[:4096] and not content.startswith(UTF16)):
        raise ValidationError({field: "Send a CSV file or an Excel workbook (.xlsx)."})
    else:
        text, encoding = decode(content)
        numbered = _csv_rows(text, field)
    rows = [(number, cells) for number, cells in numbered if any(cell.strip() for cell in cells)]
    if not rows:
        raise ValidationError({field: "The file has no rows."})
    (_, header), body = rows[0], rows[1:]
    header = [cell.strip() for cell in header]
    while header and not header[-1]:
        header.pop()
    if not header or len(header) > MOST_COLUMNS:
        raise ValidationError({field: f"The first row names the columns: 1 to {MOST_COLUMNS} of them."})
    width = len(header)
    return Table(header=[name or f"Column {n}" for n, name in enumerate(header, 1)],
                 rows=[(number, (cells + [""] * width)[:width]) for number, cells in body], encoding=encoding,
                 overflow=frozenset(number for number, cells in body if any(cell.strip() for cell in cells[width:])))


def decode(content: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read as: UTF-16 by its BOM (Excel's "Unicode text"), UTF-8 (its
    BOM, if any, dropped), else Windows-1252."""
    if content.startswith(UTF16):
        return content.decode("utf-16", errors="replace"), "utf-16"
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), "cp1252"


def _csv_rows(text: str, field: str):
    header = next((line for line in text[:64 * 1024].splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=header.count) if any(mark in header for mark in DELIMITERS) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, [cell.replace("\r\n", "\n") for cell in cells]
    except csv.Error as error:
        raise ValidationError({field: f"Row {number + 1} cannot be read as CSV: {error}."}) from error


def _workbook_rows(content: bytes, field: str):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (openpyxl raises whatever a broken zip or XML raises)
        raise ValidationError({field: "The workbook cannot be read: save it again as .xlsx."}) from error
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [_cell_text(value) for value in values[:MOST_COLUMNS + 1]]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell's value as the text the form would have received."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
