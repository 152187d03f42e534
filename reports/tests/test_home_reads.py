"""What each role's home page reads (config/home/selectors.py): the same rows as the owning apps'
visibility selectors, by cheaper queries (issue 17)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.template import engines
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.home.selectors import (
    _load_rows,
    _load_rows_orm,
    _load_window,
    _seen_visit,
    liaison_home,
    my_visits_panel,
    reported_actions_count,
)
from findings.models import ACTION_OPEN_STATES, ActionState, Conclusion
from findings.selectors import actions_visible_to, finding_visits_visible_to, remediation_summary
from findings.tests.factories import ActionFactory, ConclusionFactory
from inspections.models import TeamMember, TeamRole, VisitStatus
from inspections.selectors import my_visits, visits_visible_to
from reports.dashboards.selectors import Scope
from units.roles import Role
from units.rules import scope_prefix
from units.tests.factories import UnitFactory, UserFactory

from . import factories

pytestmark = pytest.mark.django_db


def _reference(user, today: date, soon_days: int = 30) -> dict:
    """The liaison's panels as they were read before: every row of the scope (Scope.in_units)
    filtered through the visibility selectors themselves."""
    scope = Scope(prefix=scope_prefix(user))
    actions = (
        scope.in_units(actions_visible_to(user), "unit_id")
        .filter(state__in=ACTION_OPEN_STATES, due_date__lte=today + timedelta(days=soon_days))
        .order_by("due_date", "id")
    )
    next_visit = (
        scope.in_units(visits_visible_to(user), "unit_id")
        .filter(status__in=[VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS])
        .order_by("starts_at", "id")
        .first()
    )
    conclusions = scope.in_units(
        Conclusion.objects.filter(visit__in=finding_visits_visible_to(user).values("pk")), "visit__unit_id"
    ).order_by("-date", "-id")
    return {
        "actions": [a.pk for a in actions],
        "drawn": [(a.pk, a.due_date, a.state, a.finding_id, a.finding.recommendation) for a in actions],
        "next_visit": next_visit and next_visit.pk,
        "last_conclusion": (last := conclusions.first()) and last.pk,
    }


def _read(user, today: date) -> dict:
    board = liaison_home(user=user, today=today)
    return {
        "actions": [a.pk for a in board["overdue"] + board["due_soon"]],
        "drawn": [
            (a.pk, a.due_date, a.state, a.finding_id, a.finding.recommendation)
            for a in board["overdue"] + board["due_soon"]
        ],
        "next_visit": board["next_visit"] and board["next_visit"].pk,
        "last_conclusion": board["last_conclusion"] and board["last_conclusion"].pk,
    }


def test_the_liaisons_panels_hold_exactly_the_rows_the_visibility_selectors_let_through(
    world, commune, district, other_commune, leader, liaison, head, inspector, administrator, province
):
    # A merger: the liaison's commune replaced a commune of another district. Inside their
    # subtree a liaison reads every row; a replaced unit's rows only where the selectors say so.
    today = world.today
    elsewhere = UnitFactory(parent=UnitFactory(parent=province, kind="district"), name="Xã Cũ")
    commune.predecessors.add(elsewhere)
    plans = [
        factories.plan(department=world.plan_2026.issuing_unit, template=world.template, year=today.year)
        for _n in range(3)
    ]
    old_unseen = factories.visit(plan=plans[0], unit=elsewhere, day=today - timedelta(days=40))
    old_on_team = factories.visit(plan=plans[1], unit=elsewhere, day=today - timedelta(days=30))
    coming_old = factories.visit(
        plan=plans[2], unit=elsewhere, day=today + timedelta(days=2), status=VisitStatus.SCHEDULED
    )
    coming_own = factories.visit(
        plan=plans[0], unit=commune, day=today + timedelta(days=9), status=VisitStatus.SCHEDULED
    )
    # A liaison who sat on two teams (as an inspector before taking the liaison's role).
    on_team = UserFactory(username="lienlac.doan", unit=commune, roles=[Role.LIAISON])
    staff_liaison = UserFactory(username="lienlac.lanhdao", unit=commune, roles=[Role.LIAISON, Role.HEAD])
    for visit in (old_on_team, coming_old):
        TeamMember.objects.create(visit=visit, user=on_team, role=TeamRole.MEMBER)
    for number, visit in enumerate((old_unseen, old_on_team), start=50):
        ConclusionFactory(
            visit=visit, created_by=leader, number=number, year=today.year, date=today - timedelta(days=1)
        )
    due = today + timedelta(days=5)
    for visit, unit in (
        (old_unseen, elsewhere),  # a replaced unit's action of a visit the liaison does not see
        (old_on_team, elsewhere),  # ... of a visit whose team one of them is on
        (old_unseen, commune),  # reassigned to their commune: theirs
        (world.binh_tan_2026, elsewhere),  # of their commune's visit, owned by the replaced unit
        (world.tan_my_2026, other_commune),  # outside their scope
        (world.foreign_2026, commune),  # theirs; not the head's (the other province's visit)
    ):
        finding = factories.limitation(visit=visit, code="1.2", creator=leader)
        ActionFactory(finding=finding, unit=unit, due_date=due)
    # For the counts (every action they may read, in their scope or not): a team seat on a visit
    # of another commune, its action overdue; actions reported, verified and overdue at home.
    TeamMember.objects.create(visit=world.tan_my_2026, user=on_team, role=TeamRole.MEMBER)
    for visit, unit, state, days in (
        (world.tan_my_2026, other_commune, ActionState.OPEN, -3),
        (world.binh_tan_2026, commune, ActionState.REPORTED_DONE, -9),
        (world.binh_tan_2025, commune, ActionState.VERIFIED, -90),
        (world.binh_tan_2025, commune, ActionState.REOPENED, -1),
        (old_on_team, elsewhere, ActionState.REPORTED_DONE, 40),
        (world.binh_tan_2026, commune, ActionState.IN_PROGRESS, 45),  # open, due after the panel's days
        (old_on_team, elsewhere, ActionState.OPEN, -2),  # a replaced unit's, overdue, of a visit they sit on
    ):
        finding = factories.limitation(visit=visit, code="1.2", creator=leader)
        ActionFactory(finding=finding, unit=unit, due_date=today + timedelta(days=days), state=state)

    TeamMember.objects.create(visit=old_on_team, user=inspector, role=TeamRole.MEMBER)
    # A conclusion of a visit not yet concluded (the department's staff read it, a liaison not).
    reviewed = factories.visit(
        plan=plans[1], unit=commune, day=today - timedelta(days=3), status=VisitStatus.REVIEWED
    )
    ConclusionFactory(visit=reviewed, created_by=leader, number=70, year=today.year, date=today)
    for user in (liaison, on_team, staff_liaison, head, inspector, administrator):
        assert _read(user, today) == _reference(user, today), user
    for user in (liaison, on_team, staff_liaison):  # the written-out next visit and last conclusion
        assert _drawn(liaison_home(user=user, today=today)) == _drawn(_panels_orm(user, today)), user
    assert _read(staff_liaison, today)["last_conclusion"] == reviewed.conclusion.pk
    for user in (liaison, on_team, staff_liaison):  # the counts read with the panels
        assert liaison_home(user=user, today=today)["summary"] == remediation_summary(
            user=user, today=today
        ), user
    assert remediation_summary(user=on_team, today=today) != remediation_summary(user=liaison, today=today)
    # The cases are not empty: each user's panels differ where the rule says they should.
    assert _read(liaison, today)["next_visit"] == coming_own.pk
    assert _read(on_team, today)["next_visit"] == coming_old.pk
    assert len(_read(on_team, today)["actions"]) == len(_read(liaison, today)["actions"]) + 2
    assert _read(on_team, today)["last_conclusion"] == old_on_team.conclusion.pk
    assert _read(liaison, today)["last_conclusion"] == world.binh_tan_2026.conclusion.pk


def _panels_orm(user, today: date) -> dict:
    """liaison_home's next visit and last conclusion as _liaison_panels reads them by the ORM
    (the reference of _next_and_last's written-out statement)."""
    from config.home.selectors import _liaison_panels, scope_units

    prefix = scope_prefix(user)
    own, replaced = [], []
    for pk, path in scope_units(prefix).values_list("pk", "path"):
        (own if path.startswith(prefix) else replaced).append(pk)
    visits = Q(unit_id__in=own)
    if replaced:
        visits |= Q(unit_id__in=replaced, pk__in=TeamMember.objects.filter(user=user).values("visit_id"))
    return _liaison_panels(Q(pk__in=[]), visits, user=user, soon_days=30, today=today)


def _drawn(board: dict) -> tuple:
    """What the liaison's panels draw of the next visit and the last conclusion, and which of
    their fields were left to read later."""
    visit, conclusion = board["next_visit"], board["last_conclusion"]
    return (
        visit
        and (
            visit.pk,
            visit.starts_at,
            visit.ends_at,
            visit.unit.name,
            visit.plan.title,
            visit.get_absolute_url(),
            visit.get_deferred_fields(),
            visit.unit.get_deferred_fields(),
            visit.plan.get_deferred_fields(),
        ),
        conclusion
        and (
            conclusion.pk,
            conclusion.reference,
            conclusion.date,
            conclusion.due_date,
            conclusion.visit.unit.name,
            conclusion.get_absolute_url(),
            conclusion.get_deferred_fields(),
            conclusion.visit.get_deferred_fields(),
            conclusion.visit.unit.get_deferred_fields(),
        ),
    )


def test_the_liaisons_panels_and_counts_read_three_queries_and_no_visibility_subquery_without_a_merger(
    world, liaison, leader
):
    finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=finding, due=world.today + timedelta(days=3))
    # Read by the page before the panels (the layout's menu, the card's unit name).
    liaison.unit, liaison.role_names  # noqa: B018
    with CaptureQueriesContext(connection) as queries:
        board = liaison_home(user=liaison, today=world.today)
    assert [a.finding_id for a in board["due_soon"]] == [finding.pk]
    assert board["summary"] == remediation_summary(user=liaison, today=world.today)
    # The units, the counts with the actions' panel (_liaison_actions), the next visit with the
    # last conclusion (_next_and_last).
    assert len(queries) == 3
    # The visits' panels filter by the units' ids alone; only the counts ask for their team seats.
    units, counts, visits = (q["sql"] for q in queries.captured_queries)
    assert "teammember" in counts and "remediationaction" in counts
    assert "teammember" not in units + visits and "conclusion" in visits


