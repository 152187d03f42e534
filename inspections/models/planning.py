"""Inspection plans (kế hoạch kiểm tra), their visits, the visit teams and the visit history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .checklists import ChecklistTemplate


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


# The plan is the scheduler's to change in these states; the head decides on a submitted one.
PLAN_EDITABLE_STATUSES = {PlanStatus.DRAFT, PlanStatus.RETURNED}
# From approval on, the plan has a decision; a change of its units or period is an amendment.
PLAN_DECIDED_STATUSES = {PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED}


class TeamKind(models.TextChoices):
    # What the plan calls its teams; the notice follows ("Đoàn kiểm tra" / "Trưởng đoàn").
    DOAN = "doan", _("Inspection team (Đoàn kiểm tra)")
    TO = "to", _("Inspection group (Tổ kiểm tra)")


# The words each kind prints: (team, its leader).
TEAM_WORDS = {TeamKind.DOAN: ("Đoàn kiểm tra", "Trưởng đoàn"), TeamKind.TO: ("Tổ kiểm tra", "Tổ trưởng")}


class InspectionPlan(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    decision_number = models.CharField(
        _("decision number"), max_length=100, blank=True, help_text=_("e.g. 563/QĐ-SNV")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    team_kind = models.CharField(
        _("teams are called"), max_length=10, choices=TeamKind.choices, default=TeamKind.DOAN
    )
    team_decision_number = models.CharField(
        _("team decision number"),
        max_length=100,
        blank=True,
        help_text=_("The decision setting up the inspection team, e.g. 45/QĐ-SNV"),
    )
    team_decision_date = models.DateField(_("team decision date"), null=True, blank=True)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="issued_plans"
    )
    purpose = models.TextField(_("purpose and requirements"), blank=True)
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"status": "published"},
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units to inspect"), blank=True, related_name="inspection_plans"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="inspections_inspectionplan_period_order",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="inspections_inspectionplan_status_valid"
            ),
            models.CheckConstraint(
                # Sorted: a set's order changes from one process to the next, and the migration must not.
                condition=~Q(status__in=sorted(PLAN_DECIDED_STATUSES)) | Q(approved_at__isnull=False),
                name="inspections_inspectionplan_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="inspections_inspectionplan_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.RETURNED) | ~Q(return_reason=""),
                name="inspections_inspectionplan_returned_has_reason",
            ),
        ]
        indexes = [
            # The plan list: newest years first (the list is filtered by the issuing unit's path).
            models.Index(fields=["-year", "-period_start"], name="inspections_plan_year_start"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])

    @property
    def decision_label(self) -> str:
        """“563/QĐ-SNV ngày 13/12/2017” style reference, or "" without a decision."""
        if not self.decision_number:
            return ""
        if not self.decision_date:
            return self.decision_number
        return _("%(number)s of %(date)s") % {
            "number": self.decision_number,
            "date": self.decision_date.strftime("%d/%m/%Y"),
        }

    @property
    def is_editable(self) -> bool:
        """Every field may change (a draft, or a plan the head returned)."""
        return self.status in PLAN_EDITABLE_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in PLAN_DECIDED_STATUSES

    @property
    def is_schedulable(self) -> bool:
        """Visits may be added or moved until the plan is closed, except while the head decides."""
        return self.status not in {PlanStatus.CLOSED, PlanStatus.SUBMITTED}


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    CONCLUDED = "concluded", _("Concluded")
    CANCELLED = "cancelled", _("Cancelled")


# The workflow of DESIGN.md; a returned visit goes back to the team (in progress).
VISIT_TRANSITIONS: dict[str, set[str]] = {
    VisitStatus.DRAFT: {VisitStatus.SCHEDULED, VisitStatus.CANCELLED},
    VisitStatus.SCHEDULED: {VisitStatus.IN_PROGRESS, VisitStatus.CANCELLED},
    VisitStatus.IN_PROGRESS: {VisitStatus.SUBMITTED, VisitStatus.CANCELLED},
    VisitStatus.SUBMITTED: {VisitStatus.REVIEWED, VisitStatus.IN_PROGRESS},
    VisitStatus.REVIEWED: {VisitStatus.CONCLUDED, VisitStatus.IN_PROGRESS},
    VisitStatus.CONCLUDED: set(),
    VisitStatus.CANCELLED: set(),
}

# Visits whose date and place may still change.
MOVABLE_STATUSES = {VisitStatus.DRAFT, VisitStatus.SCHEDULED}


class VisitQuerySet(models.QuerySet):
    def active(self):
        """Every visit but the cancelled ones."""
        return self.exclude(status=VisitStatus.CANCELLED)

    def overlapping(self, starts_at, ends_at):
        """Visits that share at least a minute with [starts_at, ends_at)."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def with_member(self, user):
        return self.filter(pk__in=TeamMember.objects.filter(user=user).values("visit_id"))


