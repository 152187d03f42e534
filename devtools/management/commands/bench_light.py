"""manage.py bench_light: the light-page budget of the checklist on slow 3G (devtools/bench/light.py)."""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.utils import timezone

from devtools.bench import light
from devtools.bench.environment import throwaway_database
from devtools.bench.national import write_section


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
            # Static files as in production: WhiteNoise (the middleware) serves them, compressed;
            # from the source folders here, with no collectstatic.
            server = LiveServerThread("127.0.0.1", static_handler=_Passthrough)
            server.daemon = True
            with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
                server.start()
                server.is_ready.wait()
            if server.error:
                raise server.error
            try:
                base = f"http://127.0.0.1:{server.port}"
                first, later = light.measure(base, f"/inspections/visits/{visit.pk}/checklist/", "kiemtra")
            finally:
                server.terminate()
        lines = light.section(first, later, criteria=criteria, when=timezone.localdate().strftime("%d/%m/%Y"))
        self.stdout.write("\n".join(lines))
        if output:
            write_section(output, lines, begin=light.BEGIN, end=light.END)