def test_an_inspectors_reported_count_is_the_visible_reported_actions(
    world, leader, inspector, head, scheduler, administrator, liaison
):
    # reported_actions_count reads each reported action's visit by a subquery: the same number as
    # counting findings.selectors.actions_visible_to's reported actions, for every staff role.
    TeamMember.objects.create(visit=world.binh_tan_2026, user=inspector, role=TeamRole.MEMBER)
    for visit, state in (
        (world.binh_tan_2026, ActionState.REPORTED_DONE),
        (world.binh_tan_2026, ActionState.REPORTED_DONE),
        (world.binh_tan_2026, ActionState.OPEN),
        (world.tan_my_2026, ActionState.REPORTED_DONE),
        (world.foreign_2026, ActionState.REPORTED_DONE),
    ):
        finding = factories.limitation(visit=visit, code="1.2", creator=leader)
        factories.action(finding=finding, due=world.today, state=state)
    expected = {inspector: 2, head: 3, scheduler: 3, administrator: 4}
    for user, count in expected.items():
        assert reported_actions_count(user=user) == count, user
        assert actions_visible_to(user).filter(state=ActionState.REPORTED_DONE).count() == count, user
    # The leader of Bình Tấn's visits, then also on the other province's visit's team.
    assert reported_actions_count(user=leader) == 2
    TeamMember.objects.create(visit=world.foreign_2026, user=leader, role=TeamRole.MEMBER)
    assert reported_actions_count(user=leader) == 3


