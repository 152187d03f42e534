"""openpyxl building blocks: title rows, a formatted table with real dates and numbers.

Every value goes through ``core.spreadsheets.write_cell``: text that would run as a formula in
Excel or LibreOffice is stored as plain text.
"""

from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.spreadsheets import write_cell

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
DATE_FORMAT = "DD/MM/YYYY"


def new_workbook() -> Workbook:
    return Workbook()


def title_rows(sheet, lines: Sequence[str], *, width: int) -> None:
    """Bold centred lines merged across ``width`` columns, then an empty row."""
    for i, text in enumerate(lines, start=1):
        cell = write_cell(sheet, i, 1, text)
        sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        cell.font = Font(name=FONT_NAME, size=13 if i == 1 else 12, bold=i == 1, italic=i > 1)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def table(
    sheet,
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    widths: Sequence[float],
    wrap: Sequence[bool] | None = None,
    highlight: Sequence[bool] | None = None,
    number_format: dict[int, str] | None = None,
) -> int:
    """Write a bordered table below what the sheet holds; returns the header's row number.

    Dates become Excel dates (dd/mm/yyyy), Decimals numbers; ``highlight`` rows are filled red
    and bold. The header row is frozen and filterable.
    """
    start = sheet.max_row + 2 if sheet.max_row > 1 else 1
    font = Font(name=FONT_NAME, size=12)
    bold = Font(name=FONT_NAME, size=12, bold=True)
    for col, text in enumerate(header, start=1):
        cell = write_cell(sheet, start, col, text)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = wrap or [False] * len(header)
    number_format = number_format or {}
    for r, values in enumerate(rows, start=start + 1):
        marked = bool(highlight and highlight[r - start - 1])
        for col, value in enumerate(values, start=1):
            cell = write_cell(sheet, r, col, value)
            cell.font = bold if marked else font
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=wrap[col - 1])
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif col in number_format:
                cell.number_format = number_format[col]
            if marked:
                cell.fill = OVERDUE_FILL
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(len(header))
    if rows:
        sheet.auto_filter.ref = f"A{start}:{last}{start + len(rows)}"
    if sheet.freeze_panes is None:
        sheet.freeze_panes = f"A{start + 1}"
    return start
