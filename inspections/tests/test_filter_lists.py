"""The visit list's and the calendar's plans and people lists load after the page (issue 17): the
page draws each list with its empty choice and the chosen record only, and an element that asks
the list page for the rest (htmx, ``?lists=``); that answer holds the options the page drew
before, the chosen ones marked. Without JavaScript a chosen value stays shown and a link with
``?inspector=<id>`` still filters."""

import re
from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from inspections.filters import CalendarFilter, VisitFilter
from inspections.models import TeamMember, Visit
from inspections.selectors import plans_visible_to
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import PlanFactory, VisitFactory, at

LIST_URL = "inspections:visit_list"


@pytest.fixture
def foreign_visit(other_province, foreign_commune):
    visit = VisitFactory(plan=PlanFactory(issuing_unit=other_province), unit=foreign_commune)
    stranger = UserFactory(username="stranger", unit=foreign_commune, roles=[Role.INSPECTOR])
    TeamMember.objects.create(visit=visit, user=stranger, role="member")
    return visit


def _select(body: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', body, re.S).group(0)


def _options(select: str) -> list[tuple[str, str, bool]]:
    return [
        (value, label, bool(mark))
        for value, mark, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    ]


def _loaded(body: str) -> dict[str, str]:
    """Each select of a ``?lists=`` answer by its id, as it replaces the page's (htmx drops the
    hx-swap-oob attribute)."""
    found = re.findall(r"<select[^>]*>.*?</select>", body, re.S)
    assert "".join(found) == body
    assert all(' hx-swap-oob="true" ' in select[: select.index(">")] for select in found)
    return {
        re.search(r' id="([^"]+)"', select).group(1): select.replace(' hx-swap-oob="true"', "", 1)
        for select in found
    }


def _loader_url(body: str) -> str:
    found = re.findall(r'<div hidden hx-get="([^"]+)" hx-trigger="load" hx-swap="none"></div>', body)
    assert len(found) == 1, found
    return found[0].replace("&amp;", "&")


def test_the_visit_list_draws_the_chosen_plan_and_inspector_and_loads_the_other_options(
    client, scheduler, visit, leader, inspector, django_assert_num_queries
):
    plan = visit.plan
    client.force_login(scheduler)
    url = reverse(LIST_URL)
    client.get(url)

    with django_assert_num_queries(4):  # session, user with their unit, roles; the page: no list read
        body = client.get(url).content.decode()
    assert _options(_select(body, "inspector")) == [("", "Tất cả", True)]
    assert _options(_select(body, "plan")) == [("", "Tất cả kế hoạch", True)]
    assert _loader_url(body) == f"{url}?lists=plan%2Cinspector"
    assert "vendor/htmx/htmx.min.js" in body

    # Chosen: each list shows its record, read when the filter validates the id; the list filters.
    with django_assert_num_queries(6):  # ... and the chosen plan and person, each by its id
        response = client.get(url, {"inspector": leader.pk, "plan": plan.pk})
    body = response.content.decode()
    assert [row.pk for row in response.context["page"]] == [visit.pk]
    assert _options(_select(body, "inspector")) == [
        ("", "Tất cả", False),
        (str(leader.pk), str(leader), True),
    ]
    assert _options(_select(body, "plan")) == [
        ("", "Tất cả kế hoạch", False),
        (str(plan.pk), escape(str(plan)), True),
    ]
    assert _loader_url(body) == f"{url}?lists=plan%2Cinspector&plan={plan.pk}&inspector={leader.pk}"
    # The loaded lists mark the same choices.
    loaded = _loaded(client.get(_loader_url(body)).content.decode())
    assert set(loaded) == {"id_plan", "id_inspector"}
    assert f'<option value="{leader.pk}" selected>{leader}</option>' in loaded["id_inspector"]
    assert f'<option value="{plan.pk}" selected>' in loaded["id_plan"]
    assert f'<option value="{inspector.pk}">{inspector}</option>' in loaded["id_inspector"]


def test_someone_the_user_may_not_see_is_shown_as_nothing_chosen_and_filters_nothing(
    client, scheduler, visit, foreign_visit
):
    stranger = foreign_visit.team.get().user
    client.force_login(scheduler)
    url = reverse(LIST_URL)

    response = client.get(url, {"inspector": stranger.pk})

    body = response.content.decode()
    assert [row.pk for row in response.context["page"]] == [visit.pk]  # as without the filter
    # Nothing marked, as the full list drew it (the browser shows its first option, "Tất cả").
    assert _options(_select(body, "inspector")) == [("", "Tất cả", False)]
    assert f'value="{stranger.pk}"' not in _select(body, "inspector")
    loaded = _loaded(client.get(_loader_url(body)).content.decode())
    assert (
        f'value="{stranger.pk}"' not in loaded["id_inspector"] and " selected" not in loaded["id_inspector"]
    )


def test_the_calendar_draws_its_three_lists_the_same_way(
    client, scheduler, visit, leader, inspector, django_assert_num_queries
):
    client.force_login(scheduler)
    url = reverse("inspections:visit_calendar")
    month = {"year": 2027, "month": 1}
    client.get(url, month)

    with django_assert_num_queries(4):  # session, user with their unit, roles; the month
        body = client.get(url, month).content.decode()
    assert _loader_url(body) == f"{reverse(LIST_URL)}?lists=plan%2Cinspector%2Cleader"
    assert "vendor/htmx/htmx.min.js" in body

    response = client.get(url, {**month, "leader": leader.pk})
    body = response.content.decode()
    assert {v.pk for day in response.context["days"] for v in day.visits} == {visit.pk}
    assert _options(_select(body, "leader")) == [("", "Tất cả", False), (str(leader.pk), str(leader), True)]
    assert _options(_select(body, "inspector")) == [("", "Tất cả", True)]
    loaded = _loaded(client.get(_loader_url(body)).content.decode())
    assert set(loaded) == {"id_plan", "id_inspector", "id_leader"}
    assert f'<option value="{leader.pk}" selected>' in loaded["id_leader"]
    assert f'<option value="{inspector.pk}">' in loaded["id_leader"]
    assert _options(loaded["id_inspector"])[0] == ("", "Tất cả", True)
    assert [mark for _value, _label, mark in _options(loaded["id_inspector"])].count(True) == 1


def test_the_loaded_lists_are_the_lists_the_page_drew_for_every_role(
    client,
    scheduler,
    head,
    inspector,
    leader,
    liaison,
    outsider,
    administrator,
    visit,
    foreign_visit,
    commune,
    other_commune,
):
    # filters.lists_response against the full lists the filter form draws (listed_choices, the
    # page's lists before they loaded apart): the same options, the same chosen ones, for each role.
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, kind="internal_office"), members=[head])
    VisitFactory(plan=visit.plan, unit=other_commune, leader=inspector, starts_at=at(date(2027, 2, 1)))
    stranger = foreign_visit.team.get().user
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]
    for person in people:
        client.force_login(person)
        for chosen in ({}, {"inspector": leader.pk, "leader": stranger.pk, "plan": visit.plan.pk}):
            query = {"lists": "plan,inspector,leader", **chosen}
            loaded = _loaded(client.get(reverse(LIST_URL), query).content.decode())
            request = RequestFactory().get("/", query)
            request.user = person
            full = CalendarFilter(request.GET, queryset=Visit.objects.none(), request=request).form
            for name in ("plan", "inspector", "leader"):
                assert loaded[f"id_{name}"] == str(full[name]), (person, chosen, name)
            plans = {int(v) for v, _label, _mark in _options(loaded["id_plan"]) if v}
            assert plans == set(plans_visible_to(person).values_list("pk", flat=True)), person
        listed = {int(v) for v, _label, _mark in _options(loaded["id_inspector"]) if v}
        assert (stranger.pk in listed) == (person in (administrator, outsider)), person
        assert (leader.pk in listed) == (person not in (outsider, people[-1])), person


def test_a_list_asked_for_twice_or_unknown_is_drawn_once_or_not_at_all(client, scheduler, visit):
    client.force_login(scheduler)
    body = client.get(reverse(LIST_URL), {"lists": "inspector,status,inspector,q,nothing"}).content.decode()
    assert set(_loaded(body)) == {"id_inspector"}
    assert client.get(reverse(LIST_URL), {"lists": ""}).content == b""


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_lists(client, visit):
    response = client.get(reverse(LIST_URL), {"lists": "plan,inspector"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_page_without_choices_in_the_url_draws_nothing_chosen_without_validating(rf, scheduler, visit):
    request = rf.get("/")
    request.user = scheduler
    form = VisitFilter(None, queryset=Visit.objects.none(), request=request, lists_later=True).form
    assert _options(str(form["plan"])) == [("", "Tất cả kế hoạch", True)]
    assert _options(str(form["inspector"])) == [("", "Tất cả", True)]
