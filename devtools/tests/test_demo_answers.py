"""The demo answers of xã Bình Tấn: loaded by `load_demo`, once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from devtools.demo import answers as demo_answers
from inspections.models import Answer, AnswerResult, Visit, VisitDomainScore, VisitStatus
from units.models import User


@pytest.fixture
def loaded(demo_day):
    """The demo, loaded once for this module (devtools/tests/conftest.py), on 23/11/2026."""


def binh_tan():
    return Visit.objects.get(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)


def test_the_demo_visit_has_answers_and_a_self_assessment(loaded):
    visit = binh_tan()
    answers = Answer.objects.filter(visit=visit)

    assert answers.exclude(result="").count() == 8
    assert answers.filter(result=AnswerResult.NOT_APPLICABLE).count() == 1
    assert answers.exclude(self_score=None).count() == 7
    # Made-up figures: the seed's 2.264 / 2.114 / 150 are Sa Đéc's, and only there.
    assert answers.get(criterion__code="3.4").figures == {"received": 318, "on_time": 301, "late": 17}
    assert VisitDomainScore.objects.filter(visit=visit).count() == visit.template.domains.count()


def test_loading_the_demo_answers_twice_changes_nothing(loaded, settings):
    before = list(Answer.objects.order_by("pk").values_list("pk", "version", "score", "self_score"))

    demo_answers.load()

    assert list(Answer.objects.order_by("pk").values_list("pk", "version", "score", "self_score")) == before


def test_the_demo_inspector_sees_the_figures_rate_and_the_differing_self_score(loaded, client):
    visit = binh_tan()
    client.force_login(User.objects.get(username="kiemtra"))

    html = client.get(reverse("inspections:checklist", args=[visit.pk])).content.decode()

    assert "94,7\u00a0%" in html
    assert "self-assessment mt-1 differs" in html
    assert Answer.objects.get(visit=visit, criterion__code="3.5").self_score == Decimal("1.5")
