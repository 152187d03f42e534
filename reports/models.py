"""Report records: documents produced by a Celery worker.

A report is requested on a page, queued after the commit, produced by a worker that moves it
``queued -> running -> done | failed`` and updates ``progress`` as it goes; the page polls it.
The file lives in private storage (MEDIA_ROOT/reports/), served only by the download view.
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import InspectionPlan, Visit
from inspections.models.answers import private_storage
from units.models import Unit


class ReportKind(models.TextChoices):
    CONCLUSION = "conclusion", _("Conclusion notice")
    FOLLOW_UP = "follow_up", _("Remediation follow-up report")
    PLAN_SUMMARY = "plan_summary", _("Plan summary report")


class ReportFormat(models.TextChoices):
    DOCX = "docx", "DOCX (Word)"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX (Excel)"


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Which formats each kind comes in.
KIND_FORMATS: dict[str, list[str]] = {
    ReportKind.CONCLUSION: [ReportFormat.DOCX, ReportFormat.PDF],
    ReportKind.FOLLOW_UP: [ReportFormat.DOCX, ReportFormat.PDF, ReportFormat.XLSX],
    ReportKind.PLAN_SUMMARY: [ReportFormat.DOCX, ReportFormat.XLSX],
}

CONTENT_TYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# States in which a worker still owes the file: the page keeps polling these.
PENDING_STATES = [ReportState.QUEUED, ReportState.RUNNING]

# The name of the constraint that keeps one pending report per identity, and the date standing
# for "no date" in it.
PENDING_UNIQUE = "reports_report_one_pending_per_identity"
NO_DATE = date(1, 1, 1)


def report_path(instance: "Report", filename: str) -> str:
    # One folder per report and a fixed name in it: a re-run overwrites, never adds a second file.
    return f"reports/{instance.requested_at:%Y/%m}/{instance.pk}/report.{instance.format}"


class ReportQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=PENDING_STATES)

    def for_scope(self, *, visit=None, plan=None, unit=None):
        return self.filter(visit=visit, plan=plan, unit=unit)


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    # The scope: a visit (conclusion notice), a plan (summary, follow-up), or a unit (follow-up),
    # optionally narrowed to a period (follow-up: the visits in it).
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=report_path, max_length=255, blank=True
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # How many times a worker took it up (a re-delivery after a worker died counts again). It is
    # also the fencing token: only the worker holding the latest attempt may store the file.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The holder's lease: a running report whose heartbeat is older than REPORT_STALE_SECONDS has
    # lost its worker, and may be taken up again.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # When it last entered the queue (requested, or queued again after a dead worker).
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    error = models.TextField(_("error"), blank=True, help_text=_("Shown to the user when the report failed."))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="reports_report_kind_valid"),
            models.CheckConstraint(
                condition=Q(format__in=ReportFormat.values), name="reports_report_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="reports_report_state_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reports_report_progress_le_100"),
            # Each kind has its scope: a visit's notice, a plan's summary, a plan's or unit's follow-up.
            models.CheckConstraint(
                condition=(Q(kind=ReportKind.CONCLUSION) & Q(visit__isnull=False))
                | (Q(kind=ReportKind.PLAN_SUMMARY) & Q(plan__isnull=False))
                | (Q(kind=ReportKind.FOLLOW_UP) & (Q(plan__isnull=False) | Q(unit__isnull=False))),
                name="reports_report_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.DONE) | ~Q(file=""), name="reports_report_done_has_file"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="reports_report_period_order",
            ),
            # One pending report per requester and identity: a double click, or two tabs, get the
            # same report (the request service catches the violation). Nullable parts of the
            # identity are coalesced, since NULLs never collide in a unique index.
            models.UniqueConstraint(
                F("requested_by"),
                F("kind"),
                F("format"),
                Coalesce("visit", Value(0)),
                Coalesce("plan", Value(0)),
                Coalesce("unit", Value(0)),
                Coalesce("period_start", Value(NO_DATE)),
                Coalesce("period_end", Value(NO_DATE)),
                condition=Q(state__in=PENDING_STATES),
                name=PENDING_UNIQUE,
            ),
        ]
        indexes = [
            # The report panel of a visit, a plan, a unit: its latest reports first.
            models.Index(fields=["visit", "-requested_at"], name="reports_report_visit"),
            models.Index(fields=["plan", "-requested_at"], name="reports_report_plan"),
            models.Index(fields=["unit", "-requested_at"], name="reports_report_unit"),
            # The sweeper: reports running for too long (worker died), by start time.
            models.Index(fields=["state", "started_at"], name="reports_report_state_started"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_format_display()}) #{self.pk}"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker stopped sending heartbeats: the sweeper will queue it again."""
        if self.state != ReportState.RUNNING or self.heartbeat_at is None:
            return False
        return self.heartbeat_at < timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS)

    @property
    def is_waiting_again(self) -> bool:
        """Stalled, or queued again after an attempt that did not finish: "waiting to be redone"."""
        return self.is_stalled or (self.state == ReportState.QUEUED and self.attempts > 0)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def scope(self):
        """The visit, plan or unit the report is about."""
        return self.visit or self.plan or self.unit


