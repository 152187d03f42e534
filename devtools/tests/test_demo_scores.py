"""The demo scores: the finished demo visits get answers that read like their findings."""

from datetime import date

import pytest

from devtools.demo import scores as demo
from findings.models import Severity
from inspections.models import Answer, AnswerResult, VisitDomainScore, VisitStatus
from reports.tests import factories

pytestmark = pytest.mark.django_db


def test_finished_visits_without_answers_get_answers_matching_their_findings(
    department, commune, other_commune, leader
):
    template = factories.checklist()
    plan = factories.plan(department=department, template=template, year=2020, units=[commune])
    visit = factories.visit(plan=plan, unit=commune, day=date(2020, 3, 13), leader=leader)
    factories.limitation(visit=visit, code="2.1", creator=leader, severity=Severity.HIGH)
    factories.visit(plan=plan, unit=other_commune, day=date(2020, 3, 20), status=VisitStatus.SCHEDULED)

    assert demo.load() == {"visits": 1, "answers": 3}

    results = dict(Answer.objects.filter(visit=visit).values_list("criterion__code", "result"))
    assert results["2.1"] == AnswerResult.NOT_MET
    assert VisitDomainScore.objects.filter(visit=visit).count() == 2
    assert demo.load() == {"visits": 0, "answers": 0}
