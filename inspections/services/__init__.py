"""Writes and side effects of the inspections app (keyword-only, typed, transactional)."""

from ..checklist.import_export import (
    ChecklistImportError,
    checklist_export_xlsx,
    checklist_export_yaml,
    checklist_import,
    checklist_read,
)
from .approvals import (
    plan_amendment_approve,
    plan_amendment_return,
    plan_amendment_submit,
    plan_approve,
    plan_return,
    plan_submit,
)
from .checklists import (
    TemplateSpec,
    template_create,
    template_ensure_editable,
    template_new_version,
    template_publish,
)
from .notifications import visit_ics, visit_notice_queue, visit_notice_send, visit_recipients
from .plans import plan_close, plan_create, plan_mark_in_progress, plan_update
from .template_import_jobs import template_import_run, template_import_start
from .visits import (
    Proposal,
    Slot,
    visit_bulk_check,
    visit_bulk_create,
    visit_bulk_proposal,
    visit_bulk_propose,
    visit_cancel,
    visit_create,
    visit_reschedule,
    visit_transition,
    visit_update,
)

__all__ = [
    "ChecklistImportError",
    "Proposal",
    "Slot",
    "TemplateSpec",
    "checklist_export_xlsx",
    "checklist_export_yaml",
    "checklist_import",
    "checklist_read",
    "plan_amendment_approve",
    "plan_amendment_return",
    "plan_amendment_submit",
    "plan_approve",
    "plan_return",
    "plan_submit",
    "plan_close",
    "plan_create",
    "plan_mark_in_progress",
    "plan_update",
    "template_create",
    "template_ensure_editable",
    "template_new_version",
    "template_import_run",
    "template_import_start",
    "template_publish",
    "visit_bulk_check",
    "visit_bulk_create",
    "visit_bulk_propose",
    "visit_bulk_proposal",
    "visit_cancel",
    "visit_create",
    "visit_ics",
    "visit_notice_queue",
    "visit_notice_send",
    "visit_recipients",
    "visit_reschedule",
    "visit_transition",
    "visit_update",
]