def test_the_inspectors_home_draws_the_reported_count(client, world, leader, inspector):
    TeamMember.objects.create(visit=world.binh_tan_2026, user=inspector, role=TeamRole.MEMBER)
    finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=finding, due=world.today, state=ActionState.REPORTED_DONE)
    client.force_login(inspector)
    response = client.get(reverse("home"))
    assert response.context["remediation"] == {"reported": 1}
    assert f"{reverse('findings:action_list')}?state=reported_done" in response.content.decode()


# The scheduler's panels: rows drawn in Python (config/home/panels.py) --------------------------

# The rows as templates/home/_scheduler.html drew them before.
SCHEDULER_ROWS = {
    "upcoming": (
        "{% load inspections_tags %}{% for visit in board.upcoming %}<tr>"
        "<td>{{ visit.starts_at|local_day }}</td>"
        '<td><a href="{{ visit.get_absolute_url }}">{{ visit.unit.name }}</a></td>'
        '<td class="d-none d-md-table-cell">{{ visit.leader_name|default:"–" }}</td>'
        '<td><span class="badge {{ visit.status|status_class }}">{{ visit.get_status_display }}</span></td>'
        "</tr>{% endfor %}"
    ),
    "waiting": (
        "{% for row in board.waiting %}<li>"
        "<a href=\"{% url 'inspections:visit_create' row.inspectionplan_id %}?unit={{ row.unit_id }}\">"
        "{{ row.unit.name }}</a> · "
        '<a class="text-muted" href="{{ row.inspectionplan.get_absolute_url }}">'
        "{{ row.inspectionplan.title }} ({{ row.inspectionplan.year }})</a></li>{% endfor %}"
    ),
    "load": (
        '{% for name, counts in board.load.rows %}<tr><th scope="row" class="fw-normal">{{ name }}</th>'
        '{% for n in counts %}<td class="text-end{% if n >= 6 %} text-danger fw-semibold{% endif %}">'
        "{{ n }}</td>{% endfor %}</tr>{% endfor %}"
    ),
}


