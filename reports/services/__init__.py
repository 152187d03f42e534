"""Writes and side effects of the reports app: producing reports (generation) and rescuing the
ones a dead worker left behind (rescue)."""

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
)
from .rescue import reports_sweep_stuck

__all__ = [
    "MAX_ATTEMPTS",
    "RECIPES",
    "TransientReportError",
    "documents_warm_up",
    "report_fail",
    "report_generate",
    "report_queue",
    "report_queue_waiting",
    "report_request",
    "report_retry",
    "reports_sweep_stuck",
]
