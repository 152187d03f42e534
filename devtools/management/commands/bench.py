import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from devtools.bench import national as national_bench
from devtools.bench import render, runner
from devtools.bench.environment import throwaway_database
from devtools.bench.registry import discover


class Command(BaseCommand):
    help = (
        "Measure SQL queries and server time of every registered page on a small and a 10x larger "
        "data set, in a throwaway database. Pages are listed in devtools/bench/pages/."
    )
    # The checks would open the developer's database, which may not exist (a fresh clone has no
    # var/); migrate runs them on the throwaway database anyway.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15, help="Timed requests per page (default 15).")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first (default 2).")
        parser.add_argument("--output", type=Path, help="Also write the report to this Markdown file.")
        parser.add_argument(
            "--page",
            action="append",
            default=[],
            metavar="TEXT",
            help="Only pages whose name contains TEXT (repeatable).",
        )
        parser.add_argument(
            "--max-growth",
            type=float,
            metavar="RATIO",
            help="Fail when a page's median on the large data set passes RATIO times its median on the "
            "small one (`make bench` uses 1.3); pages that export every row are left out.",
        )
        parser.add_argument(
            "--no-budgets",
            dest="enforce",
            action="store_false",
            help="Report budgets and growth over their limits without failing (CI's smoke run on a "
            "machine busy with the test suite: the figures are not the code's there).",
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="Measure the department head's dashboard on the national data set in the configured "
            "database (made by `manage.py generate_national`) instead; skipped if there is none.",
        )

    def handle(
        self,
        *args,
        repeat,
        warmup,
        output,
        page,
        verbosity,
        national=False,
        max_growth=None,
        enforce=True,
        **options,
    ):
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat must be at least 1 and --warmup at least 0.")
        if national:
            return self.handle_national(repeat=repeat, warmup=warmup, output=output, verbosity=verbosity)
        started = time.perf_counter()
        registry = discover()
        if page:
            wanted = [text.casefold() for text in page]
            registry.pages[:] = [p for p in registry.pages if any(w in p.name.casefold() for w in wanted)]
            if not registry.pages:
                raise CommandError(f"No registered page matches {page}.")

        def progress(message):
            if verbosity > 1:
                self.stderr.write(f"  {message}")

        with throwaway_database(verbosity=max(verbosity - 1, 0)) as name:
            self.stderr.write(f"Benchmarking {len(registry.pages)} pages in throwaway database {name} ...")
            result = runner.run(registry, repeat=repeat, warmup=warmup, progress=progress)
        result.max_growth = max_growth

        self.stdout.write("")
        for key, value in result.machine.items():
            self.stdout.write(f"{key + ':':<10} {value}")
        self.stdout.write("")
        self.stdout.write(render.render_text(result))
        if output and page:
            self.stderr.write(f"Not writing {output}: --page measured only part of the pages.")
        elif output:
            render.write_document(result, output)
            self.stderr.write(f"Wrote {output}")
        self.stderr.write(f"Done in {time.perf_counter() - started:.0f} s.")
        failed = [row.page.name for row in result.rows if row.failed]
        if failed:
            raise CommandError(f"{len(failed)} page(s) failed: {', '.join(failed)}")
        problems = []
        if over := result.over_budget():
            problems.append(
                "Over budget: " + "; ".join(f"{b.page} / {b.baseline} above {b.max_ratio:g} x" for b in over)
            )
        if grown := result.over_growth():
            problems.append(
                f"{len(grown)} page(s) grew more than {max_growth:g} x from the small to the large data set: "
                + ", ".join(f"{row.page.name} ({row.page.role_label}, {row.growth:.2f} x)" for row in grown)
            )
        if problems and enforce:
            raise CommandError("\n".join(problems))
        for problem in problems:
            self.stderr.write(f"Not enforced (--no-budgets): {problem}")

    def handle_national(self, *, repeat, warmup, output, verbosity):
        """The national-scale run (devtools.bench.national): no throwaway database."""

        def progress(message):
            if verbosity > 1:
                self.stderr.write(f"  {message}")

        try:
            within = national_bench.run(
                repeat=repeat, warmup=warmup, output=output, write=self.stdout.write, progress=progress
            )
        except (LookupError, DatabaseError) as exc:
            self.stderr.write(f"National-scale bench skipped: {str(exc).strip().splitlines()[0]}")
            return
        if output:
            self.stderr.write(f"Wrote the national-scale section of {output}")
        if not within:
            raise CommandError(
                f"Over budget at national scale: the head's dashboard ({national_bench.MAX_QUERIES} queries, "
                f"{national_bench.MAX_MS} ms median), the administrator's national one "
                f"({national_bench.NATIONAL_MAX_MS} ms median) or the visit list (at most "
                f"{national_bench.MAX_CHANGELIST_RATIO:g} x the admin changelist)."
            )
