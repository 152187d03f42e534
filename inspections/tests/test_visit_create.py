"""Scheduling one visit, and the conflicts caught before anything is saved."""

from datetime import date

import pytest
from django.urls import reverse

from inspections.models import TeamMember, TeamRole, Visit, VisitEvent, VisitEventKind, VisitStatus

from .factories import PlanFactory, VisitFactory, at


def _form(unit, leader, **overrides):
    data = {
        "unit": unit.pk,
        "day": "2027-01-12",
        "start_time": "08:00",
        "end_time": "11:30",
        "place": "Hội trường UBND xã",
        "notes": "Chuẩn bị báo cáo tự kiểm tra.",
        "leader": leader.pk,
    }
    data.update(overrides)
    return data


def _url(plan):
    return reverse("inspections:visit_create", args=[plan.pk])


def test_scheduler_schedules_a_visit_with_its_team(client, scheduler, plan, commune, leader, inspector, head):
    client.force_login(scheduler)

    response = client.post(
        _url(plan), _form(commune, leader, members=[inspector.pk], secretary=scheduler.pk, deputies=[head.pk])
    )

    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.unit, visit.template, visit.status) == (commune, plan.template, VisitStatus.DRAFT)
    assert visit.starts_at == at(date(2027, 1, 12), 8) and visit.ends_at == at(date(2027, 1, 12), 11, 30)
    assert dict(TeamMember.objects.filter(visit=visit).values_list("user__username", "role")) == {
        "leader": TeamRole.LEADER,
        "inspector": TeamRole.MEMBER,
        "scheduler": TeamRole.SECRETARY,
        "head": TeamRole.DEPUTY,
    }
    assert VisitEvent.objects.get(visit=visit).kind == VisitEventKind.CREATED


def test_a_visit_in_an_approved_plan_is_scheduled_and_announced(
    client,
    scheduler,
    approved_plan,
    commune,
    leader,
    inspector,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(approved_plan), _form(commune, leader, members=[inspector.pk]))

    visit = Visit.objects.get()
    assert visit.status == VisitStatus.SCHEDULED
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {leader.email, inspector.email}


def test_the_form_offers_the_plans_units_and_the_provinces_staff(
    client, scheduler, plan, commune, other_commune, leader, outsider
):
    client.force_login(scheduler)

    response = client.get(_url(plan), {"unit": commune.pk})

    form = response.context["form"]
    assert set(form.fields["unit"].queryset) == {commune, other_commune}
    assert leader in form.fields["leader"].queryset
    assert outsider not in form.fields["leader"].queryset
    assert form.initial["unit"] == str(commune.pk)


def test_an_inspector_already_on_a_visit_at_that_time_is_pointed_out(
    client, scheduler, plan, commune, other_commune, leader, inspector
):
    VisitFactory(
        plan=plan,
        unit=commune,
        leader=inspector,
        starts_at=at(date(2027, 1, 12), 9),
        ends_at=at(date(2027, 1, 12), 12),
    )
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(other_commune, leader, members=[inspector.pk]))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["members"]
    assert errors["members"] == [
        f"{inspector} is already on the visit to {commune} from 09:00 12/01/2027 to 12:00 12/01/2027."
    ]
    assert Visit.objects.count() == 1
    assert not TeamMember.objects.filter(user=leader).exists()


def test_back_to_back_visits_are_not_a_conflict(client, scheduler, plan, commune, other_commune, leader):
    VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2027, 1, 12), 7),
        ends_at=at(date(2027, 1, 12), 8),
    )
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(other_commune, leader))

    assert response.status_code == 302
    assert Visit.objects.count() == 2


def test_a_unit_visited_twice_in_one_plan_is_pointed_out(client, scheduler, plan, commune, leader):
    VisitFactory(plan=plan, unit=commune, starts_at=at(date(2027, 2, 2)), ends_at=at(date(2027, 2, 2), 11))
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(commune, leader))

    assert response.context["form"].errors == {
        "unit": [f"{commune} is already visited in this plan on 02/02/2027."]
    }
    assert Visit.objects.count() == 1


