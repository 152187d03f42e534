"""Who sees which plans and visits (selectors) and what the access helpers answer."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from config.home.selectors import _visible_in_window
from inspections.access import can, get_plan_for_user, get_visit_for_user
from inspections.filters import _inspectors
from inspections.models import TeamMember, Visit, VisitStatus
from inspections.selectors import (
    TEAM_ROLES,
    mark_viewable,
    plan_visits,
    plans_visible_to,
    visit_calendar,
    visit_list,
    visits_visible_to,
)
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import PlanFactory, VisitFactory, at


@pytest.fixture
def foreign_visit(other_province, foreign_commune):
    plan = PlanFactory(issuing_unit=other_province)
    return VisitFactory(plan=plan, unit=foreign_commune)


def test_staff_see_the_visits_of_their_province(scheduler, head, visit, foreign_visit):
    assert list(visits_visible_to(scheduler)) == [visit]
    assert list(visits_visible_to(head)) == [visit]


def test_administrators_see_every_visit(administrator, visit, foreign_visit):
    assert set(visits_visible_to(administrator)) == {visit, foreign_visit}


def test_an_inspector_sees_the_visits_whose_team_they_are_on(
    inspector, department, visit, approved_plan, other_commune
):
    VisitFactory(plan=approved_plan, unit=other_commune)

    assert list(visits_visible_to(inspector)) == [visit]
    assert list(visits_visible_to(UserFactory(unit=department, roles=[Role.INSPECTOR]))) == []


def test_a_liaison_sees_the_visits_of_their_unit_and_below(liaison, commune, visit, approved_plan):
    office = UnitFactory(parent=commune, kind="internal_office")
    below = VisitFactory(plan=approved_plan, unit=office)

    assert set(visits_visible_to(liaison)) == {visit, below}


def test_a_user_without_a_role_sees_nothing(db, visit):
    assert not visits_visible_to(UserFactory()).exists()
    assert not plans_visible_to(UserFactory()).exists()


def test_a_liaison_sees_no_plan(liaison, plan):
    assert not plans_visible_to(liaison).exists()


def test_a_team_member_reads_but_does_not_change_the_visit(leader, visit):
    assert get_visit_for_user(leader, visit.pk) == visit
    with pytest.raises(PermissionDenied):
        get_visit_for_user(leader, visit.pk, write=True)


def test_outsiders_get_not_found(outsider, visit, plan):
    with pytest.raises(Http404):
        get_visit_for_user(outsider, visit.pk)
    with pytest.raises(Http404):
        get_plan_for_user(outsider, plan.pk)


def test_state_rules_hold_for_superusers_too(db, visit):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    visit.status = VisitStatus.CONCLUDED

    assert superuser.has_perm("inspections.change_visit", visit)  # what Django would say
    assert not can(superuser, "inspections.change_visit", visit)


def test_the_access_helpers_let_in_exactly_whom_the_visible_sets_hold(
    scheduler, head, inspector, leader, liaison, outsider, administrator, visit, foreign_visit, plan, commune
):
    # get_plan_for_user / get_visit_for_user read the row by id and apply the selectors' rule in
    # Python: the same 404s as filtering plans_visible_to / visits_visible_to, for every role.
    office = UnitFactory(parent=commune, kind="internal_office")
    below = VisitFactory(plan=visit.plan, unit=office)
    foreign_team = VisitFactory(
        plan=foreign_visit.plan, unit=UnitFactory(parent=foreign_visit.unit.parent), members=[inspector]
    )
    people = [
        scheduler,
        head,
        inspector,
        leader,
        liaison,
        outsider,
        administrator,
        UserFactory(),
        UserFactory(unit=commune),
        UserFactory(unit=office, roles=[Role.INSPECTOR, Role.LIAISON]),
        UserFactory(is_superuser=True, is_staff=True),
        AnonymousUser(),
    ]
    visits = [visit, foreign_visit, below, foreign_team]
    plans = [plan, visit.plan, foreign_visit.plan]
    for person in people:
        visible = set(visits_visible_to(person).values_list("pk", flat=True))
        for one in visits:
            assert _lets_in(get_visit_for_user, person, one.pk) == (one.pk in visible), (person, one)
        readable = set(plans_visible_to(person).values_list("pk", flat=True))
        for one in plans:
            assert _lets_in(get_plan_for_user, person, one.pk) == (one.pk in readable), (person, one)


def _lets_in(helper, user, pk) -> bool:
    try:
        helper(user, pk)
    except Http404:
        return False
    return True


def test_a_plans_page_opens_exactly_the_visits_the_user_may_see(
    scheduler, head, inspector, leader, liaison, outsider, administrator, visit, commune, other_commune
):
    # selectors.mark_viewable applies visible_visit_ids's rule to the page's rows (unit path,
    # then the user's seats): the same visits as the visible set, for every role.
    office = UnitFactory(parent=commune, kind="internal_office")
    VisitFactory(plan=visit.plan, unit=office)
    VisitFactory(plan=visit.plan, unit=other_commune, members=[inspector])
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=other_commune.parent))
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]
    for person in people:
        # The plan page's read (each row says whether the user is on its team), and a page read
        # without the user (mark_viewable asks the team table).
        for user in (person, None):
            page = SimpleNamespace(object_list=list(plan_visits(plan=visit.plan, user=user)))
            mark_viewable(page, person)
            opened = {row.pk for row in page.object_list if row.viewable}
            expected = visits_visible_to(person).filter(plan=visit.plan).values_list("pk", flat=True)
            assert opened == set(expected), (person, user)
    assert len(page.object_list) == 4


def test_the_home_pages_window_of_visits_holds_exactly_the_visible_ones(
    scheduler, head, inspector, leader, liaison, outsider, administrator, visit, foreign_visit, commune
):
    # config.home.selectors._visible_in_window: visible_visit_ids's rule on the rows of a date
    # window (team or unit path), the same visits as the visible set, for every role.
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, kind="internal_office"))
    VisitFactory(
        plan=foreign_visit.plan, unit=UnitFactory(parent=foreign_visit.unit.parent), members=[inspector]
    )
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]
    for person in people:
        window = set(_visible_in_window(person, Visit.objects.all()).values_list("pk", flat=True))
        assert window == set(visits_visible_to(person).values_list("pk", flat=True)), person


def test_the_visit_filters_people_are_the_team_role_holders_seated_on_the_visible_visits(
    rf, scheduler, head, inspector, leader, liaison, outsider, administrator, visit, foreign_visit, commune
):
    # filters._inspectors (EXISTS of a seat among visible_visit_ids): the holders of a team role
    # seated on a visit of visits_visible_to, for every role.
    foreign_inspector = UserFactory(unit=foreign_visit.unit, roles=[Role.INSPECTOR])
    TeamMember.objects.create(visit=foreign_visit, user=foreign_inspector, role="member")
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, kind="internal_office"), members=[head])
    VisitFactory(
        plan=foreign_visit.plan, unit=UnitFactory(parent=foreign_visit.unit.parent), members=[inspector]
    )
    UserFactory(unit=commune, roles=[Role.INSPECTOR])  # a role holder on no team
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]
    lists = {}
    for person in people:
        request = rf.get("/")
        request.user = person
        listed = set(_inspectors(request).values_list("pk", flat=True))
        seated = set(
            TeamMember.objects.filter(
                visit__in=visits_visible_to(person), user__groups__name__in=TEAM_ROLES
            ).values_list("user_id", flat=True)
        )
        assert listed == seated, person
        lists[person] = listed
    assert foreign_inspector.pk in lists[administrator] and foreign_inspector.pk not in lists[scheduler]
    assert inspector.pk in lists[scheduler] and head.pk in lists[liaison]


@pytest.fixture
def everyone(scheduler, head, inspector, leader, liaison, outsider, administrator):
    """One person of each role, someone with no unit and no role, and the anonymous."""
    return [
        scheduler,
        head,
        inspector,
        leader,
        liaison,
        outsider,
        administrator,
        UserFactory(),
        AnonymousUser(),
    ]


def test_the_calendars_month_holds_exactly_the_visible_visits(
    everyone, inspector, visit, foreign_visit, commune
):
    # selectors.visible_rows: visible_visit_ids's rule on the month's rows (team or unit path),
    # the same visits as the visible set, for every role.
    month = [visit, foreign_visit]
    month.append(VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, kind="internal_office")))
    month.append(
        VisitFactory(
            plan=foreign_visit.plan, unit=UnitFactory(parent=foreign_visit.unit.parent), members=[inspector]
        )
    )
    for day, one in enumerate(month, start=4):
        Visit.objects.filter(pk=one.pk).update(
            starts_at=at(date(2027, 1, day), 8), ends_at=at(date(2027, 1, day), 11)
        )
    for person in everyone:
        grid = visit_calendar(user=person, year=2027, month=1)
        shown = {v.pk for week in grid["weeks"] for day in week for v in day.visits}
        assert shown == set(visits_visible_to(person).values_list("pk", flat=True)), person
        assert grid["visit_count"] == len(shown)


def test_the_visit_list_narrowed_by_a_unit_search_holds_exactly_the_visible_visits(
    client, everyone, inspector, visit, foreign_visit, commune
):
    # selectors.visit_list(narrowed=True): the rule tested on the rows (visible_rows), used when
    # the list is searched by a unit's name: the same visits as the visible set, for every role.
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, kind="internal_office"))
    VisitFactory(
        plan=foreign_visit.plan, unit=UnitFactory(parent=foreign_visit.unit.parent), members=[inspector]
    )
    for person in everyone:
        narrowed = set(visit_list(user=person, narrowed=True).values_list("pk", flat=True))
        assert narrowed == set(visits_visible_to(person).values_list("pk", flat=True)), person
    client.force_login(inspector)
    seated = VisitFactory(
        plan=foreign_visit.plan,
        unit=UnitFactory(parent=foreign_visit.unit.parent, name="Xã Quảng Tìm"),
        members=[inspector],
    )
    VisitFactory(plan=visit.plan, unit=UnitFactory(parent=commune, name="Phường Quảng Tìm"))  # not theirs
    response = client.get(reverse("inspections:visit_list"), {"q": "quang tim"})
    assert [row.pk for row in response.context["page"]] == [seated.pk]
