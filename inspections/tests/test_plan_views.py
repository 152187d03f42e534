"""Plan pages: list, create, edit, detail, approve, close."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from inspections.models import InspectionPlan, PlanStatus, VisitEvent, VisitEventKind, VisitStatus
from units.models import UnitKind
from units.tests.factories import UnitFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at


def _form(template, department, units, **overrides):
    data = {
        "year": 2027,
        "title": "Kế hoạch kiểm tra công tác CCHC quý I/2027",
        "decision_number": "15/QĐ-SNV",
        "decision_date": "2027-01-05",
        "issuing_unit": department.pk,
        "purpose": "Đánh giá kết quả thực hiện công tác CCHC.",
        "template": template.pk,
        "period_start": "2027-01-01",
        "period_end": "2027-03-31",
        "units": [u.pk for u in units],
    }
    data.update(overrides)
    return data


# List


def test_anonymous_visitor_is_sent_to_login_from_the_plans(client, db):
    response = client.get(reverse("inspections:plan_list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["scheduler", "inspector", "head"])
def test_department_staff_see_the_plans_of_their_province(client, request, role, plan):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("inspections:plan_list"))

    assert response.status_code == 200
    assert plan.title in response.content.decode()


def test_liaison_may_not_list_plans(client, liaison, plan):
    client.force_login(liaison)

    assert client.get(reverse("inspections:plan_list")).status_code == 403


def test_staff_of_another_province_do_not_see_our_plans(client, outsider, plan):
    client.force_login(outsider)

    response = client.get(reverse("inspections:plan_list"))

    assert response.status_code == 200
    assert plan.title not in response.content.decode()


def test_plan_list_queries_do_not_grow_with_plans(
    client, head, department, template, commune, django_assert_max_num_queries
):
    client.force_login(head)
    for count in (3, 30):
        while InspectionPlan.objects.count() < count:
            VisitFactory(plan=PlanFactory(issuing_unit=department, template=template), unit=commune)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("inspections:plan_list"))
        assert len(response.context["page"]) == count


# Create


def test_scheduler_creates_a_draft_plan(client, scheduler, department, template, commune, other_commune):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_create"), _form(template, department, [commune, other_commune])
    )

    plan = InspectionPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.status == PlanStatus.DRAFT
    assert plan.created_by == scheduler
    assert plan.decision_label == "15/QĐ-SNV of 05/01/2027"
    assert set(plan.units.all()) == {commune, other_commune}


def test_the_plan_says_whether_its_teams_are_doan_or_to_and_which_decision_set_them_up(
    client, scheduler, department, template, commune
):
    client.force_login(scheduler)

    client.post(
        reverse("inspections:plan_create"),
        _form(
            template,
            department,
            [commune],
            team_kind="to",
            team_decision_number="45/QĐ-SNV",
            team_decision_date="2027-01-08",
        ),
    )

    plan = InspectionPlan.objects.get()
    assert (plan.team_kind, plan.team_decision_number, plan.team_decision_date) == (
        "to",
        "45/QĐ-SNV",
        date(2027, 1, 8),
    )
    assert InspectionPlan.objects.filter(pk=plan.pk, team_kind="doan").count() == 0


def test_new_plan_form_suggests_the_schedulers_department_and_the_newest_checklist(
    client, scheduler, department, template
):
    client.force_login(scheduler)

    response = client.get(reverse("inspections:plan_create"))

    form = response.context["form"]
    assert form.initial["issuing_unit"] == department
    assert form.initial["template"] == template


def test_all_communes_of_the_province_are_added_in_one_go(
    client, scheduler, province, department, template, commune, other_commune
):
    client.force_login(scheduler)

    client.post(
        reverse("inspections:plan_create"),
        _form(template, department, [], add_kind=UnitKind.COMMUNE, add_under=province.pk),
    )

    assert set(InspectionPlan.objects.get().units.all()) == {commune, other_commune}


def test_a_plan_needs_units_and_a_period_in_order(client, scheduler, department, template):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_create"), _form(template, department, [], period_end="2026-12-31")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "units" in errors or "period_end" in errors
    assert not InspectionPlan.objects.exists()


def test_a_plan_cannot_use_a_draft_checklist(client, scheduler, department, commune):
    draft = ChecklistTemplateFactory(draft=True)
    client.force_login(scheduler)

    response = client.post(reverse("inspections:plan_create"), _form(draft, department, [commune]))

    assert response.status_code == 200
    assert "template" in response.context["form"].errors
    assert not InspectionPlan.objects.exists()


def test_a_plan_cannot_inspect_units_of_another_province(
    client, scheduler, department, template, foreign_commune
):
    client.force_login(scheduler)

    response = client.post(reverse("inspections:plan_create"), _form(template, department, [foreign_commune]))

    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    assert not InspectionPlan.objects.exists()


@pytest.mark.parametrize("role", ["head", "inspector", "liaison"])
def test_only_schedulers_create_plans(client, request, role, department, template, commune):
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("inspections:plan_create"), _form(template, department, [commune]))

    assert response.status_code == 403
    assert not InspectionPlan.objects.exists()


def test_plan_creation_refuses_other_methods(client, scheduler):
    client.force_login(scheduler)

    assert client.delete(reverse("inspections:plan_create")).status_code == 405


# Edit


def test_scheduler_edits_a_plan(client, scheduler, plan, department, template, commune, other_commune):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_edit", args=[plan.pk]),
        _form(template, department, [commune, other_commune], title="Kế hoạch đã sửa"),
    )

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.title == "Kế hoạch đã sửa"


def test_a_unit_with_a_visit_cannot_be_removed_from_the_plan(
    client, scheduler, plan, department, template, commune, other_commune
):
    VisitFactory(plan=plan, unit=commune)
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_edit", args=[plan.pk]), _form(template, department, [other_commune])
    )

    assert response.status_code == 200
    assert "cancel the visit before removing them" in response.context["form"].errors["units"][0]
    assert commune in plan.units.all()


def test_the_period_cannot_shrink_past_a_visit(client, scheduler, plan, department, template, commune):
    VisitFactory(plan=plan, unit=commune, starts_at=at(date(2027, 3, 20)), ends_at=at(date(2027, 3, 20), 11))
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_edit", args=[plan.pk]),
        _form(template, department, [commune], period_end="2027-02-28"),
    )

    plan.refresh_from_db()
    assert "would fall outside the new period" in response.context["form"].errors["period_start"][0]
    assert plan.period_end == date(2027, 3, 31)


def test_head_may_read_but_not_edit_a_plan(client, head, plan, department, template, commune):
    client.force_login(head)

    assert client.get(reverse("inspections:plan_edit", args=[plan.pk])).status_code == 403
    assert (
        client.post(
            reverse("inspections:plan_edit", args=[plan.pk]), _form(template, department, [commune])
        ).status_code
        == 403
    )


def test_outsider_cannot_find_our_plan(client, outsider, plan):
    client.force_login(outsider)

    assert client.get(reverse("inspections:plan_edit", args=[plan.pk])).status_code == 404
    assert client.get(reverse("inspections:plan_detail", args=[plan.pk])).status_code == 404


def test_a_closed_plan_cannot_be_edited(client, scheduler, plan):
    plan.status = PlanStatus.CLOSED
    plan.approved_at = plan.created_at
    plan.save(update_fields=["status", "approved_at"])
    client.force_login(scheduler)

    assert client.get(reverse("inspections:plan_edit", args=[plan.pk])).status_code == 403


# Detail


def test_plan_page_shows_its_visits_progress_and_units_without_a_visit(
    client, head, submitted_plan, commune, other_commune, leader
):
    plan = submitted_plan
    VisitFactory(plan=plan, unit=commune, leader=leader, status=VisitStatus.CONCLUDED)
    client.force_login(head)

    response = client.get(reverse("inspections:plan_detail", args=[plan.pk]))

    body = response.content.decode()
    assert response.context["progress"].concluded == 1
    assert response.context["progress"].percent_done == 100
    assert list(response.context["unscheduled_units"]) == [other_commune]
    assert commune.name in body and str(leader) in body
    assert response.context["can_approve"] and not response.context["can_edit"]


def test_inspector_sees_the_schedule_but_opens_only_their_visits(
    client, inspector, plan, commune, other_commune, leader
):
    mine = VisitFactory(plan=plan, unit=commune, leader=leader, members=[inspector])
    other = VisitFactory(
        plan=plan,
        unit=other_commune,
        leader=leader,
        starts_at=at(date(2027, 1, 13)),
        ends_at=at(date(2027, 1, 13), 11),
    )
    client.force_login(inspector)

    response = client.get(reverse("inspections:plan_detail", args=[plan.pk]))

    body = response.content.decode()
    assert mine.get_absolute_url() in body
    assert other.get_absolute_url() not in body
    assert other_commune.name in body


def test_liaison_cannot_find_plans(client, liaison, plan):
    client.force_login(liaison)

    assert client.get(reverse("inspections:plan_detail", args=[plan.pk])).status_code == 404


def test_plan_page_queries_do_not_grow_with_visits(
    client, scheduler, plan, department, leader, inspector, django_assert_max_num_queries
):
    client.force_login(scheduler)
    for count in (3, 30):
        while plan.visits.count() < count:
            day = date(2027, 1, 4) + timedelta(days=plan.visits.count())
            unit = UnitFactory(parent=department)
            VisitFactory(
                plan=plan,
                unit=unit,
                leader=leader,
                members=[inspector],
                starts_at=at(day),
                ends_at=at(day, 11),
            )
        with django_assert_max_num_queries(14):
            response = client.get(reverse("inspections:plan_detail", args=[plan.pk]))
        # One page of visits (25), the total from an aggregate.
        assert len(response.context["visits"]) == min(count, 25)
        assert response.context["visits"].paginator.count == count
        assert response.context["progress"].visit_count == count


# Approve and close


DECISION = {"decision_number": "563/QĐ-SNV", "decision_date": "2027-01-06"}


def test_head_approves_a_plan_and_its_visits_are_scheduled_and_announced(
    client, head, submitted_plan, commune, leader, django_capture_on_commit_callbacks, mailoutbox
):
    plan = submitted_plan
    commune.email = "binhtan@example.vn"
    commune.save(update_fields=["email"])
    visit = VisitFactory(plan=plan, unit=commune, leader=leader)
    client.force_login(head)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:plan_approve", args=[plan.pk]), DECISION)

    plan.refresh_from_db()
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, head)
    assert (plan.decision_number, plan.decision_date) == ("563/QĐ-SNV", date(2027, 1, 6))
    assert visit.status == VisitStatus.SCHEDULED
    assert VisitEvent.objects.filter(visit=visit, kind=VisitEventKind.SCHEDULED).exists()
    notices = [m for m in mailoutbox if m.to == ["binhtan@example.vn"]]
    assert len(notices) == 1
    assert notices[0].cc == [leader.email]


@pytest.mark.parametrize("role", ["scheduler", "inspector"])
def test_only_a_head_approves(client, request, role, submitted_plan):
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("inspections:plan_approve", args=[submitted_plan.pk]), DECISION)

    submitted_plan.refresh_from_db()
    assert response.status_code == 403
    assert submitted_plan.status == PlanStatus.SUBMITTED


def test_a_draft_plan_is_not_approved_before_it_is_submitted(client, head, plan):
    client.force_login(head)

    response = client.post(reverse("inspections:plan_approve", args=[plan.pk]), DECISION)

    plan.refresh_from_db()
    assert response.status_code == 403
    assert plan.status == PlanStatus.DRAFT


def test_approval_needs_post(client, head, plan):
    client.force_login(head)

    assert client.get(reverse("inspections:plan_approve", args=[plan.pk])).status_code == 405


def test_an_approved_plan_cannot_be_approved_again(client, head, approved_plan):
    client.force_login(head)

    assert client.post(reverse("inspections:plan_approve", args=[approved_plan.pk])).status_code == 403


def test_a_plan_closes_once_every_visit_is_concluded_or_cancelled(
    client, head, approved_plan, commune, other_commune
):
    VisitFactory(plan=approved_plan, unit=commune, status=VisitStatus.CONCLUDED)
    open_visit = VisitFactory(plan=approved_plan, unit=other_commune, status=VisitStatus.SCHEDULED)
    client.force_login(head)

    client.post(reverse("inspections:plan_close", args=[approved_plan.pk]))
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.APPROVED

    open_visit.status = VisitStatus.CANCELLED
    open_visit.save(update_fields=["status"])
    client.post(reverse("inspections:plan_close", args=[approved_plan.pk]))
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.CLOSED


def test_a_draft_plan_cannot_be_closed(client, head, plan):
    client.force_login(head)

    assert client.post(reverse("inspections:plan_close", args=[plan.pk])).status_code == 403


def test_plan_list_counts_units_and_visits(client, head, plan, commune, other_commune):
    VisitFactory(plan=plan, unit=commune, status=VisitStatus.CONCLUDED)
    VisitFactory(plan=plan, unit=other_commune, status=VisitStatus.CANCELLED)
    client.force_login(head)

    (row,) = client.get(reverse("inspections:plan_list")).context["page"]

    assert (row.unit_count, row.visit_count, row.concluded_count) == (2, 1, 1)


@pytest.mark.parametrize(
    "url_name",
    [
        "inspections:plan_list",
        "inspections:plan_detail",
        "inspections:template_list",
        "inspections:visit_list",
        "inspections:visit_calendar",
        "inspections:my_visits",
    ],
)
def test_read_only_pages_answer_post_with_405(client, head, plan, url_name):
    client.force_login(head)
    url = reverse(url_name, args=[plan.pk] if url_name == "inspections:plan_detail" else [])

    response = client.post(url)

    assert response.status_code == 405
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize("role", ["inspector", "liaison"])
def test_closing_a_plan_is_refused_by_its_access_helper_to_who_may_not(client, request, role, approved_plan):
    # The view no longer checks the permission itself: get_plan_for_user(perm=...) does, with the
    # same answer as before (403 to staff who may read the plan, 404 to a liaison who may not).
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("inspections:plan_close", args=[approved_plan.pk]))

    assert response.status_code == (403 if role == "inspector" else 404)
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.APPROVED