def test_the_scheduler_panels_rows_are_the_templates_markup(
    client, scheduler, world, district, leader, inspector
):
    today = timezone.localdate()
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=today.year, status="approved"
    )
    plan.title = 'Kế hoạch "kiểm tra" <đột xuất> & định kỳ'
    plan.save(update_fields=["title"])
    leader.last_name, leader.first_name = "Trần <Văn>", "A & B"
    leader.save(update_fields=["last_name", "first_name"])
    statuses = [VisitStatus.SCHEDULED, VisitStatus.DRAFT, VisitStatus.IN_PROGRESS]
    for n in range(7):  # seven visits this month for the leader: the load's cell stands out
        unit = UnitFactory(parent=district, name=f"Xã <{n}> & “{n}”")
        day = today + timedelta(days=n % 3)
        factories.visit(plan=plan, unit=unit, day=day, status=statuses[n % 3], leader=leader if n else None)
        TeamMember.objects.create(visit=plan.visits.get(unit=unit), user=inspector, role=TeamRole.MEMBER)
    plan.units.add(*[UnitFactory(parent=district, name=f"Phường <{n}>") for n in range(3)])
    response = _page(client, scheduler)
    board = response.context["scheduler_home"]
    assert len(board["upcoming"]) == 7 and len(board["waiting"]) >= 3 and board["load"].rows
    assert any(n >= 6 for _name, counts in board["load"].rows for n in counts)
    html = response.content.decode()
    for key, source in SCHEDULER_ROWS.items():
        theirs = engines["django"].from_string(source).render({"board": board})
        ours = board["rows"][key]
        assert parse_html(ours) == parse_html(theirs), key
        assert ours in html
    assert "&lt;đột xuất&gt; &amp; định kỳ" in html and "Trần &lt;Văn&gt; A &amp; B" in html


