"""Requesting a report, producing it in a worker, and rescuing the ones a dead worker left behind.

State machine: ``queued -> running -> done | failed``. A worker claims a report with a
conditional UPDATE (so two deliveries of one task cannot both start it once it is done), writes
``progress`` as it goes, and stores the file under one fixed name per report: a re-delivered
task overwrites, it never adds a second file.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.text import fold
from inspections.models import InspectionPlan, Visit
from units.models import Unit

from .. import selectors
from ..documents.conclusion import conclusion_docx, conclusion_pdf
from ..documents.followup import follow_up_docx, follow_up_pdf, follow_up_xlsx
from ..documents.summary import summary_docx, summary_xlsx
from ..models import KIND_FORMATS, PENDING_STATES, Report, ReportFormat, ReportKind, ReportState, report_path

logger = logging.getLogger(__name__)

# A worker may take a report up this many times (retries of transient errors and re-deliveries
# after a worker died); then it is failed rather than tried forever.
MAX_ATTEMPTS = 5


class TransientReportError(Exception):
    """A failure worth retrying (database or disk hiccup); the task retries with a backoff."""


# Errors a retry may cure. Anything else is a bug or bad data: fail at once with a message.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@dataclass(frozen=True)
class Recipe:
    load: Callable[[Report], object]  # the selector filling the document's dataclass
    build: Callable[[object], bytes]  # the builder
    title: str  # the start of the download's file name
    # Whether the builder takes progress=callback (the long ones report their steps).
    reports_progress: bool = False


def _load_conclusion(report: Report):
    return selectors.conclusion_notice_data(visit=report.visit)


def _load_follow_up(report: Report):
    return selectors.follow_up_data(
        plan=report.plan,
        unit=report.unit,
        period_start=report.period_start,
        period_end=report.period_end,
        today=timezone.localdate(),
    )


def _load_summary(report: Report):
    return selectors.plan_summary_data(plan=report.plan, today=timezone.localdate())


RECIPES: dict[tuple[str, str], Recipe] = {
    (ReportKind.CONCLUSION, ReportFormat.DOCX): Recipe(
        _load_conclusion, conclusion_docx, "Thong bao ket luan"
    ),
    (ReportKind.CONCLUSION, ReportFormat.PDF): Recipe(_load_conclusion, conclusion_pdf, "Thong bao ket luan"),
    (ReportKind.FOLLOW_UP, ReportFormat.DOCX): Recipe(_load_follow_up, follow_up_docx, "Bao cao khac phuc"),
    (ReportKind.FOLLOW_UP, ReportFormat.PDF): Recipe(_load_follow_up, follow_up_pdf, "Bao cao khac phuc"),
    (ReportKind.FOLLOW_UP, ReportFormat.XLSX): Recipe(_load_follow_up, follow_up_xlsx, "Bao cao khac phuc"),
    (ReportKind.PLAN_SUMMARY, ReportFormat.DOCX): Recipe(
        _load_summary, summary_docx, "Bao cao ket qua kiem tra", reports_progress=True
    ),
    (ReportKind.PLAN_SUMMARY, ReportFormat.XLSX): Recipe(
        _load_summary, summary_xlsx, "Bao cao ket qua kiem tra"
    ),
}


def documents_warm_up() -> None:
    """Produce a sample notice in PDF, discarding it: loads WeasyPrint, the fonts in every style
    and the print templates (about 2 s), so that a worker process pays this when it starts
    rather than on a user's first PDF."""
    from ..documents import samples

    conclusion_pdf(samples.conclusion_notice())


# Requesting


