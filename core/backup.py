"""Backups of the database and the media folder, and their restore (``manage.py backup`` / ``restore``).

An archive ``kiemtra-YYYYmmdd-HHMMSS.tar.gz`` holds:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online backup API, consistent while the application runs);
- ``media/...``: every file under MEDIA_ROOT (evidence, attachments, generated reports);
- ``manifest.json``: the SHA-256 of every other member, and the row count of every table as
  the dump saw it (PostgreSQL: counted in the snapshot pg_dump uses; SQLite: in the copy).

Restore checks every hash before it touches anything, restores only into an EMPTY database
(no tables) and an empty or missing media folder, then checks the restored files' hashes and
the restored tables' row counts against the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Vietnamese)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_env() -> dict:
    """libpq's environment for the default database (no password on a command line)."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command: list[str], *, env=None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} thất bại: {result.stderr.strip()}")


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        cursor = db.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        return _count(cursor, tables, lambda t: '"' + t.replace('"', '""') + '"')


def _dump_postgres(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts are taken in: the manifest matches the dump exactly."""
    if connection.in_atomic_block:
        raise BackupError(
            "Không sao lưu bên trong một giao dịch đang mở (pg_dump không thấy dữ liệu chưa ghi)."
        )
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, _pg_tables(cursor), connection.ops.quote_name)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                env=_pg_env(),
            )
        finally:
            cursor.execute("COMMIT")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    return _sqlite_counts(target)


def backup_create(*, output_dir: Path) -> Path:
    """Write one archive of the database and MEDIA_ROOT into ``output_dir``; returns its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"kiemtra-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="kiemtra-backup-") as scratch:
        scratch = Path(scratch)
        if _is_postgres():
            dump = scratch / PG_DUMP
            counts = _dump_postgres(dump)
        else:
            dump = scratch / SQLITE_COPY
            counts = _dump_sqlite(dump)
        files = {dump.name: sha256_of(dump)}
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        for path in media_files:
            files[f"media/{path.relative_to(media_root).as_posix()}"] = sha256_of(path)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": dump.name,
            "files": files,
            "row_counts": counts,
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(scratch / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.rename(archive)  # never a half-written archive under the final name
    return archive


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def restore_archive(*, archive: Path) -> RestoreResult:
    """Restore ``archive`` into the empty default database and media folder; verify; raise BackupError."""
    media_root = Path(settings.MEDIA_ROOT)
    if not _database_is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cơ sở dữ liệu mới, chưa có bảng nào."
        )
    if not _media_is_empty(media_root):
        raise BackupError(f"Thư mục media đích không trống: {media_root}")
    with tempfile.TemporaryDirectory(prefix="kiemtra-restore-") as scratch:
        scratch = Path(scratch)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(scratch, filter="data")  # refuses absolute paths, "..", links outside
        manifest = json.loads((scratch / MANIFEST).read_text(encoding="utf-8"))
        for name, expected in manifest["files"].items():
            path = scratch / name
            if not path.is_file() or sha256_of(path) != expected:
                raise BackupError(f"Bản sao lưu hỏng: {name} không khớp mã băm SHA-256 trong manifest.")
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"Bản sao lưu của {manifest['engine']} không khôi phục được vào {connection.vendor}."
            )
        if connection.vendor == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={settings.DATABASES['default']['NAME']}",
                    str(scratch / PG_DUMP),
                ],
                env=_pg_env(),
            )
            with connection.cursor() as cursor:
                counts = _count(cursor, _pg_tables(cursor), connection.ops.quote_name)
        else:
            connection.close()
            target = Path(settings.DATABASES["default"]["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(scratch / SQLITE_COPY) as source, sqlite3.connect(target) as db:
                source.backup(db)
            counts = _sqlite_counts(target)
        media_root.mkdir(parents=True, exist_ok=True)
        restored = 0
        for name, expected in manifest["files"].items():
            if not name.startswith("media/"):
                continue
            destination = media_root / name.removeprefix("media/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch / name, destination)
            if sha256_of(destination) != expected:
                raise BackupError(f"Tệp khôi phục {destination} không khớp mã băm SHA-256.")
            restored += 1
    if counts != manifest["row_counts"]:
        wrong = sorted(
            t
            for t in set(counts) | set(manifest["row_counts"])
            if counts.get(t) != manifest["row_counts"].get(t)
        )
        raise BackupError(f"Số dòng sau khi khôi phục khác bản sao lưu ở các bảng: {', '.join(wrong)}")
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), files=restored)
