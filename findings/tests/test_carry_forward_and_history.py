"""Carry-forward of earlier recommendations, and the visit's history panel."""

import datetime as dt

import pytest
from django.urls import reverse

from findings.models import ActionState
from inspections.models import VisitStatus
from inspections.tests.factories import PlanFactory, VisitFactory, at

from .factories import ActionFactory, FindingFactory, conclude

pytestmark = pytest.mark.django_db


def test_a_new_visit_shows_the_units_earlier_recommendations_with_their_state(
    client, inspector, leader, visit, department, template, commune, other_commune
):
    earlier_plan = PlanFactory(
        issuing_unit=department,
        template=template,
        year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        units=[commune, other_commune],
    )
    earlier = VisitFactory(
        plan=earlier_plan,
        unit=commune,
        leader=leader,
        starts_at=at(dt.date(2026, 3, 13), 8),
        ends_at=at(dt.date(2026, 3, 13), 11),
    )
    iso = FindingFactory(
        visit=earlier, created_by=leader, approved=True, recommendation="Vận hành hệ thống ISO 9001."
    )
    FindingFactory(visit=earlier, created_by=leader, approved=True, strength=True)
    conclude(earlier, leader)
    ActionFactory(finding=iso, state=ActionState.REOPENED)
    elsewhere = VisitFactory(
        plan=earlier_plan,
        unit=other_commune,
        leader=leader,
        starts_at=at(dt.date(2026, 3, 14), 8),
        ends_at=at(dt.date(2026, 3, 14), 11),
    )
    FindingFactory(visit=elsewhere, created_by=leader, approved=True)
    client.force_login(inspector)
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert [f.pk for f in response.context["carry_forward"]] == [iso.pk]
    body = response.content.decode()
    assert "Vận hành hệ thống ISO 9001." in body
    assert str(ActionState.REOPENED.label) in body or "Reopened" in body


def test_visit_history_shows_status_changes_and_finding_edits(client, leader, head, visit, inspector):
    from inspections.services import visit_transition

    client.force_login(inspector)
    client.post(
        reverse("findings:finding_create", args=[visit.pk]),
        {"kind": "limitation", "text": "Chưa tự kiểm tra CCHC.", "severity": "low", "recommendation": ""},
    )
    visit_transition(visit=visit, status=VisitStatus.SUBMITTED, actor=leader)
    client.force_login(head)
    response = client.get(reverse("findings:visit_findings_history", args=[visit.pk]))
    assert response.status_code == 200
    history = response.context["history"]
    assert history[0].actor == leader
    assert [(c.old, c.new) for c in history[0].changes][0] == (
        str(VisitStatus.IN_PROGRESS.label),
        str(VisitStatus.SUBMITTED.label),
    )
    assert any(e.actor == inspector and e.action == 0 for e in history)


def test_carry_forward_fragment_is_served_to_the_team_and_hidden_from_outsiders(
    client, inspector, outsider, visit
):
    client.force_login(inspector)
    response = client.get(reverse("findings:carry_forward", args=[visit.pk]))
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("findings:carry_forward", args=[visit.pk])).status_code == 404
