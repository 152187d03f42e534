"""Security events: sign-ins, failures, lockouts, role and right changes, exports, issued documents;
read-only in the admin; pruned after the retention period."""

from datetime import timedelta

import pytest
from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityEvent, SecurityEventKind
from core.tasks import prune_security_events
from findings.tests.conftest import plan, template, visit  # noqa: F401  fixtures
from findings.tests.factories import FindingFactory
from inspections.models import VisitStatus
from reports.models import Report, ReportFormat, ReportKind, ReportState
from units.roles import Role
from units.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "DongThap2026"


@pytest.fixture
def account(department):
    user = UserFactory(username="canbo", unit=department, roles=[Role.INSPECTOR])
    user.set_password(PASSWORD)
    user.save()
    SecurityEvent.objects.all().delete()  # those of setting the account up
    return user


def _events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("id"))


def test_a_sign_in_is_recorded_with_the_address(client, account):
    response = client.post(
        reverse("login"), {"username": "canbo", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    [event] = _events(SecurityEventKind.LOGIN)
    assert (event.actor_id, event.actor_username, event.ip_address) == (account.pk, "canbo", "203.0.113.7")


def test_a_failed_sign_in_is_recorded_without_the_password(client, account):
    client.post(
        reverse("login"), {"username": "canbo", "password": "sai-mat-khau-1"}, REMOTE_ADDR="203.0.113.8"
    )
    [event] = _events(SecurityEventKind.LOGIN_FAILED)
    assert (event.actor_username, event.ip_address) == ("canbo", "203.0.113.8")
    assert "sai-mat-khau-1" not in str(event.detail)


def test_a_lockout_is_recorded(client, account):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            reverse("login"), {"username": "canbo", "password": f"sai{n}"}, REMOTE_ADDR="203.0.113.9"
        )
    assert response.status_code == 429
    assert [e.actor_username for e in _events(SecurityEventKind.LOCKOUT)][:1] == ["canbo"]
    assert len(_events(SecurityEventKind.LOGIN_FAILED)) >= settings.AXES_FAILURE_LIMIT


def test_a_role_change_is_recorded_with_old_and_new_roles_and_who_made_it(administrator, account):
    head_group, _ = Group.objects.get_or_create(name=Role.HEAD)
    SecurityEvent.objects.all().delete()
    with set_actor(administrator, remote_addr="198.51.100.4"):
        account.groups.add(head_group)
        account.groups.remove(Group.objects.get(name=Role.INSPECTOR))

    added, removed = _events(SecurityEventKind.ROLES_CHANGED)
    assert (added.actor_username, added.subject_username, added.ip_address) == (
        "administrator",
        "canbo",
        "198.51.100.4",
    )
    assert added.detail == {
        "field": "groups",
        "old": [Role.INSPECTOR],
        "new": sorted([Role.INSPECTOR, Role.HEAD]),
    }
    assert removed.detail == {
        "field": "groups",
        "old": sorted([Role.INSPECTOR, Role.HEAD]),
        "new": [Role.HEAD],
    }


def test_clearing_every_role_is_recorded(account):
    account.groups.clear()
    [event] = _events(SecurityEventKind.ROLES_CHANGED)
    assert (event.detail["old"], event.detail["new"]) == ([Role.INSPECTOR], [])


def test_becoming_superuser_or_staff_is_recorded(administrator, account):
    SecurityEvent.objects.all().delete()
    with set_actor(administrator):
        account.is_superuser = True
        account.is_staff = True
        account.save()
        account.last_name = "Nguyễn"
        account.save(update_fields=["last_name"])

    [event] = _events(SecurityEventKind.PRIVILEGES_CHANGED)
    assert event.subject_username == "canbo"
    assert event.actor_username == "administrator"
    assert event.detail == {
        "field": "flags",
        "old": {"is_superuser": False, "is_staff": False},
        "new": {"is_superuser": True, "is_staff": True},
    }


def test_a_download_of_a_list_is_recorded(client, head):
    client.force_login(head)
    response = client.get(reverse("dashboards:export_units"), {"format": "csv", "kind": "commune"})
    assert response.status_code == 200
    [event] = _events(SecurityEventKind.EXPORT)
    assert event.actor_username == "head"
    assert event.detail == {"export": "don-vi", "format": "csv", "query": "format=csv&kind=commune"}


def test_a_download_of_a_generated_report_is_recorded(client, leader, visit, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    report = Report(
        kind=ReportKind.PLAN_SUMMARY,
        format=ReportFormat.XLSX,
        plan=visit.plan,
        state=ReportState.DONE,
        requested_by=leader,
        filename="tong-hop.xlsx",
        size=4,
    )
    report.file.save("tong-hop.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    report.save()
    client.force_login(leader)

    response = client.get(reverse("reports:download", args=[report.pk]))

    assert response.status_code == 200
    [event] = _events(SecurityEventKind.EXPORT)
    assert event.actor_username == "leader"
    assert event.detail["export"] == f"report-{report.pk}-plan_summary"
    assert event.detail["format"] == "xlsx"


def test_the_conclusion_notice_is_recorded_when_issued(
    client,
    leader,
    visit,  # noqa: F811  the fixture imported above
    django_capture_on_commit_callbacks,
):
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    FindingFactory(visit=visit, created_by=leader, approved=True)
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:visit_conclude", args=[visit.pk]),
            {
                "version": visit.version,
                "date": "2027-01-20",
                "symbol": "TB-SNV",
                "signer_title": "GIÁM ĐỐC",
                "signer_name": "Đỗ Thị Thanh Trang",
                "due_date": "2027-02-19",
            },
        )
    assert response.status_code == 302
    [event] = _events(SecurityEventKind.DOCUMENT_ISSUED)
    assert event.actor_username == "leader"
    assert event.detail["document"] == "conclusion"
    assert event.detail["number"] == "1/TB-SNV"


# The administrator reads them; nobody changes them


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def event(account):
    return SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, actor_username="canbo")


def test_the_administrator_sees_security_events_in_the_admin(client, superuser, event):
    client.force_login(superuser)
    response = client.get(reverse("admin:core_securityevent_changelist"))
    assert response.status_code == 200
    assert "canbo" in response.content.decode()


def test_the_administrator_role_sees_them_and_other_roles_do_not(client, administrator, head, event):
    client.force_login(administrator)
    apps = client.get(reverse("admin:index")).context["app_list"]
    assert "core" in [app["app_label"] for app in apps]
    assert client.get(reverse("admin:core_securityevent_changelist")).status_code == 200
    head.is_staff = True  # even a staff account without the administrator role
    head.save()
    client.force_login(head)
    assert client.get(reverse("admin:core_securityevent_changelist")).status_code == 403


def test_security_events_cannot_be_added_changed_or_deleted_in_the_admin(client, superuser, event):
    client.force_login(superuser)
    change = reverse("admin:core_securityevent_change", args=[event.pk])
    assert client.get(reverse("admin:core_securityevent_add")).status_code == 403
    assert client.post(reverse("admin:core_securityevent_delete", args=[event.pk])).status_code == 403
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(change, {"kind": "logout", "actor_username": "x"})
    client.post(
        reverse("admin:core_securityevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert (event.kind, event.actor_username) == (SecurityEventKind.LOGIN, "canbo")


# Retention


def test_events_past_the_retention_period_are_pruned_and_the_rest_kept(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 365
    now = timezone.now()
    old = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, at=now - timedelta(days=366))
    kept = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, at=now - timedelta(days=364))

    assert prune_security_events.delay().get() == 1
    assert prune_security_events.delay().get() == 0  # idempotent

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()


def test_the_pruning_runs_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["core-prune-security-events"]
    assert entry["task"] == "core.tasks.prune_security_events"
    assert settings.SECURITY_EVENT_RETENTION_DAYS == 365
