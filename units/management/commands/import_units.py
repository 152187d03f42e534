from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from units import services


class Command(BaseCommand):
    help = (
        "Import units from a CSV (UTF-8) or XLSX file, as a system operator who sees every unit "
        "(columns: see docs/samples/). Nothing is written unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change; write nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            with file.open("rb") as handle:
                result = services.unit_import_parse(file=File(handle, name=file.name), user=None)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except ValidationError as error:
            raise CommandError(f"{file}: {' '.join(error.messages)}") from None
        for error in result.errors:
            self.stderr.write(f"{file}:{error.line}: {error.column_label}: {error.message}")
        if not result.is_valid:
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        if dry_run:
            self.stdout.write(
                f"Dry run, nothing written: {result.to_create} to create, {result.to_update} to update, "
                f"{result.unchanged} unchanged."
            )
            return
        counts = services.unit_import_apply(rows=result.rows, user=None)
        self.stdout.write(
            self.style.SUCCESS(
                "Imported: {created} created, {updated} updated, {unchanged} unchanged.".format(**counts)
            )
        )
