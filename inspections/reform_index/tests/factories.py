"""Objects the reform-index tests share: an index template and an opened round."""

from datetime import date
from decimal import Decimal

from inspections.models import Criterion, Domain
from inspections.tests.factories import ChecklistTemplateFactory

from ..services import round_open


def index_template(*, domains: int = 2, criteria: int = 3, code: str = "CCHC-CS"):
    """A published index template: ``domains`` domains of ``criteria`` criteria each (2 points,
    every second one requiring evidence), applying to departments and communes."""
    template = ChecklistTemplateFactory(content=False, code=code, title="Bộ Chỉ số CCHC", version="2026")
    for d in range(1, domains + 1):
        domain = Domain.objects.create(
            template=template, order=d, code=str(d), title=f"Lĩnh vực {d}", max_score=Decimal(2 * criteria)
        )
        Criterion.objects.bulk_create(
            Criterion(
                domain=domain,
                order=c,
                code=f"{d}.{c}",
                title=f"Tiêu chí {d}.{c}",
                max_score=Decimal(2),
                evidence_required=c % 2 == 1,
                applies_to=["department", "commune"],
            )
            for c in range(1, criteria + 1)
        )
    return template


def open_round(*, actor, province, units, template=None, year: int = 2026, **deadlines):
    return round_open(
        actor=actor,
        province=province,
        year=year,
        template=template or index_template(),
        units=units,
        self_deadline=deadlines.get("self_deadline", date(2099, 2, 1)),
        appraisal_deadline=deadlines.get("appraisal_deadline", date(2099, 2, 15)),
        response_deadline=deadlines.get("response_deadline", date(2099, 2, 28)),
    )
