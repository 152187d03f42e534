"""The yearly reform index: IndexRound > Scorecard (one per unit in scope) > CriterionScore.

A round is opened by the administrator for one province and year on a published checklist
template; each unit in scope gets a scorecard that moves
``draft -> submitted -> appraised -> (responded) -> approved``. The unit's liaison writes the
self-scores and evidence, the appraisers (inspectors of the Sở Nội vụ) the appraised scores with
their reasons, the unit answers once, the head approves. Once every scorecard is approved the
head publishes the ranking, issued as a numbered, frozen document.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from core.storage import private_storage
from inspections.models import ChecklistTemplate, Criterion, Domain
from units.models import Unit


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PUBLISHING = "publishing", _("Being published")
    PUBLISHED = "published", _("Published")


class RoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RoundStatus.PUBLISHED)


class IndexRound(models.Model):
    province = models.ForeignKey(
        Unit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="index_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("criteria (template version)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_deadline = models.DateField(_("self-scoring deadline"))
    appraisal_deadline = models.DateField(_("appraisal deadline"))
    response_deadline = models.DateField(_("response deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    # Set once the ranking document is issued (by the worker): the page then reads its snapshot.
    issued_document = models.OneToOneField(
        "reports.IssuedDocument",
        verbose_name=_("ranking document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="index_round",
    )
    ranking_xlsx = models.FileField(
        _("ranking workbook"), storage=private_storage, upload_to="reform_index/", max_length=255, blank=True
    )
    ranking_xlsx_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    publish_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The signer the head chose when publishing (the worker prints it).
    signer = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("index round")
        verbose_name_plural = _("index rounds")
        ordering = ["-year", "province_id"]
        constraints = [
            # One round a year per province; also the index of "last year's round".
            models.UniqueConstraint(fields=["province", "year"], name="reform_index_round_province_year"),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="reform_index_round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(self_deadline__lte=F("appraisal_deadline"))
                & Q(appraisal_deadline__lte=F("response_deadline")),
                name="reform_index_round_deadlines_in_order",
                violation_error_message=_(
                    "The deadlines follow each other: self-scoring, then appraisal, then the unit's response."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=RoundStatus.PUBLISHED) | Q(issued_document__isnull=False),
                name="reform_index_round_published_has_document",
            ),
        ]

    def __str__(self):
        return f"{_('Reform index')} {self.year} · {self.province}"

    def get_absolute_url(self):
        return reverse("reform_index:round_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class CardStatus(models.TextChoices):
    DRAFT = "draft", _("Self-scoring")
    SUBMITTED = "submitted", _("Submitted, being appraised")
    APPRAISED = "appraised", _("Appraised, waiting for the unit")
    RESPONDED = "responded", _("The unit responded")
    APPROVED = "approved", _("Approved")


# States in which the appraisers may still change the appraised scores.
APPRAISABLE = [CardStatus.SUBMITTED, CardStatus.APPRAISED, CardStatus.RESPONDED]


class Scorecard(models.Model):
    """One unit's scores in one round."""

    round = models.ForeignKey(
        IndexRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="scorecards"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="scorecards"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CardStatus.choices, default=CardStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraised_at = models.DateTimeField(_("appraisal sent at"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.TextField(_("the unit's response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["round_id", "unit__path"]
        constraints = [
            # Also the index of a round's scorecards.
            models.UniqueConstraint(fields=["round", "unit"], name="reform_index_scorecard_round_unit"),
            models.CheckConstraint(
                condition=Q(status__in=CardStatus.values), name="reform_index_scorecard_status_valid"
            ),
            # The unit answers once: a response is there exactly when it was given.
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True, response="")
                | (Q(responded_at__isnull=False) & ~Q(response="")),
                name="reform_index_scorecard_one_response",
            ),
        ]
        indexes = [
            # The liaison's home: a unit's scorecards waiting for it.
            models.Index(fields=["unit", "status"], name="reform_index_card_unit_status"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.round.year}"

    def get_absolute_url(self):
        return reverse("reform_index:card_detail", args=[self.pk])

    @property
    def is_locked_for_unit(self) -> bool:
        return self.status != CardStatus.DRAFT


# A criterion whose appraised score differs from the unit's own (the round page counts them).
ADJUSTED = Q(appraised_score__isnull=False) & ~Q(appraised_score=F("self_score"))


class CriterionScore(models.Model):
    """One criterion of a scorecard: the unit's score and evidence, the appraisers' score and reason."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    self_score = models.DecimalField(_("self-score"), max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    document = models.ForeignKey(
        "reports.IssuedDocument",
        verbose_name=_("issued document as evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appraised_score = models.DecimalField(
        _("appraised score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    appraisal_reason = models.TextField(_("reason for the appraised score"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["scorecard_id", "criterion_id"]
        constraints = [
            # Also the index that loads a scorecard's scores.
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="reform_index_criterionscore_card_criterion"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="reform_index_criterionscore_self_positive",
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="reform_index_criterionscore_appraised_positive",
            ),
        ]

    def __str__(self):
        return f"{self.scorecard_id} · {self.criterion_id}"

    @property
    def final_score(self) -> Decimal | None:
        return self.appraised_score if self.appraised_score is not None else self.self_score

    @property
    def is_adjusted(self) -> bool:
        return self.appraised_score is not None and self.appraised_score != self.self_score


class ScoreTotal(models.Model):
    """A scorecard's points in one domain, kept by the database: what the ranking and the round
    page read instead of summing every score row of the round per request.

    Written only by the triggers of ``reform_index_criterionscore`` (migration
    0003_score_totals): every insert, update and delete of a score row, whichever path makes it
    (the services, ``QuerySet.update``, ``bulk_update``, the demo, a data migration, raw SQL),
    moves its card's total in the criterion's domain by the difference, in the same statement's
    transaction. Concurrent changes of one card add their differences under the total's row lock,
    never a recount from a stale snapshot. The criterion's domain and maximum are read as the score
    row changes: a round opens on a published template, whose criteria are frozen.
    """

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="totals"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.CASCADE, related_name="+")
    # Final points: the appraised score where there is one, else the self-score.
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2, default=Decimal(0))
    # The maximum of the criteria that apply to the unit's kind (the ranking's percent).
    max_points = models.DecimalField(_("maximum"), max_digits=10, decimal_places=2, default=Decimal(0))
    # Criteria whose appraised score differs from the self-score (ADJUSTED), for the round page.
    adjusted = models.IntegerField(_("adjusted criteria"), default=0)

    class Meta:
        verbose_name = _("score total")
        verbose_name_plural = _("score totals")
        constraints = [
            # One total per card and domain (the triggers' upsert target); also the index that
            # reads a card's totals (the ranking and the round page join it by scorecard).
            models.UniqueConstraint(
                fields=["scorecard", "domain"], name="reform_index_scoretotal_card_domain"
            ),
            # Sums of non-negative scores: a total that drifted below zero is refused, not shown.
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(max_points__gte=0) & Q(adjusted__gte=0),
                name="reform_index_scoretotal_not_negative",
            ),
        ]
        indexes = [
            # The round page's count of adjusted criteria per card (selectors.round_cards): a
            # probe per card that finds nothing for the cards the appraisal left alone.
            models.Index(
                fields=["scorecard"], condition=Q(adjusted__gt=0), name="reform_index_total_adjusted"
            ),
        ]

    def __str__(self):
        return f"{self.scorecard_id} · {self.domain_id}: {self.points} / {self.max_points}"


class IndexEvidence(StoredFile):
    """A file backing a self-score (tài liệu kiểm chứng), checked by content on upload. The file's
    fields: core.models.StoredFile."""

    upload_folder = "reform_index/evidence"

    score = models.ForeignKey(
        CriterionScore, verbose_name=_("criterion score"), on_delete=models.CASCADE, related_name="files"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice on one score is a resent upload; also the index of a score's files.
            models.UniqueConstraint(fields=["score", "sha256"], name="reform_index_evidence_score_sha256"),
            models.CheckConstraint(condition=Q(size__gt=0), name="reform_index_evidence_size_positive"),
        ]

    def get_absolute_url(self):
        return reverse("reform_index:evidence_download", args=[self.pk])


class Standing(models.Model):
    """A scorecard's figures for its round's ranking, kept by the database (PostgreSQL): its unit's
    name and kind, its final points, maximum and percent, as ``ranking.ranking_compute`` makes
    them. What the preview page reads: a page of a kind in ranking order along the index
    ``reform_index_standing_order`` (round, kind, percent DESC, points DESC, name in code-point
    order, unit), a rank as one more than the rows strictly ahead, whatever the province's size,
    instead of ranking every unit per view.

    Written only by the triggers of migration 0004_standing, in the transaction of the change: a
    card's totals (ScoreTotal) changed move its figures by the difference under its row lock; a
    card added or deleted adds or removes its row; a unit renamed or of another kind takes its
    rows along. No rank is stored, so a save writes one row. No foreign key constraints: a card's
    row is deleted by the trigger on the card's deletion (the ORM deletes the card's score rows
    first). SQLite (the embedded default) keeps no standings: its preview ranks in Python.
    """

    scorecard = models.OneToOneField(
        Scorecard, primary_key=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    round = models.ForeignKey(
        IndexRound, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    points = models.DecimalField(max_digits=10, decimal_places=2)
    max_points = models.DecimalField(max_digits=10, decimal_places=2)
    percent = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [
            # Last year's figures of the units shown, and the user's own unit.
            models.UniqueConstraint(fields=["round", "unit"], name="reform_index_standing_unit"),
        ]
        # The ranking order's index (PostgreSQL, with the names' "C" collation) is made by the
        # migration: reform_index_standing_order.

    def __str__(self):
        return f"{self.scorecard_id}: {self.percent} %"
