"""Copy the private files from the local disk (MEDIA_ROOT) to the bucket, checking every copy.

Run once when a deployment moves to object storage (AWS_STORAGE_BUCKET_NAME set): the rows keep
their file names, so nothing in the database changes. Every file the rows name is read from disk,
hashed (SHA-256), uploaded with its hash in the object's metadata, read back and hashed again.
A file already in the bucket with the same hash is skipped, so the command is idempotent and can
be stopped and run again at any point. Files on disk are left in place: remove MEDIA_ROOT only
after a run that reports no failure.
"""

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from core.private_storage import PRIVATE_STORAGE_ALIAS, StorageFromSettings

CHUNK = 1024 * 1024


def sha256_of(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def private_file_names():
    """Every file name that a private FileField of any model holds, each once, in a stable order."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.storage, StorageFromSettings):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                )
    return sorted(names)


class Command(BaseCommand):
    help = "Copy private files from MEDIA_ROOT to the bucket, verifying SHA-256 (idempotent, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.MEDIA_ROOT), help="Folder to read (MEDIA_ROOT).")

    def handle(self, *args, source, **options):
        bucket_storage = storages[PRIVATE_STORAGE_ALIAS]
        if not hasattr(bucket_storage, "bucket"):
            raise CommandError("The private storage is not a bucket: set AWS_STORAGE_BUCKET_NAME first.")
        root = Path(source)
        counts = {"copied": 0, "already there": 0, "missing on disk": 0, "failed": 0}
        for name in private_file_names():
            path = root / name
            obj = bucket_storage.bucket.Object(bucket_storage._normalize_name(name))
            if not path.is_file():
                if bucket_storage.exists(name):  # saved after the switch: only ever in the bucket
                    counts["already there"] += 1
                else:
                    counts["missing on disk"] += 1
                    self.stderr.write(f"missing on disk: {name}")
                continue
            with path.open("rb") as stream:
                local_hash = sha256_of(stream)
            if self._remote_hash(obj) == local_hash:
                counts["already there"] += 1
                continue
            with path.open("rb") as stream:
                obj.upload_fileobj(stream, ExtraArgs={"Metadata": {"sha256": local_hash}})
            copied_hash = sha256_of(obj.get()["Body"])
            if copied_hash != local_hash:
                counts["failed"] += 1
                self.stderr.write(f"hash differs after copy: {name}")
                obj.delete()
                continue
            counts["copied"] += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"copied {name}")
        self.stdout.write(", ".join(f"{label}: {n}" for label, n in counts.items()))
        if counts["failed"]:
            raise CommandError("Some files did not copy correctly; run the command again.")

    @staticmethod
    def _remote_hash(obj) -> str | None:
        from botocore.exceptions import ClientError

        try:
            obj.load()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return obj.metadata.get("sha256")
