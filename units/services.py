"""Writes to the unit tree."""

import csv
import io
import json
import os
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Value
from django.db.models.functions import Concat, Substr
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Unit, UnitKind
from .rules import scope_prefix
from .text import fold


@transaction.atomic
def unit_save(*, form) -> Unit:
    """Save a validated ``UnitForm`` (create or update) and return the unit.

    When the unit moved under another parent, the paths of all its descendants are rewritten
    in one UPDATE so subtree queries stay right.
    """
    old_path = form.instance.path if form.instance.pk else None
    unit = form.save()
    if old_path and old_path != unit.path:
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
        )
        _recompute_depths(unit)
    return unit


def _recompute_depths(unit: Unit) -> None:
    descendants = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    for child in descendants.only("id", "path", "depth"):
        if child.depth != child.path.count("/") - 2:
            Unit.objects.filter(pk=child.pk).update(depth=child.path.count("/") - 2)


# --- Import of units from CSV and XLSX ----------------------------------------------------------
#
# Two steps that share one validation: unit_import_parse() reads a file into rows and checks them
# (nothing written), unit_import_apply() checks the rows again against the database as it is now
# and writes them in one transaction. Between the two, the web page keeps the rows in a private
# file (unit_import_stash / unit_import_unstash) so the upload is read only once.

IMPORT_MAX_ROWS = 5000
# An XLSX is a zip: refuse one that unpacks to more than this (a "zip bomb" stays small on upload).
IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_COLUMNS = 64
IMPORT_STASH_SECONDS = 3600

IMPORT_COLUMNS = (
    "name",
    "short_name",
    "kind",
    "parent_code",
    "code",
    "address",
    "email",
    "phone",
    "head_name",
    "head_title",
    "valid_from",
    "valid_to",
    "predecessor_codes",
)
IMPORT_REQUIRED_COLUMNS = ("name", "kind")
# The Unit fields an import row may set (besides the parent and the predecessors).
_IMPORT_FIELDS = (
    "name",
    "short_name",
    "kind",
    "code",
    "address",
    "email",
    "phone",
    "head_name",
    "head_title",
    "valid_from",
    "valid_to",
)

# Header texts accepted for each column, compared after _normalise() (no diacritics, lower case,
# "_-*:()" read as spaces), so "Tên đơn vị (*)", "TEN DON VI" and "name" all match.
IMPORT_HEADER_ALIASES = {
    "name": ("name", "ten don vi", "ten"),
    "short_name": ("short name", "ten viet tat", "ten rut gon"),
    "kind": ("kind", "loai", "loai don vi"),
    "parent_code": ("parent code", "ma don vi cap tren", "ma cap tren"),
    "code": ("code", "ma", "ma don vi"),
    "address": ("address", "dia chi"),
    "email": ("email", "e mail", "thu dien tu"),
    "phone": ("phone", "dien thoai", "so dien thoai"),
    "head_name": ("head name", "thu truong", "ho ten thu truong"),
    "head_title": ("head title", "chuc vu thu truong", "chuc vu"),
    "valid_from": ("valid from", "hieu luc tu"),
    "valid_to": ("valid to", "hieu luc den"),
    "predecessor_codes": ("predecessor codes", "ma don vi tien than", "tien than"),
}
_COLUMN_BY_HEADER = {alias: key for key, aliases in IMPORT_HEADER_ALIASES.items() for alias in aliases}

# Words accepted in the "kind" column, normalised like the headers: the UnitKind values and
# their Vietnamese names.
IMPORT_KIND_WORDS = {
    UnitKind.PROVINCE: ("province", "tinh"),
    UnitKind.DEPARTMENT: ("department", "so", "ban", "nganh"),
    UnitKind.DISTRICT: ("district", "huyen", "quan", "thanh pho", "thi xa"),
    UnitKind.COMMUNE: ("commune", "xa", "phuong", "dac khu", "thi tran"),
    UnitKind.OFFICE: ("internal office", "office", "phong", "trung tam"),
}
_KIND_BY_WORD = {word: kind for kind, words in IMPORT_KIND_WORDS.items() for word in words}

_KEEP = object()  # an update row without a parent_code column keeps the unit's parent
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
_DMY_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_CODE_SPLIT_RE = re.compile(r"[;,]")


def import_column_label(column: str) -> str:
    """The translated label of an import column (the model field's name where there is one)."""
    extra = {
        "parent_code": gettext_lazy("parent code"),
        "predecessor_codes": gettext_lazy("predecessor codes"),
    }
    if column in extra:
        return str(extra[column])
    if column in _IMPORT_FIELDS:
        return str(Unit._meta.get_field(column).verbose_name)
    return ""


@dataclass
class UnitImportRow:
    """One data row of an import file: its line number and its cells by column key (all text).

    Only the columns present in the file appear in ``values``: on an update, a column left out of
    the file leaves that field as it is, while an empty cell in a present column clears it.
    Validation fills in the rest (what would happen, the unit as it would be saved).
    """

    line: int
    values: dict[str, str]
    action: str = ""  # "create", "update" or "unchanged", once validated
    unit: Unit | None = field(default=None, repr=False)
    parent: object = field(default=None, repr=False)  # Unit, None, or _KEEP
    predecessors: list[Unit] | None = field(default=None, repr=False)  # None: keep as they are
    before: tuple | None = field(default=None, repr=False)  # an updated unit's values before

    @property
    def parent_unit(self) -> Unit | None:
        """The parent the unit will have (for display)."""
        return self.unit.parent if self.parent is _KEEP and self.unit else self.parent or None

    def as_dict(self) -> dict:
        return {"line": self.line, "values": self.values}