def test_the_coming_visits_leaders_are_with_leader_names(scheduler, head, inspector, world, district, leader):
    # upcoming_visits reads each visit's leader through one outer join to the leader's row
    # (_with_leader): the same visits, in the same order, with the names
    # inspections.visit_reads.with_leader_name's subqueries give (a visit without a leader, a
    # leader without a name, only a family name, members who do not lead).
    from config.home.selectors import _visible_in_window, upcoming_visits
    from inspections.models import Visit
    from inspections.visit_reads import named_leaders, with_leader_name

    today = timezone.localdate()
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=today.year, status="approved"
    )
    leaders = [
        leader,
        UserFactory(last_name="", first_name=""),
        UserFactory(last_name="Phạm", first_name=""),
        None,
    ]
    for n in range(9):
        visit = factories.visit(
            plan=plan,
            unit=UnitFactory(parent=district),
            day=today + timedelta(days=n % 4),
            status=VisitStatus.SCHEDULED,
            leader=leaders[n % 4],
        )
        TeamMember.objects.create(visit=visit, user=inspector, role=TeamRole.MEMBER)
    for user in (scheduler, head, inspector):
        ours = upcoming_visits(user=user)
        start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
        reference = named_leaders(
            with_leader_name(
                _visible_in_window(
                    user, Visit.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(weeks=4))
                )
                .exclude(status=VisitStatus.CANCELLED)
                .order_by("starts_at", "id")
            )[:20]
        )
        assert [(v.pk, v.leader_name) for v in ours] == [(v.pk, v.leader_name) for v in reference], user
        assert {v.leader_name for v in ours} >= {None, str(leader), "Phạm"}, user


def _page(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_the_inspectors_load_reads_the_team_rows_of_exactly_the_visible_visits(
    scheduler, head, inspector, leader, liaison, outsider, administrator, world, commune
):
    # inspector_load filters the team rows by their visit's visibility (_seen_visit through
    # "visit__"): the team rows of visits_visible_to, for every role.
    TeamMember.objects.create(visit=world.foreign_2026, user=inspector, role=TeamRole.MEMBER)
    TeamMember.objects.create(visit=world.tan_my_2026, user=liaison, role=TeamRole.MEMBER)
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]
    for person in people:
        seen = _seen_visit(person, "visit__")
        rows = TeamMember.objects.all() if seen is None else TeamMember.objects.filter(seen)
        expected = TeamMember.objects.filter(visit__in=visits_visible_to(person).values("pk"))
        assert set(rows.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), person
    assert TeamMember.objects.filter(_seen_visit(inspector, "visit__")).count() == 1


# The inspector's home: the panel of their visits -----------------------------------------------


def test_the_inspectors_panel_holds_each_sections_first_five_of_my_visits(client, world, leader, inspector):
    # my_visits_panel reads the rows of inspections.selectors.my_visits without its totals and
    # leaders' names (the panel draws neither): the same visits, in the same order.
    now = timezone.now()
    plans = [
        factories.plan(department=world.plan_2026.issuing_unit, template=world.template, year=now.year)
        for _n in range(3)
    ]
    kinds = [
        (VisitStatus.IN_PROGRESS, -1, None),
        (VisitStatus.SCHEDULED, 3, None),  # upcoming
        (VisitStatus.DRAFT, 5, None),  # upcoming
        (VisitStatus.SCHEDULED, -2, None),  # waiting: its start has passed
        (VisitStatus.REVIEWED, -20, inspector),  # waiting: they lead it
        (VisitStatus.REVIEWED, -25, None),  # in no section: another leads it
    ]
    for n in range(7):
        for plan, (status, days, lead) in zip(plans * 2, kinds, strict=True):
            unit = UnitFactory(parent=world.tan_my_2026.unit.parent, name=f"Xã {n} {status}")
            visit = factories.visit(
                plan=plan,
                unit=unit,
                day=timezone.localdate() + timedelta(days=days + n),
                status=status,
                leader=lead,
            )
            TeamMember.objects.get_or_create(visit=visit, user=inspector, defaults={"role": TeamRole.MEMBER})
    full = my_visits(user=inspector, limit=5)
    panel = my_visits_panel(user=inspector, limit=5)
    for section in ("waiting", "in_progress", "upcoming"):
        assert [v.pk for v in getattr(panel, section)] == [v.pk for v in getattr(full, section)], section
        assert len(getattr(panel, section)) == 5
    client.force_login(inspector)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    html = response.content.decode()
    for visit in panel.in_progress:
        assert reverse("inspections:checklist", args=[visit.pk]) in html
    assert len(queries) == 5  # session, user with their unit, roles, the panel, the reported count


# The scheduler's waiting units: the plans' visibility as a condition on the joined plan ----------


