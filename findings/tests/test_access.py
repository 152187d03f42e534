"""Who may do what on findings' pages is asked of the rules, not of Django's superuser flag; and
pages that only show something refuse a POST."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from findings.access import get_action_for_user, get_visit_findings_for_user
from findings.models import (
    ActionState,
    ExtensionDecision,
    Finding,
    RemediationAction,
    RemediationUpdate,
    UpdateKind,
)
from findings.selectors import actions_visible_to, finding_visits_visible_to
from inspections.models import VisitStatus
from inspections.tests.factories import PlanFactory, VisitFactory
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ActionFactory, FindingFactory, UpdateFactory, conclude

pytestmark = pytest.mark.django_db


@pytest.fixture
def quantri(db):
    """The system administrator as the demo creates them: a Django superuser with the admin role."""
    return UserFactory(username="quantri", roles=[Role.ADMIN], is_superuser=True, is_staff=True)


def test_the_superuser_reads_a_visits_findings_but_gets_no_form_to_write(client, quantri, visit, leader):
    FindingFactory(visit=visit, created_by=leader, text="Chưa niêm yết thủ tục hành chính")
    client.force_login(quantri)
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert response.status_code == 200
    assert "Chưa niêm yết thủ tục hành chính" in response.content.decode()
    assert response.context["editing"] is False
    assert response.context["can_submit"] is False
    assert reverse("findings:finding_create", args=[visit.pk]) not in response.content.decode()


def test_the_superuser_cannot_add_or_edit_a_finding(client, quantri, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader, text="Bản gốc")
    client.force_login(quantri)
    assert client.get(reverse("findings:finding_edit", args=[finding.pk])).status_code == 403
    response = client.post(
        reverse("findings:finding_edit", args=[finding.pk]),
        {"version": finding.version, "kind": finding.kind, "text": "Sửa bởi quản trị", "severity": "medium"},
    )
    assert response.status_code == 403
    assert Finding.objects.get(pk=finding.pk).text == "Bản gốc"
    response = client.post(
        reverse("findings:finding_create", args=[visit.pk]), {"kind": "limitation", "text": "Thêm"}
    )
    assert response.status_code == 403
    assert Finding.objects.filter(visit=visit).count() == 1


def test_the_superuser_cannot_submit_review_or_conclude(client, quantri, visit):
    client.force_login(quantri)
    assert client.post(reverse("findings:findings_submit", args=[visit.pk])).status_code == 403
    assert client.get(reverse("findings:visit_review", args=[visit.pk])).status_code == 403
    assert client.get(reverse("findings:review_queue")).status_code == 403
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    assert client.get(reverse("findings:visit_conclude", args=[visit.pk])).status_code == 403
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REVIEWED


def test_the_superuser_cannot_decide_an_extension_in_a_province(client, quantri, liaison, action):
    due = action.due_date
    request = UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=due + dt.timedelta(days=30),
        text="Chờ kinh phí.",
    )
    client.force_login(quantri)
    page = client.get(reverse("findings:action_detail", args=[action.pk]))
    assert page.status_code == 200
    assert page.context["can_decide"] is False
    response = client.post(
        reverse("findings:action_extension_decide", args=[action.pk, request.pk]),
        {"decision": ExtensionDecision.GRANTED, "comment": ""},
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.due_date == due
    assert not RemediationUpdate.objects.filter(kind=UpdateKind.EXTENSION_DECISION).exists()
    assert RemediationUpdate.objects.get(pk=request.pk).decision == ""


def test_the_superuser_cannot_report_or_verify_remediation(client, quantri, action):
    client.force_login(quantri)
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Đã làm."},
    )
    assert response.status_code == 403
    RemediationAction.objects.filter(pk=action.pk).update(state=ActionState.REPORTED_DONE)
    response = client.post(
        reverse("findings:action_verify", args=[action.pk]), {"verify-version": action.version}
    )
    assert response.status_code == 403
    assert RemediationAction.objects.get(pk=action.pk).state == ActionState.REPORTED_DONE


@pytest.mark.parametrize(
    "name,args",
    [
        ("visit_findings", "visit"),
        ("visit_findings_history", "visit"),
        ("carry_forward", "visit"),
        ("finding_detail", "finding"),
        ("action_detail", "action"),
        ("action_list", None),
        ("my_unit", None),
    ],
)
def test_a_post_to_a_read_only_findings_page_is_refused_with_405(client, liaison, action, name, args):
    finding = action.finding
    objects = {"visit": finding.visit, "finding": finding, "action": action}
    url = reverse(f"findings:{name}", args=[objects[args].pk] if args else [])
    client.force_login(liaison)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_a_post_to_the_review_queue_is_refused_with_405(client, head):
    client.force_login(head)
    assert client.post(reverse("findings:review_queue")).status_code == 405


def _lets_in(helper, user, pk) -> bool:
    try:
        helper(user, pk)
    except Http404:
        return False
    return True


def _people(named, *, commune, office, extra=()):
    """The named people of the fixtures, and those no fixture is: no unit, the commune's staff
    without a role, an inspector who is also a liaison of an office below it, the anonymous."""
    return [
        *named,
        UserFactory(),
        UserFactory(unit=commune),
        UserFactory(unit=office, roles=[Role.INSPECTOR, Role.LIAISON]),
        *extra,
        AnonymousUser(),
    ]


def _assert_helper_agrees_with_selector(helper, selector, people, objects):
    """``helper(user, pk)`` lets in exactly the rows ``selector(user)`` holds, for every person,
    and the rule decides something: each object is let in for some and kept out for others."""
    opened = {}
    for person in people:
        visible = set(selector(person).values_list("pk", flat=True))
        for one in objects:
            opened[person, one.pk] = _lets_in(helper, person, one.pk)
            assert opened[person, one.pk] == (one.pk in visible), (person, one)
    assert all(
        any(opened[p, o.pk] for p in people) and not all(opened[p, o.pk] for p in people) for o in objects
    )


def test_the_action_helper_lets_in_exactly_whom_the_visible_actions_hold(
    scheduler,
    head,
    inspector,
    leader,
    liaison,
    other_liaison,
    other_inspector,
    outsider,
    administrator,
    quantri,
    action,
    other_action,
    commune,
    other_commune,
    other_province,
    foreign_commune,
):
    # get_action_for_user reads the action by id and applies actions_visible_to's rule in Python
    # (_sees_action): the same 404s as filtering the visible actions, for every role.
    office = UnitFactory(parent=commune, kind="internal_office")
    # Another commune's limitation handed to an office below the liaison's commune (a merger).
    handed = ActionFactory(
        finding=FindingFactory(visit=other_action.finding.visit, created_by=leader, approved=True),
        unit=office,
    )
    below_visit = VisitFactory(plan=action.finding.visit.plan, unit=office, leader=leader)
    below = ActionFactory(finding=FindingFactory(visit=below_visit, created_by=leader, approved=True))
    conclude(below_visit, leader)
    foreign_visit = VisitFactory(plan=PlanFactory(issuing_unit=other_province), unit=foreign_commune)
    foreign = ActionFactory(finding=FindingFactory(visit=foreign_visit, created_by=leader, approved=True))
    # An inspector of the other province on a team of ours.
    foreign_team = VisitFactory(
        plan=action.finding.visit.plan, unit=UnitFactory(parent=other_commune.parent), members=[outsider]
    )
    on_foreign_team = ActionFactory(
        finding=FindingFactory(visit=foreign_team, created_by=leader, approved=True)
    )
    actions = [action, other_action, handed, below, foreign, on_foreign_team]
    named = [scheduler, head, inspector, leader, liaison, other_liaison, other_inspector, outsider]
    people = _people(
        [*named, administrator, quantri],
        commune=commune,
        office=office,
        extra=[UserFactory(unit=office, roles=[Role.LIAISON])],
    )
    _assert_helper_agrees_with_selector(get_action_for_user, actions_visible_to, people, actions)


def test_the_action_page_reads_the_team_only_when_the_unit_does_not_decide(
    client, liaison, inspector, action, django_assert_num_queries
):
    # The liaison is let in by the action's unit: the visit's team is not read.
    client.force_login(liaison)
    url = reverse("findings:action_detail", args=[action.pk])
    client.get(url)
    with django_assert_num_queries(30, exact=False) as liaisons:
        client.get(url)
    liaison_queries = [q["sql"] for q in liaisons.captured_queries]
    assert not any('"inspections_teammember"' in sql for sql in liaison_queries)
    # The inspector is let in by the team (read once).
    client.force_login(inspector)
    client.get(url)
    with django_assert_num_queries(30, exact=False) as inspectors:
        assert client.get(url).status_code == 200
    assert sum('"inspections_teammember"' in q["sql"] for q in inspectors.captured_queries) == 1


@pytest.fixture
def visits_and_people(
    scheduler,
    head,
    inspector,
    leader,
    liaison,
    other_liaison,
    outsider,
    administrator,
    quantri,
    visit,
    other_visit,
    action,
    commune,
    other_province,
    foreign_commune,
):
    """Visits of every kind of reach (the liaison's concluded one, another commune's, one of an
    office below the commune in progress, another province's) and everyone who might open them."""
    office = UnitFactory(parent=commune, kind="internal_office")
    below = VisitFactory(plan=visit.plan, unit=office, leader=leader, status=VisitStatus.IN_PROGRESS)
    foreign = VisitFactory(plan=PlanFactory(issuing_unit=other_province), unit=foreign_commune)
    named = [scheduler, head, inspector, leader, liaison, other_liaison, outsider, administrator, quantri]
    return [action.finding.visit, other_visit, below, foreign], _people(named, commune=commune, office=office)


def test_the_visit_helper_lets_in_exactly_whom_the_visible_finding_visits_hold(visits_and_people):
    # get_visit_findings_for_user reads the visit by id and applies inspections' visibility rule
    # in Python, then keeps a liaison out until the visit is concluded: the same 404s as
    # filtering finding_visits_visible_to, for every role.
    visits, people = visits_and_people
    _assert_helper_agrees_with_selector(
        get_visit_findings_for_user, finding_visits_visible_to, people, visits
    )


def test_a_concluded_visits_page_reads_its_conclusion_with_the_visit(
    client, inspector, action, django_assert_max_num_queries
):
    client.force_login(inspector)
    url = reverse("findings:visit_findings", args=[action.finding.visit_id])
    client.get(url)
    with django_assert_max_num_queries(30) as queries:
        body = client.get(url).content.decode()
    assert action.finding.visit.conclusion.reference in body
    assert not any(q["sql"].startswith('SELECT "findings_conclusion"') for q in queries.captured_queries)


def test_the_finding_helper_lets_in_exactly_whom_the_visible_findings_hold(visits_and_people, action, leader):
    # get_finding_for_user reads the finding by id and applies its visit's rule in Python: the
    # same 404s as filtering findings_visible_to, for every role.
    from findings.access import get_finding_for_user
    from findings.selectors import findings_visible_to

    visits, people = visits_and_people
    findings = [action.finding, *(FindingFactory(visit=one, created_by=leader) for one in visits[1:])]
    _assert_helper_agrees_with_selector(get_finding_for_user, findings_visible_to, people, findings)
