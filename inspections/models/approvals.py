"""The approval of a plan and of its amendments (điều chỉnh kế hoạch), and the plan's history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .planning import InspectionPlan


class AmendmentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class PlanAmendment(models.Model):
    """A change of an approved plan's units or period, applied once the head approves it with
    its own decision. The plan's values before the change stay here, so both are kept."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("amendment number"))
    status = models.CharField(
        _("status"), max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.SUBMITTED
    )
    reason = models.TextField(_("reason for the amendment"))
    period_start = models.DateField(_("new period start"))
    period_end = models.DateField(_("new period end"))
    units = models.ManyToManyField(Unit, verbose_name=_("units after the amendment"), related_name="+")
    previous_period_start = models.DateField(_("period start before"))
    previous_period_end = models.DateField(_("period end before"))
    previous_unit_ids = models.JSONField(_("units before"), default=list)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan amendment")
        verbose_name_plural = _("plan amendments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="inspections_planamendment_plan_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="submitted"),
                name="inspections_planamendment_one_open",
                violation_error_message=_("This plan already has an amendment waiting for approval."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AmendmentStatus.values), name="inspections_planamendment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="inspections_planamendment_period_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (~Q(decision_number="") & Q(decision_date__isnull=False) & Q(decided_at__isnull=False)),
                name="inspections_planamendment_approved_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="inspections_planamendment_returned_has_reason",
            ),
        ]

    def __str__(self):
        return _("Amendment %(number)s of %(plan)s") % {"number": self.number, "plan": self.plan}

    def get_absolute_url(self):
        return self.plan.get_absolute_url() + f"#amendment-{self.number}"

    @property
    def decision_label(self) -> str:
        if not self.decision_number:
            return ""
        if not self.decision_date:
            return self.decision_number
        return _("%(number)s of %(date)s") % {
            "number": self.decision_number,
            "date": self.decision_date.strftime("%d/%m/%Y"),
        }


class PlanEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    AMENDMENT_SUBMITTED = "amendment_submitted", _("Amendment submitted")
    AMENDMENT_APPROVED = "amendment_approved", _("Amendment approved")
    AMENDMENT_RETURNED = "amendment_returned", _("Amendment returned")
    CLOSED = "closed", _("Closed")


class PlanEvent(models.Model):
    """One line of a plan's history: who submitted, approved or returned it (or an amendment), when and why."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events"
    )
    amendment = models.ForeignKey(
        PlanAmendment,
        verbose_name=_("amendment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PlanEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanEventKind.values), name="inspections_planevent_kind_valid"
            ),
        ]
        indexes = [
            # The plan page's history, in order.
            models.Index(fields=["plan", "created_at"], name="inspections_planevent_plan_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.plan_id}"
