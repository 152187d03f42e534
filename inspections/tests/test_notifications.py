"""E-mails about visits: sent after the commit by a Celery task, with an .ics, exactly once."""

from datetime import date

from django.db import transaction
from icalendar import Calendar

from inspections.models import VisitEvent, VisitEventKind
from inspections.services import visit_create, visit_notice_send, visit_reschedule
from inspections.tasks import send_visit_notice
from units.roles import Role
from units.tests.factories import UserFactory

from .factories import at


def _schedule(approved_plan, commune, leader, inspector):
    return visit_create(
        plan=approved_plan,
        unit=commune,
        starts_at=at(date(2027, 2, 3), 8),
        ends_at=at(date(2027, 2, 3), 11, 30),
        team=[(leader, "leader"), (inspector, "member")],
        created_by=None,
        place="Trụ sở UBND xã Bình Tấn",
    )


def test_nothing_is_sent_before_the_transaction_commits(
    approved_plan, commune, leader, inspector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _schedule(approved_plan, commune, leader, inspector)

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_a_rolled_back_visit_sends_nothing(
    approved_plan, commune, leader, inspector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _schedule(approved_plan, commune, leader, inspector)
                raise RuntimeError
        except RuntimeError:
            pass

    assert mailoutbox == []


def test_the_unit_contact_and_its_liaisons_receive_the_notice_and_the_team_is_copied(
    approved_plan, commune, leader, inspector, liaison, mailoutbox, django_capture_on_commit_callbacks
):
    commune.email = "binhtan@example.vn"
    commune.save(update_fields=["email"])
    UserFactory(unit=commune, roles=[Role.LIAISON], is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        visit = _schedule(approved_plan, commune, leader, inspector)

    (mail,) = mailoutbox
    assert mail.to == ["binhtan@example.vn", liaison.email]
    assert mail.cc == [leader.email, inspector.email]
    assert mail.subject == "Lịch kiểm tra: Xã Bình Tấn ngày 03/02/2027"
    assert "08:00–11:30" in mail.body
    assert "Trụ sở UBND xã Bình Tấn" in mail.body
    assert f"{leader.get_full_name()} (Trưởng đoàn)" in mail.body
    assert approved_plan.decision_label in mail.body
    name, content, mimetype = mail.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar; method=REQUEST; charset=utf-8"
    calendar = Calendar.from_ical(content)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"visit-{visit.pk}@kiem-tra-cchc"
    assert event.decoded("dtstart") == visit.starts_at
    assert event.decoded("dtend") == visit.ends_at
    assert str(event["location"]) == "Trụ sở UBND xã Bình Tấn"


def test_a_moved_visit_keeps_its_calendar_uid_with_a_higher_sequence(
    approved_plan, commune, leader, inspector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = _schedule(approved_plan, commune, leader, inspector)
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(
            visit=visit,
            version=visit.version,
            actor=None,
            starts_at=at(date(2027, 2, 4), 8),
            ends_at=at(date(2027, 2, 4), 11),
            reason="Trùng lịch",
        )

    first, moved = (Calendar.from_ical(m.attachments[0][1]).walk("VEVENT")[0] for m in mailoutbox)
    assert first["uid"] == moved["uid"]
    assert moved["sequence"] > first["sequence"]
    assert "Trùng lịch" in mailoutbox[1].body


def test_the_task_sends_each_notice_once(
    approved_plan, commune, leader, inspector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        visit = _schedule(approved_plan, commune, leader, inspector)
    event = VisitEvent.objects.get(visit=visit, kind=VisitEventKind.SCHEDULED)

    assert send_visit_notice.delay(visit.pk, event.pk).get() == 1
    assert send_visit_notice.delay(visit.pk, event.pk).get() == 0

    event.refresh_from_db()
    assert len(mailoutbox) == 1
    assert event.notified_at is not None


def test_a_failed_sending_is_released_for_a_retry(
    approved_plan, commune, leader, inspector, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        visit = _schedule(approved_plan, commune, leader, inspector)
    event = VisitEvent.objects.get(visit=visit)

    def broken(self, *args, **kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    try:
        visit_notice_send(visit_id=visit.pk, event_id=event.pk)
    except OSError:
        pass

    event.refresh_from_db()
    assert event.notified_at is None


def test_a_visit_nobody_can_be_told_about_sends_nothing(
    approved_plan, commune, mailoutbox, django_capture_on_commit_callbacks
):
    silent = UserFactory(email="", roles=[Role.INSPECTOR])
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(approved_plan, commune, silent, UserFactory(email="", roles=[Role.INSPECTOR]))

    assert mailoutbox == []
