"""Reading an import file (CSV or XLSX) into rows keyed by column; nothing is checked against the
database here."""

import csv
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import fold
from core.uploads import archive_check

from .import_rows import (
    _COLUMN_BY_HEADER,
    IMPORT_MAX_COLUMNS,
    IMPORT_MAX_ROWS,
    IMPORT_MAX_UNPACKED_BYTES,
    IMPORT_REQUIRED_COLUMNS,
    UnitImportRow,
)


def _read_csv(data: bytes):
    """Return (line number, cells) records of a UTF-8 CSV (with or without BOM; "," ";" or tab separated)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ValidationError(
            _("This is not a CSV text file. Save it as “CSV UTF-8” and try again."), code="csv_binary"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
            code="csv_encoding",
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        raise ValidationError(
            _("The CSV file could not be read near line %(line)d.") % {"line": start}, code="csv_malformed"
        ) from None
    return records


def _read_xlsx(data: bytes):
    """Return (row number, cells) records of the first sheet of a real XLSX workbook."""
    malformed = ValidationError(
        _("This is not a valid Excel .xlsx file. Open it in Excel and save it again as .xlsx."),
        code="xlsx_malformed",
    )
    if not data.startswith(b"PK\x03\x04"):
        raise malformed
    # Every member is inflated in chunks and counted before openpyxl reads any (a "zip bomb").
    try:
        with archive_check(data, max_unpacked=IMPORT_MAX_UNPACKED_BYTES) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise malformed from None
    if "xl/workbook.xml" not in names:
        raise malformed
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a broken workbook
        raise malformed from None
    try:
        if not workbook.worksheets:
            raise malformed
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong used range; read every row
        rows = sheet.iter_rows(values_only=True, max_col=IMPORT_MAX_COLUMNS)
        return [(number, list(cells)) for number, cells in enumerate(rows, start=1)]
    except ValidationError:
        raise
    except Exception:
        raise malformed from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _normalise(text: str) -> str:
    """Fold ``text`` and read "_", "-", "*", ":" and brackets as spaces ("Tên đơn vị (*)" -> "ten don vi")."""
    return " ".join(re.sub(r"[_*:\-()]", " ", fold(text)).split())


def _header_key(header) -> str | None:
    return _COLUMN_BY_HEADER.get(_normalise(_cell_text(header)))


def _rows_from_records(records) -> tuple[list[UnitImportRow], list[str]]:
    """Turn (line, cells) records into rows keyed by column; the first non-blank record is the header."""
    records = iter(records)
    header_line, header = 0, None
    for number, cells in records:
        if any(_cell_text(c) for c in cells):
            header_line, header = number, [_cell_text(c) for c in cells[:IMPORT_MAX_COLUMNS]]
            break
    if header is None:
        raise ValidationError(_("The file is empty."), code="empty")
    columns: dict[int, str] = {}
    ignored = []
    for index, text in enumerate(header):
        key = _header_key(text)
        if key is None:
            if text:
                ignored.append(text)
        elif key in columns.values():
            raise ValidationError(
                _("Column “%(column)s” appears twice in the header (line %(line)d).")
                % {"column": text, "line": header_line},
                code="duplicate_column",
            )
        else:
            columns[index] = key
    missing = [key for key in IMPORT_REQUIRED_COLUMNS if key not in columns.values()]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    rows = []
    for line, cells in records:
        values = {key: _cell_text(cells[i]) if i < len(cells) else "" for i, key in columns.items()}
        if not any(values.values()):
            continue
        if len(rows) == IMPORT_MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": IMPORT_MAX_ROWS},
                code="too_many_rows",
            )
        rows.append(UnitImportRow(line=line, values=values))
    if not rows:
        raise ValidationError(_("The file has a header but no data rows."), code="no_rows")
    return rows, ignored
