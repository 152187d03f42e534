"""Checking the rows of an import against the database and each other (nothing is written)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from ..closing import open_work_message
from ..models import Unit, UnitKind
from ..rules import scope_prefix
from .import_files import _normalise
from .import_rows import (
    _IMPORT_FIELDS,
    _KEEP,
    _KIND_BY_WORD,
    UnitImportError,
    UnitImportResult,
    UnitImportRow,
)

_DMY_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_CODE_SPLIT_RE = re.compile(r"[;,]")


def _parse_date(text: str) -> date | None:
    """dd/mm/yyyy (also with "." or "-") or yyyy-mm-dd; raises ValueError otherwise."""
    text = text.split(" ")[0].split("T")[0]
    if match := _DMY_RE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _units_by_code(codes: set[str]) -> dict[str, Unit]:
    """Every unit (visible or not) with one of ``codes``: one query and one prefetch per 500 codes."""
    found: dict[str, Unit] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), 500):
        units = (
            Unit.objects.filter(code__in=ordered[start : start + 500])
            .select_related("parent")
            .prefetch_related(Prefetch("predecessors", queryset=Unit.objects.only("id")))
        )
        found.update((unit.code, unit) for unit in units)
    return found


def _split_codes(text: str) -> list[str]:
    codes = []
    for code in (c.strip() for c in _CODE_SPLIT_RE.split(text or "")):
        if code and code not in codes:
            codes.append(code)
    return codes


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Unit._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


class _ImportPlanner:
    """Checks the rows of one import. Every code the file names is looked up once, up front, so
    the number of queries does not grow with the rows."""

    def __init__(self, rows: list[UnitImportRow], *, user):
        self.rows = rows
        self.prefix = "" if user is None else scope_prefix(user)
        self.errors: list[UnitImportError] = []
        self.first_line: dict[str, int] = {}  # code -> line of the first row that has it
        codes = set()
        for row in rows:
            if code := row.values.get("code", "").strip():
                self.first_line.setdefault(code, row.line)
            codes.update([code, row.values.get("parent_code", "").strip()])
            codes.update(_split_codes(row.values.get("predecessor_codes", "")))
        codes.discard("")
        self.existing = _units_by_code(codes) if codes else {}
        self.new_by_code: dict[str, Unit] = {}  # units the file creates, by code

    def run(self) -> UnitImportResult:
        for row in self.rows:
            self.check_fields(row)
        for row in self.rows:
            self.resolve_links(row)
        row_by_unit = {id(row.unit): row for row in self.rows}
        row_by_pk = {row.unit.pk: row for row in self.rows if row.unit.pk}
        for row in self.rows:
            self.check_structure(row, row_by_unit, row_by_pk)
        self.errors.sort(key=lambda e: e.line)
        return UnitImportResult(rows=self.rows, errors=self.errors)

    def visible(self, unit: Unit) -> bool:
        return self.prefix is not None and unit.path.startswith(self.prefix)

    def error(self, row: UnitImportRow, column: str, message) -> None:
        self.errors.append(UnitImportError(line=row.line, column=column, message=str(message)))

    def check_fields(self, row: UnitImportRow) -> None:
        """Find the unit the row updates (by code) or start a new one, and set its fields."""
        values = row.values
        code = values.get("code", "").strip()
        unit = None
        if code and self.first_line[code] != row.line:
            self.error(
                row,
                "code",
                _("Code “%(code)s” is already used on line %(line)d.")
                % {"code": code, "line": self.first_line[code]},
            )
        elif code in self.existing:
            unit = self.existing[code]
            if not self.visible(unit):
                self.error(row, "code", _constraint_message("units_unit_code_unique"))
                unit = None
        if unit is None:
            unit = Unit()
            if code and code not in self.existing and self.first_line[code] == row.line:
                self.new_by_code[code] = unit
            row.before = None
        else:
            row.before = _import_snapshot(unit)
        row.unit = unit

        bad = {"parent", "path", "depth", "search_text"}
        for name in ("name", "short_name", "code", "address", "email", "phone", "head_name", "head_title"):
            if name in values:
                setattr(unit, name, values[name].strip())
        if "kind" in values:
            kind = import_kind(values["kind"])
            if kind is not None:
                unit.kind = kind
            else:
                bad.add("kind")
                self.error(row, "kind", _kind_message(values["kind"]))
        for name in ("valid_from", "valid_to"):
            if name in values:
                try:
                    setattr(unit, name, _parse_date(values[name]) if values[name] else None)
                except ValueError:
                    bad.add(name)
                    self.error(row, name, _("Enter a real date as dd/mm/yyyy or yyyy-mm-dd."))
        try:
            unit.clean_fields(exclude=bad)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    self.error(row, name, message)
        dates_ok = not bad & {"valid_from", "valid_to"}
        if dates_ok and unit.valid_from and unit.valid_to and unit.valid_to <= unit.valid_from:
            self.error(row, "valid_to", _constraint_message("units_unit_valid_to_after_from"))
        if dates_ok and (work := open_work_message(unit)):
            # Closing a unit that still has visits in progress or actions owed goes through the
            # guided hand-over, never silently through a file (see Unit.clean).
            self.error(row, "valid_to", work)

    def resolve_links(self, row: UnitImportRow) -> None:
        """Turn the parent and predecessor codes into units (existing, or created by the file)."""
        values, unit = row.values, row.unit
        code = values.get("code", "").strip()
        is_new = row.before is None
        row.parent = _KEEP if not is_new and "parent_code" not in values else None
        if parent_code := values.get("parent_code", "").strip():
            if parent_code == code:
                self.error(row, "parent_code", _("A unit cannot be its own parent."))
            elif parent_code in self.existing and self.visible(self.existing[parent_code]):
                row.parent = self.existing[parent_code]
            elif parent_code in self.new_by_code and self.first_line[parent_code] < row.line:
                row.parent = self.new_by_code[parent_code]
            elif parent_code in self.new_by_code:
                self.error(
                    row,
                    "parent_code",
                    _(
                        "Parent code “%(code)s” is defined on a later line (%(line)d): put parent units above their sub-units."
                    )
                    % {"code": parent_code, "line": self.first_line[parent_code]},
                )
            else:
                self.error(row, "parent_code", _("Unknown parent code “%(code)s”.") % {"code": parent_code})
        elif row.parent is None and self.prefix != "" and (is_new or unit.parent_id is not None):
            # Only an administrator may add a unit at the top of the tree (or move one there):
            # anyone else would lose sight of it.
            self.error(
                row,
                "parent_code",
                _("Enter the code of the parent unit: you can only import units below units you can see."),
            )
        row.predecessors = None
        if "predecessor_codes" in values:
            row.predecessors = []
            for predecessor_code in _split_codes(values["predecessor_codes"]):
                if predecessor_code == code:
                    self.error(row, "predecessor_codes", _("A unit cannot be its own predecessor."))
                elif predecessor_code in self.existing and self.visible(self.existing[predecessor_code]):
                    row.predecessors.append(self.existing[predecessor_code])
                elif predecessor_code in self.new_by_code:
                    row.predecessors.append(self.new_by_code[predecessor_code])
                else:
                    self.error(
                        row,
                        "predecessor_codes",
                        _("Unknown predecessor code “%(code)s”.") % {"code": predecessor_code},
                    )

    def check_structure(self, row: UnitImportRow, row_by_unit: dict, row_by_pk: dict) -> None:
        """Rules across rows (no loops in the tree, a unit in force below a unit in force); set the action."""
        parent = row.parent
        # Like the unit form, new work only goes below units in force; a parent already in place
        # is left alone (communes still sit below the districts dissolved in 2025).
        moved = isinstance(parent, Unit) and (row.before is None or parent.pk != row.before[1])
        if isinstance(parent, Unit):
            if row.before is not None and _import_creates_cycle(row, row_by_unit, row_by_pk):
                self.error(
                    row, "parent_code", _("A unit cannot be placed below itself or one of its sub-units.")
                )
            elif moved and row.unit.is_current and not parent.is_current:
                self.error(
                    row,
                    "parent_code",
                    _(
                        "The parent unit “%(name)s” is not in force; a unit in force must be placed below a unit in force."
                    )
                    % {"name": parent.name},
                )
        if row.before is None:
            row.action = "create"
        else:
            row.action = "update" if _import_changed(row) else "unchanged"


def _import_plan(rows: list[UnitImportRow], *, user) -> UnitImportResult:
    """Check ``rows`` against the database and each other; fill in each row's planned action."""
    for row in rows:
        row.action, row.unit, row.parent, row.predecessors = "", None, None, None
    return _ImportPlanner(rows, user=user).run()


