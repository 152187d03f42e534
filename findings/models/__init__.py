"""Findings of a visit, their review, the conclusion notice and the remediation that follows it.

finding (strength | limitation, with a recommendation) -> review by the Department head ->
conclusion (numbered notice) -> one remediation action per recommendation, owned by the inspected
unit -> progress updates, extension requests, "reported done" -> verified or reopened by the team.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from core.validators import validate_document_symbol
from inspections.models import Criterion, Domain, Visit
from units.models import Unit

from .reminders import Escalation, ReminderKind, ReminderLog  # noqa: F401  the app's models, one import path


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    LIMITATION = "limitation", _("Limitation")


class FindingCause(models.TextChoices):
    SUBJECTIVE = "subjective", _("Subjective")
    OBJECTIVE = "objective", _("Objective")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class FindingQuerySet(models.QuerySet):
    def strengths(self):
        return self.filter(kind=FindingKind.STRENGTH)

    def limitations(self):
        return self.filter(kind=FindingKind.LIMITATION)

    def with_recommendation(self):
        """Limitations that recommend something: each becomes a remediation action."""
        return self.limitations().exclude(recommendation="")

    def pending_review(self):
        """Findings the head has not decided on yet (returned ones wait for the team)."""
        return self.filter(review_state__in=[ReviewState.DRAFT, ReviewState.SUBMITTED])


class Finding(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="findings"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind of finding"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    cause = models.CharField(_("cause"), max_length=20, choices=FindingCause.choices, blank=True)
    cause_note = models.TextField(_("cause in detail"), blank=True)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # Optimistic locking: every edit is an UPDATE ... WHERE version = n, so a stale form fails.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["visit", "kind", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="findings_finding_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(cause="") | Q(cause__in=FindingCause.values), name="findings_finding_cause_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity="") | Q(severity__in=Severity.values),
                name="findings_finding_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values), name="findings_finding_review_state_valid"
            ),
            # A strength recommends nothing: only limitations become remediation actions.
            models.CheckConstraint(
                condition=Q(kind=FindingKind.LIMITATION) | Q(recommendation=""),
                name="findings_finding_strength_no_recommendation",
                violation_error_message=_("A strength has no recommendation."),
            ),
            # What a remediation action's (finding, visit) refers to on PostgreSQL: the action's
            # visit is its finding's (RemediationAction.visit, migration 0008).
            models.UniqueConstraint(fields=["id", "visit"], name="findings_finding_id_visit"),
        ]
        indexes = [
            # The visit's findings page and the conclusion: strengths then limitations, in order.
            models.Index(fields=["visit", "kind", "order"], name="findings_finding_visit_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("findings:finding_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        # Stored on each audit entry, so the visit's history still finds a removed finding.
        return {"visit": self.visit_id}

    @property
    def is_limitation(self) -> bool:
        return self.kind == FindingKind.LIMITATION

    @property
    def last_review(self) -> "FindingReview | None":
        """The head's latest decision (uses the reviews the selector loaded, ``review_list``)."""
        reviews = self.review_list if hasattr(self, "review_list") else list(self.reviews.all())
        return reviews[-1] if reviews else None

    @property
    def place_label(self) -> str:
        """“3.2” or “3. Administrative procedures”: where in the checklist the finding belongs."""
        if self.criterion_id:
            return self.criterion.code
        if self.domain_id:
            return str(self.domain)
        return ""


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    EDITED = "edited", _("Edited and approved")
    RETURNED = "returned", _("Returned to the team")


