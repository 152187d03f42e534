"""Daily reminders to the units, escalation to the heads, weekly digest; each sent once."""

import datetime as dt

import pytest

from findings.models import ActionState, Escalation, RemediationAction, ReminderLog
from findings.services import head_digest_send, remediation_reminders_send
from units.roles import Role
from units.tests.factories import UserFactory

from .factories import ActionFactory, FindingFactory, conclude


@pytest.fixture
def binh_tan_visit(visit, leader):
    """The visit of xã Bình Tấn concluded, with two actions due on 19/02/2027 and 15/03/2027."""
    iso = FindingFactory(
        visit=visit,
        created_by=leader,
        approved=True,
        recommendation="Xây dựng và vận hành hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
    )
    archive = FindingFactory(
        visit=visit,
        created_by=leader,
        approved=True,
        recommendation="Cử công chức văn thư tham gia bồi dưỡng nghiệp vụ",
    )
    conclude(visit, leader)
    ActionFactory(finding=iso, due_date=dt.date(2027, 2, 19))
    ActionFactory(finding=archive, due_date=dt.date(2027, 3, 15))
    return visit


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.REMINDER_DUE_SOON_DAYS = 7
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    settings.LANGUAGE_CODE = "en"


def test_nothing_is_sent_while_no_action_is_near_its_due_date(binh_tan_visit, liaison, head, mailoutbox):
    assert remediation_reminders_send(today=dt.date(2027, 2, 1)) == {"reminders": 0, "escalations": 0}
    assert mailoutbox == []


def test_the_liaison_is_reminded_of_an_action_due_within_a_week(binh_tan_visit, liaison, mailoutbox):
    result = remediation_reminders_send(today=dt.date(2027, 2, 14))

    assert result == {"reminders": 1, "escalations": 0}
    (mail,) = mailoutbox
    assert mail.to == [liaison.email]
    assert "0 overdue, 1 due within 7 days" in mail.subject
    assert "Xây dựng và vận hành hệ thống quản lý chất lượng" in mail.body
    assert "19/02/2027" in mail.body
    assert "Cử công chức văn thư" not in mail.body  # due 15/03, not within the week


def test_overdue_and_due_soon_actions_go_in_one_message(binh_tan_visit, liaison, mailoutbox):
    remediation_reminders_send(today=dt.date(2027, 3, 10))
    (mail,) = [m for m in mailoutbox if m.to == [liaison.email]]
    assert "1 overdue, 1 due within 7 days" in mail.subject
    assert "19 days overdue" in mail.body


def test_a_second_run_the_same_day_sends_nothing(binh_tan_visit, liaison, mailoutbox):
    remediation_reminders_send(today=dt.date(2027, 2, 14))
    remediation_reminders_send(today=dt.date(2027, 2, 14))
    assert len(mailoutbox) == 1
    assert ReminderLog.objects.count() == 1
    remediation_reminders_send(today=dt.date(2027, 2, 15))
    assert len(mailoutbox) == 2


def test_a_unit_without_a_liaison_is_written_to_at_its_own_address(binh_tan_visit, commune, mailoutbox):
    commune.email = "ubnd.binhtan@example.vn"
    commune.save(update_fields=["email"])
    remediation_reminders_send(today=dt.date(2027, 2, 14))
    assert [m.to for m in mailoutbox] == [["ubnd.binhtan@example.vn"]]


def test_actions_reported_done_or_verified_are_not_reminded(binh_tan_visit, liaison, mailoutbox):
    RemediationAction.objects.update(state=ActionState.REPORTED_DONE)
    remediation_reminders_send(today=dt.date(2027, 3, 10))
    assert mailoutbox == []


def test_if_sending_fails_the_claim_is_released_for_the_retry(
    binh_tan_visit, liaison, mailoutbox, monkeypatch
):
    from django.core.mail import EmailMessage

    def broken(self, *args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(OSError):
        remediation_reminders_send(today=dt.date(2027, 2, 14))
    assert ReminderLog.objects.count() == 0


def test_an_action_overdue_by_more_than_the_setting_is_escalated_once_to_the_heads(
    binh_tan_visit, liaison, head, mailoutbox
):
    remediation_reminders_send(today=dt.date(2027, 3, 5))  # 14 days late: not yet
    assert [m.to for m in mailoutbox] == [[liaison.email]]

    mailoutbox.clear()
    result = remediation_reminders_send(today=dt.date(2027, 3, 6))  # 15 days late
    assert result == {"reminders": 1, "escalations": 1}
    escalation = next(m for m in mailoutbox if m.to == [head.email])
    assert "overdue by more than 14 days" in escalation.subject
    assert "Xã Bình Tấn" in escalation.body and "15 days overdue" in escalation.body
    assert Escalation.objects.count() == 1

    mailoutbox.clear()
    remediation_reminders_send(today=dt.date(2027, 3, 7))
    assert [m.to for m in mailoutbox] == [[liaison.email]]  # the heads heard once


def test_an_extended_action_running_late_again_is_escalated_again(binh_tan_visit, head, mailoutbox):
    remediation_reminders_send(today=dt.date(2027, 3, 6))
    action = RemediationAction.objects.order_by("due_date").first()
    action.due_date = dt.date(2027, 4, 1)
    action.save(update_fields=["due_date"])
    mailoutbox.clear()
    remediation_reminders_send(today=dt.date(2027, 4, 20))
    assert any(m.to == [head.email] for m in mailoutbox)
    assert Escalation.objects.count() == 3  # both actions are now more than 14 days late


def test_heads_of_another_province_are_not_told(binh_tan_visit, outsider, mailoutbox):
    outsider.email = "outsider@example.vn"
    outsider.save(update_fields=["email"])
    remediation_reminders_send(today=dt.date(2027, 3, 20))
    assert all(m.to != [outsider.email] for m in mailoutbox)


def test_the_weekly_digest_sums_up_what_each_head_oversees(binh_tan_visit, head, mailoutbox):
    sent = head_digest_send(today=dt.date(2027, 3, 1))

    assert sent == 1
    (mail,) = mailoutbox
    assert mail.to == [head.email]
    assert "1 overdue" in mail.subject
    assert "Open: 2" in mail.body
    assert "10 days overdue" in mail.body
    assert head_digest_send(today=dt.date(2027, 3, 1)) == 0


def test_a_head_with_nothing_to_oversee_gets_no_digest(db, department, mailoutbox):
    UserFactory(username="quiet_head", unit=department, roles=[Role.HEAD])
    assert head_digest_send(today=dt.date(2027, 3, 1)) == 0
    assert mailoutbox == []


def test_the_tasks_call_their_services(binh_tan_visit, liaison, head, mailoutbox, time_machine):
    from findings.tasks import send_head_digest, send_remediation_reminders

    time_machine.move_to(dt.datetime(2027, 2, 14, 7, 0, tzinfo=dt.UTC))
    assert send_remediation_reminders.delay().get() == {"reminders": 1, "escalations": 0}
    assert send_head_digest.delay().get() == 1


def test_the_schedule_names_the_reminder_tasks_where_they_live(settings):
    from findings.tasks import send_head_digest, send_remediation_reminders

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {send_remediation_reminders.name, send_head_digest.name} <= scheduled
    assert send_remediation_reminders.name == "findings.tasks.send_remediation_reminders"