def _label_key(text: str) -> str:
    return _normalise(re.sub(r"[,.;/]", " ", str(text)))


def import_kind(value: str) -> str | None:
    """The unit kind a cell names: a UnitKind value, one of the words of IMPORT_KIND_WORDS, or the
    label the pages show, in Vietnamese or English, with or without diacritics ("Sở, ban, ngành",
    "so, ban, nganh", "Cấp xã (xã, phường, đặc khu)")."""
    key = _label_key(value)
    if key in _KIND_BY_WORD:
        return _KIND_BY_WORD[key]
    for kind in UnitKind:
        if key == _label_key(kind.value):
            return kind.value
        for language in ("vi", "en"):
            with translation.override(language):
                if key == _label_key(kind.label):
                    return kind.value
    return None


def _kind_message(value: str) -> str:
    if not value.strip():
        return _("This field cannot be blank.")
    return _(
        "Unknown kind “%(value)s”: use province (tỉnh), department (sở, ban, ngành), district "
        "(huyện, thành phố, thị xã), commune (xã, phường, đặc khu, thị trấn) or internal_office (phòng, trung tâm)."
    ) % {"value": value}


def _import_snapshot(unit: Unit) -> tuple:
    """What an update may change, read before the row's values are applied."""
    fields = tuple(getattr(unit, name) for name in _IMPORT_FIELDS)
    return fields, unit.parent_id, frozenset(p.pk for p in unit.predecessors.all())