def _waiting_reference(user) -> list[tuple[int, int]]:
    """units_without_visit's rows as they were read before: through plans_visible_to's ids."""
    from django.db.models import Exists, OuterRef

    from inspections.models import InspectionPlan, PlanStatus, Visit
    from inspections.selectors import plans_visible_to

    plans = plans_visible_to(user).filter(status__in=[PlanStatus.APPROVED, PlanStatus.IN_PROGRESS])
    visited = Visit.objects.filter(
        plan_id=OuterRef("inspectionplan_id"), unit_id=OuterRef("unit_id")
    ).exclude(status=VisitStatus.CANCELLED)
    rows = (
        InspectionPlan.units.through.objects.filter(inspectionplan__in=plans.values("pk"))
        .exclude(Exists(visited))
        .order_by("-inspectionplan__year", "inspectionplan__title", "unit__path")
    )
    return [(row.inspectionplan_id, row.unit_id) for row in rows]


def _waiting_drawn(row) -> tuple:
    plan = row.inspectionplan
    return (
        row.pk,
        row.inspectionplan_id,
        row.unit_id,
        row.total,
        plan.pk,
        plan.title,
        plan.year,
        plan.get_absolute_url(),
        row.unit.name,
        row.get_deferred_fields(),
        plan.get_deferred_fields(),
        row.unit.get_deferred_fields(),
    )


@pytest.mark.parametrize(
    "role", ["scheduler", "head", "inspector", "leader", "liaison", "administrator", "outsider", "other_head"]
)
def test_the_waiting_units_and_their_plans_are_those_plans_visible_to_lets_through(
    request, role, world, district, other_department
):
    from config.home.selectors import _seen_plan, _units_without_visit_orm, units_without_visit
    from inspections.models import InspectionPlan
    from inspections.selectors import plans_visible_to

    today = timezone.localdate()
    # Waiting units in plans of both provinces, approved or not.
    for department, status in ((world.plan_2026.issuing_unit, "approved"), (other_department, "approved")):
        plan = factories.plan(department=department, template=world.template, year=today.year, status=status)
        plan.units.add(*[UnitFactory(parent=department, name=f"Chờ {n}") for n in range(3)])
    world.plan_2026.units.add(UnitFactory(parent=district, name="Xã Chờ Lịch"))
    # A unit whose visit was cancelled still waits; one with a visit scheduled does not.
    cancelled, scheduled = (UnitFactory(parent=district, name=f"Xã {status}") for status in ("hủy", "lịch"))
    world.plan_2026.units.add(cancelled, scheduled)
    factories.visit(plan=world.plan_2026, unit=cancelled, day=today, status=VisitStatus.CANCELLED)
    factories.visit(plan=world.plan_2026, unit=scheduled, day=today, status=VisitStatus.SCHEDULED)
    user = request.getfixturevalue(role)
    seen = _seen_plan(user, "")
    plans = [] if seen is None else list(InspectionPlan.objects.filter(seen).order_by("pk"))
    assert plans == list(plans_visible_to(user).order_by("pk")), role
    rows, total = units_without_visit(user=user, limit=100)
    assert [(row.inspectionplan_id, row.unit_id) for row in rows] == _waiting_reference(user), role
    assert total == len(rows)
    # The written-out statement and its ORM reference: the same rows, drawn and deferred alike,
    # the first few of them with the total of all.
    for limit in (100, 2):
        ours, theirs = (
            units_without_visit(user=user, limit=limit),
            _units_without_visit_orm(user=user, limit=limit),
        )
        assert ours[1] == theirs[1] == total, role
        assert [_waiting_drawn(row) for row in ours[0]] == [_waiting_drawn(row) for row in theirs[0]], role
    if role in ("scheduler", "head", "administrator", "other_head"):
        assert rows  # the case is not empty
    if role in ("scheduler", "head", "administrator"):
        waiting = {row.unit_id for row in rows}
        assert cancelled.pk in waiting and scheduled.pk not in waiting


# The scheduler's load: the team rows of the window's visible visits --------------------------------


