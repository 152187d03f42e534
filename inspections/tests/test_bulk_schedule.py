"""Bulk scheduling: spread a plan's units over a date range, preview, then create all or nothing."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import PublicHoliday, TeamMember, TeamRole, Visit
from units.tests.factories import UnitFactory

from .factories import PlanFactory, VisitFactory, at


@pytest.fixture
def ten_communes(province, department, template):
    communes = [UnitFactory(name=f"Xã Thử Nghiệm {n:02}", parent=province) for n in range(10)]
    plan = PlanFactory(issuing_unit=department, template=template, units=communes)
    return plan, communes


def _form(leader, members=(), **overrides):
    data = {
        "date_from": "2027-01-04",  # a Monday
        "date_to": "2027-01-15",
        "per_day": 2,
        "first_start": "07:30",
        "duration": 210,
        "gap": 150,
        "skip_weekends": "on",
        "skip_holidays": "on",
        "skip_busy_days": "on",
        "place": "",
        "leader": leader.pk,
        "members": [m.pk for m in members],
    }
    data.update(overrides)
    return data


def _url(plan):
    return reverse("inspections:plan_bulk_schedule", args=[plan.pk])


def test_the_form_offers_every_unit_without_a_visit(client, scheduler, ten_communes):
    plan, communes = ten_communes
    VisitFactory(plan=plan, unit=communes[0])
    client.force_login(scheduler)

    response = client.get(_url(plan))

    form = response.context["form"]
    # Tree order (the materialised path), so that the units of one area follow each other.
    assert list(form.fields["units"].queryset) == sorted(communes[1:], key=lambda u: u.path)
    assert len(form.initial["units"]) == 9


def test_preview_spreads_the_units_and_saves_nothing(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(_url(plan), {**_form(leader), "units": [c.pk for c in communes], "preview": "1"})

    slots = response.context["slots"]
    assert len(slots) == 10
    assert [s.starts_at for s in slots[:3]] == [
        at(date(2027, 1, 4), 7, 30),
        at(date(2027, 1, 4), 13, 30),
        at(date(2027, 1, 5), 7, 30),
    ]
    assert slots[0].ends_at == at(date(2027, 1, 4), 11, 0)
    assert slots[-1].starts_at.date() == date(2027, 1, 8)
    assert not any(s.problems for s in slots)
    assert not Visit.objects.exists()


def test_weekends_are_skipped(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(
        _url(plan),
        {**_form(leader, per_day=1, date_from="2027-01-08"), "units": [c.pk for c in communes[:2]]},
    )

    assert [s.starts_at.date() for s in response.context["slots"]] == [date(2027, 1, 8), date(2027, 1, 11)]


def test_saving_creates_every_visit_with_the_default_team(client, scheduler, ten_communes, leader, inspector):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(
        _url(plan),
        {
            **_form(leader, [inspector], place="Hội trường UBND xã"),
            "units": [c.pk for c in communes],
            "save": "1",
        },
    )

    assert response["Location"] == plan.get_absolute_url()
    assert Visit.objects.filter(plan=plan, template=plan.template, place="Hội trường UBND xã").count() == 10
    assert TeamMember.objects.filter(user=leader, role=TeamRole.LEADER).count() == 10
    assert TeamMember.objects.filter(user=inspector, role=TeamRole.MEMBER).count() == 10


def test_the_proposal_skips_the_day_the_team_is_busy(
    client, scheduler, ten_communes, approved_plan, commune, leader
):
    plan, communes = ten_communes
    VisitFactory(
        plan=approved_plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2027, 1, 5), 8),
        ends_at=at(date(2027, 1, 5), 10),
    )
    client.force_login(scheduler)

    response = client.post(_url(plan), {**_form(leader), "units": [c.pk for c in communes], "preview": "1"})

    days = [s.starts_at.date() for s in response.context["slots"]]
    assert date(2027, 1, 5) not in days
    assert days[:4] == [date(2027, 1, 4), date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 6)]
    assert not any(s.problems for s in response.context["slots"])
    assert dict(response.context["skipped"])[date(2027, 1, 5)].startswith("team busy")


def _rows(slots, **changes):
    rows = {}
    for slot in slots:
        start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        rows[f"row-{slot.unit.pk}-team"] = str(slot.team_number)
        rows[f"row-{slot.unit.pk}-day"] = start.strftime("%d/%m/%Y")
        rows[f"row-{slot.unit.pk}-start"] = start.strftime("%H:%M")
        rows[f"row-{slot.unit.pk}-end"] = end.strftime("%H:%M")
    rows.update(changes)
    return rows


def test_the_scheduler_edits_a_proposed_date_before_saving(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(scheduler)
    data = {**_form(leader), "units": [c.pk for c in communes]}
    slots = client.post(_url(plan), {**data, "preview": "1"}).context["slots"]
    last = slots[-1].unit

    response = client.post(
        _url(plan), {**data, **_rows(slots, **{f"row-{last.pk}-day": "15/01/2027"}), "save": "1"}
    )

    assert response.status_code == 302
    moved = Visit.objects.get(plan=plan, unit=last)
    assert timezone.localtime(moved.starts_at).date() == date(2027, 1, 15)
    assert Visit.objects.filter(plan=plan).count() == 10


def test_an_edit_into_a_conflict_saves_nothing_and_is_shown(
    client, scheduler, ten_communes, approved_plan, commune, leader
):
    plan, communes = ten_communes
    VisitFactory(
        plan=approved_plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2027, 1, 12), 8),
        ends_at=at(date(2027, 1, 12), 10),
    )
    client.force_login(scheduler)
    data = {**_form(leader), "units": [c.pk for c in communes]}
    slots = client.post(_url(plan), {**data, "preview": "1"}).context["slots"]
    third = slots[2].unit

    response = client.post(
        _url(plan), {**data, **_rows(slots, **{f"row-{third.pk}-day": "12/01/2027"}), "save": "1"}
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors[0].startswith(f"{third}: {leader} is already on the visit to Xã Bình Tấn")
    assert [bool(s.problems) for s in response.context["slots"]][:4] == [False, False, True, False]
    assert Visit.objects.filter(plan=plan).count() == 0


def test_public_holidays_are_skipped(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    PublicHoliday.objects.update_or_create(date=date(2027, 1, 4), defaults={"name": "Ngày nghỉ bù"})
    client.force_login(scheduler)

    response = client.post(_url(plan), {**_form(leader, per_day=1), "units": [c.pk for c in communes[:2]]})

    assert [s.starts_at.date() for s in response.context["slots"]] == [date(2027, 1, 5), date(2027, 1, 6)]


def test_the_dates_start_from_the_plans_period_not_today(client, scheduler, ten_communes):
    plan, _communes = ten_communes
    client.force_login(scheduler)

    form = client.get(_url(plan)).context["form"]

    assert (form.initial["date_from"], form.initial["date_to"]) == (plan.period_start, plan.period_end)


def test_a_range_too_short_for_the_units_is_pointed_out(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(
        _url(plan), {**_form(leader, date_to="2027-01-05"), "units": [c.pk for c in communes], "save": "1"}
    )

    assert response.context["form"].errors["date_to"] == [
        "The range holds 4 visits, not enough for 10 units: widen it or add visits per day."
    ]
    assert not Visit.objects.exists()


def test_a_range_outside_the_plans_period_is_pointed_out(client, scheduler, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(
        _url(plan), {**_form(leader, date_to="2027-04-30"), "units": [c.pk for c in communes]}
    )

    assert response.context["form"].errors["date_to"] == ["The plan runs from 01/01/2027 to 31/03/2027."]


def test_the_default_team_needs_a_leader(client, scheduler, ten_communes, inspector):
    plan, communes = ten_communes
    client.force_login(scheduler)
    data = {**_form(inspector), "units": [c.pk for c in communes], "save": "1"}
    data["leader"] = ""

    response = client.post(_url(plan), data)

    assert response.context["form"].errors["leader"] == ["A team needs a leader."]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ["head", "inspector"])
def test_only_schedulers_schedule_in_bulk(client, request, role, ten_communes, leader):
    plan, communes = ten_communes
    client.force_login(request.getfixturevalue(role))

    response = client.post(_url(plan), {**_form(leader), "units": [c.pk for c in communes], "save": "1"})

    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_bulk_scheduling_refuses_other_methods(client, scheduler, ten_communes):
    client.force_login(scheduler)

    assert client.put(_url(ten_communes[0])).status_code == 405


def test_two_teams_visit_on_the_same_days_and_the_second_goes_on_when_the_first_is_busy(
    client, scheduler, ten_communes, approved_plan, commune, leader, inspector, head
):
    plan, communes = ten_communes
    VisitFactory(
        plan=approved_plan,
        unit=commune,
        leader=leader,
        starts_at=at(date(2027, 1, 5), 8),
        ends_at=at(date(2027, 1, 5), 10),
    )
    client.force_login(scheduler)
    data = {
        **_form(leader, per_day=1),
        "leader_2": head.pk,
        "members_2": [inspector.pk],
        "units": [c.pk for c in communes[:4]],
    }

    slots = client.post(_url(plan), {**data, "preview": "1"}).context["slots"]

    assert [(s.starts_at.date(), s.team_number) for s in slots] == [
        (date(2027, 1, 4), 0),
        (date(2027, 1, 4), 1),
        (date(2027, 1, 5), 1),  # the first team is busy on 05/01; the second team goes
        (date(2027, 1, 6), 0),
    ]
    response = client.post(_url(plan), {**data, **_rows(slots), "save": "1"})
    assert response.status_code == 302
    leaders = {v.unit_id: v.leader for v in Visit.objects.filter(plan=plan).prefetch_related("team__user")}
    assert [leaders[s.unit.pk] for s in slots] == [leader, head, head, leader]


def test_one_person_cannot_be_on_both_teams(client, scheduler, ten_communes, leader, inspector):
    plan, communes = ten_communes
    client.force_login(scheduler)

    response = client.post(
        _url(plan),
        {
            **_form(leader, [inspector]),
            "leader_2": inspector.pk,
            "units": [c.pk for c in communes],
            "preview": "1",
        },
    )

    assert "members_2" in response.context["form"].errors
