"""A published checklist version never changes, and every visit keeps the version it was planned with."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.models import Criterion, Domain, Visit
from inspections.services import (
    TemplateSpec,
    template_create,
    template_ensure_editable,
    template_new_version,
    template_publish,
)

from .factories import ChecklistTemplateFactory, at


def test_services_refuse_to_edit_a_published_version(template):
    with pytest.raises(ValidationError, match="published and can no longer change"):
        template_ensure_editable(template)
    with pytest.raises(ValidationError):
        template_publish(template=template)
    with pytest.raises(ValidationError):
        template_create(spec=TemplateSpec(code=template.code, title="x", version=template.version))


def test_admin_shows_a_published_version_read_only(client, administrator, template):
    client.force_login(administrator)
    url = reverse("admin:inspections_checklisttemplate_change", args=[template.pk])

    page = client.get(url)
    post = client.post(url, {"title": "Đổi tên", "version": template.version, "code": template.code})

    template.refresh_from_db()
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert post.status_code == 403
    assert template.title != "Đổi tên"


def test_admin_refuses_to_change_a_domain_of_a_published_version(client, administrator, template):
    client.force_login(administrator)
    domain = template.domains.get()

    response = client.post(
        reverse("admin:inspections_domain_change", args=[domain.pk]),
        {"code": "1", "title": "Khác", "order": 1},
    )

    domain.refresh_from_db()
    assert response.status_code == 403
    assert domain.title != "Khác"


def test_admin_edits_a_draft(client, administrator):
    draft = ChecklistTemplateFactory(draft=True, content=False)
    client.force_login(administrator)
    url = reverse("admin:inspections_checklisttemplate_change", args=[draft.pk])

    response = client.post(
        url,
        {
            "code": draft.code,
            "title": "Bộ tiêu chí mới",
            "version": draft.version,
            "scale_total": "100",
            "scoring_note": "",
            "evidence_note": "",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-order": "1",
            "domains-0-code": "1",
            "domains-0-title": "Công tác chỉ đạo, điều hành",
            "domains-0-max_score": "10",
        },
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "Bộ tiêu chí mới"
    assert Domain.objects.filter(template=draft, title="Công tác chỉ đạo, điều hành").exists()


def test_a_visit_keeps_its_version_when_the_plan_moves_to_a_new_one(client, scheduler, plan, commune, leader):
    client.force_login(scheduler)
    client.post(
        reverse("inspections:visit_create", args=[plan.pk]),
        {
            "unit": commune.pk,
            "day": "2027-01-12",
            "start_time": "08:00",
            "end_time": "11:30",
            "leader": leader.pk,
        },
    )
    old = plan.template
    new = template_publish(template=template_new_version(template=old))
    criterion = Criterion.objects.get(domain__template=new, code="1.1")
    criterion.title = "Sửa đổi sau khi xuất bản?"
    plan.template = new
    plan.save(update_fields=["template"])

    visit = Visit.objects.get()
    assert visit.template == old
    assert (
        Criterion.objects.get(domain__template=visit.template, code="1.1").title
        == "Ban hành kế hoạch CCHC năm"
    )
    assert visit.starts_at == at(visit.starts_at.date(), 8)
