"""Celery tasks of the units app: thin, take ids, call one service."""

from celery import shared_task

from .services.import_jobs import unit_import_run as run


@shared_task(acks_late=True)
def unit_import_run(job_id: int) -> None:
    """Write the units of a confirmed import (core.jobs follows its progress)."""
    run(job_id=job_id)
