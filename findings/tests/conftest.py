"""Objects the findings tests share, in the world of the root conftest (Đồng Tháp).

A visit of xã Bình Tấn in progress, led by ``leader`` with ``inspector`` on the team, and the
same plan's visit of xã Tân Mỹ (another commune of the same district) by another team.
"""

import pytest
from django.utils import timezone

from inspections.models import PlanStatus, VisitStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from units.roles import Role
from units.tests.factories import UserFactory

from .factories import ActionFactory, FindingFactory, conclude


@pytest.fixture
def template(db):
    return ChecklistTemplateFactory()


@pytest.fixture
def plan(department, commune, other_commune, template, scheduler, head):
    return PlanFactory(
        issuing_unit=department,
        template=template,
        units=[commune, other_commune],
        created_by=scheduler,
        status=PlanStatus.IN_PROGRESS,
        approved_by=head,
        approved_at=timezone.now(),
    )


@pytest.fixture
def visit(plan, commune, leader, inspector):
    """Xã Bình Tấn, in progress, led by ``leader`` with ``inspector``."""
    return VisitFactory(
        plan=plan, unit=commune, leader=leader, members=[inspector], status=VisitStatus.IN_PROGRESS
    )


@pytest.fixture
def other_inspector(department):
    """An inspector of the same department who is on no team of ours."""
    return UserFactory(username="other_inspector", unit=department, roles=[Role.INSPECTOR])


@pytest.fixture
def other_visit(plan, other_commune, other_inspector):
    """Xã Tân Mỹ, same plan, another team."""
    return VisitFactory(
        plan=plan,
        unit=other_commune,
        leader=other_inspector,
        status=VisitStatus.IN_PROGRESS,
        starts_at=at(plan.period_start.replace(day=14), 8),
        ends_at=at(plan.period_start.replace(day=14), 11),
    )


@pytest.fixture
def other_liaison(other_commune):
    return UserFactory(username="other_liaison", unit=other_commune, roles=[Role.LIAISON])


@pytest.fixture
def action(visit, leader):
    """An open action of xã Bình Tấn (the visit concluded)."""
    finding = FindingFactory(visit=visit, created_by=leader, approved=True)
    conclude(visit, leader)
    return ActionFactory(finding=finding)


@pytest.fixture
def other_action(other_visit, other_inspector):
    finding = FindingFactory(visit=other_visit, created_by=other_inspector, approved=True)
    conclude(other_visit, other_inspector)
    return ActionFactory(finding=finding)
