"""A visit's page and its changes: edit, reschedule, cancel, start."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from core.versioning import STALE
from inspections.models import (
    PlanStatus,
    TeamMember,
    TeamRole,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import VisitFactory, at

# Detail


def test_anonymous_visitor_is_sent_to_login_from_a_visit(client, visit):
    assert client.get(visit.get_absolute_url())["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["scheduler", "head", "leader", "inspector", "liaison", "administrator"])
def test_the_people_concerned_see_the_visit(client, request, role, visit):
    client.force_login(request.getfixturevalue(role))

    response = client.get(visit.get_absolute_url())

    assert response.status_code == 200
    assert "Xã Bình Tấn" in response.content.decode()


def test_an_inspector_not_on_the_team_cannot_find_the_visit(client, department, visit):
    other = UserFactory(unit=department, roles=[Role.INSPECTOR])
    client.force_login(other)

    assert client.get(visit.get_absolute_url()).status_code == 404


def test_a_liaison_cannot_find_another_units_visit(client, liaison, approved_plan, other_commune, leader):
    other = VisitFactory(plan=approved_plan, unit=other_commune, leader=leader)
    client.force_login(liaison)

    assert client.get(other.get_absolute_url()).status_code == 404


def test_outsider_cannot_find_the_visit(client, outsider, visit):
    client.force_login(outsider)

    assert client.get(visit.get_absolute_url()).status_code == 404


def test_the_visit_page_shows_the_team_and_the_history(client, scheduler, visit, leader):
    VisitEvent.objects.create(
        visit=visit, kind=VisitEventKind.RESCHEDULED, reason="Trùng lịch họp HĐND xã", actor=scheduler
    )
    client.force_login(scheduler)

    response = client.get(visit.get_absolute_url())

    body = response.content.decode()
    assert str(leader) in body and "Leader" in body
    assert "Trùng lịch họp HĐND xã" in body
    assert response.context["can_edit"] and response.context["can_cancel"]


# Edit


def _edit_form(visit, **overrides):
    leader = visit.leader
    data = {"place": "Hội trường", "notes": "", "leader": leader.pk, "version": visit.version}
    data.update(overrides)
    return data


def test_scheduler_changes_the_team_of_a_scheduled_visit(client, scheduler, visit, leader, inspector, head):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:visit_edit", args=[visit.pk]),
        _edit_form(visit, leader=head.pk, members=[leader.pk]),
    )

    visit.refresh_from_db()
    assert response.status_code == 302
    assert visit.place == "Hội trường"
    assert visit.version == 2
    assert dict(TeamMember.objects.filter(visit=visit).values_list("user", "role")) == {
        head.pk: TeamRole.LEADER,
        leader.pk: TeamRole.MEMBER,
    }
    assert VisitEvent.objects.filter(visit=visit, kind=VisitEventKind.TEAM_CHANGED).exists()


def test_a_scheduled_visit_is_not_moved_by_the_edit_form(client, scheduler, visit):
    client.force_login(scheduler)
    start = visit.starts_at

    page = client.get(reverse("inspections:visit_edit", args=[visit.pk]))
    client.post(reverse("inspections:visit_edit", args=[visit.pk]), _edit_form(visit, day="2027-02-01"))

    visit.refresh_from_db()
    assert "day" not in page.context["form"].fields
    assert visit.starts_at == start


def test_a_draft_visit_is_adjusted_by_hand(client, scheduler, plan, commune, leader):
    draft = VisitFactory(plan=plan, unit=commune, leader=leader)
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:visit_edit", args=[draft.pk]),
        _edit_form(draft, unit=commune.pk, day="2027-01-20", start_time="13:30", end_time="16:30"),
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.starts_at == at(date(2027, 1, 20), 13, 30)
    assert draft.status == VisitStatus.DRAFT


def test_a_stale_edit_form_is_refused_with_a_clear_message(client, scheduler, visit):
    client.force_login(scheduler)
    Visit.objects.filter(pk=visit.pk).update(version=5)

    response = client.post(
        reverse("inspections:visit_edit", args=[visit.pk]), _edit_form(visit, place="Khác")
    )

    visit.refresh_from_db()
    assert response.status_code == 200
    # The one stale message of every versioned form (these tests run in English).
    assert response.context["form"].non_field_errors() == [str(STALE)]
    assert visit.place != "Khác"


def test_moving_a_draft_onto_a_busy_inspector_is_pointed_out_and_nothing_changes(
    client, scheduler, plan, commune, other_commune, leader
):
    VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2027, 1, 20), 8),
        ends_at=at(date(2027, 1, 20), 11),
    )
    draft = VisitFactory(plan=plan, unit=other_commune, leader=leader)
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:visit_edit", args=[draft.pk]),
        _edit_form(
            draft, unit=other_commune.pk, day="2027-01-20", start_time="10:00", end_time="11:30", place="Khác"
        ),
    )

    draft.refresh_from_db()
    assert "already on the visit to" in response.context["form"].errors["leader"][0]
    assert (draft.place, draft.version) == ("", 1)


@pytest.mark.parametrize("role", ["leader", "head", "liaison"])
def test_read_only_roles_may_not_edit_a_visit(client, request, role, visit):
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse("inspections:visit_edit", args=[visit.pk]), _edit_form(visit, place="Khác")
    )

    assert response.status_code == 403


def test_an_in_progress_visit_cannot_be_edited_even_by_an_administrator(client, administrator, visit):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.IN_PROGRESS)
    client.force_login(administrator)

    assert client.get(reverse("inspections:visit_edit", args=[visit.pk])).status_code == 403


# Reschedule


def _move(visit, **overrides):
    data = {
        "day": "2027-01-19",
        "start_time": "13:30",
        "end_time": "16:30",
        "reason": "Xã có lịch tiếp xúc cử tri",
        "version": visit.version,
    }
    data.update(overrides)
    return data


def test_rescheduling_moves_the_visit_keeps_the_reason_and_tells_everyone(
    client, scheduler, visit, commune, leader, inspector, django_capture_on_commit_callbacks, mailoutbox
):
    commune.email = "binhtan@example.vn"
    commune.save(update_fields=["email"])
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit))

    visit.refresh_from_db()
    event = VisitEvent.objects.get(visit=visit, kind=VisitEventKind.RESCHEDULED)
    assert response.status_code == 302
    assert visit.starts_at == at(date(2027, 1, 19), 13, 30)
    assert event.reason == "Xã có lịch tiếp xúc cử tri"
    assert event.actor == scheduler and event.notified_at
    (mail,) = mailoutbox
    assert mail.to == ["binhtan@example.vn"]
    assert set(mail.cc) == {leader.email, inspector.email}
    assert "19/01/2027" in mail.subject
    assert "12/01/2027" in mail.body and "Xã có lịch tiếp xúc cử tri" in mail.body
    name, ics, mimetype = mail.attachments[0]
    assert mimetype.startswith("text/calendar")
    event_ics = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event_ics.decoded("dtstart") == visit.starts_at
    assert event_ics["sequence"] == visit.version


def test_rescheduling_needs_a_reason(client, scheduler, visit):
    client.force_login(scheduler)
    start = visit.starts_at

    response = client.post(reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit, reason=""))

    visit.refresh_from_db()
    assert response.context["form"].errors == {"reason": ["Say why the visit moves."]}
    assert visit.starts_at == start


def test_rescheduling_outside_the_period_is_pointed_out(client, scheduler, visit):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit, day="2027-05-05")
    )

    assert "falls outside that period" in response.context["form"].errors["day"][0]
    assert not VisitEvent.objects.filter(kind=VisitEventKind.RESCHEDULED).exists()


def test_rescheduling_onto_a_busy_team_is_pointed_out(
    client, scheduler, visit, approved_plan, other_commune, inspector
):
    VisitFactory(
        plan=approved_plan,
        unit=other_commune,
        leader=inspector,
        starts_at=at(date(2027, 1, 19), 13),
        ends_at=at(date(2027, 1, 19), 17),
    )
    client.force_login(scheduler)

    response = client.post(reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit))

    assert "already on the visit to Xã Tân Mỹ" in response.context["form"].non_field_errors()[0]


def test_inspector_may_not_reschedule(client, leader, visit):
    client.force_login(leader)

    assert (
        client.post(reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit)).status_code == 403
    )


# Cancel


def test_cancelling_keeps_the_reason_frees_the_unit_and_tells_everyone(
    client, scheduler, visit, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("inspections:visit_cancel", args=[visit.pk]),
            {"reason": "Sáp nhập đơn vị hành chính", "version": visit.version},
        )

    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert (
        VisitEvent.objects.get(visit=visit, kind=VisitEventKind.CANCELLED).reason
        == "Sáp nhập đơn vị hành chính"
    )
    assert len(mailoutbox) == 1
    ics = mailoutbox[0].attachments[0][1]
    assert "METHOD:CANCEL" in (ics.decode() if isinstance(ics, bytes) else ics)


def test_cancelling_needs_a_reason(client, scheduler, visit):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:visit_cancel", args=[visit.pk]), {"reason": "", "version": visit.version}
    )

    visit.refresh_from_db()
    assert response.status_code == 200
    assert visit.status == VisitStatus.SCHEDULED


def test_a_concluded_visit_cannot_be_cancelled(client, scheduler, visit):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CONCLUDED)
    client.force_login(scheduler)

    assert client.get(reverse("inspections:visit_cancel", args=[visit.pk])).status_code == 403


def test_inspector_may_not_cancel(client, inspector, visit):
    client.force_login(inspector)

    response = client.post(
        reverse("inspections:visit_cancel", args=[visit.pk]), {"reason": "x", "version": 1}
    )

    assert response.status_code == 403


# Start


def test_the_leader_starts_the_visit_and_the_plan_is_in_progress(client, leader, visit, approved_plan):
    client.force_login(leader)

    response = client.post(reverse("inspections:visit_start", args=[visit.pk]), {"version": visit.version})

    visit.refresh_from_db()
    approved_plan.refresh_from_db()
    assert response.status_code == 302
    assert visit.status == VisitStatus.IN_PROGRESS
    assert approved_plan.status == PlanStatus.IN_PROGRESS


def test_a_team_member_who_does_not_lead_cannot_start_the_visit(client, inspector, visit):
    client.force_login(inspector)

    assert client.post(reverse("inspections:visit_start", args=[visit.pk]), {"version": 1}).status_code == 403


def test_a_draft_visit_cannot_start(client, leader, plan, commune):
    draft = VisitFactory(plan=plan, unit=commune, leader=leader)
    client.force_login(leader)

    assert client.post(reverse("inspections:visit_start", args=[draft.pk]), {"version": 1}).status_code == 403


def test_starting_needs_post(client, leader, visit):
    client.force_login(leader)

    assert client.get(reverse("inspections:visit_start", args=[visit.pk])).status_code == 405


def test_an_office_visit_links_to_the_checklist_as_seen_for_its_kind(
    client, scheduler, approved_plan, department, leader
):
    office = UnitFactory(name="Phòng Tôn giáo", kind=UnitKind.OFFICE, parent=department)
    office_visit = VisitFactory(plan=approved_plan, unit=office, leader=leader)
    client.force_login(scheduler)

    response = client.get(office_visit.get_absolute_url())

    assert f"?kind={UnitKind.OFFICE}" in response.content.decode()
