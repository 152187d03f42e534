"""Celery tasks of the findings app: thin, take ids, call one service (idempotent: see notifications)."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_requested(visit_id: int, event_id: int | None) -> int:
    """E-mail the Department heads that a visit waits for their review."""
    return services.review_requested_send(visit_id=visit_id, event_id=event_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_findings_returned(visit_id: int) -> int:
    """E-mail the team the findings the head returned."""
    return services.findings_returned_send(visit_id=visit_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_conclusion_notice(conclusion_id: int) -> int:
    """E-mail the inspected unit its conclusion and remediation actions."""
    return services.conclusion_send(conclusion_id=conclusion_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_update_notice(update_id: int) -> int:
    """E-mail whoever must act on a remediation update."""
    return services.update_send(update_id=update_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_remediation_reminders() -> dict[str, int]:
    """Daily: remind units of actions due soon or overdue; escalate long-overdue ones to the heads."""
    return services.remediation_reminders_send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_head_digest() -> int:
    """Weekly: the remediation digest of each Department head."""
    return services.head_digest_send()
