"""Celery tasks of the plumbing: thin, take ids, call one service (schedules in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import outbox
from .security_events import security_events_prune


@shared_task(acks_late=True)
def outbox_deliver(item_id: int) -> bool:
    """Send one e-mail of the outbox (idempotent: a sent or locked item is left alone)."""
    return outbox.deliver(item_id)


@shared_task
def outbox_sweep() -> dict[str, int]:
    """Every minute: hand over the outbox items the broker or the mail server refused before."""
    return outbox.sweep()


@shared_task
def prune_security_events() -> int:
    """Delete security events past SECURITY_EVENT_RETENTION_DAYS (idempotent)."""
    return security_events_prune()


@shared_task
def ping(value: str = "pong") -> str:
    """Answer ``value``: shows that a broker and a worker round-trip a task (health, tests)."""
    return value
