"""Nothing lost, nothing doubled, nothing stuck: reports and notices with a real worker process
under faults (a task delivered twice, the worker killed with -9 mid-build, Redis stopped and
started again), and a double POST of the request form.

Run on PostgreSQL (the CI leg with services); each test starts its own Redis on another loopback
port and its own worker process, and is bounded in time. See tests/faults.py.
"""

import datetime as dt
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxItem
from findings.models import Conclusion
from findings.tests.factories import FindingFactory
from inspections.models import VisitStatus
from reports import services
from reports.models import Report, ReportState
from tests.faults import (
    RedisServer,
    Worker,
    broker,
    free_port,
    require_postgres,
    require_redis_server,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fault_env(settings, tmp_path):
    """Own Redis, this process's broker on it, short heartbeats; the workers a test starts are
    stopped at the end."""
    require_postgres()
    require_redis_server()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_HEARTBEAT_SECONDS = 0.5
    settings.REPORT_STALE_SECONDS = 3
    (tmp_path / "mail").mkdir()
    redis = RedisServer(free_port(), tmp_path)
    redis.start()
    workers = []

    def start_worker(name, **options):
        worker = Worker(
            broker_url=redis.url,
            media=tmp_path / "media",
            mail_dir=tmp_path / "mail",
            log=tmp_path / f"{name}.log",
            name=name,
            **options,
        )
        workers.append(worker)
        return worker

    try:
        with broker(redis.url):
            yield {
                "redis": redis,
                "start_worker": start_worker,
                "media": tmp_path / "media",
                "mail": tmp_path / "mail",
            }
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
        connection.close()


def finished(report: Report, timeout: float = 60) -> Report:
    def done():
        report.refresh_from_db()
        return report.state in (ReportState.DONE, ReportState.FAILED)

    wait_for(done, timeout=timeout, what=f"report {report.pk} finished")
    return report


def files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_task_delivered_twice_at_once_makes_one_report_with_its_file(
    fault_env, client, head, binh_tan_visit
):
    # Finding 1: the second delivery took the running report over; the later store deleted the
    # finished file, and the page said "done" with a download that answered 404.
    fault_env["start_worker"]("twice", pool="prefork", concurrency=2, build_delay=2)
    from reports.tasks import generate_report

    report = services.report_request(user=head, kind="conclusion", format="pdf", visit=binh_tan_visit)
    generate_report.apply_async(kwargs={"report_id": report.pk})  # the duplicate delivery

    report = finished(report)

    assert (report.state, report.attempts, report.error) == (ReportState.DONE, 1, "")
    client.force_login(head)
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert files(fault_env["media"]) == [fault_env["media"] / report.file.name]


def test_a_worker_killed_mid_build_is_noticed_and_the_report_completes_elsewhere(
    fault_env, client, head, binh_tan_visit
):
    # Finding 4: after a whole-worker crash the report showed "Đang tạo… 30%" for ~9 minutes.
    first = fault_env["start_worker"]("doomed", build_delay=30)
    report = services.report_request(user=head, kind="conclusion", format="docx", visit=binh_tan_visit)

    def building():
        report.refresh_from_db()
        return report.state == ReportState.RUNNING and report.progress >= 30

    wait_for(building, timeout=30, what="the report being built")
    first.kill()

    client.force_login(head)
    status = reverse("reports:status", args=[report.pk])
    wait_for(
        lambda: "Đang chờ xử lý lại" in client.get(status).content.decode(),
        timeout=10,
        what="shown as stalled",
    )

    fault_env["start_worker"]("rescuer")
    assert services.reports_sweep_stuck() == {"requeued": 1, "failed": 0}  # beat: every minute
    report = finished(report)
    assert (report.state, report.attempts) == (ReportState.DONE, 2)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 200
    assert files(fault_env["media"]) == [fault_env["media"] / report.file.name]


def test_with_redis_stopped_requests_are_saved_and_everything_follows_once_it_is_back(
    fault_env, client, head, inspector, binh_tan_visit, tan_my_visit, mailoutbox
):
    # Finding 2: with Redis down the request and the conclusion committed, then the page was a
    # 500 and the conclusion e-mail was never queued again.
    from core.tasks import outbox_deliver, outbox_sweep

    tan_my_visit.status = VisitStatus.REVIEWED
    tan_my_visit.save(update_fields=["status"])
    FindingFactory(visit=tan_my_visit, created_by=inspector, approved=True)
    fault_env["start_worker"]("steady")
    fault_env["redis"].stop()

    client.force_login(head)
    page = client.post(
        reverse("reports:request"),
        {"visit": binh_tan_visit.pk, "kind": "conclusion", "format": "docx"},
        follow=True,
    )
    assert page.status_code == 200
    assert "báo cáo sẽ được tạo ngay khi hàng đợi hoạt động trở lại" in page.content.decode()
    report = Report.objects.get()
    assert report.state == ReportState.QUEUED

    client.force_login(inspector)
    concluded = client.post(
        reverse("findings:visit_conclude", args=[tan_my_visit.pk]),
        {
            "version": tan_my_visit.version,
            "date": "2027-01-20",
            "symbol": "TB-SNV",
            "authority_line": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Đỗ Thị Thanh Trang",
            "due_date": "2027-02-19",
        },
        follow=True,
    )
    assert concluded.status_code == 200
    tan_my_visit.refresh_from_db()
    assert tan_my_visit.status == VisitStatus.CONCLUDED
    assert any("dịch vụ thư hoạt động trở lại" in str(m) for m in concluded.context["messages"])
    assert OutboxItem.objects.filter(sent_at__isnull=True).count() == 2

    fault_env["redis"].start()
    # What beat does every minute; the worker reconnects by itself.
    later = timezone.now() + dt.timedelta(hours=2)
    OutboxItem.objects.update(next_attempt_at=timezone.now())
    outbox_sweep.apply_async()
    report = finished(report, timeout=90)
    assert report.state == ReportState.DONE

    conclusion = Conclusion.objects.get(visit=tan_my_visit)
    wait_for(
        lambda: not OutboxItem.objects.filter(sent_at__isnull=True).exists(), timeout=30, what="outbox empty"
    )
    # Again and again: the sweep, a re-delivered e-mail task. Still one e-mail.
    assert outbox.sweep(now=later) == {"sent": 0, "failed": 0}
    outbox_deliver.apply_async(args=[OutboxItem.objects.get(kind="email").pk])
    outbox_sweep.apply_async()
    wait_for(lambda: OutboxItem.objects.filter(sent_at__isnull=False).count() == 2, timeout=10, what="sent")
    time.sleep(2)  # give a duplicate, if any, the time to arrive
    mails = [p.read_text(errors="replace") for p in files(fault_env["mail"])]
    with_reference = [m for m in mails if conclusion.reference in m]
    assert len(with_reference) == 1, mails
    assert mailoutbox == []  # nothing was sent by the web process


def test_a_double_post_of_the_request_form_makes_one_report(client, head, binh_tan_visit, monkeypatch):
    # Finding 6: check-then-create; two clicks at the same instant made two reports. Both
    # requests are held just before their insert, so that both checks would have found nothing.
    require_postgres()
    import threading
    from unittest import mock

    from django.db import connections
    from django.test import Client

    monkeypatch.setattr(outbox, "_in_process", lambda: False)  # the broker "takes" the task
    barrier = threading.Barrier(2, timeout=20)
    real_create = Report.objects.create

    def create_together(**fields):
        barrier.wait()
        return real_create(**fields)

    statuses = []

    def click():
        try:
            browser = Client()
            browser.force_login(head)
            response = browser.post(
                reverse("reports:request"),
                {"visit": binh_tan_visit.pk, "kind": "conclusion", "format": "pdf"},
            )
            statuses.append((response.status_code, response.url))
        finally:
            connections.close_all()

    with (
        mock.patch("celery.app.task.Task.apply_async"),
        mock.patch.object(type(Report.objects), "create", side_effect=create_together, autospec=False),
    ):
        threads = [threading.Thread(target=click) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

    report = Report.objects.get()
    assert statuses == [(302, report.get_absolute_url())] * 2