class FindingReview(models.Model):
    """One decision of the Department head on a finding; the list is the finding's review history."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    # The wording before an "edited" decision, so the history shows what the head changed.
    before = models.JSONField(_("before"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Set once the e-mail about a returned finding went out, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding review")
        verbose_name_plural = _("finding reviews")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values), name="findings_findingreview_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.RETURNED) | ~Q(comment=""),
                name="findings_findingreview_returned_has_comment",
                violation_error_message=_("Say what the team should change."),
            ),
        ]
        indexes = [
            # A finding's review history, in order (the review page loads it for every finding).
            models.Index(fields=["finding", "at"], name="findings_review_finding_at"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} · {self.finding_id}"


class Conclusion(models.Model):
    """The conclusion notice (thông báo kết luận kiểm tra) of one visit, numbered per issuer and year."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="conclusion"
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="conclusions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(
        _("symbol"), max_length=30, validators=[validate_document_symbol], help_text=_("e.g. TB-SNV")
    )
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    authority_line = models.CharField(
        _("authority line"), max_length=100, blank=True, help_text=_("e.g. KT. GIÁM ĐỐC")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, help_text=_("e.g. PHÓ GIÁM ĐỐC"))
    due_date = models.DateField(
        _("remediation deadline"), help_text=_("The unit reports the remediation back by this date.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    # Set once the unit was e-mailed the conclusion, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["-year", "-number"]
        constraints = [
            # The backstop of the numbering: never two notices with the same number and symbol.
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "symbol", "number"],
                name="findings_conclusion_unique_number",
                violation_error_message=_("This number is already taken."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="findings_conclusion_number_positive"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("findings:visit_findings", args=[self.visit_id])

    @property
    def reference(self) -> str:
        """“12/TB-SNV”: the number and symbol printed on the notice."""
        return f"{self.number}/{self.symbol}"


class ConclusionCounter(models.Model):
    """The last number issued per (issuing unit, year, symbol); its row is locked while numbering."""

    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=30)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conclusion counter")
        verbose_name_plural = _("conclusion counters")
        constraints = [
            # Also the index of the lookup that locks the counter.
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "symbol"], name="findings_conclusioncounter_unique"
            ),
        ]

    def __str__(self):
        return f"{self.symbol} {self.year}: {self.last_number}"


class ActionState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED_DONE = "reported_done", _("Reported done")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")


# States in which the unit still owes work; only these can be overdue.
ACTION_OPEN_STATES = [ActionState.OPEN, ActionState.IN_PROGRESS, ActionState.REOPENED]


def overdue_q(today: date) -> Q:
    """Past the due date while the unit still owes work (a reported action waits on the team)."""
    return Q(due_date__lt=today, state__in=ACTION_OPEN_STATES)


class RemediationActionQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None):
        """Past the due date while the unit still owes work (overdue_q)."""
        return self.filter(overdue_q(today or timezone.localdate()))

    def not_overdue(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.exclude(due_date__lt=today, state__in=ACTION_OPEN_STATES)

    def unfinished(self):
        return self.exclude(state=ActionState.VERIFIED)

    def bulk_create(self, objs, *args, **kwargs):
        """Each action's ``visit`` is set from its finding, as save() does (one query for the
        findings not loaded with the actions)."""
        objs = list(objs)
        _set_visits(objs)
        return super().bulk_create(objs, *args, **kwargs)


def _set_visits(actions: list["RemediationAction"]) -> None:
    """Set each action's ``visit_id`` to its finding's visit: from the finding when it is loaded,
    else from one query of the others' findings."""
    missing = []
    for action in actions:
        finding = action._state.fields_cache.get("finding")
        if finding is not None and finding.pk == action.finding_id:
            action.visit_id = finding.visit_id
        elif action.finding_id is not None:
            missing.append(action)
    if missing:
        visits = dict(
            Finding.objects.filter(pk__in={action.finding_id for action in missing}).values_list(
                "pk", "visit_id"
            )
        )
        for action in missing:
            action.visit_id = visits.get(action.finding_id, action.visit_id)


class RemediationAction(models.Model):
    """What the inspected unit must do about one recommendation, until the team verifies it."""

    finding = models.OneToOneField(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="action"
    )
    # The finding's visit, kept on the action so that the lists of actions filter by the visits a
    # user sees without joining every action to its finding (selectors.actions_visible_to). Always
    # the finding's visit: save() and bulk_create() set it from the finding, and on PostgreSQL the
    # foreign key findings_action_visit_of_finding, (finding_id, visit_id) -> the finding's
    # (id, visit_id), refuses any other and follows a change of the finding's visit (migration 0008).
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # findings_action_visit_state serves the lookups by visit
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="remediation_actions"
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=20, choices=ActionState.choices, default=ActionState.OPEN)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RemediationActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("remediation action")
        verbose_name_plural = _("remediation actions")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ActionState.values), name="findings_remediationaction_state_valid"
            ),
        ]
        indexes = [
            # The liaison's list and the unit filter: a unit's actions by state and due date.
            models.Index(fields=["unit", "state", "due_date"], name="findings_action_unit_state"),
            # The remediation list's "overdue" and "due before" filters across units.
            models.Index(fields=["state", "due_date"], name="findings_action_state_due"),
            # The remediation list's page: the visible actions soonest due first
            # (findings.selectors.action_list: ORDER BY due_date, id LIMIT 25), read in the index's
            # order instead of sorting every visible action of the country for an administrator.
            models.Index(fields=["due_date", "id"], name="findings_action_due_id"),
            # The actions of a few visits, counted by state and due date from the index alone
            # (selectors.my_unit: the liaison's open and overdue counts; the liaison's branch of
            # selectors.actions_visible_to), and the check that a deleted visit has none.
            models.Index(fields=["visit", "state", "due_date"], name="findings_action_visit_state"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.finding.recommendation[:60]}"

    def save(self, *args, **kwargs):
        """The action's ``visit`` follows its finding on every save that may change the finding."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "finding" in update_fields or "finding_id" in update_fields:
            _set_visits([self])
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "visit"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("findings:action_detail", args=[self.pk])

    def is_overdue_on(self, today: date) -> bool:
        return self.due_date < today and self.state in ACTION_OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.state in ACTION_OPEN_STATES


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("Progress")
    REPORTED_DONE = "reported_done", _("Reported done")
    EXTENSION_REQUEST = "extension_request", _("Extension request")
    EXTENSION_DECISION = "extension_decision", _("Extension decision")
    VERIFICATION = "verification", _("Verification")
    REOPEN = "reopen", _("Reopened")


class ExtensionDecision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class RemediationUpdate(models.Model):
    """One line of an action's record: progress, report, extension request or decision, verification."""

    action = models.ForeignKey(
        RemediationAction, verbose_name=_("action"), on_delete=models.PROTECT, related_name="updates"
    )
    kind = models.CharField(_("kind of update"), max_length=30, choices=UpdateKind.choices)
    text = models.TextField(_("text"), blank=True)
    requested_due_date = models.DateField(_("requested due date"), null=True, blank=True)
    # On a request: the decision once taken ("" while pending). On a decision: the decision.
    decision = models.CharField(_("decision"), max_length=20, choices=ExtensionDecision.choices, blank=True)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Set once the e-mail about this update went out, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remediation update")
        verbose_name_plural = _("remediation updates")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="findings_remediationupdate_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=ExtensionDecision.values),
                name="findings_remediationupdate_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind=UpdateKind.EXTENSION_REQUEST) | Q(requested_due_date__isnull=False),
                name="findings_remediationupdate_request_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=UpdateKind.EXTENSION_DECISION) | ~Q(decision=""),
                name="findings_remediationupdate_decision_given",
            ),
        ]
        indexes = [
            # The action page's record, in order.
            models.Index(fields=["action", "at"], name="findings_update_action_at"),
        ]

    def __str__(self):
        return str(self.get_kind_display())

    @property
    def is_pending_request(self) -> bool:
        return self.kind == UpdateKind.EXTENSION_REQUEST and not self.decision


class UpdateAttachment(StoredFile):
    """A file posted with an update; stored under remediation/, served only through a view. The
    file's fields: core.models.StoredFile."""

    upload_folder = "remediation"

    update = models.ForeignKey(
        RemediationUpdate, verbose_name=_("update"), on_delete=models.PROTECT, related_name="attachments"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def get_absolute_url(self):
        return reverse("findings:attachment_download", args=[self.pk])
