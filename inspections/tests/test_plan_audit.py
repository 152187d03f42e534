"""Edits of an inspection plan through its pages and services leave an audit entry."""

from auditlog.models import LogEntry
from django.urls import reverse

from inspections.models import PlanStatus
from inspections.services import plan_mark_in_progress

from .test_plan_views import _form


def test_a_plan_edited_on_its_page_leaves_an_audit_entry_with_the_editor_and_old_and_new_title(
    client, scheduler, plan, department, template, commune, other_commune
):
    old_title = plan.title
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_edit", args=[plan.pk]),
        _form(template, department, [commune, other_commune], title="Kế hoạch đã sửa"),
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(plan).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == scheduler
    assert entry.changes_dict["title"] == [old_title, "Kế hoạch đã sửa"]


def test_a_plan_started_by_its_first_visit_leaves_an_audit_entry(approved_plan):
    before = LogEntry.objects.get_for_object(approved_plan).count()

    plan_mark_in_progress(plan=approved_plan)
    plan_mark_in_progress(plan=approved_plan)  # a second start changes nothing and logs nothing

    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.IN_PROGRESS
    entries = LogEntry.objects.get_for_object(approved_plan)
    assert entries.count() == before + 1
    assert entries.latest("timestamp").changes_dict["status"][1] == PlanStatus.IN_PROGRESS
