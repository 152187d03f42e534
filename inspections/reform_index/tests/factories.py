"""Objects the reform-index tests share: an index template and an opened round."""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import connections, transaction

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


def inspected(*, unit, department, template, leader, scores: dict, limitations: dict):
    """A concluded inspection of ``unit`` on ``template``: answer scores by criterion code and
    open limitations (with an open remediation action) by criterion code."""
    from findings.tests.factories import ActionFactory, FindingFactory
    from inspections.models import Criterion, VisitStatus
    from inspections.tests.answer_factories import AnswerFactory
    from inspections.tests.factories import PlanFactory, VisitFactory

    plan = PlanFactory(issuing_unit=department, template=template, approved=True, created_by=leader)
    visit = VisitFactory(plan=plan, unit=unit, status=VisitStatus.CONCLUDED, created_by=leader)
    criteria = {c.code: c for c in Criterion.objects.filter(domain__template=template)}
    for code, score in scores.items():
        AnswerFactory(visit=visit, criterion=criteria[code], score=score, updated_by=leader)
    for code, text in limitations.items():
        ActionFactory(
            finding=FindingFactory(
                visit=visit, criterion=criteria[code], text=text, created_by=leader, approved=True
            )
        )
    return visit


def fill_and_submit(card, *, actor, score=Decimal("1.5")):
    """The liaison's work done the quick way: every criterion scored and explained, submitted."""
    from ..models import CriterionScore
    from ..services import card_submit

    CriterionScore.objects.filter(scorecard=card).update(self_score=score, explanation="Có báo cáo năm")
    card.refresh_from_db()
    return card_submit(card=card, actor=actor, version=card.version)


def at_once(writes: list[Callable[[], None]]) -> list[str]:
    """Run each of ``writes`` in its own thread and transaction, all starting at the same moment
    (a barrier inside the transactions), and wait for them: the errors they raised, as text.
    For PostgreSQL (``django_db(transaction=True)``): concurrent writers on in-memory SQLite
    fail instead of waiting."""
    barrier = threading.Barrier(len(writes))
    errors = []

    def run(write):
        try:
            with transaction.atomic():
                barrier.wait()
                write()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
