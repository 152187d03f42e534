"""What the user sees of a report whose worker stopped, "try again" after a failure, and files
that follow their rows (deleted after the commit by any path; find_orphans for the rest)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportState
from reports.services import report_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _report(user, visit, **fields) -> Report:
    return Report.objects.create(
        **{"requested_by": user, "kind": "conclusion", "format": "docx", "visit": visit, **fields}
    )


def test_a_report_whose_worker_went_silent_says_it_waits_to_be_redone(client, head, binh_tan_visit):
    # Finding 4: after a whole-worker crash the page showed "Đang tạo… 30%" for ~9 minutes.
    silent = timezone.now() - dt.timedelta(seconds=90)
    report = _report(
        head, binh_tan_visit, state=ReportState.RUNNING, attempts=1, progress=30, heartbeat_at=silent
    )
    client.force_login(head)
    page = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "Đang chờ xử lý lại" in page and "Đang tạo" not in page
    row = client.get(reverse("reports:status", args=[report.pk]) + "?as=row").content.decode()
    assert "Đang chờ xử lý lại" in row


def test_a_failed_report_offers_try_again_which_produces_it(
    client, head, binh_tan_visit, media, django_capture_on_commit_callbacks
):
    failed = _report(
        head, binh_tan_visit, state=ReportState.FAILED, error="Tiến trình tạo báo cáo đã dừng 5 lần"
    )
    client.force_login(head)
    page = client.get(reverse("reports:detail", args=[failed.pk])).content.decode()
    assert "Tiến trình tạo báo cáo đã dừng 5 lần" in page
    assert reverse("reports:retry", args=[failed.pk]) in page and "Thử lại" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[failed.pk]))

    again = Report.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response.url == again.get_absolute_url()
    again.refresh_from_db()
    assert (again.state, again.requested_by) == (ReportState.DONE, head)
    assert Report.objects.get(pk=failed.pk).state == ReportState.FAILED


def test_try_again_is_post_only_and_hidden_from_outsiders(client, head, outsider, binh_tan_visit):
    failed = _report(head, binh_tan_visit, state=ReportState.FAILED, error="x")
    url = reverse("reports:retry", args=[failed.pk])
    assert client.post(url).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(head)
    assert client.get(url).status_code == 405
    assert Report.objects.count() == 1


# Files follow their rows


@pytest.mark.django_db(transaction=True)
def test_deleting_reports_in_bulk_removes_their_files_after_the_commit(head, binh_tan_visit, media):
    # Finding 7: the admin, a bulk delete or a cascade left the files on disk.
    report = _report(head, binh_tan_visit)
    report_generate(report_id=report.pk)
    report.refresh_from_db()
    path = media / report.file.name
    assert path.exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        Report.objects.filter(pk=report.pk).delete()
        raise RuntimeError  # rolled back: the file stays with its row
    assert path.exists()

    Report.objects.filter(pk=report.pk).delete()
    assert not path.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_the_visit_cascades_to_its_reports_files(head, binh_tan_visit, media):
    report = _report(head, binh_tan_visit)
    report_generate(report_id=report.pk)
    report.refresh_from_db()
    path = media / report.file.name
    Report.objects.filter(visit=binh_tan_visit).delete()
    assert not path.exists()


def test_find_orphans_lists_and_removes_orphan_files_and_rows_without_file(
    head, binh_tan_visit, media, django_capture_on_commit_callbacks
):
    done = _report(head, binh_tan_visit)
    report_generate(report_id=done.pk)
    done.refresh_from_db()
    lost = _report(head, binh_tan_visit, format="pdf")
    report_generate(report_id=lost.pk)
    lost.refresh_from_db()
    (media / lost.file.name).unlink()
    orphan = media / "reports" / "2026" / "01" / "99" / "report.docx"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"old")

    out = io.StringIO()
    call_command("find_orphans", "--min-age", "0", stdout=out)
    text = out.getvalue()
    assert "orphan file: reports/2026/01/99/report.docx" in text
    assert f"missing file: reports.Report #{lost.pk}" in text
    assert done.file.name not in text
    assert orphan.exists() and Report.objects.count() == 2

    call_command("find_orphans", "--min-age", "0", "--delete", stdout=io.StringIO())
    assert not orphan.exists()
    assert list(Report.objects.values_list("pk", flat=True)) == [done.pk]
    assert (media / done.file.name).exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_request_is_saved_and_the_page_says_it_will_follow(
    client, head, binh_tan_visit, monkeypatch
):
    # Finding 2: delay_on_commit raised inside on_commit: a 500 after the request was saved.
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    from core import outbox

    monkeypatch.setattr(outbox, "_in_process", lambda: False)
    client.force_login(head)
    with mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("Error 111")):
        page = client.post(
            reverse("reports:request"),
            {"visit": binh_tan_visit.pk, "kind": "conclusion", "format": "docx"},
            follow=True,
        )
    assert page.status_code == 200
    assert "báo cáo sẽ được tạo ngay khi hàng đợi hoạt động trở lại" in page.content.decode()
    assert Report.objects.get().state == ReportState.QUEUED