# Issued documents: the official record, frozen.


class IssuedKind(models.TextChoices):
    NOTICE = "notice", _("Conclusion notice")
    CORRECTION = "correction", _("Correction notice")
    FOLLOW_UP = "follow_up", _("Remediation follow-up report")
    PLAN_SUMMARY = "plan_summary", _("Plan summary report")
    INDEX_RANKING = "index_ranking", _("Reform index ranking")


class ImmutableRecordError(Exception):
    """An issued document was about to be changed or deleted: it never is."""


class IssuedDocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError("An issued document never changes.")

    def delete(self):
        raise ImmutableRecordError("An issued document is never deleted.")


def issued_path(instance: "IssuedDocument", filename: str) -> str:
    # A fresh folder per document: an issued file is written once and never replaced.
    return f"issued/{instance.year}/{instance.symbol_slug}/{instance.number}-{instance.token}/{filename}"


class IssuedDocument(models.Model):
    """A numbered document exactly as it went out: its DOCX and PDF bytes, their SHA-256, its number,
    date and signer, and the data it was built from. Every download gives these bytes; later events
    (an extension, a reopened action) are shown beside it, and a correction is a new document that
    refers to this one. Rows are written once: saving an existing row or deleting one raises."""

    kind = models.CharField(_("kind"), max_length=20, choices=IssuedKind.choices)
    conclusion = models.ForeignKey(
        "findings.Conclusion",
        verbose_name=_("conclusion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    issuer_name = models.CharField(_("issuing body"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(_("symbol"), max_length=30)
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    authority_line = models.CharField(_("authority line"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100)
    signer_name = models.CharField(_("signer's name"), max_length=150)
    subject = models.TextField(_("subject"))
    # The document's data as it was built (the loader's dataclass as JSON).
    snapshot = models.JSONField(_("data issued"))
    docx = models.FileField(_("DOCX"), storage=private_storage, upload_to=issued_path, max_length=255)
    docx_sha256 = models.CharField(_("DOCX SHA-256"), max_length=64)
    # A plan summary comes in DOCX (and XLSX) only: no PDF then.
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=issued_path, max_length=255, blank=True
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    token = models.CharField(max_length=32, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-date", "-number"]
        constraints = [
            # One number per issuer, year and symbol: the official register.
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "symbol", "number"],
                name="reports_issueddocument_unique_number",
                violation_error_message=_("This number is already taken."),
            ),
            # A produced report is issued once.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(report__isnull=False),
                name="reports_issueddocument_one_per_report",
            ),
            # A conclusion is issued once; anything after it is a correction.
            models.UniqueConstraint(
                fields=["conclusion"],
                condition=Q(kind="notice"),
                name="reports_issueddocument_one_notice_per_conclusion",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="reports_issueddocument_number_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=IssuedKind.values), name="reports_issueddocument_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(signer_name="") & ~Q(signer_title=""), name="reports_issueddocument_signed"
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(replaces__isnull=False),
                name="reports_issueddocument_correction_refers",
            ),
            models.CheckConstraint(
                condition=Q(docx_sha256__regex=r"^[0-9a-f]{64}$")
                & (Q(pdf="", pdf_sha256="") | Q(pdf_sha256__regex=r"^[0-9a-f]{64}$")),
                name="reports_issueddocument_hashes",
            ),
        ]
        indexes = [
            # A visit's issued documents (its page and the download), newest first.
            models.Index(fields=["visit", "-issued_at"], name="reports_issued_visit"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    def save(self, *args, **kwargs):
        # The one rule every path must keep: what was issued stays as it was issued.
        if not self._state.adding:
            raise ImmutableRecordError("An issued document never changes.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:issued_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("An issued document is never deleted.")

    @property
    def reference(self) -> str:
        """“12/TB-SNV”."""
        return f"{self.number}/{self.symbol}"

    @property
    def symbol_slug(self) -> str:
        return (
            "".join(c if c.isalnum() else "-" for c in self.symbol.encode("ascii", "ignore").decode()) or "x"
        )


# Dashboard roll-ups -------------------------------------------------------------------------------
# The national dashboards read these tables, materialised from the visits, domain scores, findings
# and remediation actions by reports.dashboards.rollups.dashboards_refresh (the worker, every few
# minutes: CELERY_BEAT_SCHEDULE), never written anywhere else. Decision 0010 says why (and not a
# roll-up kept by every service that moves a figure); the page shows the time they were made.


class DashboardRollupState(models.Model):
    """The one row (pk 1) saying when the roll-ups were last made. No row: never made yet, and
    the dashboards count from the visits themselves."""

    computed_at = models.DateTimeField(_("figures as of"))
    # The date the overdue age bands were counted for (the refresh's local date).
    today = models.DateField(_("overdue counted on"))
    seconds = models.FloatField(_("seconds taken"), default=0)
    # Renewed by each refresh in the transaction that writes its rows: the drawn boards are cached
    # under it (reports.dashboards.boards), so a board is never kept under rows it was not drawn from.
    generation = models.UUIDField(_("generation"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("dashboard roll-up state")
        verbose_name_plural = _("dashboard roll-up states")

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class UnitPlanRollup(models.Model):
    """Per inspected unit and plan: visits planned, done, concluded; the points of the finished
    visits; remediation actions by state and overdue age (as of the refresh's date). Read when
    the dashboard is filtered by a plan (a province's hundred-odd units)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    # The province: the first unit of the unit's path.
    root = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # The unit's name as of the refresh: lists of units sort by it without joining the units.
    unit_name = models.CharField(_("unit name"), max_length=255)
    planned = models.PositiveIntegerField(_("planned"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    concluded = models.PositiveIntegerField(_("concluded"), default=0)
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=14, decimal_places=2, default=0)
    scored_visits = models.PositiveIntegerField(_("scored visits"), default=0)
    open = models.PositiveIntegerField(_("open"), default=0)
    overdue_30 = models.PositiveIntegerField(_("overdue 1 to 30 days"), default=0)
    overdue_90 = models.PositiveIntegerField(_("overdue 31 to 90 days"), default=0)
    overdue_more = models.PositiveIntegerField(_("overdue more than 90 days"), default=0)
    reported = models.PositiveIntegerField(_("reported done"), default=0)
    verified = models.PositiveIntegerField(_("verified"), default=0)

    class Meta:
        verbose_name = _("unit and plan roll-up")
        verbose_name_plural = _("unit and plan roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "plan"], name="reports_unitplanrollup_unit_plan"),
        ]
        indexes = [
            # The dashboard filtered by a plan: that plan's rows.
            models.Index(fields=["plan", "root"], name="reports_unitplanrollup_plan"),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.plan_id}"


class UnitYearRollup(models.Model):
    """Per inspected unit and plan year (0: every year): its score and its remediation actions,
    for the ranking and the remediation panel of the country or a province. The indexes hand
    both ends of the country's three thousand units to the dashboard in their order."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    unit_name = models.CharField(_("unit name"), max_length=255)
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=14, decimal_places=2, default=0)
    scored_visits = models.PositiveIntegerField(_("scored visits"), default=0)
    # points * 100 / max_points; NULL when nothing was applicable (not ranked).
    percent = models.FloatField(_("score (%)"), null=True)
    # The place in the ranking of the country's units of that year (1: the best), and among the
    # province's; NULL when not ranked. Ties go by name, then id (as the live ranking).
    rank = models.PositiveIntegerField(_("rank"), null=True)
    root_rank = models.PositiveIntegerField(_("rank in the province"), null=True)
    actions = models.PositiveIntegerField(_("remediation actions"), default=0)
    open = models.PositiveIntegerField(_("open"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    overdue_30 = models.PositiveIntegerField(_("overdue 1 to 30 days"), default=0)
    overdue_90 = models.PositiveIntegerField(_("overdue 31 to 90 days"), default=0)
    overdue_more = models.PositiveIntegerField(_("overdue more than 90 days"), default=0)
    reported = models.PositiveIntegerField(_("reported done"), default=0)
    verified = models.PositiveIntegerField(_("verified"), default=0)

    class Meta:
        verbose_name = _("unit and year roll-up")
        verbose_name_plural = _("unit and year roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="reports_unityearrollup_unit_year"),
        ]
        indexes = [
            # Both ends of the ranking of the country's units (WHERE year = y AND (rank <= 10 OR
            # rank > the last rank - 10)), and of a province's.
            models.Index(fields=["year", "rank"], name="reports_unityear_rank"),
            models.Index(fields=["root", "year", "root_rank"], name="reports_unityear_root_rank"),
            # The remediation panel: most overdue first (LIMIT 15), the country's and a province's.
            models.Index(
                fields=["year", "-overdue_more", "-overdue", "-open", "unit_name"],
                name="reports_unityear_overdue",
            ),
            models.Index(
                fields=["root", "year", "-overdue_more", "-overdue", "-open", "unit_name"],
                name="reports_unityear_root_overdue",
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.year}"


class RootPlanRollup(models.Model):
    """Per province and plan: visits planned, done, concluded and the points of the finished
    visits, for the plan progress and the trend of the country or a province."""

    root = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned = models.PositiveIntegerField(_("planned"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    concluded = models.PositiveIntegerField(_("concluded"), default=0)
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=14, decimal_places=2, default=0)
    scored_visits = models.PositiveIntegerField(_("scored visits"), default=0)

    class Meta:
        verbose_name = _("province and plan roll-up")
        verbose_name_plural = _("province and plan roll-ups")
        constraints = [
            # Also the index of one province's rows.
            models.UniqueConstraint(fields=["root", "plan"], name="reports_rootplanrollup_root_plan"),
        ]

    def __str__(self):
        return f"{self.root_id} · {self.plan_id}"


class DomainRollup(models.Model):
    """Per top-level unit (a province: the first unit of the path), plan and domain code: the
    points of the finished visits, for the compliance by domain of a province or of the country."""

    root = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    points = models.DecimalField(_("points"), max_digits=14, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=14, decimal_places=2, default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("domain roll-up")
        verbose_name_plural = _("domain roll-ups")
        constraints = [
            # Also the index of one province's rows.
            models.UniqueConstraint(
                fields=["root", "plan", "code"], name="reports_domainrollup_root_plan_code"
            ),
        ]

    def __str__(self):
        return f"{self.root_id} · {self.plan_id} · {self.code}"


class RepeatRollup(models.Model):
    """A criterion found lacking at both of a unit's two latest concluded visits of plans up to
    ``up_to_year`` (NULL: of every year), as the dashboard's repeat limitations list it."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    up_to_year = models.PositiveSmallIntegerField(_("up to year"), null=True, blank=True)
    unit_name = models.CharField(_("unit name"), max_length=255)
    criterion_code = models.CharField(_("criterion code"), max_length=20)
    criterion_title = models.TextField(_("criterion title"))
    last_visit = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("repeat limitation roll-up")
        verbose_name_plural = _("repeat limitation roll-ups")
        indexes = [
            # One year's list, in the order the dashboard shows it.
            models.Index(
                fields=["up_to_year", "unit_name", "unit", "criterion_code"], name="reports_repeatrollup_year"
            ),
            models.Index(
                fields=["root", "up_to_year", "unit_name", "unit", "criterion_code"],
                name="reports_repeatrollup_root",
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.criterion_code}"
