"""Requesting a report, producing it in a worker, and rescuing the ones a dead worker left behind.

State machine: ``queued -> running -> done | failed``. Exactly one result on at-least-once
delivery (tasks acknowledge late, so a task may arrive twice, or late):

- a worker *claims* the report under its row lock: a queued report, or a running one whose
  holder stopped sending heartbeats. The claim counts an attempt, and that number is the
  holder's fencing token; a delivery finding the report done, failed, or running under a live
  holder does nothing;
- the holder renews its lease (``heartbeat_at``) from a background thread while it builds, and
  every write it makes names its token, so a holder whose lease was taken over writes nothing;
- the file is written under a temporary name, then, under the row lock and only while the token
  is still current, moved into place atomically in the transaction that marks the row done and
  points it to the file. Nothing is ever deleted on the way;
- the sweeper (every minute) queues again a report whose heartbeat is older than
  REPORT_STALE_SECONDS, until MAX_ATTEMPTS, then fails it with the reason (the page offers
  "try again"). Tasks are queued through the outbox (core.outbox), with the change.
"""

import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import outbox
from core.text import fold
from inspections.models import InspectionPlan, Visit
from units.models import Unit

from ..documents import loaders
from ..documents.conclusion import conclusion_docx, conclusion_pdf
from ..documents.followup import follow_up_docx, follow_up_pdf, follow_up_xlsx
from ..documents.summary import summary_docx, summary_xlsx
from ..models import (
    KIND_FORMATS,
    PENDING_STATES,
    PENDING_UNIQUE,
    Report,
    ReportFormat,
    ReportKind,
    ReportState,
    report_path,
)

logger = logging.getLogger(__name__)

# A worker may take a report up this many times (retries of transient errors and re-deliveries
# after a worker died); then it is failed rather than tried forever.
MAX_ATTEMPTS = 5


class TransientReportError(Exception):
    """A failure worth retrying (database or disk hiccup); the task retries with a backoff."""


class LeaseLost(Exception):
    """Another worker took the report over (this one was presumed dead): stop, write nothing."""


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
    return loaders.conclusion_notice_data(visit=report.visit)


def _load_follow_up(report: Report):
    return loaders.follow_up_data(
        plan=report.plan,
        unit=report.unit,
        period_start=report.period_start,
        period_end=report.period_end,
        today=timezone.localdate(),
    )