class Visit(models.Model):
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("inspected unit"), on_delete=models.PROTECT, related_name="visits"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("The plan's version when the visit was created; it never changes afterwards."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    notes = models.TextField(_("notes for the unit"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    # Optimistic locking: every write is an UPDATE ... WHERE version = n, so a stale form fails.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"],
                condition=~Q(status="cancelled"),
                name="inspections_visit_one_per_plan_unit",
                violation_error_message=_("This unit already has a visit in this plan."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="inspections_visit_ends_after_start",
                violation_error_message=_("A visit must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values), name="inspections_visit_status_valid"
            ),
        ]
        indexes = [
            # The calendar, "upcoming" and the team-conflict check: visits in a time window.
            models.Index(fields=["starts_at"], name="inspections_visit_starts_at"),
            # The plan page: a plan's visits in date order.
            models.Index(fields=["plan", "starts_at"], name="inspections_visit_plan_start"),
            # A unit's visits (liaison's view, the unit's history), newest first; also the scope
            # side of visible_visit_ids (inspections.selectors: the visits of the units under a
            # path, UNION the visits of one's teams).
            models.Index(fields=["unit", "-starts_at"], name="inspections_visit_unit_start"),
            # The review queue and its count on the home page (findings.selectors.review_queue:
            # status = 'submitted' ORDER BY ends_at, id), and the visit list filtered by status in
            # date order.
            models.Index(fields=["status", "ends_at"], name="inspections_visit_status_end"),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.unit} · {local:%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("inspections:visit_detail", args=[self.pk])

    def _team(self) -> list["TeamMember"]:
        # Uses the prefetched team when the selector loaded it, so lists stay at one query.
        return list(self.team.all())

    def team_role_of(self, user) -> str | None:
        """The role of ``user`` on this visit's team, or None."""
        if not getattr(user, "is_authenticated", False):
            return None
        for member in self._team():
            if member.user_id == user.pk:
                return member.role
        return None

    def is_team_member(self, user) -> bool:
        return self.team_role_of(user) is not None

    @property
    def leader(self):
        return next((m.user for m in self._team() if m.role == TeamRole.LEADER), None)

    @property
    def team_in_order(self) -> list["TeamMember"]:
        order = list(TeamRole.values)
        return sorted(self._team(), key=lambda m: (order.index(m.role), m.user.last_name, m.user.first_name))

    @property
    def is_movable(self) -> bool:
        return self.status in MOVABLE_STATUSES

    def can_become(self, status: str) -> bool:
        return status in VISIT_TRANSITIONS[self.status]


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class TeamMember(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="visit_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            # User first: it is also the index of "my visits" and of the double-booking check.
            models.UniqueConstraint(fields=["user", "visit"], name="inspections_teammember_user_visit"),
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(role="leader"),
                name="inspections_teammember_one_leader",
                violation_error_message=_("A team has exactly one leader."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values), name="inspections_teammember_role_valid"
            ),
        ]
        indexes = [
            # Loading the teams of a page of visits (prefetch by visit id).
            models.Index(fields=["visit", "role"], name="inspections_team_visit_role"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class VisitEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SCHEDULED = "scheduled", _("Scheduled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    UPDATED = "updated", _("Details changed")
    TEAM_CHANGED = "team_changed", _("Team changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    CANCELLED = "cancelled", _("Cancelled")


class VisitEvent(models.Model):
    """One line of a visit's history; the reasons for moving or cancelling stay here."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=VisitEventKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Set once the e-mails about this event went out, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=VisitEventKind.values), name="inspections_visitevent_kind_valid"
            ),
        ]
        indexes = [
            # The visit page's history, in order.
            models.Index(fields=["visit", "created_at"], name="inspections_event_visit_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.visit_id}"
