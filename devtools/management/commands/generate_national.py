"""`manage.py generate_national --scale 1.0`: the national-scale data set of the dashboards' benchmark."""

import time

from django.core.management.base import BaseCommand, CommandError

from devtools.national.generator import Generator, Target


class Command(BaseCommand):
    help = (
        "Generate a synthetic national data set (at --scale 1.0: 34 provinces, 3 321 communes, 10 000 "
        "visits, 1 200 000 answers, 100 000 findings) into the configured database, which should be a "
        "fresh one, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemtra_national. Deterministic "
        "for a --seed. Accounts: lanhdao.qg01 (head of the first province), chuyenvien.qg01, daumoi.qg01, "
        "password DEMO_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is national scale; 0.01 for tests.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per INSERT (default 5000).")

    def handle(self, *args, scale, seed, batch, verbosity, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        target = Target.scaled(scale)
        self.stdout.write(
            f"Generating {target.provinces} provinces, {target.communes} communes, {target.visits} visits, "
            f"{target.answers} answers, {target.findings} findings (seed {seed}) ..."
        )
        started = time.perf_counter()
        log = self.stdout.write if verbosity > 0 else (lambda message: None)
        try:
            counts = Generator(seed=seed, batch=batch, log=log).run(target)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n} {name}" for name, n in counts.items() if name != "seconds")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s: {summary}."))
