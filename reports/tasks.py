"""Celery tasks of the reports app: thin, take ids, call one service.

Report production acknowledges late and is re-delivered if the worker dies (settings:
CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST); the service's claim (a lease with a
fencing token) makes a duplicate or late delivery harmless. Transient errors are retried with an
exponential backoff. Tasks are queued through the outbox (core.outbox), never straight from a
request.
"""

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from . import services
from .dashboards.rollups import dashboards_refresh

RETRIES = 3


@worker_process_init.connect
def _warm_up_documents(**kwargs):
    # Each worker process loads the PDF engine and fonts as it starts, not on a user's document.
    services.documents_warm_up()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RETRIES,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def generate_report(self, report_id: int) -> str | None:
    """Produce report ``report_id``; returns its final state (None when there was nothing to do).

    In-process (no broker) there is no retry: a retry would raise into the request that queued it.
    """
    final = self.request.is_eager or self.request.retries >= RETRIES
    try:
        report = services.report_generate(report_id=report_id, final_attempt=final)
    except services.TransientReportError as exc:
        raise self.retry(exc=exc, countdown=min(5 * 2**self.request.retries, 60)) from exc
    return report.state if report else None


@shared_task
def sweep_stuck_reports() -> dict[str, int]:
    """Queue again, or fail with the reason, the reports whose worker stopped (every minute)."""
    return services.reports_sweep_stuck()


@shared_task
def refresh_dashboards() -> str:
    """Make the dashboards' roll-ups again (every 5 minutes); returns the time they are as of."""
    return dashboards_refresh().computed_at.isoformat()
