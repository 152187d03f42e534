"""Writes and side effects of the reports app (see generation and reminders)."""

from .generation import (
    MAX_ATTEMPTS,
    RECIPES,
    TransientReportError,
    documents_warm_up,
    report_fail,
    report_generate,
    report_queue,
    report_queue_waiting,
    report_request,
    report_retry,
    reports_sweep_stuck,
)
from .reminders import head_digest_send, remediation_reminders_send

__all__ = [
    "MAX_ATTEMPTS",
    "RECIPES",
    "TransientReportError",
    "documents_warm_up",
    "head_digest_send",
    "remediation_reminders_send",
    "report_fail",
    "report_generate",
    "report_queue",
    "report_queue_waiting",
    "report_request",
    "report_retry",
    "reports_sweep_stuck",
]