@transaction.atomic
def report_request(
    *,
    user,
    kind: str,
    format: str,
    visit: Visit | None = None,
    plan: InspectionPlan | None = None,
    unit: Unit | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Report:
    """Record a report request and queue its production after the commit.

    The caller has checked that ``user`` may see the scope. A second click while the same
    report of the same user is still queued or running returns that report instead of a new one.
    Raises ValidationError for a format the kind does not come in or a scope that does not fit.
    """
    if format not in KIND_FORMATS.get(kind, []):
        raise ValidationError(_("This report does not come in that format."), code="format")
    scope = {
        ReportKind.CONCLUSION: visit is not None and plan is None and unit is None,
        ReportKind.PLAN_SUMMARY: plan is not None and visit is None and unit is None,
        ReportKind.FOLLOW_UP: visit is None and ((plan is None) != (unit is None)),
    }
    if not scope.get(kind):
        raise ValidationError(_("This report is not made for that page."), code="scope")
    if period_start and period_end and period_end < period_start:
        raise ValidationError(_("The period must end on or after its start."), code="period")
    fields = {
        "kind": kind,
        "format": format,
        "visit": visit,
        "plan": plan,
        "unit": unit,
        "period_start": period_start,
        "period_end": period_end,
    }
    existing = Report.objects.filter(requested_by=user, state__in=PENDING_STATES, **fields).first()
    if existing is not None:
        return existing
    report = Report.objects.create(requested_by=user, **fields)
    report_queue(report_id=report.pk)
    return report


def report_queue(*, report_id: int) -> None:
    """Send the production task once the current transaction commits (never before the row exists)."""
    from ..tasks import generate_report

    generate_report.delay_on_commit(report_id)


# Producing


def _set_progress(report: Report, value: int) -> None:
    Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(progress=value)


def _claim(report_id: int) -> Report | None:
    """Move the report to running if it still waits for a worker; None if there is nothing to do.

    A report already done or failed is left alone: a re-delivered task produces nothing twice.
    A running one is taken over: with late acknowledgement a task is only re-delivered when the
    worker that had it died (or its retry came due), so nobody else is producing it.
    """
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, state__in=PENDING_STATES, attempts__lt=MAX_ATTEMPTS).update(
        state=ReportState.RUNNING,
        started_at=now,
        finished_at=None,
        progress=5,
        attempts=F("attempts") + 1,
        error="",
    )
    if claimed:
        return Report.objects.select_related("visit__unit", "plan", "unit").get(pk=report_id)
    stale = Report.objects.filter(pk=report_id, state__in=PENDING_STATES).first()
    if stale is not None:
        report_fail(
            report=stale,
            message=_("The report could not be produced after %(count)s attempts. Please request it again.")
            % {"count": MAX_ATTEMPTS},
        )
    return None


def report_fail(*, report: Report, message: str) -> None:
    """Mark ``report`` failed with ``message`` (shown to the user), unless it finished meanwhile."""
    Report.objects.filter(pk=report.pk, state__in=PENDING_STATES).update(
        state=ReportState.FAILED, error=message, finished_at=timezone.now()
    )


def download_name(report: Report, data) -> str:
    """ "thong-bao-ket-luan_12-tb-snv_ubnd-xa-binh-tan.docx": ASCII, so every mail client and
    file system keeps it."""
    recipe = RECIPES[(report.kind, report.format)]
    parts = [recipe.title]
    head = getattr(data, "letterhead", None)
    if head is not None and head.number:
        parts.append(f"{head.number}-{head.symbol}")
    if report.visit_id:
        parts.append(report.visit.unit.name)
    elif report.plan_id:
        parts.append(report.plan.title)
    elif report.unit_id:
        parts.append(report.unit.name)
    slug = "_".join(slugify(fold(p)) for p in parts if p)
    return f"{slug[:150]}.{report.format}"


