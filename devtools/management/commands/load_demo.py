from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.demo import answers as demo_answers
from devtools.demo import findings as finding_demo
from devtools.demo import inspections as inspection_demo
from devtools.demo import merger as merger_demo
from devtools.demo import reform_index as reform_index_demo
from devtools.demo import sadec as sadec_demo
from devtools.demo import scores as dashboard_demo
from devtools.demo import units as unit_demo


class Command(BaseCommand):
    help = "Load the demo data of the seed articles (idempotent). Refused when DJANGO_DEBUG=0."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only; DJANGO_DEBUG=0 is set.")
        units = unit_demo.load_units()
        unit_demo.load_accounts(units)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(units)} units."))
        inspections = inspection_demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo inspections loaded: {inspections['plans']} plans, {inspections['visits']} visits."
            )
        )
        answers = demo_answers.load()
        self.stdout.write(self.style.SUCCESS(f"Demo answers loaded: {answers['answers']} for xã Bình Tấn."))
        sadec = sadec_demo.load()
        self.stdout.write(
            self.style.SUCCESS(f"Demo Sa Đéc 2022 loaded: {sadec['plans']} plan of UBND thành phố Sa Đéc.")
        )
        findings = finding_demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo findings loaded: {findings['findings']} findings, {findings['actions']} remediation actions."
            )
        )
        scores = dashboard_demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo scores loaded: {scores['answers']} answers of {scores['visits']} finished visits."
            )
        )
        merger = merger_demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo merger loaded: xã Bình Tân Mỹ (01/07/2025) holds {merger['actions']} remediation actions."
            )
        )
        self.stdout.write(f"Demo reform index loaded: {reform_index_demo.load()['units']} units in scope.")
