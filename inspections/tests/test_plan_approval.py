"""Plan approval as a workflow: the scheduler submits, the head approves with the decision or
returns it with a reason; a change of an approved plan's units or period is an amendment."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from inspections.models import (
    AmendmentStatus,
    InspectionPlan,
    PlanAmendment,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
)
from inspections.tests.factories import PlanFactory
from units.tests.factories import UnitFactory


def _edit_data(plan, **overrides):
    data = {
        "year": plan.year,
        "title": plan.title,
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else "",
        "issuing_unit": plan.issuing_unit_id,
        "purpose": plan.purpose,
        "template": plan.template_id,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "units": list(plan.units.values_list("pk", flat=True)),
    }
    data.update(overrides)
    return data


def test_scheduler_submits_a_draft_and_the_head_is_told_and_counts_it_on_her_home_page(
    client, scheduler, head, plan, department, template, django_capture_on_commit_callbacks, mailoutbox
):
    PlanFactory(issuing_unit=department, template=template, approved=True, title="Kế hoạch đã duyệt")
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:plan_submit", args=[plan.pk]))

    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at is not None
    assert PlanEvent.objects.get(plan=plan).kind == PlanEventKind.SUBMITTED
    (mail,) = mailoutbox
    assert mail.to == [head.email]
    assert plan.title in mail.subject
    assert "/plans/?waiting=1" in mail.body

    client.force_login(head)
    home = client.get(reverse("home")).content.decode()
    waiting_url = reverse("inspections:plan_list") + "?waiting=1"
    assert f'id="home-plans-waiting" href="{waiting_url}"' in home
    assert "1 kế hoạch chờ bạn phê duyệt" in home
    waiting = client.get(waiting_url)
    assert [p.pk for p in waiting.context["page"]] == [plan.pk]


def test_a_submitted_plan_is_frozen_for_the_scheduler(client, scheduler, submitted_plan):
    client.force_login(scheduler)

    assert client.get(reverse("inspections:plan_edit", args=[submitted_plan.pk])).status_code == 403
    assert client.post(reverse("inspections:plan_submit", args=[submitted_plan.pk])).status_code == 403


def test_head_returns_a_plan_with_a_reason_and_the_scheduler_resubmits_it(
    client, scheduler, head, submitted_plan, django_capture_on_commit_callbacks, mailoutbox
):
    plan = submitted_plan
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspections:plan_return", args=[plan.pk]), {"reason": "Bổ sung xã Tân Mỹ."})

    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert plan.return_reason == "Bổ sung xã Tân Mỹ."
    assert [m.to for m in mailoutbox] == [[scheduler.email]]

    client.force_login(scheduler)
    page = client.get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "Bổ sung xã Tân Mỹ." in page
    response = client.post(
        reverse("inspections:plan_edit", args=[plan.pk]), _edit_data(plan, title="Kế hoạch đã sửa")
    )
    assert response.status_code == 302
    client.post(reverse("inspections:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert (plan.status, plan.title) == (PlanStatus.SUBMITTED, "Kế hoạch đã sửa")
    assert list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True)) == [
        PlanEventKind.RETURNED,
        PlanEventKind.SUBMITTED,
    ]


def test_returning_without_a_reason_changes_nothing(client, head, submitted_plan):
    client.force_login(head)

    response = client.post(
        reverse("inspections:plan_return", args=[submitted_plan.pk]), {"reason": " "}, follow=True
    )

    submitted_plan.refresh_from_db()
    assert submitted_plan.status == PlanStatus.SUBMITTED
    assert "Hãy cho biết" in response.content.decode()


def test_approval_needs_a_decision_number(client, head, submitted_plan):
    client.force_login(head)

    client.post(
        reverse("inspections:plan_approve", args=[submitted_plan.pk]),
        {"decision_number": "", "decision_date": "2027-01-06"},
    )

    submitted_plan.refresh_from_db()
    assert submitted_plan.status == PlanStatus.SUBMITTED


def test_head_sees_the_decision_form_prefilled_with_the_plans_decision(client, head, submitted_plan):
    client.force_login(head)

    response = client.get(reverse("inspections:plan_detail", args=[submitted_plan.pk]))

    assert response.context["decision_form"].initial["decision_number"] == "15/QĐ-SNV"
    assert 'id="plan-decision"' in response.content.decode()


@pytest.mark.parametrize("role", ["scheduler", "inspector"])
def test_only_the_head_returns_a_plan(client, request, role, submitted_plan):
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("inspections:plan_return", args=[submitted_plan.pk]), {"reason": "x"})

    assert response.status_code == 403
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == PlanStatus.SUBMITTED


def test_changing_an_approved_plans_units_is_an_amendment_the_head_approves(
    client, scheduler, head, approved_plan, district, django_capture_on_commit_callbacks, mailoutbox
):
    plan = approved_plan
    before_units = set(plan.units.values_list("pk", flat=True))
    new_commune = UnitFactory(name="Xã Tân Thạnh", kind="commune", parent=district)
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inspections:plan_edit", args=[plan.pk]),
            _edit_data(
                plan,
                units=[*before_units, new_commune.pk],
                period_end="2027-06-30",
                amendment_reason="Bổ sung xã Tân Thạnh theo chỉ đạo của UBND tỉnh.",
            ),
        )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert set(plan.units.values_list("pk", flat=True)) == before_units
    assert plan.period_end == date(2027, 3, 31)
    amendment = PlanAmendment.objects.get(plan=plan)
    assert (amendment.number, amendment.status) == (1, AmendmentStatus.SUBMITTED)
    assert mailoutbox[-1].to == [head.email]

    client.force_login(head)
    assert "1 kế hoạch chờ bạn phê duyệt" in client.get(reverse("home")).content.decode()
    client.post(
        reverse("inspections:amendment_approve", args=[plan.pk, 1]),
        {"decision_number": "120/QĐ-SNV", "decision_date": "2027-04-02"},
    )

    plan.refresh_from_db()
    amendment.refresh_from_db()
    assert set(plan.units.values_list("pk", flat=True)) == before_units | {new_commune.pk}
    assert plan.period_end == date(2027, 6, 30)
    assert plan.decision_number == "15/QĐ-SNV"
    assert (amendment.status, amendment.decision_number) == (AmendmentStatus.APPROVED, "120/QĐ-SNV")
    assert set(amendment.previous_unit_ids) == before_units
    assert amendment.previous_period_end == date(2027, 3, 31)
    page = client.get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "15/QĐ-SNV" in page and "120/QĐ-SNV" in page


def test_an_amendment_needs_a_reason(client, scheduler, approved_plan):
    client.force_login(scheduler)

    response = client.post(
        reverse("inspections:plan_edit", args=[approved_plan.pk]),
        _edit_data(approved_plan, period_end="2027-06-30"),
    )

    assert response.status_code == 200
    assert "amendment_reason" in response.context["form"].errors
    assert not PlanAmendment.objects.exists()


def test_a_returned_amendment_leaves_the_plan_as_approved(client, scheduler, head, approved_plan):
    client.force_login(scheduler)
    client.post(
        reverse("inspections:plan_edit", args=[approved_plan.pk]),
        _edit_data(approved_plan, period_end="2027-06-30", amendment_reason="Kéo dài thời gian."),
    )
    client.force_login(head)

    client.post(reverse("inspections:amendment_return", args=[approved_plan.pk, 1]), {"reason": "Không cần."})

    approved_plan.refresh_from_db()
    amendment = PlanAmendment.objects.get()
    assert approved_plan.period_end == date(2027, 3, 31)
    assert (amendment.status, amendment.return_reason) == (AmendmentStatus.RETURNED, "Không cần.")


def test_the_scheduler_may_not_approve_an_amendment(client, scheduler, approved_plan):
    client.force_login(scheduler)
    client.post(
        reverse("inspections:plan_edit", args=[approved_plan.pk]),
        _edit_data(approved_plan, period_end="2027-06-30", amendment_reason="Kéo dài thời gian."),
    )

    response = client.post(
        reverse("inspections:amendment_approve", args=[approved_plan.pk, 1]),
        {"decision_number": "1/QĐ", "decision_date": "2027-04-02"},
    )

    assert response.status_code == 403
    assert PlanAmendment.objects.get().status == AmendmentStatus.SUBMITTED


def test_the_database_refuses_an_unknown_status_or_a_submission_without_a_date(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(status="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.RETURNED, return_reason="")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_heads_deciding_at_once_decide_once(submitted_plan, head, department):
    """The plan row is locked while a decision is taken: one approves, the other is told it is
    no longer waiting, and the history has one decision."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    from inspections.services import plan_approve, plan_return
    from units.roles import Role
    from units.tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    other_head = UserFactory(username="head2", unit=department, roles=[Role.HEAD])
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide,
            args=(lambda: plan_approve(plan=submitted_plan, approved_by=head, notify=False),),
        ),
        threading.Thread(
            target=decide,
            args=(lambda: plan_return(plan=submitted_plan, returned_by=other_head, reason="Chưa đủ."),),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["done", "refused"]
    decisions = PlanEvent.objects.filter(
        plan=submitted_plan, kind__in=[PlanEventKind.APPROVED, PlanEventKind.RETURNED]
    )
    assert decisions.count() == 1
