"""Celery tasks of the inspections app: thin, take ids, call one service."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_visit_notice(visit_id: int, event_id: int) -> int:
    """E-mail the unit and the team about one visit event (scheduled, moved, cancelled)."""
    return services.visit_notice_send(visit_id=visit_id, event_id=event_id)


@shared_task(acks_late=True)
def template_import_run(job_id: int) -> None:
    """Import an uploaded checklist file (core.jobs follows its progress)."""
    services.template_import_run(job_id=job_id)
