"""List stored files that no row points to, and rows that point to a missing file; with --delete,
remove both.

Files younger than --min-age (one hour by default) are left alone: a worker writes a report's
file before the transaction that points the row to it commits, and an upload is saved before its
row. Only file-system storages (MEDIA_ROOT) are walked.
"""

import os
import time
from collections import defaultdict

from django.core.management.base import BaseCommand
from django.db.models import ProtectedError

from core.files import models_with_files


class Command(BaseCommand):
    help = "List (and with --delete remove) orphan files and rows pointing to missing files."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove what is listed.")
        parser.add_argument(
            "--min-age", type=int, default=3600, help="Seconds a file must be old to count as orphan."
        )

    def handle(self, *args, delete: bool, min_age: int, **options):
        referenced: dict[str, set[str]] = defaultdict(set)  # storage location -> names
        storages = {}
        missing = []  # (model, pk, name)
        for model, field in models_with_files():
            storage = field.storage
            location = getattr(storage, "location", None)
            if location is None:
                continue
            storages[location] = storage
            rows = model._base_manager.exclude(**{field.attname: ""}).values_list("pk", field.attname)
            for pk, name in rows.iterator():
                referenced[location].add(name)
                if not storage.exists(name):
                    missing.append((model, pk, name))

        cutoff = time.time() - min_age
        orphans = []
        for location, storage in storages.items():
            for folder, _dirs, names in os.walk(location):
                for filename in names:
                    path = os.path.join(folder, filename)
                    name = os.path.relpath(path, location).replace(os.sep, "/")
                    if name in referenced[location]:
                        continue
                    try:
                        if os.path.getmtime(path) > cutoff:
                            continue
                    except FileNotFoundError:
                        continue
                    orphans.append((storage, name))

        for _storage, name in orphans:
            self.stdout.write(f"orphan file: {name}")
        for model, pk, name in missing:
            self.stdout.write(f"missing file: {model._meta.label} #{pk} -> {name}")
        self.stdout.write(f"{len(orphans)} orphan file(s), {len(missing)} row(s) pointing to a missing file.")
        if not delete:
            return
        for storage, name in orphans:
            storage.delete(name)
        kept = 0
        for model, pk, _name in missing:
            try:
                model._base_manager.filter(pk=pk).delete()
            except ProtectedError:
                kept += 1
                self.stderr.write(f"kept {model._meta.label} #{pk}: other rows depend on it")
        self.stdout.write(f"Deleted {len(orphans)} file(s) and {len(missing) - kept} row(s).")