def report_generate(*, report_id: int, final_attempt: bool = True) -> Report | None:
    """Produce the file of report ``report_id`` (in a worker). Returns the report, or None when
    there was nothing to do (already done or failed, or unknown).

    Progress goes 5 (claimed) -> 30 (data loaded) -> [the builder's steps] -> 90 (document
    built) -> 100 (stored). A
    transient error puts the report back in the queue and raises TransientReportError for the
    task to retry, unless ``final_attempt``; any other error, or running past the soft time
    limit, fails the report with a message the user sees (the details go to the log).
    """
    report = _claim(report_id)
    if report is None:
        return None
    recipe = RECIPES[(report.kind, report.format)]
    try:
        data = recipe.load(report)
        _set_progress(report, 30)
        if recipe.reports_progress:
            content = recipe.build(data, progress=lambda percent: _set_progress(report, percent))
        else:
            content = recipe.build(data)
        _set_progress(report, 90)
        _store(report, content, download_name(report, data))
    except SoftTimeLimitExceeded:
        logger.warning("Report %s ran past the soft time limit", report_id)
        report_fail(
            report=report,
            message=_("The report took longer than %(seconds)s seconds and was stopped. Try a smaller scope.")
            % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT},
        )
    except TRANSIENT_ERRORS as exc:
        if final_attempt:
            logger.exception("Report %s failed after its retries", report_id)
            report_fail(
                report=report, message=_("A temporary error stopped the report. Please request it again.")
            )
        else:
            logger.warning("Report %s hit a transient error, retrying: %s", report_id, exc)
            Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(
                state=ReportState.QUEUED, progress=0, error=_("A temporary error occurred; retrying.")
            )
            raise TransientReportError(str(exc)) from exc
    except Exception:
        logger.exception("Report %s failed", report_id)
        report_fail(
            report=report, message=_("The report could not be produced because of an internal error.")
        )
    report.refresh_from_db()
    return report


def _store(report: Report, content: bytes, filename: str) -> None:
    """Save the file under the report's fixed name (replacing a half-written one) and finish."""
    field = report.file
    name = report_path(report, filename)
    if field.storage.exists(name):
        field.storage.delete(name)
    saved = field.storage.save(name, ContentFile(content))
    finished = Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(
        file=saved,
        filename=filename,
        size=len(content),
        state=ReportState.DONE,
        progress=100,
        finished_at=timezone.now(),
        error="",
    )
    if not finished:
        # Failed meanwhile (the sweeper gave up on it): keep nothing it would not show.
        field.storage.delete(saved)


# Rescuing


def reports_sweep_stuck(*, now=None) -> dict[str, int]:
    """Rescue reports a dead worker left "running" past the hard time limit (plus a margin).

    Such a report is queued once more if it has attempts left, else failed with a message the
    user sees. Queued reports no worker took for as long are re-sent once too (a lost message).
    Returns the counts {"requeued": n, "failed": m}.
    """
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + settings.REPORT_STUCK_MARGIN_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    stuck = list(
        Report.objects.filter(state=ReportState.RUNNING, started_at__lt=now - limit).values_list(
            "pk", "attempts"
        )
    )
    for pk, attempts in stuck:
        if attempts < 2:
            with transaction.atomic():
                moved = Report.objects.filter(
                    pk=pk, state=ReportState.RUNNING, started_at__lt=now - limit
                ).update(state=ReportState.QUEUED, progress=0, error=_("The worker stopped; trying again."))
                if moved:
                    report_queue(report_id=pk)
                    counts["requeued"] += 1
        else:
            moved = Report.objects.filter(pk=pk, state=ReportState.RUNNING).update(
                state=ReportState.FAILED,
                finished_at=now,
                error=_(
                    "The worker producing this report stopped before it finished. Please request it again."
                ),
            )
            counts["failed"] += moved
    lost = Report.objects.filter(
        state=ReportState.QUEUED, attempts=0, requested_at__lt=now - limit, started_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(lost):
        with transaction.atomic():
            # attempts=1 marks it re-sent, so a report whose message is lost again is not re-sent forever.
            if Report.objects.filter(pk=pk, state=ReportState.QUEUED, attempts=0).update(attempts=1):
                report_queue(report_id=pk)
                counts["requeued"] += 1
    stale_queued = Report.objects.filter(
        state=ReportState.QUEUED, attempts__gte=1, started_at__isnull=True, requested_at__lt=now - 2 * limit
    ).update(
        state=ReportState.FAILED,
        finished_at=now,
        error=_("No worker took this report up. Please try again later or tell the administrator."),
    )
    counts["failed"] += stale_queued
    return counts
