"""Writes and side effects of the findings app (keyword-only, typed, transactional)."""

from .conclusion import conclusion_number_next, default_due_date, default_symbol, visit_conclude
from .findings import finding_create, finding_delete, finding_from_answer, finding_move, finding_update
from .notifications import (
    conclusion_send,
    findings_returned_send,
    review_requested_send,
    update_send,
)
from .remediation import (
    action_decide_extension,
    action_post_progress,
    action_reopen,
    action_report_done,
    action_request_extension,
    action_verify,
    pending_extension,
)
from .reminders import head_digest_send, remediation_reminders_send
from .review import finding_review, findings_submit, review_finish

__all__ = [
    "action_decide_extension",
    "action_post_progress",
    "action_reopen",
    "action_report_done",
    "action_request_extension",
    "action_verify",
    "conclusion_number_next",
    "conclusion_send",
    "default_due_date",
    "default_symbol",
    "finding_create",
    "finding_delete",
    "finding_from_answer",
    "finding_move",
    "finding_review",
    "finding_update",
    "findings_returned_send",
    "findings_submit",
    "head_digest_send",
    "pending_extension",
    "remediation_reminders_send",
    "review_finish",
    "review_requested_send",
    "update_send",
    "visit_conclude",
]
