"""Pages of findings, by area: a visit's findings, the review and the conclusion, remediation,
and the liaison's own unit. Each view: access -> form -> service -> redirect / render."""

from .findings import (
    carry_forward,
    finding_create,
    finding_delete,
    finding_detail,
    finding_edit,
    finding_from_answer,
    finding_move,
    findings_submit,
    visit_findings,
    visit_findings_history,
)
from .my_unit import my_unit
from .remediation import (
    action_detail,
    action_done,
    action_extension,
    action_extension_decide,
    action_list,
    action_progress,
    action_reopen,
    action_verify,
    attachment_download,
)
from .review import finding_review, review_finish, review_queue, visit_conclude, visit_review
from .unit_merger import action_reassign_view, closed_unit_actions, unit_merger

__all__ = [
    "action_reassign_view",
    "closed_unit_actions",
    "unit_merger",
    "action_detail",
    "action_done",
    "action_extension",
    "action_extension_decide",
    "action_list",
    "action_progress",
    "action_reopen",
    "action_verify",
    "attachment_download",
    "carry_forward",
    "finding_create",
    "finding_delete",
    "finding_detail",
    "finding_edit",
    "finding_from_answer",
    "finding_move",
    "finding_review",
    "findings_submit",
    "my_unit",
    "review_finish",
    "review_queue",
    "visit_conclude",
    "visit_findings",
    "visit_findings_history",
    "visit_review",
]