def test_a_cancelled_visit_does_not_block_a_new_one(client, scheduler, plan, commune, leader):
    VisitFactory(plan=plan, unit=commune, status=VisitStatus.CANCELLED)
    client.force_login(scheduler)

    client.post(_url(plan), _form(commune, leader))

    assert Visit.objects.filter(status=VisitStatus.DRAFT).count() == 1


def test_a_visit_outside_the_plans_period_is_pointed_out(client, scheduler, plan, commune, leader):
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(commune, leader, day="2027-04-02"))

    assert response.context["form"].errors == {
        "day": ["The plan runs from 01/01/2027 to 31/03/2027; this visit falls outside that period."]
    }
    assert not Visit.objects.exists()


def test_a_team_without_a_leader_is_pointed_out(client, scheduler, plan, commune, inspector):
    client.force_login(scheduler)

    data = _form(commune, inspector, members=[inspector.pk])
    data["leader"] = ""

    response = client.post(_url(plan), data)

    assert response.context["form"].errors == {"leader": ["A team needs a leader."]}
    assert not Visit.objects.exists()


def test_one_person_in_two_roles_is_pointed_out(client, scheduler, plan, commune, leader):
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(commune, leader, members=[leader.pk]))

    assert "appears more than once" in response.context["form"].errors["members"][0]
    assert not Visit.objects.exists()


def test_a_visit_must_end_after_it_starts(client, scheduler, plan, commune, leader):
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(commune, leader, end_time="07:00"))

    assert response.context["form"].errors == {"end_time": ["The visit must end after it starts."]}


def test_every_conflict_is_reported_at_once(client, scheduler, plan, commune, leader, inspector):
    VisitFactory(
        plan=plan,
        unit=commune,
        leader=inspector,
        starts_at=at(date(2027, 3, 31), 8),
        ends_at=at(date(2027, 3, 31), 12),
    )
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(commune, leader, day="2027-03-31", members=[inspector.pk]))

    assert set(response.context["form"].errors) == {"unit", "members"}


def test_a_unit_outside_the_plan_is_refused(client, scheduler, plan, department, leader):
    client.force_login(scheduler)

    response = client.post(_url(plan), _form(department, leader))

    assert "unit" in response.context["form"].errors
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ["head", "inspector"])
def test_only_schedulers_schedule_visits(client, request, role, plan, commune, leader):
    client.force_login(request.getfixturevalue(role))

    assert client.post(_url(plan), _form(commune, leader)).status_code == 403
    assert not Visit.objects.exists()


def test_outsider_cannot_find_the_plan_to_schedule(client, outsider, plan, commune, leader):
    client.force_login(outsider)

    assert client.post(_url(plan), _form(commune, leader)).status_code == 404


def test_a_closed_plan_takes_no_visit(client, scheduler, department, template, commune, leader):
    closed = PlanFactory(
        issuing_unit=department, template=template, units=[commune], status="closed", approved=True
    )
    closed.status = "closed"
    closed.save(update_fields=["status"])
    client.force_login(scheduler)

    assert client.post(_url(closed), _form(commune, leader)).status_code == 403


def test_visit_creation_refuses_other_methods(client, scheduler, plan):
    client.force_login(scheduler)

    assert client.patch(_url(plan)).status_code == 405


def test_a_dissolved_unit_is_not_offered_for_a_new_visit(
    client, scheduler, plan, commune, other_commune, leader
):
    other_commune.valid_to = date(2025, 7, 1)
    other_commune.save()
    client.force_login(scheduler)

    form = client.get(_url(plan)).context["form"]

    assert commune in form.fields["unit"].queryset
    assert other_commune not in form.fields["unit"].queryset
    response = client.post(_url(plan), _form(other_commune, leader))
    assert response.status_code == 200 and not Visit.objects.filter(unit=other_commune).exists()