@dataclass
class UnitImportError:
    line: int
    column: str
    message: str

    @property
    def column_label(self) -> str:
        return import_column_label(self.column)


@dataclass
class UnitImportResult:
    """What an import would do: the rows with their planned action, or the problems found."""

    rows: list[UnitImportRow]
    errors: list[UnitImportError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def to_create(self) -> int:
        return self._count("create")

    @property
    def to_update(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")


class UnitImportInvalid(Exception):
    """Raised by unit_import_apply when the rows no longer validate; ``result`` says why."""

    def __init__(self, result: UnitImportResult):
        super().__init__(f"{len(result.errors)} import errors")
        self.result = result


def unit_import_parse(*, file, user) -> UnitImportResult:
    """Read a CSV or XLSX file of units and check every row; write nothing.

    ``file`` is a Django ``File`` (an upload, or a local file opened in binary mode) and ``user``
    the importer (None for a system operator, who sees every unit). Raises ``ValidationError``
    with a message for the user when the file itself is unusable (wrong type, too big, empty, not
    UTF-8, malformed XLSX, missing required columns); otherwise returns a ``UnitImportResult``
    whose ``errors`` list every bad row with its line number (the whole file is rejected if any).
    """
    name = getattr(file, "name", "") or ""
    extension = Path(name).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise ValidationError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."), code="file_type")
    limit = settings.UPLOAD_MAX_BYTES
    too_big = ValidationError(
        _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}, code="file_size"
    )
    if (file.size or 0) > limit:
        raise too_big
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    records = _read_csv(data) if extension == ".csv" else _read_xlsx(data)
    rows, ignored = _rows_from_records(records)
    result = _import_plan(rows, user=user)
    result.ignored_columns = ignored
    return result


@transaction.atomic
def unit_import_apply(*, rows: list[UnitImportRow], user) -> dict[str, int]:
    """Create or update the units of validated import ``rows`` in one transaction.

    The rows are checked again against the database as it is now (it may have changed since the
    preview); if any fails, ``UnitImportInvalid`` is raised and nothing is written. Rows whose
    code matches a unit update it in place, the others create units; parents are set before
    children, moved units carry their subtrees, predecessors are set last. Returns the counts
    ``{"created": n, "updated": n, "unchanged": n}``.
    """
    result = _import_plan([UnitImportRow(line=r.line, values=r.values) for r in rows], user=user)
    if not result.is_valid:
        raise UnitImportInvalid(result)
    # Every unit object in memory whose path a move may change (including parents cached by the
    # lookup's select_related), so that children saved later compute their paths right.
    held = {id(row.unit): row.unit for row in result.rows}
    for row in result.rows:
        parent = row.unit.parent if row.parent is _KEEP else row.parent
        if parent is not None:
            held.setdefault(id(parent), parent)
    for row in result.rows:
        if row.action == "unchanged":
            continue
        unit = row.unit
        if row.parent is not _KEEP:
            unit.parent = row.parent
        if row.action == "create":
            unit.save()
            continue
        old_path = unit.path
        unit.save(update_fields=[*_IMPORT_FIELDS, "parent"])
        if unit.path != old_path:
            _import_move_subtree(unit, old_path, held.values())
    for row in result.rows:
        if row.predecessors is not None and row.action != "unchanged":
            row.unit.predecessors.set(row.predecessors)
    return {"created": result.to_create, "updated": result.to_update, "unchanged": result.unchanged}


def unit_import_stash(*, rows: list[UnitImportRow], user) -> str:
    """Keep validated rows for the confirm step; return the random token that names them.

    The rows go to a private JSON file under ``VAR_DIR/imports/`` (never served), recording the
    user's id so that only they can use it. Files older than an hour are removed on the way.
    """
    folder = _stash_folder()
    now = time.time()
    for old in folder.glob("*.json"):
        try:
            if now - old.stat().st_mtime > IMPORT_STASH_SECONDS:
                old.unlink(missing_ok=True)
        except OSError:
            continue  # removed meanwhile by another request
    token = secrets.token_urlsafe(24)
    payload = {"user": user.pk, "rows": [row.as_dict() for row in rows]}
    fd = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
    return token


def unit_import_unstash(*, token: str, user) -> list[UnitImportRow] | None:
    """Take back the rows kept under ``token`` (one use: the file is deleted).

    Returns None when the token is malformed, unknown, expired, or belongs to another user.
    """
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        return None
    path = _stash_folder() / f"{token}.json"
    try:
        fresh = time.time() - path.stat().st_mtime <= IMPORT_STASH_SECONDS
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("user") != user.pk:
        return None
    path.unlink(missing_ok=True)
    if not fresh:
        return None
    return [UnitImportRow(line=r["line"], values=r["values"]) for r in payload["rows"]]


def _stash_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, NotImplementedError, ValueError...: all mean "not readable"
        raise malformed from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise malformed
    if sum(m.file_size for m in members) > IMPORT_MAX_UNPACKED_BYTES:
        raise ValidationError(_("The .xlsx file is too large once unpacked."), code="xlsx_size")
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
            kind = _KIND_BY_WORD.get(_normalise(values["kind"]))
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


def _import_move_subtree(unit: Unit, old_path: str, held) -> None:
    """After ``unit`` moved: rewrite its descendants' paths, in the database and in memory."""
    Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
    )
    _recompute_depths(unit)
    for other in held:
        if other is not unit and other.path.startswith(old_path):
            other.path = unit.path + other.path[len(old_path) :]
            other.depth = other.path.count("/") - 2
