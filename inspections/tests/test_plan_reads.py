"""The plan page's visits in one statement (inspections.plan_reads) give selectors.plan_visits's
rows, and the page reads its amendments and history only when the plan has some."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import VisitStatus
from inspections.plan_reads import plan_visit_rows
from inspections.selectors import mark_viewable, plan_visits
from units.tests.factories import UnitFactory

from .factories import VisitFactory, at
from .test_plan_approval import _edit_data

pytestmark = pytest.mark.django_db


def _visits(plan, department, leader, inspector, other_province):
    """Visits of the plan: some led by ``leader`` with ``inspector``, one without a leader, a
    cancelled one, one of a unit outside the province (closed in a merger)."""
    made = []
    for n in range(9):
        day = date(2027, 1, 4) + timedelta(days=n % 4)
        made.append(
            VisitFactory(
                plan=plan,
                unit=UnitFactory(parent=department, name=f"Xã <{n}> & Co"),
                starts_at=at(day, 7 + n % 3),
                ends_at=at(day, 10 + n % 3),
                status=VisitStatus.CANCELLED if n == 3 else VisitStatus.SCHEDULED,
                leader=None if n == 5 else leader,
                members=[inspector] if n % 2 else [],
            )
        )
    made.append(
        VisitFactory(
            plan=plan,
            unit=UnitFactory(parent=other_province, name="Xã ngoài", valid_to=date(2025, 7, 1)),
            starts_at=at(date(2027, 1, 9)),
            ends_at=at(date(2027, 1, 9), 11),
            leader=inspector,
        )
    )
    return made


@pytest.mark.parametrize("role", ["scheduler", "inspector", "leader", "head", "liaison", "administrator"])
def test_the_one_statement_gives_the_rows_of_the_orms_reading_for_every_role(
    request, role, approved_plan, department, leader, inspector, other_province
):
    _visits(approved_plan, department, leader, inspector, other_province)
    user = request.getfixturevalue(role)
    for offset, limit in ((0, 25), (0, 4), (4, 4), (8, 4), (12, 4)):
        theirs = SimpleNamespace(
            object_list=list(plan_visits(plan=approved_plan, user=user)[offset : offset + limit])
        )
        ours = SimpleNamespace(
            object_list=plan_visit_rows(plan=approved_plan, user=user, offset=offset, limit=limit)
        )
        mark_viewable(theirs, user)
        mark_viewable(ours, user)
        assert [r.pk for r in ours.object_list] == [v.pk for v in theirs.object_list]
        for row, visit in zip(ours.object_list, theirs.object_list, strict=True):
            assert row == visit
            assert (row.status, row.starts_at, row.ends_at, row.unit_id, row.plan_id) == (
                visit.status,
                visit.starts_at,
                visit.ends_at,
                visit.unit_id,
                visit.plan_id,
            )
            assert (row.unit.name, row.unit.short_name, row.unit.valid_to, row.unit.path) == (
                visit.unit.name,
                visit.unit.short_name,
                visit.unit.valid_to,
                visit.unit.path,
            )
            assert (row.plan.title, row.plan.year) == (approved_plan.title, approved_plan.year)
            assert (row.leader_name, row.viewable) == (visit.leader_name, visit.viewable), role


def test_an_inspector_opens_only_the_visits_whose_team_they_are_on(
    client, approved_plan, department, leader, inspector, other_province
):
    made = _visits(approved_plan, department, leader, inspector, other_province)
    client.force_login(inspector)
    response = client.get(reverse("inspections:plan_detail", args=[approved_plan.pk]))
    body = response.content.decode()
    rows = {v.pk: v for v in response.context["visits"]}
    assert set(rows) == {v.pk for v in made}
    for visit in made:
        mine = visit.team.filter(user=inspector).exists()
        assert rows[visit.pk].viewable is mine
        assert (reverse("inspections:visit_detail", args=[visit.pk]) in body) is mine
    assert "Xã &lt;1&gt; &amp; Co" in body and "Xã <1>" not in body
    assert "04/01/2027" in body  # dd/mm/yyyy
    assert "trước sắp xếp" in body or "before the reorganisation" in body  # the merged unit, marked


def test_the_page_reads_amendments_and_history_only_when_the_plan_has_some(
    client, scheduler, head, plan, district
):
    url = reverse("inspections:plan_detail", args=[plan.pk])
    client.force_login(scheduler)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # session, user with their unit, plan, roles; the progress (with whether there are amendments or
    # history); the units without a visit. No visit: no page of them is read.
    assert len(queries) == 6
    assert response.context["plan_events"] == [] and response.context["amendments"] == []
    assert 'id="plan-history"' not in response.content.decode()

    client.post(reverse("inspections:plan_submit", args=[plan.pk]))
    client.force_login(head)
    client.post(
        reverse("inspections:plan_approve", args=[plan.pk]),
        {"decision_number": "15/QĐ-SNV", "decision_date": "2026-12-20"},
    )
    plan.refresh_from_db()
    client.force_login(scheduler)
    client.post(
        reverse("inspections:plan_edit", args=[plan.pk]),
        _edit_data(plan, period_end="2027-06-30", amendment_reason="Kéo dài <thời gian>."),
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # and the amendments, the history and the pending amendment's units (counted by its include)
    assert len(queries) == 9, [q["sql"][:80] for q in queries.captured_queries]
    body = response.content.decode()
    assert [e.kind for e in response.context["plan_events"]][:2] == ["submitted", "approved"]
    assert response.context["pending_amendment"].number == 1
    assert 'id="plan-history"' in body and 'id="amendment-1"' in body
    assert "Kéo dài &lt;thời gian&gt;." in body and "15/QĐ-SNV" in body
