"""The record of reminder e-mails and escalations of overdue remediation actions.

Moved here from the reports app (remediation lives in findings); the tables keep their old names
(``reports_reminderlog``, ``reports_escalation``) and constraint names, so the move changed no
table and kept every row (migrations findings 0003 / reports 0002, state only).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    LIAISON_DAILY = "liaison_daily", _("Daily reminder to a unit")
    ESCALATION = "escalation", _("Escalation to a Department head")
    HEAD_DIGEST = "head_digest", _("Weekly digest for a Department head")


class ReminderLog(models.Model):
    """One reminder e-mail: at most one per kind, address and day, so a re-run sends nothing twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    recipient = models.EmailField(_("recipient"))
    sent_on = models.DateField(_("day"))
    actions = models.JSONField(
        _("actions"), default=list, blank=True, help_text=_("Ids of the actions listed.")
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        db_table = "reports_reminderlog"
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on", "kind", "recipient"]
        constraints = [
            # Also the index of the claim made before each e-mail.
            models.UniqueConstraint(
                fields=["kind", "recipient", "sent_on"], name="reports_reminderlog_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reports_reminderlog_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient} · {self.sent_on:%d/%m/%Y}"


class Escalation(models.Model):
    """An overdue action reported to the Department heads, once per due date (an extension that
    moves the date lets it be escalated again if it runs late once more)."""

    action = models.ForeignKey(
        "findings.RemediationAction", verbose_name=_("action"), on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)

    class Meta:
        db_table = "reports_escalation"
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            # Also the index of "already escalated?" for a batch of actions.
            models.UniqueConstraint(
                fields=["action", "due_date"], name="reports_escalation_once_per_due_date"
            ),
        ]

    def __str__(self):
        return f"{self.action_id} · {self.due_date:%d/%m/%Y}"
