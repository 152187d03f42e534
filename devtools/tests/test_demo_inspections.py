"""The demo data: the seed articles' plans and visits, loaded twice without duplicates."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devtools.demo import inspections as demo
from inspections.models import ChecklistTemplate, InspectionPlan, PlanStatus, TeamRole, Visit, VisitStatus
from units.models import User


@pytest.fixture
def loaded(demo_day):
    """The demo, loaded once for this module (devtools/tests/conftest.py), on 23/11/2026."""


def test_demo_loads_the_seed_plans_once(loaded):
    call_command("load_demo", stdout=io.StringIO())

    assert ChecklistTemplate.objects.get().code == "CCHC-KT-2025"
    # The five plans of devtools.demo.inspections and Sa Đéc's of 2022 (devtools.demo.sadec).
    assert InspectionPlan.objects.count() == 6
    assert Visit.objects.count() == 39


def test_bac_ninh_2018_follows_decision_563(loaded):
    plan = InspectionPlan.objects.get(decision_number="563/QĐ-SNV")

    assert plan.decision_date == date(2017, 12, 13)
    assert plan.status == PlanStatus.CLOSED
    kinds = sorted(plan.visits.values_list("unit__kind", flat=True))
    assert kinds.count("department") == 4
    assert kinds.count("district") == 7
    assert kinds.count("commune") == 14
    assert set(plan.visits.values_list("status", flat=True)) == {VisitStatus.CONCLUDED}


def test_dong_thap_visited_binh_tan_and_tan_my_on_13_march_2020(loaded):
    visits = Visit.objects.filter(plan__year=2020, unit__code__startswith="DT-TB")

    assert sorted(v.unit.code for v in visits) == ["DT-TB-BT", "DT-TB-TM"]
    assert {timezone.localtime(v.starts_at).date() for v in visits} == {date(2020, 3, 13)}


def test_the_department_inspected_its_own_five_offices_in_2023(loaded):
    plan = InspectionPlan.objects.get(year=2023)

    assert plan.visits.count() == 5
    assert plan.visits.first().leader.username == "truongdoan"


def test_binh_tan_is_being_inspected_now_by_the_demo_team(loaded):
    visit = Visit.objects.get(plan__year=2026, unit__code="DT-TB-BT")

    assert visit.status == VisitStatus.IN_PROGRESS
    assert dict(visit.team.values_list("user__username", "role")) == {
        "truongdoan": TeamRole.LEADER,
        "kiemtra": TeamRole.MEMBER,
        "chuyenvien": TeamRole.SECRETARY,
    }
    assert visit.plan.status == PlanStatus.IN_PROGRESS


def test_the_demo_inspector_has_visits_ahead(loaded, client):
    client.force_login(User.objects.get(username="kiemtra"))

    with time_machine.travel(date(2026, 11, 23), tick=False):
        response = client.get(reverse("inspections:my_visits"))

    mine = response.context["mine"]
    assert len(mine.upcoming) == 3
    assert len(mine.in_progress) == 1


def test_ten_communes_of_dong_thap_are_ready_for_next_quarters_plan(loaded):
    from units.models import Unit

    communes = Unit.objects.current().filter(
        kind="commune", path__startswith=Unit.objects.get(code="DT").path
    )

    assert communes.count() >= 10


def test_demo_inspections_refuse_production(db, settings):
    settings.DEBUG = False

    with pytest.raises(RuntimeError):
        demo.load()
