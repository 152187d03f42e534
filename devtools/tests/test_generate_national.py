"""`manage.py generate_national`: sizes, consistency of the roll-ups with the answers, and a
dashboard that runs on what it writes."""

from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum
from django.urls import reverse

from devtools.national.generator import Target
from findings.models import Conclusion, Finding, FindingKind, RemediationAction
from inspections.checklist.answers import visit_scores_refresh
from inspections.models import SCORED_RESULTS, Answer, AnswerResult, Visit, VisitDomainScore, VisitStatus
from units.models import Unit, UnitKind, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(db):
    # Mid-year, so that the current year's plans have visits done and visits still to come.
    with time_machine.travel(date(2026, 6, 15), tick=False):
        call_command("generate_national", scale=0.01, seed=11, verbosity=0)


def test_target_at_full_scale_is_the_national_one():
    target = Target.scaled(1.0)
    assert (target.provinces, target.communes, target.visits, target.answers, target.findings) == (
        34,
        3321,
        10_000,
        1_200_000,
        100_000,
    )


def test_a_hundredth_of_the_country_has_the_expected_rows(generated):
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 1
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 33
    assert Visit.objects.count() == 100
    assert Answer.objects.count() == 12_000
    assert Finding.objects.count() == 1_000
    assert Conclusion.objects.count() == Visit.objects.filter(status=VisitStatus.CONCLUDED).count()


def test_units_have_the_derived_columns_save_would_give(generated):
    commune = Unit.objects.filter(kind=UnitKind.COMMUNE).select_related("parent").first()
    assert commune.path == f"{commune.parent.path}{commune.pk}/"
    assert commune.depth == 1
    assert Unit.objects.search("binh tan").exists()


def test_roll_up_rows_equal_what_the_answer_service_computes(generated):
    visits = Visit.objects.filter(status=VisitStatus.CONCLUDED).select_related("unit")[:5]
    for visit in visits:
        stored = {
            (s.domain_id, s.points, s.max_points, s.answered, s.applicable)
            for s in VisitDomainScore.objects.filter(visit=visit)
        }
        recomputed = {
            (s.domain_id, s.points, s.max_points, s.answered, s.applicable)
            for s in visit_scores_refresh(visit=visit)
        }
        assert stored == recomputed


def test_answers_of_a_finished_visit_add_up_to_its_roll_up(generated):
    visit = Visit.objects.filter(status=VisitStatus.CONCLUDED).first()
    points = Answer.objects.filter(visit=visit, result__in=SCORED_RESULTS).aggregate(total=Sum("score"))[
        "total"
    ]
    assert VisitDomainScore.objects.filter(visit=visit).aggregate(total=Sum("points"))["total"] == points


def test_visits_not_started_have_only_the_units_self_assessment(generated):
    visit = Visit.objects.filter(status=VisitStatus.SCHEDULED).first()
    assert visit is not None
    counts = Answer.objects.filter(visit=visit).aggregate(
        team=Count("pk", filter=~Q(result=AnswerResult.UNANSWERED)),
        own=Count("pk", filter=Q(self_score__isnull=False)),
    )
    assert counts == {"team": 0, "own": 120}


def test_every_concluded_limitation_with_a_recommendation_has_an_action(generated):
    limitations = Finding.objects.filter(
        kind=FindingKind.LIMITATION, visit__status=VisitStatus.CONCLUDED
    ).exclude(recommendation="")
    assert RemediationAction.objects.count() == limitations.count()


def test_generating_twice_into_the_same_database_is_refused(generated):
    with pytest.raises(CommandError):
        call_command("generate_national", scale=0.01, verbosity=0)


def test_the_generated_head_sees_a_full_dashboard_within_the_query_budget(
    client, generated, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="lanhdao.qg01"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("dashboards:head"))
    board = response.context["board"]
    assert board.progress and board.domains and board.ranking.rows and board.remediation.rows and board.trend
    assert len(board.trend) == 3
