"""CSV and XLSX downloads of any filtered list, streamed so that memory stays flat.

A list view that already has its filtered, permission-scoped queryset hands it over with the
columns to write::

    COLUMNS = [
        Column(_("Unit"), "unit__name"),
        Column(_("Due date"), "due_date"),  # dates come out as dd/mm/yyyy
        Column(_("State"), "state", choices=ActionState.choices),
    ]
    return export_response(request, queryset, COLUMNS, filename="hanh-dong-khac-phuc")

Rows are read with ``values_list(...).iterator(chunk_size=2000)``: never the whole set in memory.
CSV is a StreamingHttpResponse in UTF-8 with a byte-order mark (so Excel shows Vietnamese
correctly). XLSX is an openpyxl write-only workbook (each row goes to a temporary file as it is
appended), saved into a SpooledTemporaryFile that moves to disk past a few megabytes and is sent
in chunks. Headers are translated (Vietnamese by default); text that a spreadsheet would run as a
formula is written as text.
"""

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.security_events import record_export
from core.spreadsheets import FORMULA_START, write_only_cell

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# XLSX files are built in memory up to this size, on disk beyond it.
SPOOL_BYTES = 8 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, the ``values_list`` path it reads, how to show it.

    ``choices`` turns a stored value into its label; ``transform`` is any other function of the
    raw value (applied before dates and numbers are formatted).
    """

    header: Any
    path: str
    choices: Sequence[tuple[str, Any]] = field(default=())
    transform: Callable[[Any], Any] | None = None
    # The column's width in the XLSX, in characters; by default from the header and the path.
    width: float | None = None

    @property
    def xlsx_width(self) -> float:
        if self.width:
            return self.width
        header = len(str(self.header)) + 2
        if self.path.endswith(("title", "text", "recommendation", "__name", "name", "place", "address")):
            return max(header, 36)
        if self.path.endswith(("_at", "date", "_start", "_end", "valid_from", "valid_to")):
            return max(header, 16)
        return max(header, 10)

    def value(self, raw):
        if self.choices:
            raw = dict(self.choices).get(raw, raw)
        if self.transform is not None:
            raw = self.transform(raw)
        return raw


def export_format(request) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for a download (``?format=``), else None."""
    fmt = request.GET.get("format", "").lower()
    return fmt if fmt in FORMATS else None


def export_rows(queryset: QuerySet, columns: Sequence[Column]) -> Iterator[list]:
    """The rows of ``queryset`` as lists of column values, read in chunks from the database."""
    paths = [column.path for column in columns]
    # Lists prefetch related rows for their pages; tuples have nothing to prefetch into.
    rows = queryset.prefetch_related(None).values_list(*paths)
    for raw in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(value) for column, value in zip(columns, raw, strict=True)]


def export_response(
    request,
    queryset: QuerySet,
    columns: Sequence[Column],
    filename: str,
    *,
    fmt: str | None = None,
    sheet: Any = "",
):
    """A streamed download of ``queryset`` as CSV or XLSX (``fmt``, or the request's ``?format=``).

    ``queryset`` must already be filtered to what the user may see: this function adds nothing
    to it but the columns. ``filename`` has no extension; ``sheet`` is the XLSX sheet's name as a
    user reads it ("Hành động khắc phục"). Raises Http404 for an unknown format.
    """
    fmt = fmt or export_format(request)
    if fmt not in FORMATS:
        raise Http404(_("Unknown export format."))
    record_export(request, name=filename, fmt=fmt)
    headers = [str(column.header) for column in columns]
    rows = export_rows(queryset, columns)
    if fmt == "csv":
        return csv_response(headers, rows, filename=f"{filename}.csv")
    if fmt == "xlsx":
        return xlsx_response(
            headers,
            rows,
            filename=f"{filename}.xlsx",
            title=str(sheet) or filename,
            widths=[column.xlsx_width for column in columns],
        )
    raise Http404(_("Unknown export format."))


# CSV ---------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_text(value) -> str:
    """How a value reads in the CSV: dd/mm/yyyy dates, decimal commas, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV file as an iterator of lines, starting with the UTF-8 byte-order mark."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row])


def csv_response(headers: Sequence[str], rows: Iterable[Sequence], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# XLSX --------------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value):
    """A value openpyxl can write: naive local datetimes, formats on dates, formulas as text."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, bool):
        # A user reads "Có" / "Không", not Excel's TRUE / FALSE.
        return _("Yes") if value else _("No")
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return write_only_cell(sheet, str(value))


def xlsx_file(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Sheet",
    widths: Sequence[float] | None = None,
):
    """The workbook in a SpooledTemporaryFile, rewound; rows are written as they are read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    # Sheet titles: at most 31 characters, none of []:*?/\
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet")
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = write_only_cell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # FileResponse closes it
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


def xlsx_response(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    filename: str,
    title: str,
    widths: Sequence[float] | None = None,
) -> FileResponse:
    response = FileResponse(
        xlsx_file(headers, rows, title=title, widths=widths),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )
    response.block_size = 64 * 1024
    return response