def _load_reference(user, months) -> list:
    """inspector_load's rows counted in Python from the team rows of visits_visible_to's visits."""
    counts: dict = {}
    visible = visits_visible_to(user).exclude(status=VisitStatus.CANCELLED).values("pk")
    for member in TeamMember.objects.filter(visit__in=visible).select_related("visit", "user"):
        month = timezone.localtime(member.visit.starts_at).date().replace(day=1)
        if month in months:
            counts.setdefault(str(member.user), [0] * len(months))[months.index(month)] += 1
    return sorted(counts.items())


@pytest.mark.parametrize(
    "role", ["scheduler", "head", "inspector", "leader", "liaison", "administrator", "outsider", "other_head"]
)
def test_the_inspectors_load_counts_the_team_rows_of_the_windows_visible_visits(
    request, role, world, district, other_department, inspector, leader, liaison
):
    # inspector_load reads the window's visible visits' ids as one array (_AnyOf) and their team
    # rows by the team's visit index: the same counts as every visible visit's team rows.
    from config.home.selectors import inspector_load

    today = timezone.localdate()
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=today.year, status="approved"
    )
    other = factories.plan(
        department=other_department, template=world.template, year=today.year, status="approved"
    )
    statuses = [VisitStatus.SCHEDULED, VisitStatus.CANCELLED, VisitStatus.IN_PROGRESS, VisitStatus.DRAFT]
    for n in range(8):
        day = today + timedelta(days=[0, 20, 40, 60, 100][n % 5])
        ours = factories.visit(
            plan=plan, unit=UnitFactory(parent=district), day=day, status=statuses[n % 4], leader=leader
        )
        theirs = factories.visit(
            plan=other, unit=UnitFactory(parent=other_department), day=day, status=statuses[n % 4]
        )
        TeamMember.objects.create(visit=ours, user=inspector, role=TeamRole.MEMBER)
        if n % 2:  # our inspector and liaison on some of the other province's visits
            TeamMember.objects.create(visit=theirs, user=inspector, role=TeamRole.MEMBER)
            TeamMember.objects.create(visit=theirs, user=liaison, role=TeamRole.MEMBER)
    user = request.getfixturevalue(role)
    load = inspector_load(user=user)
    assert sorted(load.rows) == _load_reference(user, load.months), role
    # The written-out statement and its ORM reference: the same rows in the same order.
    _months, window, bounds = _load_window(user, months=3, today=None)
    assert _load_rows(window, bounds) == _load_rows_orm(window, bounds) == load.rows, role
    if role in ("scheduler", "head", "administrator", "inspector"):
        assert load.rows  # the case is not empty


