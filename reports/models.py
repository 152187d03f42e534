"""Report records: documents produced by a Celery worker.

A report is requested on a page, queued after the commit, produced by a worker that moves it
``queued -> running -> done | failed`` and updates ``progress`` as it goes; the page polls it.
The file lives in private storage (MEDIA_ROOT/reports/), served only by the download view.
"""

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
