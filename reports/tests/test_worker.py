"""A real Celery worker produces the reports: on Redis when REDIS_URL is set (CI), else in memory.

The worker runs in a thread of this process (celery.contrib.testing.worker.start_worker) against
the app as settings configured it: its broker is Redis with REDIS_URL and memory:// without. The
suite's autouse fixture forces eager tasks; @pytest.mark.celery_worker opts these tests out.
"""

import os
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import OperationalError, connections

from config.celery import app
from reports import services
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.tasks import generate_report

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


def _close_connections(**kwargs):
    # The worker thread's connections would outlive the test and block dropping the test
    # database on PostgreSQL; close them after each task.
    connections.close_all()


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ) as w:
            yield w
    finally:
        task_postrun.disconnect(_close_connections)
        app.conf.task_always_eager = eager


def wait_until_finished(report: Report) -> Report:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            report.refresh_from_db()
        except OperationalError:
            # SQLite's shared-cache test database answers "table is locked" instead of waiting
            # while the worker thread writes; ask again.
            time.sleep(0.2)
            continue
        if report.state in (ReportState.DONE, ReportState.FAILED):
            return report
        time.sleep(0.2)
    raise AssertionError(f"report still {report.state} ({report.progress}%) after {TIMEOUT} s")


def test_the_broker_is_redis_in_ci_and_memory_otherwise():
    expected = "redis" if os.environ.get("REDIS_URL") else "memory"
    assert app.conf.broker_url.startswith(expected)


def test_a_worker_produces_the_requested_notice(worker, binh_tan_visit, head):
    report = services.report_request(
        user=head, kind=ReportKind.CONCLUSION, format=ReportFormat.PDF, visit=binh_tan_visit
    )
    assert Report.objects.get(pk=report.pk).state in (
        ReportState.QUEUED,
        ReportState.RUNNING,
        ReportState.DONE,
    )

    report = wait_until_finished(report)

    assert (report.state, report.error, report.progress) == (ReportState.DONE, "", 100)
    assert report.file.open("rb").read(4) == b"%PDF"


def test_the_same_task_delivered_twice_makes_one_file(worker, binh_tan_visit, head, tmp_path):
    report = services.report_request(
        user=head, kind=ReportKind.CONCLUSION, format=ReportFormat.DOCX, visit=binh_tan_visit
    )
    # Under load the first delivery may take a second attempt (SQLite's shared test database can
    # refuse a write with "table is locked"); what matters is that the late delivery adds none.
    attempts = wait_until_finished(report).attempts
    finished = threading.Event()
    second = None

    def on_postrun(task_id, **kwargs):
        if second is not None and task_id == second.id:
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        second = generate_report.delay(report.pk)
        # Wait on the worker's signal rather than the result backend: on SQLite the backend's
        # polling reads a table the worker thread is writing and fails with "table is locked".
        assert finished.wait(TIMEOUT), "the second delivery never ran"
    finally:
        task_postrun.disconnect(on_postrun)

    wait_until_finished(report)
    assert (report.state, report.attempts) == (ReportState.DONE, attempts)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
