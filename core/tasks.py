"""Periodic tasks of the shared plumbing (their schedule is CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from .security_events import security_events_prune


@shared_task
def prune_security_events() -> int:
    """Delete security events past SECURITY_EVENT_RETENTION_DAYS (idempotent)."""
    return security_events_prune()
