"""Objects the inspection tests share, placed in the world of the root conftest (Đồng Tháp)."""

import pytest
from django.utils import timezone

from inspections.models import PlanStatus, VisitStatus

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory


@pytest.fixture
def template(db):
    return ChecklistTemplateFactory()


@pytest.fixture
def plan(department, commune, other_commune, template, scheduler):
    """A draft plan of quarter I/2027 for the two communes."""
    return PlanFactory(
        issuing_unit=department, template=template, units=[commune, other_commune], created_by=scheduler
    )


@pytest.fixture
def submitted_plan(plan):
    """The draft plan, sent to the head for approval."""
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    return plan


@pytest.fixture
def approved_plan(plan, head):
    plan.status = PlanStatus.APPROVED
    plan.approved_by = head
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    return plan


@pytest.fixture
def visit(approved_plan, commune, leader, inspector):
    """A scheduled visit of xã Bình Tấn on 12/01/2027, 08:00-11:30, led by ``leader``."""
    return VisitFactory(
        plan=approved_plan, unit=commune, leader=leader, members=[inspector], status=VisitStatus.SCHEDULED
    )


# These modules were written against the English msgids of their messages (the catalogue came
# later). They run in English; the Vietnamese wording of the same pages is checked by the
# modules that stay in Vietnamese (checklist, answers, visit pages, notifications).
ENGLISH_MODULES = {
    "test_bulk_schedule",
    "test_checklist_io",
    "test_frozen_versions",
    "test_models",
    "test_plan_views",
    "test_template_views",
    "test_visit_changes",
    "test_visit_create",
    "test_walkthrough",
}


@pytest.fixture(autouse=True)
def _english_messages(request, settings, client):
    if request.module.__name__.rsplit(".", 1)[-1] not in ENGLISH_MODULES:
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
