"""The visit calendar: a month picker, filters by plan, inspector, unit and team leader, a list
view, a printable month, and links from a plan to its months."""

from datetime import date

from django.urls import reverse

from units.roles import Role
from units.tests.factories import UserFactory

from .factories import PlanFactory, VisitFactory, at


def _october_2018(plan, commune, other_commune, leader, inspector):
    first = VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2018, 10, 8), 7, 30),
        ends_at=at(date(2018, 10, 8), 11),
    )
    second = VisitFactory(
        plan=plan,
        unit=other_commune,
        leader=inspector,
        members=[leader],
        starts_at=at(date(2018, 10, 9), 7, 30),
        ends_at=at(date(2018, 10, 9), 11),
    )
    return first, second


def _shown(response):
    return {v.pk for day in response.context["days"] for v in day.visits}


def test_scheduler_opens_october_2018_in_one_request(
    client, scheduler, plan, commune, other_commune, leader, inspector
):
    plan.period_start, plan.period_end = date(2018, 1, 1), date(2018, 12, 31)
    plan.save(update_fields=["period_start", "period_end"])
    first, second = _october_2018(plan, commune, other_commune, leader, inspector)
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_calendar"), {"month": 10, "year": 2018})

    body = response.content.decode()
    assert _shown(response) == {first.pk, second.pk}
    assert "10/2018" in body
    assert '<option value="10" selected>Tháng 10</option>' in body
    assert '<option value="2018" selected>2018</option>' in body


def test_calendar_filters_by_team_leader_inspector_unit_and_plan(
    client, scheduler, plan, commune, other_commune, leader, inspector, department, template
):
    first, second = _october_2018(plan, commune, other_commune, leader, inspector)
    other_plan = PlanFactory(issuing_unit=department, template=template, units=[commune])
    client.force_login(scheduler)
    url = reverse("inspections:visit_calendar")
    month = {"month": 10, "year": 2018}

    assert _shown(client.get(url, {**month, "leader": leader.pk})) == {first.pk}
    assert _shown(client.get(url, {**month, "inspector": leader.pk})) == {first.pk, second.pk}
    assert _shown(client.get(url, {**month, "q": "tan my"})) == {second.pk}
    assert _shown(client.get(url, {**month, "plan": other_plan.pk})) == set()
    response = client.get(url, {**month, "leader": leader.pk})
    # The month links keep the filter.
    assert f"year=2018&amp;month=11&amp;leader={leader.pk}" in response.content.decode()


def test_calendar_list_view_and_print_button(client, inspector, plan, commune, other_commune, leader):
    _october_2018(plan, commune, other_commune, leader, inspector)
    client.force_login(inspector)

    response = client.get(reverse("inspections:visit_calendar"), {"month": 10, "year": 2018, "view": "list"})

    body = response.content.decode()
    assert response.context["as_list"]
    assert 'id="calendar-list"' in body and 'class="d-print-none" id="calendar-list"' in body
    assert "data-print" in body and "inspections/print.js" in body


def test_plan_page_links_to_each_month_of_its_period(client, head, plan):
    client.force_login(head)

    response = client.get(reverse("inspections:plan_detail", args=[plan.pk]))

    body = response.content.decode()
    calendar = reverse("inspections:visit_calendar")
    for month in (1, 2, 3):
        assert f"{calendar}?year=2027&amp;month={month}&amp;plan={plan.pk}" in body
    assert f"month=4&amp;plan={plan.pk}" not in body


def test_liaison_sees_only_their_units_visits_in_the_calendar(
    client, plan, commune, other_commune, leader, inspector
):
    first, _second = _october_2018(plan, commune, other_commune, leader, inspector)
    liaison = UserFactory(username="lienlac", unit=commune, roles=[Role.LIAISON])
    client.force_login(liaison)

    response = client.get(reverse("inspections:visit_calendar"), {"month": 10, "year": 2018})

    assert _shown(response) == {first.pk}


def test_the_calendar_filters_have_no_date_range_or_status_and_the_visit_list_keeps_them(client, scheduler):
    # filters.CalendarFilter drops the declared status and date filters from its class (the month
    # is chosen apart); the visit list's filter keeps them.
    client.force_login(scheduler)
    calendar = client.get(reverse("inspections:visit_calendar"), {"status": "draft", "date_from": "x"})
    body = calendar.content.decode()
    assert calendar.status_code == 200
    assert 'name="status"' not in body and 'name="date_from"' not in body and 'name="leader"' in body
    visits = client.get(reverse("inspections:visit_list")).content.decode()
    assert 'name="status"' in visits and 'name="date_from"' in visits and 'name="date_to"' in visits
