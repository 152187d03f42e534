"""Rescuing the reports a dead worker left behind: the sweeper beat runs every minute.

A running report sends a heartbeat (reports/services/generation.py); one whose heartbeat is older
than REPORT_STALE_SECONDS lost its worker. It is queued again through the outbox while it has
attempts left (shown to its requester as waiting to be processed again), else failed with the
reason and a "try again" button. A queued report no worker took up is sent once more.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Report, ReportState
from .generation import MAX_ATTEMPTS, _fail_locked, report_queue


def reports_sweep_stuck(*, now=None) -> dict[str, int]:
    """Rescue the reports a dead worker left behind (every minute).

    - running, but no heartbeat for REPORT_STALE_SECONDS: queued again (through the outbox) while
      it has attempts left, else failed with the reason;
    - queued and not taken up for REPORT_QUEUE_RESEND_SECONDS (a lost message): sent once more;
      still not taken up after twice that: failed, the user may try again later.

    Returns the counts {"requeued": n, "failed": m}.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    # A row left running before heartbeats existed has none: its start counts instead.
    silent = Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    stalled = Report.objects.filter(silent, state=ReportState.RUNNING)
    for pk in list(stalled.values_list("pk", flat=True)):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update().filter(silent, pk=pk, state=ReportState.RUNNING).first()
            )
            if report is None:
                continue
            if report.attempts < MAX_ATTEMPTS:
                report.state = ReportState.QUEUED
                report.progress = 0
                report.queued_at = now
                report.error = _("The worker stopped; the report is waiting to be processed again.")
                report.save(update_fields=["state", "progress", "queued_at", "error"])
                report_queue(report=report)
                counts["requeued"] += 1
            else:
                _fail_locked(
                    report,
                    _(
                        "The worker producing this report stopped %(count)s times before it finished."
                        " Please try again, or tell the administrator if it happens again."
                    )
                    % {"count": report.attempts},
                )
                counts["failed"] += 1
    resend_before = now - timedelta(seconds=settings.REPORT_QUEUE_RESEND_SECONDS)
    waiting = Report.objects.filter(state=ReportState.QUEUED, queued_at__lt=resend_before)
    for report in list(waiting.only("pk", "attempts", "queued_at")):
        if report.queued_at < now - 2 * timedelta(seconds=settings.REPORT_QUEUE_RESEND_SECONDS):
            counts["failed"] += Report.objects.filter(
                pk=report.pk, state=ReportState.QUEUED, attempts=report.attempts
            ).update(
                state=ReportState.FAILED,
                finished_at=now,
                error=_("No worker took this report up. Please try again later or tell the administrator."),
            )
            continue
        # One more send per attempt: the outbox key makes a second sweep a no-op.
        with transaction.atomic():
            if report_queue(report=report, key=f"reports.generate:{report.pk}:{report.attempts}:resent"):
                counts["requeued"] += 1
    return counts
