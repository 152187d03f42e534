import time

from django.core.management.base import BaseCommand, CommandError

from devtools.bench import documents
from devtools.bench.environment import throwaway_database


class Command(BaseCommand):
    help = (
        "Time the documents a worker produces against the issue's budgets (notice of a 30-finding "
        "visit: DOCX 0.5 s, PDF 2 s; summary of a 500-visit plan: 30 s), in a throwaway database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat", type=int, default=3, help="Timed runs of the light documents (default 3)."
        )
        parser.add_argument("--visits", type=int, default=500, help="Visits in the big plan (default 500).")
        parser.add_argument(
            "--findings", type=int, default=30, help="Findings of the notice's visit (default 30)."
        )
        parser.add_argument(
            "--light", action="store_true", help="Skip the big plan's documents (a quick run)."
        )

    def handle(self, *args, repeat, visits, findings, light, verbosity, **options):
        if repeat < 1 or visits < 1 or findings < 0:
            raise CommandError("--repeat and --visits must be at least 1, --findings at least 0.")
        started = time.perf_counter()

        def progress(message):
            if verbosity > 1:
                self.stderr.write(message)

        with throwaway_database(verbosity=max(verbosity - 1, 0)) as name:
            self.stderr.write(f"Timing documents in throwaway database {name} ...")
            results = documents.run(
                repeat=repeat, visits=visits if not light else min(visits, 20), findings=findings,
                heavy=not light, progress=progress,
            )  # fmt: skip
        self.stdout.write("")
        self.stdout.write(documents.render(results, visits=visits))
        self.stderr.write(f"Done in {time.perf_counter() - started:.0f} s.")
        over = [t.case.name for t in results if not t.ok]
        if over:
            raise CommandError(f"{len(over)} document(s) over budget or failed: {', '.join(over)}")
