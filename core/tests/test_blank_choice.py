"""Every select's empty choice is Vietnamese: the unit, plan and visit forms never show Django's
English "- Select an option -"."""

import pytest
from django.urls import reverse

from inspections.models import PlanStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _assert_vietnamese(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select an option" not in html
    assert "— Chọn —" in html


def test_the_unit_form_offers_a_vietnamese_empty_choice(client, administrator, department):
    client.force_login(administrator)
    _assert_vietnamese(client.get(reverse("units:edit", args=[department.pk])))


def test_the_plan_and_visit_forms_offer_a_vietnamese_empty_choice(client, scheduler, department, commune):
    client.force_login(scheduler)
    _assert_vietnamese(client.get(reverse("inspections:plan_create")))
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        created_by=scheduler,
        status=PlanStatus.DRAFT,
    )
    _assert_vietnamese(client.get(reverse("inspections:visit_create", args=[plan.pk])))