def _import_changed(row: UnitImportRow) -> bool:
    fields, parent_id, predecessor_ids = row.before
    if tuple(getattr(row.unit, name) for name in _IMPORT_FIELDS) != fields:
        return True
    if row.parent is not _KEEP and (None if row.parent is None else row.parent.pk or -1) != parent_id:
        return True
    if row.predecessors is not None:
        return frozenset(p.pk or -id(p) for p in row.predecessors) != predecessor_ids
    return False


def _import_creates_cycle(row: UnitImportRow, row_by_unit: dict, row_by_pk: dict) -> bool:
    """Whether the parents the file sets lead from ``row``'s unit back up to itself.

    Walks up the tree as it will be: a unit the file names goes to the parent the file gives it;
    any other unit climbs its stored path until an ancestor the file names.
    """
    current, seen = row, {id(row.unit)}
    while True:
        parent = current.parent
        if parent is None:
            return False
        if parent is not _KEEP and id(parent) in row_by_unit:
            upper = row_by_unit[id(parent)]
        else:
            start = current.unit if parent is _KEEP else parent
            chain = reversed(start.ancestor_ids)
            upper = next((row_by_pk[pk] for pk in chain if pk in row_by_pk), None)
            if upper is None:
                return False
        if upper is row:
            return True
        if id(upper.unit) in seen:
            return False  # a loop that does not pass through this row: reported on its own rows
        seen.add(id(upper.unit))
        current = upper