def _load_grouped_by_name(user, months: int = 3) -> list:
    """inspector_load's rows as it read them before: the team rows grouped by the inspector's
    names and the month (TruncMonth), sorted by name by the database; the ORM reference of the
    rows' order (the database's collation), which Python's sort of the names need not keep."""
    from datetime import datetime, time

    from django.db.models import Count, F, Subquery
    from django.db.models.functions import TruncMonth

    from config.home.selectors import _AnyOf, _visible_in_window
    from inspections.models import Visit

    first = timezone.localdate().replace(day=1)
    firsts = []
    for _i in range(months):
        firsts.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    window = _visible_in_window(
        user,
        Visit.objects.filter(
            starts_at__gte=datetime.combine(firsts[0], time.min, tzinfo=tz),
            starts_at__lt=datetime.combine(first, time.min, tzinfo=tz),
        ),
    ).exclude(status=VisitStatus.CANCELLED)
    rows = (
        TeamMember.objects.filter(_AnyOf(F("visit_id"), Subquery(window.order_by().values("id"))))
        .annotate(month=TruncMonth("visit__starts_at", tzinfo=tz))
        .values("user_id", "user__last_name", "user__first_name", "user__username", "month")
        .annotate(visits=Count("id"))
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    by_user: dict = {}
    for row in rows:
        name = (
            " ".join(filter(None, [row["user__last_name"], row["user__first_name"]])) or row["user__username"]
        )
        counts = by_user.setdefault(row["user_id"], (name, [0] * months))[1]
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts[firsts.index(month)] += row["visits"]
    return list(by_user.values())


def test_the_inspectors_load_is_ordered_as_the_rows_grouped_by_name(world, district, scheduler, head):
    # inspector_load groups the team rows by the user's id (a filtered count per month) and sorts
    # the inspectors by name after grouping: the same rows, in the same order, as grouping by
    # the names and the month. Names that sort apart from the ids (and from Python's order:
    # "Đ" after "Z", upper case before lower), two inspectors of one name (the id decides) and
    # one without a name (their username).
    today = timezone.localdate()
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=today.year, status="approved"
    )
    names = [
        ("Đỗ", "An"),
        ("Zơ", "Bình"),
        ("an", "Chi"),
        ("Lê", "Dũng"),
        ("Lê", "Dũng"),
        ("", ""),
        ("Ánh", ""),
    ]
    people = [UserFactory(last_name=last, first_name=first) for last, first in names]
    # Visits from the first day of this month to the last day of the window (and just past it).
    first = today.replace(day=1)
    days = [first, first + timedelta(days=35), first + timedelta(days=62), first + timedelta(days=95), today]
    for n, day in enumerate(days * 3):
        visit = factories.visit(
            plan=plan, unit=UnitFactory(parent=district), day=day, status=VisitStatus.SCHEDULED, leader=None
        )
        for person in people[n % 3 :: 2]:
            TeamMember.objects.create(visit=visit, user=person, role=TeamRole.MEMBER)
    from config.home.selectors import inspector_load

    for user in (scheduler, head):
        load = inspector_load(user=user)
        expected = _load_grouped_by_name(user)
        assert [(name, counts) for name, counts in load.rows] == [(name, counts) for name, counts in expected]
        _months, window, bounds = _load_window(user, months=3, today=None)
        assert _load_rows_orm(window, bounds) == load.rows
        assert len(load.rows) >= len(people) and any(sum(counts) > 1 for _name, counts in load.rows)
        assert any(counts[1] for _name, counts in load.rows) and any(counts[2] for _name, counts in load.rows)


def test_any_of_gives_the_rows_of_in(world, district):
    from django.db.models import F, Subquery

    from config.home.selectors import _AnyOf
    from inspections.models import Visit

    visits = Visit.objects.filter(unit__path__startswith=district.path).order_by().values("id")
    assert TeamMember.objects.exists() and visits.exists()
    ours = TeamMember.objects.filter(_AnyOf(F("visit_id"), Subquery(visits))).order_by("pk")
    plain = TeamMember.objects.filter(visit_id__in=visits).order_by("pk")
    assert list(ours.values_list("pk", flat=True)) == list(plain.values_list("pk", flat=True))
    assert not TeamMember.objects.filter(_AnyOf(F("visit_id"), Subquery(visits.none()))).exists()
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as queries:
            list(ours)
        assert "= ANY(ARRAY(SELECT" in queries[0]["sql"]


def test_a_liaisons_scope_units_are_the_subtree_and_the_units_it_replaced(commune, district, province):
    from config.home.selectors import scope_units
    from units.models import Unit
    from units.selectors import replaced_units_of

    elsewhere = UnitFactory(parent=UnitFactory(parent=province, kind="district"), name="Xã Cũ")
    UnitFactory(parent=commune, name="Thôn Một")
    for prefix in (commune.path, district.path, province.path):
        plain = Unit.objects.filter(Q(path__startswith=prefix) | Q(pk__in=replaced_units_of(prefix)))
        assert set(scope_units(prefix).values_list("pk", flat=True)) == set(
            plain.values_list("pk", flat=True)
        )
    assert set(scope_units(commune.path).values_list("pk", flat=True)) == set(
        Unit.objects.filter(path__startswith=commune.path).values_list("pk", flat=True)
    )
    commune.predecessors.add(elsewhere)  # a merger: the replaced commune joins the scope
    ours = set(scope_units(commune.path).values_list("pk", flat=True))
    assert elsewhere.pk in ours and commune.pk in ours
    plain = Unit.objects.filter(Q(path__startswith=commune.path) | Q(pk__in=replaced_units_of(commune.path)))
    assert ours == set(plain.values_list("pk", flat=True))