def _load_summary(report: Report):
    return loaders.plan_summary_data(plan=report.plan, today=timezone.localdate())


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
    """Produce a sample notice in DOCX and PDF, discarding them: loads python-docx, WeasyPrint,
    the fonts in every style and the print templates (about 2 s), so that a worker process pays
    this when it starts rather than on a user's first document (documents/warm.py)."""
    from ..documents import warm

    warm.warm_up()


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
    """Record a report request and queue its production (through the outbox, with the row).

    The caller has checked that ``user`` may see the scope. A request identical to one of the
    same user still queued or running returns that report: the database holds one pending report
    per identity (constraint PENDING_UNIQUE), so two clicks at the same instant get one report.
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
        "requested_by": user,
        "kind": kind,
        "format": format,
        "visit": visit,
        "plan": plan,
        "unit": unit,
        "period_start": period_start,
        "period_end": period_end,
    }
    # The pending one may finish between a failed insert and the read: then insert again.
    for _try in range(3):
        try:
            with transaction.atomic():
                report = Report.objects.create(**fields)
        except IntegrityError as exc:
            if PENDING_UNIQUE not in str(exc):
                raise
            existing = Report.objects.filter(state__in=PENDING_STATES, **fields).first()
            if existing is not None:
                return existing
            continue
        report_queue(report=report)
        return report
    raise IntegrityError("report_request: the pending report kept changing")


def report_retry(*, user, report: Report) -> Report:
    """ "Try again" on a failed report: a new request of the same document by ``user`` (or the
    pending one). The failed report stays as it is, with its reason. A report that is not failed
    is returned unchanged."""
    if report.state != ReportState.FAILED:
        return report
    return report_request(
        user=user,
        kind=report.kind,
        format=report.format,
        visit=report.visit,
        plan=report.plan,
        unit=report.unit,
        period_start=report.period_start,
        period_end=report.period_end,
    )


def report_queue(*, report: Report, key: str | None = None) -> bool:
    """Write the production task to the outbox (sent once the current transaction commits).

    ``key`` names the event (default: the report's current attempt), so queuing the same event
    twice sends one task. Returns whether a task was written.
    """
    key = key or f"reports.generate:{report.pk}:{report.attempts}"
    return outbox.enqueue_task("reports.tasks.generate_report", key=key, report_id=report.pk)[1]


def report_queue_waiting(*, report: Report) -> bool:
    """Whether the queue refused the report's task so far (the outbox sends it when it answers)."""
    return outbox.is_waiting(f"reports.generate:{report.pk}:{report.attempts}")


# Producing


class _Heartbeat:
    """Renews the holder's lease every REPORT_HEARTBEAT_SECONDS from a thread of its own (a
    document builder may spend long in one call); notices when the lease was taken over."""

    def __init__(self, report_id: int, token: int):
        self.report_id, self.token = report_id, token
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"report-{report_id}-heartbeat", daemon=True)

    def __enter__(self):
        if settings.REPORT_HEARTBEAT_SECONDS > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self):
        try:
            while not self._stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
                try:
                    if not _holder(self.report_id, self.token).update(heartbeat_at=timezone.now()):
                        self.lost = True
                        return
                except DatabaseError:
                    logger.warning("Report %s: heartbeat not written", self.report_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def _holder(report_id: int, token: int):
    """The report, if ``token`` still holds it."""
    return Report.objects.filter(pk=report_id, state=ReportState.RUNNING, attempts=token)


def _set_progress(report: Report, token: int, value: int) -> None:
    if not _holder(report.pk, token).update(progress=value, heartbeat_at=timezone.now()):
        raise LeaseLost


def _claim(report_id: int) -> tuple[Report, int] | None:
    """Take the report up if it waits for a worker, or if its holder stopped sending heartbeats;
    returns (report, token), or None when there is nothing to do.

    Done, failed, or running under a live holder: nothing (a duplicate or late delivery). Past
    MAX_ATTEMPTS a pending report is failed with the reason.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return None
        claimable = report.state == ReportState.QUEUED or (
            report.state == ReportState.RUNNING
            and (report.heartbeat_at is None or report.heartbeat_at < stale_before)
        )
        if not claimable:
            return None
        if report.attempts >= MAX_ATTEMPTS:
            _fail_locked(
                report,
                _("The report could not be produced after %(count)s attempts. Please request it again.")
                % {"count": MAX_ATTEMPTS},
            )
            return None
        report.state = ReportState.RUNNING
        report.attempts += 1
        report.started_at = report.heartbeat_at = now
        report.finished_at = None
        report.progress = 5
        report.error = ""
        report.save(
            update_fields=[
                "state",
                "attempts",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "progress",
                "error",
            ]
        )
    report = Report.objects.select_related("visit__unit", "plan", "unit").get(pk=report_id)
    return report, report.attempts


def _fail_locked(report: Report, message: str) -> None:
    report.state = ReportState.FAILED
    report.error = message
    report.finished_at = timezone.now()
    report.save(update_fields=["state", "error", "finished_at"])


def report_fail(*, report: Report, message: str, token: int | None = None) -> None:
    """Mark ``report`` failed with ``message`` (shown to the user), unless it finished meanwhile
    or (with ``token``) another worker holds it now."""
    reports = Report.objects.filter(pk=report.pk, state__in=PENDING_STATES)
    if token is not None:
        reports = reports.filter(attempts=token)
    reports.update(state=ReportState.FAILED, error=message, finished_at=timezone.now())


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
    there was nothing to do (already done or failed, held by a live worker, or unknown) or when
    another worker took it over meanwhile.

    Progress goes 5 (claimed) -> 30 (data loaded) -> [the builder's steps] -> 90 (document
    built) -> 100 (stored). A transient error puts the report back in the queue and raises
    TransientReportError for the task to retry, unless ``final_attempt``; any other error, or
    running past the soft time limit, fails the report with a message the user sees (the details
    go to the log).
    """
    claimed = _claim(report_id)
    if claimed is None:
        return None
    report, token = claimed
    recipe = RECIPES[(report.kind, report.format)]
    try:
        with _Heartbeat(report.pk, token):
            data = recipe.load(report)
            _set_progress(report, token, 30)
            if recipe.reports_progress:
                content = recipe.build(data, progress=lambda percent: _set_progress(report, token, percent))
            else:
                content = recipe.build(data)
            _set_progress(report, token, 90)
            if not _store(report, token, content, download_name(report, data)):
                raise LeaseLost
    except LeaseLost:
        logger.warning(
            "Report %s: attempt %s was taken over by another worker; its work is dropped", report_id, token
        )
        return None
    except SoftTimeLimitExceeded:
        logger.warning("Report %s ran past the soft time limit", report_id)
        report_fail(
            report=report,
            token=token,
            message=_("The report took longer than %(seconds)s seconds and was stopped. Try a smaller scope.")
            % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT},
        )
    except TRANSIENT_ERRORS as exc:
        if final_attempt:
            logger.exception("Report %s failed after its retries", report_id)
            report_fail(
                report=report,
                token=token,
                message=_("A temporary error stopped the report. Please request it again."),
            )
        else:
            logger.warning("Report %s hit a transient error, retrying: %s", report_id, exc)
            _holder(report.pk, token).update(
                state=ReportState.QUEUED,
                progress=0,
                queued_at=timezone.now(),
                error=_("A temporary error occurred; retrying."),
            )
            raise TransientReportError(str(exc)) from exc
    except Exception:
        logger.exception("Report %s failed", report_id)
        report_fail(
            report=report,
            token=token,
            message=_("The report could not be produced because of an internal error."),
        )
    report.refresh_from_db()
    return report


