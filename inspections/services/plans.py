"""Writes to inspection plans: create, edit, start, close (the approval is in approvals.py)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from units.models import Unit

from ..models import (
    ChecklistTemplate,
    InspectionPlan,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    TeamKind,
    VisitStatus,
)
from ..selectors import plan_change_problems
from .approvals import plan_amendment_submit


def _check_plan(
    *, plan: InspectionPlan | None, template: ChecklistTemplate, period_start: date, period_end: date, units
) -> None:
    errors = plan_change_problems(
        plan=plan, template=template, period_start=period_start, period_end=period_end, units=units
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *,
    created_by,
    year: int,
    title: str,
    issuing_unit: Unit,
    template: ChecklistTemplate,
    period_start: date,
    period_end: date,
    units: list[Unit],
    decision_number: str = "",
    decision_date: date | None = None,
    purpose: str = "",
    team_kind: str = TeamKind.DOAN,
    team_decision_number: str = "",
    team_decision_date: date | None = None,
) -> InspectionPlan:
    """Create a draft plan with its units. Raises ValidationError (keyed by field) when the
    checklist version is not published or the period is reversed."""
    _check_plan(plan=None, template=template, period_start=period_start, period_end=period_end, units=units)
    plan = InspectionPlan.objects.create(
        year=year,
        title=title,
        issuing_unit=issuing_unit,
        template=template,
        period_start=period_start,
        period_end=period_end,
        decision_number=decision_number,
        decision_date=decision_date,
        purpose=purpose,
        team_kind=team_kind,
        team_decision_number=team_decision_number,
        team_decision_date=team_decision_date,
        created_by=created_by,
    )
    plan.units.set(units)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: InspectionPlan,
    year: int,
    title: str,
    issuing_unit: Unit,
    template: ChecklistTemplate,
    period_start: date,
    period_end: date,
    units: list[Unit],
    decision_number: str = "",
    decision_date: date | None = None,
    purpose: str = "",
    team_kind: str = TeamKind.DOAN,
    team_decision_number: str = "",
    team_decision_date: date | None = None,
    amendment_reason: str = "",
    actor=None,
) -> InspectionPlan:
    """Change a plan that is not closed. Its visits keep the checklist version they were created
    with; a unit with an active visit cannot be removed and no visit may end up outside the period.

    A draft or returned plan changes at once. A submitted plan waits for the head's decision. On
    an approved plan the title, purpose and checklist change at once, but new units or a new
    period become an amendment (điều chỉnh kế hoạch) that the head approves with its own decision;
    the approval decision itself no longer changes here."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("A closed plan can no longer change."))
    if plan.status == PlanStatus.SUBMITTED:
        raise ValidationError(_("The plan waits for the head's decision; it can change once it is returned."))
    _check_plan(plan=plan, template=template, period_start=period_start, period_end=period_end, units=units)
    fields = {
        "year": year,
        "title": title,
        "issuing_unit": issuing_unit,
        "template": template,
        "purpose": purpose,
        "team_kind": team_kind,
        "team_decision_number": team_decision_number,
        "team_decision_date": team_decision_date,
    }
    amend = False
    if plan.is_decided:
        before = (plan.period_start, plan.period_end, set(plan.units.values_list("pk", flat=True)))
        amend = before != (period_start, period_end, {u.pk for u in units})
    else:
        fields.update(
            period_start=period_start,
            period_end=period_end,
            decision_number=decision_number,
            decision_date=decision_date,
        )
    if amend:
        plan_amendment_submit(
            plan=plan,
            submitted_by=actor,
            period_start=period_start,
            period_end=period_end,
            units=units,
            reason=amendment_reason,
        )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=list(fields))
    if not plan.is_decided:
        plan.units.set(units)
    return plan


@transaction.atomic
def plan_mark_in_progress(*, plan: InspectionPlan) -> None:
    """An approved plan is in progress from its first started visit (called by visit services)."""
    InspectionPlan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).update(
        status=PlanStatus.IN_PROGRESS
    )


@transaction.atomic
def plan_close(*, plan: InspectionPlan, actor=None) -> InspectionPlan:
    """Close an approved or running plan once every visit is concluded or cancelled."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in {PlanStatus.APPROVED, PlanStatus.IN_PROGRESS}:
        raise ValidationError(_("Only an approved plan can be closed."))
    open_visits = plan.visits.exclude(status__in=[VisitStatus.CONCLUDED, VisitStatus.CANCELLED]).count()
    if open_visits:
        raise ValidationError(
            _("%(count)s visits are neither concluded nor cancelled; the plan cannot be closed yet.")
            % {"count": open_visits}
        )
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    PlanEvent.objects.create(plan=plan, kind=PlanEventKind.CLOSED, actor=actor)
    return plan
