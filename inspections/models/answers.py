"""What the team found on site: one Answer per visit and criterion, its evidence, and the per-domain
roll-up of scores that dashboards read.

An answer is edited concurrently by the team (and, for its self-assessment columns, by the unit's
liaison), so inspector writes are ``UPDATE ... WHERE version = n`` (see services.answers). The
self-assessment columns live on the same row but never bump ``version``: a liaison filling their
own score must not make an inspector's next save look stale.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from core.storage import private_storage  # noqa: F401  (reports.models imports it from here)

from .checklists import Criterion, Domain
from .planning import Visit


class AnswerResult(models.TextChoices):
    UNANSWERED = "", _("Not answered")
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Results that count towards the score (not applicable leaves the denominator; "" is missing).
SCORED_RESULTS = {AnswerResult.MET, AnswerResult.PARTLY, AnswerResult.NOT_MET}


class Answer(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="answers"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="answers"
    )
    result = models.CharField(
        _("result"), max_length=20, choices=AnswerResult.choices, default=AnswerResult.UNANSWERED, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    text = models.TextField(_("answer"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # Optimistic locking of the team's columns: 0 until an inspector first saves.
    version = models.PositiveIntegerField(default=0, editable=False)
    # The client-generated id of the last change applied, so a change resent after a lost
    # response (weak connection, offline queue) is recognised and applied once.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    self_score = models.DecimalField(
        _("self-assessed score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField(_("self-assessment note"), blank=True)
    self_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("self-assessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    self_updated_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # The columns, not the related models: ordering by "visit" would follow Visit's and
        # Criterion's own orderings into four joins on every read. Lists order explicitly.
        ordering = ["visit_id", "criterion_id"]
        constraints = [
            # Also the index that loads a visit's answers (the checklist page, the roll-up).
            models.UniqueConstraint(fields=["visit", "criterion"], name="inspections_answer_visit_criterion"),
            models.CheckConstraint(
                condition=Q(result__in=AnswerResult.values), name="inspections_answer_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="inspections_answer_score_positive"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="inspections_answer_self_score_positive",
            ),
        ]

    def __str__(self):
        return f"{self.visit_id} · {self.criterion_id}: {self.get_result_display()}"

    def get_absolute_url(self):
        return reverse("inspections:checklist", args=[self.visit_id]) + f"#criterion-{self.criterion_id}"

    @property
    def is_answered(self) -> bool:
        """A result was given (not applicable counts: it is a decision)."""
        return self.result != AnswerResult.UNANSWERED


class AnswerEvidence(StoredFile):
    """A photo or document backing an answer (tài liệu kiểm chứng); checked by content on upload.
    The file's fields: core.models.StoredFile."""

    upload_folder = "evidence"

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.PROTECT, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    # The id the phone gave this upload (its offline queue): an upload resent after a lost
    # response finds its row and is stored once, whatever the bytes.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice on one answer is a retried upload, not new evidence. Also the
            # index that loads an answer's files.
            models.UniqueConstraint(
                fields=["answer", "sha256"], name="inspections_answerevidence_answer_sha256"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="inspections_answerevidence_size_positive"),
            models.UniqueConstraint(fields=["client_token"], name="inspections_answerevidence_client_token"),
        ]

    def get_absolute_url(self):
        return reverse("inspections:evidence_download", args=[self.answer.visit_id, self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AppliedChange(models.Model):
    """A change of an answer that the server applied, under the id its client gave it.

    The checklist's script (static/js/checklist/) sends every change with a fresh id and sends it
    again until it gets an answer. The id is unique here, so a change is recorded once whatever
    the timing: a repeat of any applied change, the latest or an older one that a later change
    has since replaced, finds its row and is answered with the stored result (the version it
    produced), changing nothing. The row is written by the statement that applies the change
    (checklist.statements.answer_write; on SQLite, in its transaction): it exists exactly when
    the change was applied.
    """

    client_id = models.UUIDField(_("change id"), editable=False)
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="applied_changes"
    )
    # The answer's version this change produced (what a repeat is answered with).
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)

    class Meta:
        verbose_name = _("applied change")
        verbose_name_plural = _("applied changes")
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="inspections_appliedchange_client_id"),
        ]

    def __str__(self):
        return f"{self.client_id} -> {self.answer_id} v{self.version}"


class VisitDomainScore(models.Model):
    """The running total of one domain of a visit, kept by services.answers in the transaction
    that saves an answer. Dashboards aggregate these rows, never the answers."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="domain_scores"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, default=Decimal(0))
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2, default=Decimal(0))
    answered = models.PositiveIntegerField(_("answered criteria"), default=0)
    applicable = models.PositiveIntegerField(_("applicable criteria"), default=0)

    class Meta:
        verbose_name = _("domain score of a visit")
        verbose_name_plural = _("domain scores of visits")
        ordering = ["visit_id", "domain_id"]  # the columns, as Answer's
        constraints = [
            # Also the index of a visit's totals (the checklist page, the out-of-band updates).
            models.UniqueConstraint(
                fields=["visit", "domain"], name="inspections_visitdomainscore_visit_domain"
            ),
            models.CheckConstraint(
                condition=Q(answered__lte=F("applicable")),
                name="inspections_visitdomainscore_answered_le_applicable",
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="inspections_visitdomainscore_points_in_range",
            ),
        ]
        indexes = [
            # Dashboards: one domain's results across the visits of a plan or a year.
            models.Index(fields=["domain", "visit"], name="inspections_domainscore_domain"),
        ]

    def __str__(self):
        return f"{self.visit_id} · {self.domain_id}: {self.points}/{self.max_points}"

    @property
    def percent(self) -> Decimal | None:
        return self.points * 100 / self.max_points if self.max_points else None
