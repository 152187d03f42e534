"""The Django admin answers every administrator's request without a server error.

Rows written by services only (reports by the worker, reminder logs and escalations by the
reminder service) are read-only in the admin: no add, change or delete.
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from findings.models import Escalation, ReminderLog
from findings.models.reminders import ReminderKind
from reports.models import Report, ReportFormat, ReportKind, ReportState
from units.tests.factories import ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


def test_the_administrator_opens_a_finished_report_in_the_admin(client, superuser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        kind=ReportKind.FOLLOW_UP,
        unit=ProvinceFactory(),
        format=ReportFormat.XLSX,
        requested_by=superuser,
        filename="bao-cao.xlsx",
    )
    report.file.save("report.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    report.state = ReportState.DONE
    report.save()
    client.force_login(superuser)

    response = client.get(reverse("admin:reports_report_change", args=[report.pk]))

    assert response.status_code == 200
    assert "bao-cao.xlsx" in response.content.decode()
    # Read-only: a POST changes nothing.
    client.post(reverse("admin:reports_report_change", args=[report.pk]), {"state": "failed"})
    report.refresh_from_db()
    assert report.state == ReportState.DONE


@pytest.mark.parametrize("model", [ReminderLog, Escalation])
def test_reminder_rows_cannot_be_added_changed_or_deleted_in_the_admin(client, superuser, model):
    client.force_login(superuser)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    assert client.get(reverse(f"{name}_changelist")).status_code == 200
    response = client.post(reverse(f"{name}_add"), {})

    assert response.status_code == 403
    assert model.objects.count() == 0


def test_a_reminder_log_is_shown_but_cannot_be_changed_or_deleted(client, superuser):
    log = ReminderLog.objects.create(
        kind=ReminderKind.values[0], recipient="lienlac@binhtan.gov.vn", sent_on=date(2026, 3, 2), actions=[1]
    )
    client.force_login(superuser)
    change = reverse("admin:findings_reminderlog_change", args=[log.pk])

    page = client.get(change)
    client.post(change, {"recipient": "khac@example.com", "kind": log.kind, "sent_on": "2026-03-03"})
    deleted = client.post(reverse("admin:findings_reminderlog_delete", args=[log.pk]), {"post": "yes"})

    assert page.status_code == 200 and "lienlac@binhtan.gov.vn" in page.content.decode()
    assert deleted.status_code == 403
    log.refresh_from_db()
    assert log.recipient == "lienlac@binhtan.gov.vn"
