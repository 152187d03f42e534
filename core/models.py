"""Models of the plumbing: the transactional outbox (see core/outbox.py).

Importing this module also connects the receiver that deletes a file after its row is deleted
(core/files.py): models modules are imported once, when the app registry loads.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    TASK = "task", _("Background task")
    EMAIL = "email", _("E-mail")


class OutboxItem(models.Model):
    """A task to hand to the broker or an e-mail to send, written in the transaction of the change
    that calls for it, so that neither is lost when the broker or the mail server is away, and
    marked sent once it was. ``key`` names the event: a second write of the same event (a retried
    request, a re-run service) finds the row already there and sends nothing twice."""

    key = models.CharField(_("event key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OutboxKind.choices)
    # The Celery task's name, or the dotted path of the function that sends the e-mail.
    name = models.CharField(_("handler"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutboxKind.values), name="core_outboxitem_kind_valid"
            ),
        ]
        indexes = [
            # The sweep: unsent items that are due, oldest first (a partial index stays small).
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="core_outbox_unsent_due"
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


from . import files  # noqa: E402, F401  connects the post_delete receiver (see the docstring)
from .jobs import Job, JobState  # noqa: E402, F401  (the model of core/jobs.py)
