"""Import of units from CSV and XLSX files.

Two steps that share one validation: unit_import_parse() reads a file into rows and checks them
(nothing written), unit_import_apply() checks the rows again against the database as it is now
and writes them in one transaction. Between the two, the web page keeps the rows in a private
file (unit_import_stash / unit_import_unstash) so the upload is read only once.
"""

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .import_files import _read_csv, _read_xlsx, _rows_from_records
from .import_plan import _import_plan
from .import_rows import (
    _IMPORT_FIELDS,
    _KEEP,
    IMPORT_STASH_SECONDS,
    UnitImportInvalid,
    UnitImportResult,
    UnitImportRow,
)

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")


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
    # Unit.save reads each parent's path from the database and rewrites a moved unit's subtree,
    # so the unit objects held here may go stale without harm.
    for row in result.rows:
        if row.action == "unchanged":
            continue
        unit = row.unit
        if row.parent is not _KEEP:
            unit.parent = row.parent
        if row.action == "create":
            unit.save()
            continue
        unit.save(update_fields=[*_IMPORT_FIELDS, "parent"])
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