def _store(report: Report, token: int, content: bytes, filename: str) -> bool:
    """Store the file and finish, if ``token`` still holds the report; True if stored.

    On a local disk the content goes to a temporary file beside the final one first. Then, under
    the row lock and only for the current holder, it is renamed into place (atomic on one file
    system) and the row is marked done and pointed to it in the same transaction. A holder that
    lost its lease removes its own temporary file and nothing else. In a bucket (no local path)
    each attempt writes its own object (a PUT is atomic); the row is pointed to it under the same
    lock, and a holder that lost its lease deletes only its own object.
    """
    storage = report.file.storage
    name = report_path(report, filename)
    if not _has_local_path(storage):
        return _store_object(report, token, content, filename, name)
    final_path = storage.path(name)
    os.makedirs(os.path.dirname(final_path), exist_ok=True)
    temporary = f"{final_path}.{token}.{uuid.uuid4().hex[:8]}.part"
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        with transaction.atomic():
            if not _still_holds(report, token):
                return False
            os.replace(temporary, final_path)
            _finish(report, token, name, filename, len(content))
            return True
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _store_object(report: Report, token: int, content: bytes, filename: str, name: str) -> bool:
    storage = report.file.storage
    stem, dot, suffix = name.rpartition(".")
    stored = storage.save(f"{stem}-{token}-{uuid.uuid4().hex[:8]}{dot}{suffix}", ContentFile(content))
    with transaction.atomic():
        if _still_holds(report, token):
            _finish(report, token, stored, filename, len(content))
            return True
    storage.delete(stored)
    return False


def _has_local_path(storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def _still_holds(report: Report, token: int) -> bool:
    return _holder(report.pk, token).select_for_update().values_list("pk", flat=True).first() is not None


def _finish(report: Report, token: int, name: str, filename: str, size: int) -> None:
    _holder(report.pk, token).update(
        file=name,
        filename=filename,
        size=size,
        state=ReportState.DONE,
        progress=100,
        finished_at=timezone.now(),
        error="",
    )
