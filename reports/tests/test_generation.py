"""Requesting and producing reports: states, progress, idempotence, retries, rescue of stuck ones."""

import datetime as dt
import io
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook

from core.models import OutboxItem
from reports import services
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services import generation


def queued(user, **fields) -> Report:
    """A report row as the request leaves it, without running the task."""
    defaults = {"kind": ReportKind.CONCLUSION, "format": ReportFormat.DOCX}
    return Report.objects.create(requested_by=user, **{**defaults, **fields})


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_request_is_produced_at_once_in_the_embedded_default(
    binh_tan_visit, head, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(
            user=head, kind=ReportKind.CONCLUSION, format=ReportFormat.DOCX, visit=binh_tan_visit
        )

    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert report.progress == 100
    assert report.attempts == 1
    assert report.started_at <= report.finished_at
    assert report.filename == "thong-bao-ket-luan_12-tb-snv_xa-binh-tan.docx"
    assert report.file.name.endswith(f"/{report.pk}/report.docx")
    doc = Document(report.file.open("rb"))
    assert "Số: 12/TB-SNV" in [p.text for p in doc.tables[0].cell(1, 0).paragraphs]


def test_every_kind_and_format_is_produced(binh_tan_visit, plan_2027, commune, head, media):
    scopes = {
        ReportKind.CONCLUSION: {"visit": binh_tan_visit},
        ReportKind.FOLLOW_UP: {"plan": plan_2027},
        ReportKind.PLAN_SUMMARY: {"plan": plan_2027},
    }
    for (kind, fmt), _recipe in services.RECIPES.items():
        report = queued(head, kind=kind, format=fmt, **scopes[kind])
        services.report_generate(report_id=report.pk)
        report.refresh_from_db()
        assert (report.state, report.error) == (ReportState.DONE, ""), (kind, fmt)
        assert report.size > 1000
    unit_report = queued(head, kind=ReportKind.FOLLOW_UP, format=ReportFormat.XLSX, unit=commune)
    services.report_generate(report_id=unit_report.pk)
    unit_report.refresh_from_db()
    rows = list(load_workbook(unit_report.file.open("rb"))["Khắc phục"].values)
    assert any(row and row[1] == "Xã Bình Tấn" for row in rows)


def test_a_second_click_while_pending_returns_the_same_report(binh_tan_visit, head, media):
    with mock.patch.object(generation, "report_queue"):
        first = services.report_request(user=head, kind="conclusion", format="pdf", visit=binh_tan_visit)
        second = services.report_request(user=head, kind="conclusion", format="pdf", visit=binh_tan_visit)
    assert first == second
    assert Report.objects.count() == 1


def test_the_task_is_written_to_the_outbox_with_the_row_and_runs_after_the_commit(
    binh_tan_visit, head, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_request(user=head, kind="conclusion", format="docx", visit=binh_tan_visit)
        item = OutboxItem.objects.get()
        assert (item.key, item.name, item.kwargs, item.sent_at) == (
            f"reports.generate:{report.pk}:0",
            "reports.tasks.generate_report",
            {"report_id": report.pk},
            None,
        )
    assert Report.objects.get(pk=report.pk).state == ReportState.QUEUED
    for callback in callbacks:
        callback()
    assert Report.objects.get(pk=report.pk).state == ReportState.DONE
    assert OutboxItem.objects.get().sent_at is not None


@pytest.mark.parametrize(
    ("kind", "fmt", "scope"),
    [
        ("conclusion", "xlsx", "visit"),
        ("plan_summary", "pdf", "plan"),
        ("conclusion", "docx", "plan"),
        ("plan_summary", "docx", "visit"),
    ],
)
def test_a_format_or_scope_the_kind_does_not_have_is_refused(
    binh_tan_visit, plan_2027, head, kind, fmt, scope
):
    objects = {"visit": binh_tan_visit, "plan": plan_2027}
    with pytest.raises(ValidationError):
        services.report_request(user=head, kind=kind, format=fmt, **{scope: objects[scope]})
    assert Report.objects.count() == 0


def test_a_redelivered_task_produces_no_second_file(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    services.report_generate(report_id=report.pk)
    first = files_under(media)

    assert services.report_generate(report_id=report.pk) is None

    report.refresh_from_db()
    assert (report.state, report.attempts) == (ReportState.DONE, 1)
    assert files_under(media) == first and len(first) == 1


def test_a_task_redelivered_after_its_worker_died_finishes_the_report_in_the_same_file(
    binh_tan_visit, head, media
):
    report = queued(head, visit=binh_tan_visit)
    # The dead worker had claimed it, stopped sending heartbeats and left a file behind.
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING,
        attempts=1,
        started_at=timezone.now() - dt.timedelta(minutes=2),
        heartbeat_at=timezone.now() - dt.timedelta(minutes=2),
    )
    half = media / generation.report_path(report, "")
    half.parent.mkdir(parents=True)
    half.write_bytes(b"half")

    services.report_generate(report_id=report.pk)

    report.refresh_from_db()
    assert (report.state, report.attempts) == (ReportState.DONE, 2)
    assert files_under(media) == [half]
    assert half.read_bytes()[:2] == b"PK"


def test_progress_is_written_as_the_report_goes(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    seen = []
    real_build = services.RECIPES[("conclusion", "docx")].build

    def spy(data):
        seen.append(Report.objects.get(pk=report.pk).progress)
        return real_build(data)

    recipe = services.RECIPES[("conclusion", "docx")]
    with mock.patch.dict(
        services.RECIPES, {("conclusion", "docx"): recipe.__class__(recipe.load, spy, recipe.title)}
    ):
        services.report_generate(report_id=report.pk)
    assert seen == [30]
    assert Report.objects.get(pk=report.pk).progress == 100


def _failing(exc):
    recipe = services.RECIPES[("conclusion", "docx")]

    def boom(data):
        raise exc

    return mock.patch.dict(
        services.RECIPES, {("conclusion", "docx"): recipe.__class__(recipe.load, boom, recipe.title)}
    )


def test_a_transient_error_puts_the_report_back_in_the_queue_for_a_retry(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    with _failing(OperationalError("database is locked")), pytest.raises(services.TransientReportError):
        services.report_generate(report_id=report.pk, final_attempt=False)
    report.refresh_from_db()
    assert (report.state, report.progress) == (ReportState.QUEUED, 0)


def test_the_last_attempt_at_a_transient_error_fails_with_a_message(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    with _failing(OperationalError("database is locked")):
        services.report_generate(report_id=report.pk, final_attempt=True)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == _("A temporary error stopped the report. Please request it again.")
    assert files_under(media) == []


def test_the_worker_task_retries_a_transient_error_with_a_backoff(binh_tan_visit, head, media):
    from reports.tasks import generate_report

    report = queued(head, visit=binh_tan_visit)
    with (
        _failing(OperationalError("database is locked")),
        mock.patch.object(generate_report, "retry", return_value=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError),
    ):
        generate_report.run(report.pk)
    assert retry.call_args.kwargs["countdown"] == 5
    report.refresh_from_db()
    assert report.state == ReportState.QUEUED


def test_in_process_a_transient_error_fails_the_report_instead_of_raising_into_the_page(
    binh_tan_visit, head, media
):
    from reports.tasks import generate_report

    report = queued(head, visit=binh_tan_visit)
    with _failing(OperationalError("database is locked")):
        result = generate_report.apply(args=[report.pk])
    assert result.get() == ReportState.FAILED
    assert Report.objects.get(pk=report.pk).state == ReportState.FAILED


def test_a_bug_fails_the_report_with_a_message_and_no_retry(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    with _failing(ValueError("bad data")):
        services.report_generate(report_id=report.pk, final_attempt=False)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == _("The report could not be produced because of an internal error.")


def test_the_soft_time_limit_stops_the_report_with_a_message(binh_tan_visit, head, media, settings):
    report = queued(head, visit=binh_tan_visit)
    with _failing(SoftTimeLimitExceeded()):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert str(settings.CELERY_TASK_SOFT_TIME_LIMIT) in report.error


def test_a_report_taken_up_too_many_times_is_failed(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    Report.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, attempts=services.MAX_ATTEMPTS)
    assert services.report_generate(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == _(
        "The report could not be produced after %(count)s attempts. Please request it again."
    ) % {"count": services.MAX_ATTEMPTS}


def test_an_unknown_report_is_nothing_to_do(db):
    assert services.report_generate(report_id=999) is None


def _stuck(report, *, seconds, attempts):
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING,
        attempts=attempts,
        started_at=timezone.now() - dt.timedelta(seconds=seconds + 30),
        heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds),
        progress=30,
    )


def test_a_report_whose_worker_stopped_its_heartbeat_shows_so_and_is_queued_again(
    binh_tan_visit, head, media
):
    report = queued(head, visit=binh_tan_visit)
    _stuck(report, seconds=61, attempts=1)
    assert Report.objects.get(pk=report.pk).is_stalled

    assert services.reports_sweep_stuck() == {"requeued": 1, "failed": 0}

    report.refresh_from_db()
    assert (report.state, report.progress, report.is_waiting_again) == (ReportState.QUEUED, 0, True)
    assert OutboxItem.objects.filter(key=f"reports.generate:{report.pk}:1").exists()
    # A second sweep (or a second sweeper) queues nothing more.
    assert services.reports_sweep_stuck() == {"requeued": 0, "failed": 0}


def test_after_the_last_attempt_a_stopped_report_fails_with_the_reason(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    _stuck(report, seconds=61, attempts=services.MAX_ATTEMPTS)
    assert services.reports_sweep_stuck() == {"requeued": 0, "failed": 1}
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert str(services.MAX_ATTEMPTS) in report.error


def test_a_report_with_a_live_heartbeat_is_left_alone(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    _stuck(report, seconds=20, attempts=1)
    assert services.reports_sweep_stuck() == {"requeued": 0, "failed": 0}
    report.refresh_from_db()
    assert (report.state, report.is_stalled) == (ReportState.RUNNING, False)


def test_a_report_no_worker_took_is_resent_once_then_failed(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    Report.objects.filter(pk=report.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=6))
    assert services.reports_sweep_stuck()["requeued"] == 1
    assert services.reports_sweep_stuck()["requeued"] == 0
    assert OutboxItem.objects.filter(key=f"reports.generate:{report.pk}:0:resent").count() == 1
    Report.objects.filter(pk=report.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=11))
    assert services.reports_sweep_stuck()["failed"] == 1
    assert Report.objects.get(pk=report.pk).state == ReportState.FAILED


def test_the_sweeper_task_runs_from_the_schedule(settings):
    from reports.tasks import sweep_stuck_reports

    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "reports.tasks.sweep_stuck_reports",
        "findings.tasks.send_remediation_reminders",
        "findings.tasks.send_head_digest",
    } <= entries
    assert sweep_stuck_reports.name == "reports.tasks.sweep_stuck_reports"


def test_the_pdf_of_the_notice_is_real_pdf(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit, format=ReportFormat.PDF)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    content = report.file.open("rb").read()
    assert content.startswith(b"%PDF")
    assert report.content_type == "application/pdf"
    assert io.BytesIO(content).getbuffer().nbytes == report.size


def test_a_worker_process_loads_the_pdf_engine_as_it_starts():
    from celery.signals import worker_process_init

    import reports.tasks  # noqa: F401 - connects the handler, as the worker's autodiscovery does

    with mock.patch.object(services, "documents_warm_up") as warm_up:
        worker_process_init.send(sender=None)
    warm_up.assert_called_once_with()


def test_the_plan_summary_reports_its_steps_as_it_goes(binh_tan_visit, plan_2027, head, media):
    report = queued(head, kind=ReportKind.PLAN_SUMMARY, plan=plan_2027)
    seen = []
    real = generation._set_progress

    def spy(report, token, value):
        seen.append(value)
        real(report, token, value)

    with mock.patch.object(generation, "_set_progress", spy):
        services.report_generate(report_id=report.pk)
    assert seen == [30, 50, 70, 90]
    assert Report.objects.get(pk=report.pk).progress == 100


def _claimed_by_a_live_worker(report):
    """What the first delivery leaves while it builds: running, attempt 1, a fresh heartbeat."""
    report_and_token = generation._claim(report.pk)
    assert report_and_token is not None
    return report_and_token[1]


def test_a_second_delivery_while_the_first_builds_does_nothing_and_the_file_stays(
    binh_tan_visit, head, media
):
    # Finding 1: the second delivery used to take the running report over; the later store then
    # deleted the finished file and its own copy, leaving "done" with no file.
    report = queued(head, visit=binh_tan_visit)
    token = _claimed_by_a_live_worker(report)

    assert services.report_generate(report_id=report.pk) is None  # the duplicate delivery

    report = Report.objects.select_related("visit__unit").get(pk=report.pk)
    assert (report.state, report.attempts) == (ReportState.RUNNING, token)
    data = services.RECIPES[(report.kind, report.format)].load(report)
    content = services.RECIPES[(report.kind, report.format)].build(data)
    assert generation._store(report, token, content, "x.docx")
    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert report.file.open("rb").read() == content
    assert files_under(media) == [media / report.file.name]


def test_a_worker_whose_lease_was_taken_over_stores_nothing(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    old_token = _claimed_by_a_live_worker(report)
    # The first worker seemed dead (no heartbeat for a while); a re-delivery took the report.
    Report.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    assert services.report_generate(report_id=report.pk).state == ReportState.DONE
    produced = Report.objects.get(pk=report.pk)
    assert produced.attempts == old_token + 1
    kept = produced.file.open("rb").read()

    # The first worker wakes up and tries to finish: fenced out, and nothing of the other's touched.
    assert generation._store(produced, old_token, b"stale", "old.docx") is False
    with pytest.raises(generation.LeaseLost):
        generation._set_progress(produced, old_token, 50)
    produced.refresh_from_db()
    assert (produced.state, produced.attempts) == (ReportState.DONE, old_token + 1)
    assert produced.file.open("rb").read() == kept
    assert files_under(media) == [media / produced.file.name]


def test_the_database_keeps_one_pending_report_per_identity(binh_tan_visit, head):
    from django.db import IntegrityError, transaction

    queued(head, visit=binh_tan_visit)
    with pytest.raises(IntegrityError), transaction.atomic():
        queued(head, visit=binh_tan_visit)
    # A finished one does not count: the same document may be requested again.
    Report.objects.update(state=ReportState.FAILED)
    queued(head, visit=binh_tan_visit)
    assert Report.objects.count() == 2


def test_try_again_after_a_failure_makes_a_new_request(
    binh_tan_visit, head, media, django_capture_on_commit_callbacks
):
    failed = queued(head, visit=binh_tan_visit)
    Report.objects.filter(pk=failed.pk).update(state=ReportState.FAILED, error="boom")
    failed.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_retry(user=head, report=failed)
    assert again.pk != failed.pk
    again.refresh_from_db()
    assert again.state == ReportState.DONE
    assert Report.objects.get(pk=failed.pk).state == ReportState.FAILED


def test_a_report_left_running_before_heartbeats_existed_is_rescued_too(binh_tan_visit, head, media):
    report = queued(head, visit=binh_tan_visit)
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, attempts=1, started_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert services.reports_sweep_stuck() == {"requeued": 1, "failed": 0}
