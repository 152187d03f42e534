"""The review: the leader submits the visit, the Department head decides on every finding, then
approves the review (the visit becomes reviewed) or returns it to the team (back in progress)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import check_version, stale_error, update_versioned
from inspections.checklist.answers import visit_submit
from inspections.models import Visit, VisitEvent, VisitEventKind, VisitStatus
from inspections.services import visit_transition

from ..models import Finding, FindingReview, ReviewDecision, ReviewState
from .notifications import findings_returned_queue, review_requested_queue


def _submit_visit(*, visit: Visit, actor, version: int | None) -> Visit:
    # The inspections app owns the visit's workflow: visit_submit checks that the leader submits
    # and that every applicable criterion is answered.
    if (
        version is not None
        and Visit.objects.filter(pk=visit.pk).values_list("version", flat=True).first() != version
    ):
        raise stale_error()
    return visit_submit(visit=visit, actor=actor)


def _last_event(visit: Visit, status: str) -> VisitEvent | None:
    return (
        VisitEvent.objects.filter(visit=visit, kind=VisitEventKind.STATUS_CHANGED, data__to=status)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def findings_submit(*, visit: Visit, actor, version: int | None = None) -> Visit:
    """The leader sends the visit (answers and findings) to the Department head for review.

    The visit moves from in progress to submitted through the inspections app; draft and
    returned findings become submitted; the heads overseeing the unit are e-mailed after the
    commit. Raises ValidationError when the visit cannot be submitted.
    """
    with acting_as(actor):
        visit = _submit_visit(visit=visit, actor=actor, version=version)
        for finding in visit.findings.filter(review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED]):
            finding.review_state = ReviewState.SUBMITTED
            finding.save(update_fields=["review_state", "updated_at"])
    event = _last_event(visit, VisitStatus.SUBMITTED)
    review_requested_queue(visit_id=visit.pk, event_id=event.pk if event else None)
    return visit


def _ensure_under_review(visit: Visit) -> None:
    if visit.status != VisitStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted visit is reviewed; this visit is %(status)s.")
            % {"status": visit.get_status_display()}
        )


@transaction.atomic
def finding_review(
    *,
    finding: Finding,
    version: int,
    actor,
    decision: str,
    comment: str = "",
    text: str | None = None,
    recommendation: str | None = None,
) -> FindingReview:
    """Record the head's decision on one finding of a submitted visit.

    - approved: the finding stands as written;
    - edited: the head rewords ``text`` / ``recommendation`` and approves it (the old wording is
      kept on the review);
    - returned: the team must change it; ``comment`` says what (required).

    The head may change a decision until the review is finished. Raises ValidationError.
    """
    visit = Visit.objects.select_for_update().get(pk=finding.visit_id)
    _ensure_under_review(visit)
    comment = comment.strip()
    fields: dict = {}
    before: dict = {}
    if decision == ReviewDecision.RETURNED:
        if not comment:
            raise ValidationError({"comment": [_("Say what the team should change.")]})
        fields["review_state"] = ReviewState.RETURNED
    elif decision == ReviewDecision.EDITED:
        new_text = (text if text is not None else finding.text).strip()
        new_recommendation = (
            recommendation if recommendation is not None else finding.recommendation
        ).strip()
        if not new_text:
            raise ValidationError({"text": [_("This field is required.")]})
        if not finding.is_limitation and new_recommendation:
            raise ValidationError({"recommendation": [_("A strength has no recommendation.")]})
        if new_text == finding.text and new_recommendation == finding.recommendation:
            decision = ReviewDecision.APPROVED
        else:
            before = {"text": finding.text, "recommendation": finding.recommendation}
            fields.update(text=new_text, recommendation=new_recommendation)
        fields["review_state"] = ReviewState.APPROVED
    elif decision == ReviewDecision.APPROVED:
        fields["review_state"] = ReviewState.APPROVED
    else:
        raise ValidationError(_("Unknown decision."))
    with acting_as(actor):
        update_versioned(finding, version, **fields)
        return FindingReview.objects.create(
            finding=finding, decision=decision, comment=comment, before=before, actor=actor
        )


@transaction.atomic
def review_finish(*, visit: Visit, actor, version: int | None = None, comment: str = "") -> Visit:
    """End the head's review of a submitted visit.

    Every finding approved: the visit becomes reviewed (the leader may conclude it). Some
    returned: the visit goes back in progress to the team, who are e-mailed the returned findings
    after the commit. Raises ValidationError while a finding still waits for a decision.
    """
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    check_version(locked, version)
    _ensure_under_review(locked)
    findings = list(locked.findings.all())
    if any(f.review_state in (ReviewState.DRAFT, ReviewState.SUBMITTED) for f in findings):
        raise ValidationError(
            _("Decide on every finding first: approve it, edit it or return it to the team.")
        )
    returned = [f for f in findings if f.review_state == ReviewState.RETURNED]
    with acting_as(actor):
        if returned:
            reason = comment.strip() or _("%(count)s findings returned to the team.") % {
                "count": len(returned)
            }
            # Not visit_reopen: that is the leader taking the visit back; here the head sends it.
            visit = visit_transition(
                visit=locked,
                status=VisitStatus.IN_PROGRESS,
                actor=actor,
                version=locked.version,
                reason=reason,
            )
            findings_returned_queue(visit_id=visit.pk)
        else:
            visit = visit_transition(
                visit=locked,
                status=VisitStatus.REVIEWED,
                actor=actor,
                version=locked.version,
                reason=comment.strip(),
            )
    return visit
