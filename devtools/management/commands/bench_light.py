"""manage.py bench_light: the light-page budget of the checklist on slow 3G (devtools/bench/light.py)."""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.utils import timezone

from devtools.bench import light
from devtools.bench.environment import throwaway_database
from devtools.bench.national import write_section

MANIFEST = "core.static_storage.StaticStorage"  # as production (config/settings.py)


class _Passthrough:
    """The live server's static handler: none (WhiteNoise's middleware serves static files)."""

    def __new__(cls, application):
        return application


class Command(BaseCommand):
    help = (
        "Open the demo checklist on an emulated slow-3G phone (first visit, later visit) in a "
        "throwaway database and compare bytes and time with the light-page budget."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Also write the figures to this Markdown file.")

    def handle(self, *args, output=None, **options):
        from inspections.models import Criterion, Visit, VisitStatus

        with throwaway_database() as name:
            self.stderr.write(f"Light-page budget in throwaway database {name} ...")
            with override_settings(DEBUG=True):  # load_demo refuses to run without it
                call_command("load_demo", stdout=io.StringIO())
            visit = Visit.objects.get(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)
            criteria = Criterion.objects.filter(domain__template=visit.template).count()
            # Static files as in production: collected with hashed names and their gzip and
            # Brotli copies (core/static_storage.py, module imports hashed too), served by WhiteNoise's
            # middleware with DEBUG off (a year's cache for hashed names).
            with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
                storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
                with override_settings(STATIC_ROOT=static_root, STORAGES=storages):
                    call_command("collectstatic", interactive=False, verbosity=0)
                production = override_settings(
                    DEBUG=False,
                    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
                    STATIC_ROOT=static_root,
                    STORAGES=storages,
                    WHITENOISE_USE_FINDERS=False,
                    WHITENOISE_AUTOREFRESH=False,
                )
                with production:
                    server = LiveServerThread("127.0.0.1", static_handler=_Passthrough)
                    server.daemon = True
                    server.start()
                    server.is_ready.wait()
                    if server.error:
                        raise server.error
                    try:
                        base = f"http://127.0.0.1:{server.port}"
                        first, later = light.measure(
                            base, f"/inspections/visits/{visit.pk}/checklist/", "kiemtra"
                        )
                    finally:
                        server.terminate()
        lines = light.section(first, later, criteria=criteria, when=timezone.localdate().strftime("%d/%m/%Y"))
        self.stdout.write("\n".join(lines))
        if options["verbosity"] > 1:
            for name, visit in (("first", first), ("later", later)):
                self.stdout.write(f"{name} visit, by request:")
                for size, encoding, path in visit.details:
                    self.stdout.write(f"  {size / 1024:7.1f} KB  {encoding:<5} {path}")
        if output:
            write_section(output, lines, begin=light.BEGIN, end=light.END)
        if not light.within(first, later):
            raise CommandError(
                f"The checklist is over its light-page budget on slow 3G ({light.BUDGET['first_kb']} KB and "
                f"{light.BUDGET['first_s']:g} s on the first visit, {light.BUDGET['later_s']:g} s on a later one)."
            )
