"""Writes to inspection plans: create, edit, approve, start, close."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit

from ..models import (
    ChecklistTemplate,
    InspectionPlan,
    PlanStatus,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)
from .notifications import visit_notice_queue


def _check_plan(
    *, plan: InspectionPlan | None, template: ChecklistTemplate, period_start: date, period_end: date, units
) -> None:
    errors: dict[str, list[str]] = {}
    if not template.is_frozen:
        errors["template"] = [_("Only a published checklist version can be used by a plan.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period must end on or after its start.")]
    if plan is not None and plan.pk:
        active = plan.visits.exclude(status=VisitStatus.CANCELLED).select_related("unit")
        unit_ids = {u.pk for u in units}
        kept = [v.unit.name for v in active if v.unit_id not in unit_ids]
        if kept:
            errors["units"] = [
                _("These units have a visit in this plan; cancel the visit before removing them: %(names)s.")
                % {"names": ", ".join(sorted(set(kept)))}
            ]
        outside = [
            v
            for v in active
            if timezone.localtime(v.starts_at).date() < period_start
            or timezone.localtime(v.ends_at).date() > period_end
        ]
        if outside and "period_end" not in errors:
            errors["period_start"] = [
                _("%(count)s visits would fall outside the new period (first: %(visit)s).")
                % {"count": len(outside), "visit": outside[0]}
            ]
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
) -> InspectionPlan:
    """Change a plan that is not closed. Its visits keep the checklist version they were created
    with; a unit with an active visit cannot be removed and no visit may end up outside the period."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("A closed plan can no longer change."))
    _check_plan(plan=plan, template=template, period_start=period_start, period_end=period_end, units=units)
    fields = {
        "year": year,
        "title": title,
        "issuing_unit": issuing_unit,
        "template": template,
        "period_start": period_start,
        "period_end": period_end,
        "decision_number": decision_number,
        "decision_date": decision_date,
        "purpose": purpose,
    }
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=list(fields))
    plan.units.set(units)
    return plan


@transaction.atomic
def plan_approve(*, plan: InspectionPlan, approved_by, notify: bool = True) -> InspectionPlan:
    """Approve a draft plan: its draft visits become scheduled and their units and teams are told
    (one e-mail per visit, queued after the commit)."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be approved."))
    now = timezone.now()
    plan.status = PlanStatus.APPROVED
    plan.approved_by = approved_by
    plan.approved_at = now
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    drafts = list(plan.visits.filter(status=VisitStatus.DRAFT).values_list("pk", flat=True))
    Visit.objects.filter(pk__in=drafts).update(status=VisitStatus.SCHEDULED, version=F("version") + 1)
    events = VisitEvent.objects.bulk_create(
        VisitEvent(
            visit_id=pk,
            kind=VisitEventKind.SCHEDULED,
            actor=approved_by,
            created_at=now,
            data={"reason": "plan_approved"},
        )
        for pk in drafts
    )
    if notify:
        for event in events:
            visit_notice_queue(visit_id=event.visit_id, event_id=event.pk)
    return plan


@transaction.atomic
def plan_mark_in_progress(*, plan: InspectionPlan) -> None:
    """An approved plan is in progress from its first started visit (called by visit services).

    Saved through the model (under a row lock), not a bare UPDATE, so the audit log records it."""
    plan = InspectionPlan.objects.select_for_update().filter(pk=plan.pk, status=PlanStatus.APPROVED).first()
    if plan is not None:
        plan.status = PlanStatus.IN_PROGRESS
        plan.save(update_fields=["status"])


@transaction.atomic
def plan_close(*, plan: InspectionPlan) -> InspectionPlan:
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
    return plan
