"""The scheduler's and the unit liaison's panels on the home page."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from findings.models import ActionState
from inspections.models import TeamMember, TeamRole, VisitStatus
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from . import factories

pytestmark = pytest.mark.django_db


def _soon(days: int):
    day = timezone.localdate() + timedelta(days=days)
    return day


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


# Scheduler


def test_scheduler_sees_the_coming_weeks_visits_of_their_province_only(
    client, scheduler, world, commune, leader, foreign_commune
):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(3).year
    )
    coming = factories.visit(
        plan=plan, unit=commune, day=_soon(3), status=VisitStatus.SCHEDULED, leader=leader
    )
    factories.visit(
        plan=plan, unit=UnitFactory(parent=commune.parent), day=_soon(40), status=VisitStatus.SCHEDULED
    )
    factories.visit(
        plan=world.foreign_plan,
        unit=UnitFactory(parent=foreign_commune.parent),
        day=_soon(2),
        status=VisitStatus.SCHEDULED,
    )
    board = _home(client, scheduler).context["scheduler_home"]
    assert [v.pk for v in board["upcoming"]] == [coming.pk]


def test_scheduler_sees_units_of_approved_plans_that_have_no_visit_yet(
    client, scheduler, world, commune, district
):
    waiting = UnitFactory(name="Xã Chờ Lịch", parent=district)
    world.plan_2026.units.add(waiting)
    draft = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=2026, status="draft"
    )
    draft.units.add(UnitFactory(name="Xã Kế Hoạch Nháp", parent=district))
    board = _home(client, scheduler).context["scheduler_home"]
    assert [(row.inspectionplan_id, row.unit.name) for row in board["waiting"]] == [
        (world.plan_2026.pk, "Xã Chờ Lịch")
    ]


def test_a_cancelled_visit_leaves_its_unit_waiting(client, scheduler, world, other_commune):
    world.tan_my_2026.status = VisitStatus.CANCELLED
    world.tan_my_2026.save(update_fields=["status"])
    board = _home(client, scheduler).context["scheduler_home"]
    assert [row.unit_id for row in board["waiting"]] == [other_commune.pk]


def test_inspectors_load_counts_visits_per_month(
    client, scheduler, world, commune, leader, inspector, time_machine
):
    time_machine.move_to("2026-11-22 09:00 +07:00")
    plan = factories.plan(department=world.plan_2026.issuing_unit, template=world.template, year=2026)
    for day in ("2026-11-24", "2026-11-26", "2026-12-03"):
        visit = factories.visit(
            plan=plan,
            unit=UnitFactory(parent=commune.parent),
            day=datetime.fromisoformat(day).date(),
            status=VisitStatus.SCHEDULED,
            leader=leader,
        )
        TeamMember.objects.create(visit=visit, user=inspector, role=TeamRole.MEMBER)
    load = _home(client, scheduler).context["scheduler_home"]["load"]
    assert [m.month for m in load.months] == [11, 12, 1]
    assert sorted(load.rows) == sorted([(str(leader), [2, 1, 0]), (str(inspector), [2, 1, 0])])


def test_home_page_of_a_scheduler_runs_a_fixed_number_of_queries(
    client, scheduler, world, commune, leader, django_assert_max_num_queries
):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(1).year
    )
    for n in range(4):
        factories.visit(
            plan=plan,
            unit=UnitFactory(parent=commune.parent),
            day=_soon(n + 1),
            status=VisitStatus.SCHEDULED,
            leader=leader,
        )
        plan.units.add(UnitFactory(parent=commune.parent))
    client.force_login(scheduler)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


# Liaison


def test_liaison_sees_their_units_overdue_and_soon_due_actions(client, liaison, world, leader):
    soon = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=soon, due=_soon(10))
    later = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=later, due=_soon(90))
    done = factories.limitation(visit=world.binh_tan_2025, code="1.2", creator=leader)
    factories.action(finding=done, due=_soon(-30), state=ActionState.VERIFIED)
    board = _home(client, liaison).context["liaison_home"]
    assert [a.finding.criterion.code for a in board["overdue"]] == ["2.1", "1.1"]
    assert [a.finding_id for a in board["due_soon"]] == [soon.pk]


def test_liaison_does_not_see_other_units_actions(client, world, other_commune, leader):
    other_liaison = UserFactory(username="tanmy", unit=other_commune, roles=[Role.LIAISON])
    board = _home(client, other_liaison).context["liaison_home"]
    assert board["overdue"] == [] and board["due_soon"] == []
    assert board["last_conclusion"] is None


def test_liaison_sees_the_next_visit_and_the_last_conclusion(client, liaison, world, commune, leader):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(5).year
    )
    coming = factories.visit(
        plan=plan, unit=commune, day=_soon(5), status=VisitStatus.SCHEDULED, leader=leader
    )
    board = _home(client, liaison).context["liaison_home"]
    assert board["next_visit"].pk == coming.pk
    assert board["last_conclusion"].visit_id == world.binh_tan_2026.pk


def test_a_draft_visit_is_not_announced_to_the_liaison(client, liaison, world, commune):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(5).year
    )
    factories.visit(plan=plan, unit=commune, day=_soon(5), status=VisitStatus.DRAFT)
    assert _home(client, liaison).context["liaison_home"]["next_visit"] is None


def test_home_page_of_a_liaison_runs_a_fixed_number_of_queries(
    client, liaison, world, leader, django_assert_max_num_queries
):
    for _n in range(4):
        finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
        factories.action(finding=finding, due=_soon(3))
    client.force_login(liaison)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert len(response.context["liaison_home"]["due_soon"]) == 4


def test_head_home_links_to_the_dashboard(client, head, world):
    html = _home(client, head).content.decode()
    assert reverse("dashboards:head") in html
    assert reverse("search:search") in html
