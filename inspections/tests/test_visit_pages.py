"""The visit list (filters), the month calendar and “my visits”, with their query budgets."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from findings.models import ActionState
from findings.tests.factories import ActionFactory
from inspections.models import VisitStatus
from units.tests.factories import UnitFactory

from .factories import PlanFactory, VisitFactory, at


def _visits(plan, department, count, **kwargs):
    """``count`` visits in ``plan`` of fresh units, one a day from 04/01/2027."""
    while plan.visits.count() < count:
        day = date(2027, 1, 4) + timedelta(days=plan.visits.count() % 28)
        VisitFactory(
            plan=plan,
            unit=UnitFactory(parent=department),
            starts_at=at(day, 8),
            ends_at=at(day, 11),
            **kwargs,
        )


# List


def test_anonymous_visitor_is_sent_to_login_from_the_visits(client, db):
    assert client.get(reverse("inspections:visit_list"))["Location"].startswith("/accounts/login/")


def test_scheduler_lists_the_visits_of_the_province(
    client, scheduler, visit, foreign_commune, other_province
):
    foreign_plan = PlanFactory(issuing_unit=other_province)
    VisitFactory(plan=foreign_plan, unit=foreign_commune)
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_list"))

    assert list(response.context["page"]) == [visit]


def test_inspector_lists_only_the_visits_they_are_on(
    client, inspector, visit, approved_plan, other_commune, leader
):
    VisitFactory(plan=approved_plan, unit=other_commune, leader=leader)
    client.force_login(inspector)

    response = client.get(reverse("inspections:visit_list"))

    assert list(response.context["page"]) == [visit]


def test_liaison_lists_only_their_units_visits(client, liaison, visit, approved_plan, other_commune):
    VisitFactory(plan=approved_plan, unit=other_commune)
    client.force_login(liaison)

    response = client.get(reverse("inspections:visit_list"))

    assert list(response.context["page"]) == [visit]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "binh tan"}, ["Xã Bình Tấn"]),
        ({"status": "draft"}, ["Xã Tân Mỹ"]),
        ({"date_from": "2027-01-13"}, ["Xã Tân Mỹ"]),
        ({"date_to": "2027-01-12"}, ["Xã Bình Tấn"]),
    ],
)
def test_visits_are_filtered(client, scheduler, visit, approved_plan, other_commune, params, expected):
    VisitFactory(
        plan=approved_plan,
        unit=other_commune,
        starts_at=at(date(2027, 1, 13)),
        ends_at=at(date(2027, 1, 13), 11),
    )
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_list"), params)

    assert [v.unit.name for v in response.context["page"]] == expected


def test_visits_are_filtered_by_plan_and_inspector(
    client, scheduler, visit, department, template, other_commune, inspector
):
    other_plan = PlanFactory(issuing_unit=department, template=template)
    other = VisitFactory(plan=other_plan, unit=other_commune)
    client.force_login(scheduler)

    by_plan = client.get(reverse("inspections:visit_list"), {"plan": other_plan.pk})
    by_inspector = client.get(reverse("inspections:visit_list"), {"inspector": inspector.pk})

    assert list(by_plan.context["page"]) == [other]
    assert list(by_inspector.context["page"]) == [visit]


def test_visit_list_queries_do_not_grow_with_visits(
    client, scheduler, plan, department, leader, inspector, django_assert_max_num_queries
):
    client.force_login(scheduler)
    for count in (3, 30):
        _visits(plan, department, count, leader=leader, members=[inspector])
        with django_assert_max_num_queries(10):
            response = client.get(reverse("inspections:visit_list"))
        assert len(response.context["page"]) == count


# Calendar


def test_the_calendar_shows_the_months_visits_in_a_monday_first_grid(client, scheduler, visit):
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_calendar"), {"year": 2027, "month": 1})

    weeks = response.context["weeks"]
    assert weeks[0][0].day == date(2026, 12, 28)
    assert all(len(week) == 7 for week in weeks)
    day = next(d for week in weeks for d in week if d.day == date(2027, 1, 12))
    assert day.visits == [visit]
    assert [d.day for d in response.context["days"]] == [date(2027, 1, 12)]
    assert response.context["previous"] == {"year": 2026, "month": 12}
    assert response.context["next"] == {"year": 2027, "month": 2}
    assert visit.get_absolute_url() in response.content.decode()


@time_machine.travel(date(2027, 1, 20))
def test_the_calendar_opens_on_the_current_month(client, scheduler, visit):
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_calendar"))

    assert response.context["month_start"] == date(2027, 1, 1)
    assert response.context["visit_count"] == 1


def test_cancelled_visits_are_left_out_of_the_calendar(client, scheduler, visit):
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status"])
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_calendar"), {"year": 2027, "month": 1})

    assert response.context["days"] == []


def test_an_inspector_sees_only_their_visits_on_the_calendar(client, department, visit):
    from units.roles import Role
    from units.tests.factories import UserFactory

    client.force_login(UserFactory(unit=department, roles=[Role.INSPECTOR]))

    response = client.get(reverse("inspections:visit_calendar"), {"year": 2027, "month": 1})

    assert response.context["days"] == []


@pytest.mark.parametrize("params", [{"month": 13}, {"year": "x"}, {"year": 1900, "month": 1}])
def test_a_month_that_does_not_exist_is_not_found(client, scheduler, params):
    client.force_login(scheduler)

    assert client.get(reverse("inspections:visit_calendar"), params).status_code == 404


def test_calendar_queries_do_not_grow_with_visits(
    client, head, plan, department, leader, django_assert_max_num_queries
):
    client.force_login(head)
    for count in (3, 30):
        _visits(plan, department, count, leader=leader)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("inspections:visit_calendar"), {"year": 2027, "month": 1})
        assert response.context["visit_count"] == count


# My visits


@time_machine.travel(date(2027, 1, 5))
def test_my_visits_sorts_upcoming_in_progress_and_waiting(
    client, leader, approved_plan, department, inspector
):
    def visit(day, status, **kwargs):
        return VisitFactory(
            plan=approved_plan,
            unit=UnitFactory(parent=department),
            starts_at=at(day),
            ends_at=at(day, 11),
            status=status,
            **kwargs,
        )

    upcoming = visit(date(2027, 1, 12), VisitStatus.SCHEDULED, leader=leader)
    running = visit(date(2027, 1, 4), VisitStatus.IN_PROGRESS, leader=leader)
    overdue = visit(date(2027, 1, 3), VisitStatus.SCHEDULED, members=[leader])
    to_sign = visit(date(2027, 1, 2), VisitStatus.REVIEWED, leader=leader)
    visit(date(2027, 1, 1), VisitStatus.REVIEWED, leader=inspector, members=[leader])
    visit(date(2027, 1, 13), VisitStatus.SCHEDULED, leader=inspector)
    client.force_login(leader)

    response = client.get(reverse("inspections:my_visits"))

    mine = response.context["mine"]
    assert mine.upcoming == [upcoming]
    assert mine.in_progress == [running]
    assert mine.waiting == [to_sign, overdue]


@time_machine.travel(date(2027, 1, 5))
def test_the_home_page_shows_an_inspectors_next_visits(client, inspector, visit):
    client.force_login(inspector)

    response = client.get(reverse("home"))

    assert response.context["my_visits"].upcoming == [visit]
    assert visit.get_absolute_url() in response.content.decode()


def test_my_visits_queries_do_not_grow_with_visits(
    client, leader, plan, department, django_assert_max_num_queries
):
    client.force_login(leader)
    for count in (3, 30):
        _visits(plan, department, count, leader=leader)
        with django_assert_max_num_queries(8):
            client.get(reverse("inspections:my_visits"))


@pytest.mark.parametrize(
    "name", ["inspections:visit_list", "inspections:visit_calendar", "inspections:my_visits"]
)
def test_read_only_pages_refuse_posts(client, scheduler, name):
    client.force_login(scheduler)

    assert client.post(reverse(name)).status_code == 405


@time_machine.travel(date(2027, 1, 5))
def test_an_inspectors_home_counts_the_reported_remediation_of_their_visits_only(
    client, inspector, leader, visit, approved_plan, department
):
    for state in (ActionState.REPORTED_DONE, ActionState.REPORTED_DONE, ActionState.OPEN):
        ActionFactory(finding__visit=visit, finding__created_by=leader, state=state)
    elsewhere = VisitFactory(plan=approved_plan, unit=department, leader=leader)
    ActionFactory(finding__visit=elsewhere, finding__created_by=leader, state=ActionState.REPORTED_DONE)
    client.force_login(inspector)

    response = client.get(reverse("home"))

    assert response.context["remediation"]["reported"] == 2
    assert f"{reverse('findings:action_list')}?state=reported_done" in response.content.decode()
