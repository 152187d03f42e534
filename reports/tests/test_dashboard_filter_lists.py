"""The dashboard filter's plans and units in one query (reports/dashboards/filter_lists.py) are
the rows, in the order, that selectors.dashboard_plans and dashboard_units read one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.dashboards.filter_lists import plans_and_units
from reports.dashboards.selectors import dashboard_plans, dashboard_units
from units.models import UnitKind
from units.tests.factories import UnitFactory

from . import factories

pytestmark = pytest.mark.django_db


def _plain(user, unit_id):
    plans = [(p.pk, p.title, p.year) for p in dashboard_plans(user=user)]
    units = [(u.pk, u.name, u.depth, u.path, u.kind) for u in dashboard_units(user=user, unit_id=unit_id)]
    return plans, units


def _merged(user, unit_id):
    plans, units, _ids = plans_and_units(user=user, unit_id=unit_id)
    return [(p.pk, p.title, p.year) for p in plans], [(u.pk, u.name, u.depth, u.path, u.kind) for u in units]


@pytest.mark.parametrize("role", ["head", "other_head", "administrator", "scheduler", "liaison", "outsider"])
def test_the_plans_and_units_are_the_two_selectors_rows_in_their_order(
    request, role, world, province, district, commune, foreign_commune, reports_template
):
    # Plans of several years and titles that sort apart from their ids; an office below the commune.
    for year, title in ((2024, "Kế hoạch B"), (2026, "Kế hoạch Á"), (2026, "Kế hoạch A"), (2025, "Đợt 1")):
        plan = factories.plan(department=world.plan_2026.issuing_unit, template=reports_template, year=year)
        plan.title = title
        plan.save(update_fields=["title"])
    UnitFactory(name="Huyện Ba", kind=UnitKind.DISTRICT, parent=province)
    UnitFactory(name="Văn phòng xã", kind=UnitKind.OFFICE, parent=commune)
    user = request.getfixturevalue(role)
    for unit_id in (None, commune.pk, foreign_commune.pk, district.pk, 987654):
        plain, merged = _plain(user, unit_id), _merged(user, unit_id)
        assert merged == plain, (role, unit_id)
    if role in ("head", "administrator"):
        plans, units = _plain(user, commune.pk)
        assert len(plans) >= 5 and [p[2] for p in plans] == sorted((p[2] for p in plans), reverse=True)
        assert commune.pk in [u[0] for u in units] and len(units) >= 3


def test_the_head_dashboard_reads_its_filter_lists_in_one_query(client, head, world, commune):
    client.force_login(head)
    client.get(reverse("dashboards:head"), {"unit": commune.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:head"), {"unit": commune.pk})
    assert response.status_code == 200 and response.context["unit"] == commune
    sqls = [q["sql"] for q in queries.captured_queries]
    # One query reads both lists; neither is read on its own any more.
    merged = [sql for sql in sqls if "UNION ALL" in sql and '"inspections_inspectionplan"."title"' in sql]
    assert len(merged) == 1 and '"units_unit"."kind"' in merged[0]
    alone = [sql for sql in sqls if "UNION" not in sql]
    assert not any(sql.startswith('SELECT "inspections_inspectionplan"."id"') for sql in alone)
    assert not any(
        sql.startswith('SELECT "units_unit"."id", "units_unit"."name", "units_unit"."kind"') for sql in alone
    )
    form = response.content.decode()
    assert f'<option value="{commune.pk}" selected>{commune.name}</option>' in form


def test_the_asked_units_scope_ids_are_those_the_scope_reads(
    head, administrator, world, province, district, commune, other_commune, foreign_commune
):
    from reports.dashboards.selectors import Scope

    # An office below the commune; a ward that replaced the commune and another one (a merger).
    UnitFactory(name="Văn phòng xã", kind=UnitKind.OFFICE, parent=commune)
    ward = UnitFactory(name="Phường Mới", parent=district)
    ward.predecessors.add(commune, other_commune)
    office = UnitFactory(name="Tổ một cửa", kind=UnitKind.OFFICE, parent=ward)
    for user in (head, administrator):
        for unit in (commune, ward, district, province, office):
            _plans, _units, ids = plans_and_units(user=user, unit_id=unit.pk)
            assert sorted(ids) == sorted(Scope(prefix=unit.path).unit_ids), (user, unit)
        assert plans_and_units(user=user)[2] is None
    _plans, _units, ids = plans_and_units(user=head, unit_id=ward.pk)
    assert set(ids) == {ward.pk, office.pk, commune.pk, other_commune.pk}
    # A unit the user may not see: its subtree is not read (and the form refuses it anyway).
    assert plans_and_units(user=head, unit_id=foreign_commune.pk)[2] == []


def test_the_one_unit_dashboard_reads_no_scope_ids_of_its_own_and_shows_the_same_board(
    client, head, world, district, commune, other_commune
):
    from reports.dashboards import selectors

    ward = UnitFactory(name="Phường Mới", parent=district)
    ward.predecessors.add(commune)
    client.force_login(head)
    for unit in (ward, commune, district):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboards:head"), {"unit": unit.pk, "year": 2026})
        sqls = [q["sql"] for q in queries.captured_queries]
        # The scope's own read (subtree UNION ALL replaced units) is gone: its ids came with the lists.
        assert not any(sql.lstrip("(").startswith('SELECT "units_unit"."id" AS "id"') for sql in sqls)
        board = response.context["board"]
        plain = selectors.head_dashboard(scope=selectors.Scope(prefix=unit.path, year=2026))
        assert board.progress == plain.progress and board.ranking.rows == plain.ranking.rows
        assert board.domains == plain.domains and board.trend == plain.trend
        assert board.remediation == plain.remediation and board.repeats == plain.repeats
    assert response.context["board"].progress  # the district's board is not empty
