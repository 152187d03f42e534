"""Writes to the unit tree (units) and the import of units from CSV and XLSX files (imports)."""

from .import_jobs import unit_import_run, unit_import_start
from .import_rows import UnitImportError, UnitImportInvalid, UnitImportResult, UnitImportRow
from .imports import unit_import_apply, unit_import_parse, unit_import_stash, unit_import_unstash
from .units import unit_save

__all__ = [
    "UnitImportError",
    "UnitImportInvalid",
    "UnitImportResult",
    "UnitImportRow",
    "unit_import_apply",
    "unit_import_parse",
    "unit_import_run",
    "unit_import_start",
    "unit_import_stash",
    "unit_import_unstash",
    "unit_save",
]
