"""The live dashboard's remediation counts and repeat limitations in hand-written SQL give the ORM
reading's rows."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from findings.models import ActionState
from inspections.models import VisitStatus
from reports.dashboards import selectors
from reports.dashboards.selectors.remediation import (
    _remediation_rows_orm,
    _remediation_rows_sql,
    _repeat_rows_orm,
    _repeat_rows_sql,
)
from units.tests.factories import UnitFactory

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def edges(world, commune, other_commune, leader):
    """An action on each edge of each overdue band, in every state, and one of a cancelled visit."""
    today = world.today
    visit = world.tan_my_2026
    days = [-5, 0, 1, 30, 31, 90, 91, 400]
    states = list(ActionState)
    for n, (day, state) in enumerate((d, s) for d in days for s in states):
        finding = factories.limitation(visit=visit, code="1.1", creator=leader, text=f"Hạn chế {n}")
        factories.action(finding=finding, due=today - timedelta(days=day), state=state)
    hamlet = UnitFactory(parent=commune, name='Ấp <Một> & "Hai"')
    cancelled = factories.visit(
        plan=world.plan_2026, unit=hamlet, day=world.today, status=VisitStatus.CANCELLED
    )
    finding = factories.limitation(visit=cancelled, code="1.1", creator=leader, text="Không tính")
    factories.action(finding=finding, due=today - timedelta(days=100))
    kept = factories.visit(plan=world.plan_2025, unit=hamlet, day=world.today, status=VisitStatus.CONCLUDED)
    finding = factories.limitation(visit=kept, code="2.1", creator=leader, text="Có tính")
    factories.action(finding=finding, due=today - timedelta(days=31), state=ActionState.REOPENED)
    return world


@pytest.mark.parametrize("where", ["province", "commune", "other_commune", "nowhere"])
@pytest.mark.parametrize(
    "filters", [{}, {"year": 2026}, {"year": 2025}, {"plan": "plan_2026"}, {"year": 2024}]
)
def test_the_sql_rows_equal_the_orm_rows(edges, province, commune, other_commune, where, filters):
    prefix = {
        "province": province.path,
        "commune": commune.path,
        "other_commune": other_commune.path,
        "nowhere": "/999999/",
    }[where]
    plan = filters.get("plan")
    scope = selectors.Scope(
        prefix=prefix, year=filters.get("year"), plan_id=getattr(edges, plan).pk if plan else None
    )
    ids = scope.unit_ids
    assert ids is not None
    sql = _remediation_rows_sql(scope, edges.today, ids)
    orm = _remediation_rows_orm(scope, edges.today)
    assert sorted(sql) == sorted(orm)
    if where == "province" and not filters:
        # The data covers every band, the cancelled visit's action is left out.
        assert len(sql) == 3
        assert all(sum(row[2:]) for row in sql)
        assert all(any(row[i] for row in sql) for i in range(2, 8))


def test_the_commune_dashboard_shows_the_same_remediation_as_the_orm_reading(
    client, head, edges, other_commune
):
    client.force_login(head)
    response = client.get(reverse("dashboards:head"), {"unit": other_commune.pk, "year": ""})
    assert response.status_code == 200
    board = response.context["board"]
    scope = selectors.Scope(prefix=other_commune.path)
    expected = sorted(_remediation_rows_orm(scope, edges.today))
    rows = [
        (r.unit_id, r.unit_name, r.open, r.overdue_30, r.overdue_90, r.overdue_more, r.reported, r.verified)
        for r in board.remediation.rows
    ]
    assert sorted(rows) == expected and rows
    assert board.remediation.totals.overdue == sum(r[3] + r[4] + r[5] for r in expected)


@pytest.fixture
def repeats(world, commune, leader):
    """A hamlet with three concluded visits (only the two latest count), one in progress after them."""
    hamlet = UnitFactory(parent=commune, name='Ấp <Ba> & "Bốn"')
    found = [
        (2025, date(2025, 3, 1), VisitStatus.CONCLUDED, ["1.1", "2.1"]),
        (2025, date(2025, 9, 1), VisitStatus.CONCLUDED, ["2.1"]),
        (2026, date(2026, 3, 1), VisitStatus.CONCLUDED, ["1.1", "2.1"]),
        (2026, date(2026, 6, 1), VisitStatus.IN_PROGRESS, ["1.1"]),
    ]
    for year, day, status, codes in found:
        plan = factories.plan(
            department=world.plan_2026.issuing_unit,
            template=world.plan_2026.template,
            year=year,
            units=[hamlet],
        )
        visit = factories.visit(plan=plan, unit=hamlet, day=day, status=status)
        for code in codes:
            factories.limitation(visit=visit, code=code, creator=leader, text=f"{code} {day}")
    return hamlet


@pytest.mark.parametrize("where", ["province", "commune", "other_commune", "nowhere"])
@pytest.mark.parametrize("year", [None, 2026, 2025, 2024])
def test_the_sql_repeats_equal_the_orm_repeats(repeats, province, commune, other_commune, where, year):
    prefix = {
        "province": province.path,
        "commune": commune.path,
        "other_commune": other_commune.path,
        "nowhere": "/999999/",
    }[where]
    scope = selectors.Scope(prefix=prefix, year=year)
    sql = _repeat_rows_sql(scope, scope.unit_ids)
    assert sql == _repeat_rows_orm(scope)
    if where == "commune" and year in (None, 2026):
        # Bình Tấn's 1.1; the hamlet's 2.1, not its 1.1 (found at its third-latest concluded visit
        # and at one still in progress).
        assert {(row[0], row[2]) for row in sql} == {(commune.pk, "1.1"), (repeats.pk, "2.1")}
        assert {row[4].date() for row in sql if row[0] == repeats.pk} == {date(2026, 3, 1)}
    if where == "commune" and year == 2025:
        # Up to 2025 the hamlet's two latest are both of 2025: 2.1 only.
        assert {(row[0], row[2]) for row in sql if row[0] == repeats.pk} == {(repeats.pk, "2.1")}


@pytest.mark.parametrize("where", ["province", "commune", "other_commune", "nowhere"])
@pytest.mark.parametrize(
    "filters", [{}, {"year": 2026}, {"year": 2025}, {"plan": "plan_2026"}, {"year": 2024}]
)
def test_the_sql_domains_equal_the_orm_domains(world, province, commune, other_commune, where, filters):
    from reports.dashboards.selectors.scores import _domain_rows_orm, _domain_rows_sql

    # A visit not finished and a domain with no scored answer count for nothing.
    unfinished = factories.visit(
        plan=world.plan_2026,
        unit=UnitFactory(parent=commune),
        day=world.today,
        status=VisitStatus.IN_PROGRESS,
    )
    unfinished.domain_scores.create(
        domain=world.template.domains.get(code="1"), points=3, max_points=9, answered=2, applicable=2
    )
    world.binh_tan_2026.domain_scores.filter(domain__code="2").update(answered=0)
    prefix = {
        "province": province.path,
        "commune": commune.path,
        "other_commune": other_commune.path,
        "nowhere": "/999999/",
    }[where]
    plan = filters.get("plan")
    scope = selectors.Scope(
        prefix=prefix, year=filters.get("year"), plan_id=getattr(world, plan).pk if plan else None
    )
    sql = _domain_rows_sql(scope, scope.unit_ids)
    assert sql == _domain_rows_orm(scope)
    if where == "province" and not filters:
        assert [(code, total, maximum, visits) for code, _title, total, maximum, visits in sql] == [
            ("1", 17, 30, 3),
            ("2", 1, 4, 2),
        ]


@pytest.mark.parametrize("where", ["province", "commune", "other_commune", "nowhere"])
def test_the_sql_progress_rows_equal_the_orm_progress_rows(world, province, commune, other_commune, where):
    from reports.dashboards.selectors.scores import _progress_rows_orm, _progress_rows_sql

    # Planned, cancelled, unfinished, finished but unscored: each counts differently (or not at all).
    for status in (VisitStatus.SCHEDULED, VisitStatus.CANCELLED, VisitStatus.IN_PROGRESS):
        unit = UnitFactory(parent=commune, name=f'Thôn <{status}> & "x"')
        factories.visit(plan=world.plan_2026, unit=unit, day=world.today, status=status)
    unscored = factories.visit(
        plan=world.plan_2026, unit=UnitFactory(parent=commune), day=world.today, status=VisitStatus.SUBMITTED
    )
    unscored.domain_scores.create(
        domain=world.template.domains.get(code="1"), points=0, max_points=10, answered=0, applicable=1
    )
    prefix = {
        "province": province.path,
        "commune": commune.path,
        "other_commune": other_commune.path,
        "nowhere": "/999999/",
    }[where]
    scope = selectors.Scope(prefix=prefix)

    def key(row):
        return (row["unit_id"], row["plan_id"])

    sql = sorted(_progress_rows_sql(scope.unit_ids), key=key)
    assert sql == sorted(_progress_rows_orm(scope), key=key)
    if where == "commune":
        assert len(sql) == 5  # the cancelled visit is not counted
        assert {(r["planned"], r["done"], r["concluded"], r["scored"]) for r in sql} >= {
            (1, 1, 0, 0),
            (1, 0, 0, 0),
            (1, 1, 1, 1),
        }
