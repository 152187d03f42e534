"""The approval workflow of a plan: submit to the head, approve with the decision or return with
a reason; a change of an approved plan's units or period is an amendment approved the same way.

Every state move locks the plan row first (SELECT ... FOR UPDATE), checks the state it expects
and writes a PlanEvent, so two heads clicking at once decide once. E-mails go through the outbox
(core.outbox), written in the same transaction and sent after the commit.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.links import absolute_url
from units.models import Unit
from units.roles import Role

from ..models import (
    PLAN_DECIDED_STATUSES,
    PLAN_EDITABLE_STATUSES,
    AmendmentStatus,
    InspectionPlan,
    PlanAmendment,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)
from ..selectors import plan_change_problems
from .notifications import visit_notice_queue


def _lock(plan: InspectionPlan) -> InspectionPlan:
    return InspectionPlan.objects.select_for_update().select_related("issuing_unit").get(pk=plan.pk)


def _event(plan, kind, actor, *, amendment=None, reason: str = "", data: dict | None = None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan, amendment=amendment, kind=kind, actor=actor, reason=reason, data=data or {}
    )


def _queue_email(event: PlanEvent) -> None:
    outbox.enqueue_email(
        "inspections.services.approvals.plan_event_send",
        key=f"inspections.plan_event:{event.pk}",
        event_id=event.pk,
    )


def _decision(number: str, day: date | None) -> tuple[str, date]:
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["decision_number"] = [_("Enter the number of the approval decision.")]
    if day is None:
        errors["decision_date"] = [_("Enter the date of the approval decision.")]
    if errors:
        raise ValidationError(errors)
    return number, day


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the plan goes back to the scheduler.")]})
    return reason.strip()


@transaction.atomic
def plan_submit(*, plan: InspectionPlan, submitted_by, notify: bool = True) -> InspectionPlan:
    """Send a draft (or returned) plan to the department heads for approval: it is frozen until
    they decide, and they are e-mailed after the commit."""
    plan = _lock(plan)
    if plan.status not in PLAN_EDITABLE_STATUSES:
        raise ValidationError(_("Only a draft or returned plan can be submitted for approval."))
    if not plan.units.exists():
        raise ValidationError(_("Choose at least one unit to inspect."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    event = _event(plan, PlanEventKind.SUBMITTED, submitted_by)
    if notify:
        _queue_email(event)
    return plan


@transaction.atomic
def plan_approve(
    *,
    plan: InspectionPlan,
    approved_by,
    decision_number: str = "",
    decision_date: date | None = None,
    notify: bool = True,
) -> InspectionPlan:
    """Approve a submitted plan with its decision (number and date; the plan's own are used when
    none is given). Its draft visits become scheduled and their units and teams are told (one
    e-mail per visit, after the commit); the scheduler is told too."""
    plan = _lock(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a plan submitted for approval can be approved."))
    number, day = _decision(decision_number or plan.decision_number, decision_date or plan.decision_date)
    now = timezone.now()
    plan.status = PlanStatus.APPROVED
    plan.approved_by = approved_by
    plan.approved_at = now
    plan.decision_number, plan.decision_date = number, day
    plan.return_reason = ""
    plan.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "decision_number",
            "decision_date",
            "return_reason",
        ]
    )
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
    event = _event(plan, PlanEventKind.APPROVED, approved_by, data={"decision": plan.decision_label})
    if notify:
        _queue_email(event)
        for visit_event in events:
            visit_notice_queue(visit_id=visit_event.visit_id, event_id=visit_event.pk)
    return plan


@transaction.atomic
def plan_return(*, plan: InspectionPlan, returned_by, reason: str) -> InspectionPlan:
    """Send a submitted plan back to the scheduler with the reason; they change and resubmit it."""
    reason = _reason(reason)
    plan = _lock(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a plan submitted for approval can be returned."))
    plan.status = PlanStatus.RETURNED
    plan.return_reason = reason
    plan.save(update_fields=["status", "return_reason"])
    _queue_email(_event(plan, PlanEventKind.RETURNED, returned_by, reason=reason))
    return plan


# Amendments (điều chỉnh kế hoạch)


@transaction.atomic
def plan_amendment_submit(
    *,
    plan: InspectionPlan,
    submitted_by,
    period_start: date,
    period_end: date,
    units: list[Unit],
    reason: str,
) -> PlanAmendment:
    """Ask for a change of an approved plan's units or period. Nothing changes on the plan until
    the head approves the amendment; its values before the change are kept on the amendment."""
    plan = _lock(plan)
    if plan.status not in PLAN_DECIDED_STATUSES or plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("Only an approved plan that is not closed can be amended."))
    if not (reason or "").strip():
        raise ValidationError({"amendment_reason": [_("Say why the plan is amended.")]})
    if plan.amendments.filter(status=AmendmentStatus.SUBMITTED).exists():
        raise ValidationError(_("This plan already has an amendment waiting for approval."))
    errors = plan_change_problems(
        plan=plan, template=None, period_start=period_start, period_end=period_end, units=units
    )
    if errors:
        raise ValidationError(errors)
    number = (plan.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    amendment = PlanAmendment.objects.create(
        plan=plan,
        number=number,
        reason=reason.strip(),
        period_start=period_start,
        period_end=period_end,
        previous_period_start=plan.period_start,
        previous_period_end=plan.period_end,
        previous_unit_ids=sorted(plan.units.values_list("pk", flat=True)),
        submitted_by=submitted_by,
    )
    amendment.units.set(units)
    _queue_email(_event(plan, PlanEventKind.AMENDMENT_SUBMITTED, submitted_by, amendment=amendment))
    return amendment


def _lock_amendment(amendment: PlanAmendment) -> tuple[InspectionPlan, PlanAmendment]:
    plan = _lock(amendment.plan)
    amendment = PlanAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.SUBMITTED:
        raise ValidationError(_("This amendment was already decided."))
    return plan, amendment


@transaction.atomic
def plan_amendment_approve(
    *, amendment: PlanAmendment, approved_by, decision_number: str, decision_date: date | None
) -> PlanAmendment:
    """Approve an amendment with its own decision and apply its units and period to the plan
    (checked again: a visit made meanwhile may stop it)."""
    plan, amendment = _lock_amendment(amendment)
    number, day = _decision(decision_number, decision_date)
    units = list(amendment.units.all())
    errors = plan_change_problems(
        plan=plan,
        template=None,
        period_start=amendment.period_start,
        period_end=amendment.period_end,
        units=units,
    )
    if errors:
        raise ValidationError([m for ms in errors.values() for m in ms])
    plan.period_start, plan.period_end = amendment.period_start, amendment.period_end
    plan.save(update_fields=["period_start", "period_end"])
    plan.units.set(units)
    amendment.status = AmendmentStatus.APPROVED
    amendment.decision_number, amendment.decision_date = number, day
    amendment.decided_by, amendment.decided_at = approved_by, timezone.now()
    amendment.save(update_fields=["status", "decision_number", "decision_date", "decided_by", "decided_at"])
    _queue_email(
        _event(
            plan,
            PlanEventKind.AMENDMENT_APPROVED,
            approved_by,
            amendment=amendment,
            data={"decision": amendment.decision_label},
        )
    )
    return amendment


@transaction.atomic
def plan_amendment_return(*, amendment: PlanAmendment, returned_by, reason: str) -> PlanAmendment:
    """Refuse an amendment with the reason; the plan stays as approved."""
    reason = _reason(reason)
    plan, amendment = _lock_amendment(amendment)
    amendment.status = AmendmentStatus.RETURNED
    amendment.return_reason = reason
    amendment.decided_by, amendment.decided_at = returned_by, timezone.now()
    amendment.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    _queue_email(
        _event(plan, PlanEventKind.AMENDMENT_RETURNED, returned_by, amendment=amendment, reason=reason)
    )
    return amendment


# E-mails

TO_HEADS = {PlanEventKind.SUBMITTED, PlanEventKind.AMENDMENT_SUBMITTED}


def _province_prefix(unit: Unit) -> str:
    return "/" + unit.path.strip("/").split("/")[0] + "/"


def _head_addresses(plan: InspectionPlan) -> list[str]:
    emails = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=Role.HEAD, unit__path__startswith=_province_prefix(plan.issuing_unit)
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


def _scheduler_addresses(plan: InspectionPlan) -> list[str]:
    """Who submitted the plan (or its last amendment) and who created it."""
    ids = set(
        PlanEvent.objects.filter(plan=plan, kind__in=TO_HEADS, actor__isnull=False).values_list(
            "actor_id", flat=True
        )
    )
    if plan.created_by_id:
        ids.add(plan.created_by_id)
    emails = get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(email="")
    return sorted(set(emails.values_list("email", flat=True)))


def plan_event_send(*, event_id: int) -> int:
    """E-mail one approval step: a submission to the province's heads (with the link to the plans
    waiting for them), a decision to the scheduler. Returns the number of messages sent."""
    event = (
        PlanEvent.objects.select_related("plan__issuing_unit", "amendment", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    plan = event.plan
    to = _head_addresses(plan) if event.kind in TO_HEADS else _scheduler_addresses(plan)
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(step)s: %(plan)s") % {"step": event.get_kind_display(), "plan": plan.title}
        body = render_to_string(
            "emails/plan_event.txt",
            {
                "event": event,
                "plan": plan,
                "amendment": event.amendment,
                "url": absolute_url(plan.get_absolute_url()),
                "waiting_url": absolute_url(reverse("inspections:plan_list") + "?waiting=1"),
                "to_heads": event.kind in TO_HEADS,
            },
        )
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
