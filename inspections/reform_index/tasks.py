"""Tasks of the reform index: thin, take ids, call one service; queued through the outbox."""

from celery import shared_task
from django.conf import settings

from . import publishing


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def ranking_issue(round_id: int) -> int | None:
    """Issue the ranking document of round ``round_id`` (idempotent); returns its id."""
    doc = publishing.ranking_issue(round_id=round_id)
    return doc.pk if doc else None
