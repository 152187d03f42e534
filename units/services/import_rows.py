"""The rows of a unit import: its columns, the words it accepts, and what checking them found.

See units.services.imports for the two steps of an import (parse, then apply).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from ..models import Unit, UnitKind

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
