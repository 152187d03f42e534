from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.services import ChecklistImportError, checklist_import


class Command(BaseCommand):
    help = (
        "Import a checklist template from a YAML or XLSX file as a new version (a draft with the same "
        "code and version label is replaced). Nothing is saved if the file has any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .yaml/.yml or .xlsx file")
        parser.add_argument("--publish", action="store_true", help="publish (freeze) the version at once")

    def handle(self, *args, file: Path, publish: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            template = checklist_import(content=content, filename=file.name, publish=publish)
        except ChecklistImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{file.name}: {len(exc.errors)} error(s); nothing was imported.") from exc
        criteria = sum(d.criteria.count() for d in template.domains.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {template.code} version {template.version} ({template.get_status_display()}): "
                f"{template.domains.count()} domains, {criteria} criteria."
            )
        )
