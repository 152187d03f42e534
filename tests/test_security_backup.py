"""Backup and restore: one archive of the database and media with SHA-256 hashes; restore only into
an empty database and media folder, checked against the manifest. Runs on SQLite and PostgreSQL
(.ci/run runs it on PostgreSQL as its own step, on the demo data)."""

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from units.models import Unit, User

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)
FILES = {
    "evidence/2027/01/bien-ban.pdf": b"%PDF-1.4 bien ban kiem tra\n",
    "remediation/anh chup.jpg": b"\xff\xd8\xff\xe0 anh",
    "reports/Báo cáo.docx": b"PK\x03\x04 docx",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, content in FILES.items():
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return settings.MEDIA_ROOT


@pytest.fixture
def world(media, settings):
    settings.DEBUG = True  # load_demo refuses production
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    assert User.objects.exists() and Unit.objects.exists()


@pytest.fixture
def target(tmp_path):
    """A fresh database (PostgreSQL: a new database beside the test one; SQLite: a new file)."""
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        name = f"{db['NAME']}_restore"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        yield {
            "url": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}",
            "name": name,
        }
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "restored.sqlite3"
        yield {"url": f"sqlite:///{path}", "path": path}


def _restore(archive, target, media_root):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT", "REDIS_URL")}
    env.update(DATABASE_URL=target["url"], MEDIA_ROOT=str(media_root))
    return subprocess.run(  # noqa: S603  our own manage.py
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {table: _count(cursor, table) for table in connection.introspection.table_names()}


def _count(cursor, table):
    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return cursor.fetchone()[0]


def _restored_users(target) -> int:
    if "path" in target:
        with sqlite3.connect(target["path"]) as db:
            return db.execute("SELECT COUNT(*) FROM units_user").fetchone()[0]
    import psycopg2

    with psycopg2.connect(target["url"]) as db, db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM units_user")
        return cursor.fetchone()[0]


def _backup(tmp_path) -> Path:
    out = tmp_path / "backups"
    call_command("backup", output_dir=str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    [archive] = out.iterdir()
    return archive


def test_a_backup_is_one_timestamped_archive_with_a_manifest_of_hashes(tmp_path, world, media):
    archive = _backup(tmp_path)

    assert re.fullmatch(r"kiemtra-\d{8}-\d{6}\.tar\.gz", archive.name)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == digest
    assert {f"media/{name}" for name in FILES} <= set(manifest["files"])
    assert manifest["database"] in {"database.dump", "database.sqlite3"}
    assert names == set(manifest["files"]) | {"manifest.json"}
    assert manifest["row_counts"] == _source_counts()


def test_a_backup_restores_into_a_fresh_database_and_media_folder(tmp_path, world, media, target):
    archive = _backup(tmp_path)
    source_users = User.objects.count()
    restored_media = tmp_path / "restored-media"

    result = _restore(archive, target, restored_media)

    assert result.returncode == 0, result.stderr
    assert "mã băm và số dòng khớp bản sao lưu" in result.stdout
    assert _restored_users(target) == source_users
    for name, content in FILES.items():
        assert (restored_media / name).read_bytes() == content


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, world, media, target):
    archive = _backup(tmp_path)
    assert _restore(archive, target, tmp_path / "first").returncode == 0

    again = _restore(archive, target, tmp_path / "second")

    assert again.returncode != 0
    assert "Cơ sở dữ liệu đích không trống" in again.stderr
    assert not (tmp_path / "second").exists()


def test_restore_refuses_a_media_folder_that_is_not_empty(tmp_path, world, media, target):
    archive = _backup(tmp_path)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "old.txt").write_text("x")

    result = _restore(archive, target, busy)

    assert result.returncode != 0
    assert "Thư mục media đích không trống" in result.stderr


def test_a_damaged_archive_is_refused_before_anything_is_restored(tmp_path, world, media, target):
    archive = _backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/evidence/2027/01/bien-ban.pdf":
                data = data.replace(b"bien ban", b"BIEN BAN")
            member.size = len(data)
            out.addfile(member, __import__("io").BytesIO(data))

    result = _restore(damaged, target, tmp_path / "restored-media")

    assert result.returncode != 0
    assert "không khớp mã băm SHA-256" in result.stderr
    assert not (tmp_path / "restored-media").exists()
