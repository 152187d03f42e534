"""Writes to findings: the team adds, edits, orders and removes them while the visit is in progress."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import update_versioned
from inspections.models import Answer, AnswerResult, Criterion, Domain, Visit, VisitStatus

from ..models import Finding, FindingKind, ReviewState, Severity

EDITABLE_FIELDS = ("kind", "domain", "criterion", "text", "cause", "cause_note", "severity", "recommendation")


def _ensure_editable(visit: Visit) -> None:
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(
            _("Findings change only while the visit is in progress; this visit is %(status)s.")
            % {"status": visit.get_status_display()}
        )


def _clean(
    *, visit: Visit, kind: str, domain: Domain | None, criterion: Criterion | None, recommendation: str
):
    """Check the place in the checklist and the kind; return the domain (the criterion's one)."""
    if criterion is not None:
        if criterion.domain.template_id != visit.template_id:
            raise ValidationError({"criterion": [_("This criterion is not in the visit's checklist.")]})
        domain = criterion.domain
    if domain is not None and domain.template_id != visit.template_id:
        raise ValidationError({"domain": [_("This domain is not in the visit's checklist.")]})
    if kind == FindingKind.STRENGTH and recommendation.strip():
        raise ValidationError({"recommendation": [_("A strength has no recommendation.")]})
    return domain


@transaction.atomic
def finding_create(
    *,
    visit: Visit,
    actor,
    kind: str,
    text: str,
    domain: Domain | None = None,
    criterion: Criterion | None = None,
    cause: str = "",
    cause_note: str = "",
    severity: str = "",
    recommendation: str = "",
) -> Finding:
    """Add a strength or a limitation to an in-progress visit, last of its kind. Raises ValidationError."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _ensure_editable(visit)
    domain = _clean(visit=visit, kind=kind, domain=domain, criterion=criterion, recommendation=recommendation)
    last = visit.findings.filter(kind=kind).aggregate(last=Max("order"))["last"] or 0
    with acting_as(actor):
        return Finding.objects.create(
            visit=visit,
            kind=kind,
            text=text.strip(),
            domain=domain,
            criterion=criterion,
            cause=cause if kind == FindingKind.LIMITATION else "",
            cause_note=cause_note.strip() if kind == FindingKind.LIMITATION else "",
            severity=severity if kind == FindingKind.LIMITATION else "",
            recommendation=recommendation.strip(),
            order=last + 1,
            created_by=actor,
        )


@transaction.atomic
def finding_update(*, finding: Finding, version: int, actor, **fields) -> Finding:
    """Change a finding of an in-progress visit (any of EDITABLE_FIELDS).

    An edited finding goes back to draft: whatever the head approved before was another wording.
    Raises ValidationError on a stale ``version`` or a closed visit.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"finding_update() got unexpected fields {sorted(unknown)}")
    visit = Visit.objects.select_for_update().get(pk=finding.visit_id)
    _ensure_editable(visit)
    values = {name: fields.get(name, getattr(finding, name)) for name in EDITABLE_FIELDS}
    values["domain"] = _clean(
        visit=visit,
        kind=values["kind"],
        domain=values["domain"],
        criterion=values["criterion"],
        recommendation=values["recommendation"],
    )
    for name in ("text", "cause_note", "recommendation"):
        values[name] = values[name].strip()
    if values["kind"] == FindingKind.STRENGTH:
        values.update(cause="", cause_note="", severity="")
    changed = {name: value for name, value in values.items() if getattr(finding, name) != value}
    if changed and finding.review_state != ReviewState.DRAFT:
        changed["review_state"] = ReviewState.DRAFT
    with acting_as(actor):
        update_versioned(finding, version, **changed)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, version: int, actor) -> None:
    """Remove a finding of an in-progress visit (its review history goes with it; the audit log keeps
    the deletion). Refused once the finding was approved, and on a stale ``version``."""
    visit = Visit.objects.select_for_update().get(pk=finding.visit_id)
    _ensure_editable(visit)
    if finding.review_state == ReviewState.APPROVED:
        raise ValidationError(_("An approved finding cannot be removed; edit it instead."))
    if not Finding.objects.filter(pk=finding.pk, version=version).exists():
        raise ValidationError(
            _("Someone else changed this while you were editing it. Reload the page and try again.")
        )
    with acting_as(actor):
        finding.reviews.all().delete()
        finding.delete()


# Severity of the limitation proposed from an answer, by the answer's result.
ANSWER_SEVERITY = {AnswerResult.NOT_MET: Severity.MEDIUM, AnswerResult.PARTLY: Severity.LOW}


@transaction.atomic
def finding_from_answer(*, visit: Visit, criterion: Criterion, actor) -> tuple[Finding, bool]:
    """Turn the visit's answer to ``criterion`` ("not met" or "partly") into a prefilled limitation.

    Returns (finding, created): a second click returns the limitation already made from that
    criterion instead of a duplicate. Raises ValidationError when the answer is neither.
    """
    visit_locked = Visit.objects.select_for_update().get(pk=visit.pk)
    _ensure_editable(visit_locked)
    answer = Answer.objects.filter(visit=visit_locked, criterion=criterion).first()
    if answer is None or answer.result not in ANSWER_SEVERITY:
        raise ValidationError(_("Only a criterion answered “not met” or “partly met” becomes a limitation."))
    existing = visit_locked.findings.filter(kind=FindingKind.LIMITATION, criterion=criterion).first()
    if existing is not None:
        return existing, False
    if answer.result == AnswerResult.NOT_MET:
        text = _("Not met: %(criterion)s.") % {"criterion": criterion.title}
    else:
        text = _("Partly met: %(criterion)s.") % {"criterion": criterion.title}
    if answer.note.strip():
        text = f"{text} {answer.note.strip()}"
    finding = finding_create(
        visit=visit_locked,
        actor=actor,
        kind=FindingKind.LIMITATION,
        text=text,
        criterion=criterion,
        severity=ANSWER_SEVERITY[answer.result],
    )
    return finding, True


@transaction.atomic
def finding_move(*, finding: Finding, actor, up: bool) -> Finding:
    """Swap a finding with its neighbour of the same kind (the order of the conclusion notice)."""
    visit = Visit.objects.select_for_update().get(pk=finding.visit_id)
    _ensure_editable(visit)
    siblings = list(visit.findings.filter(kind=finding.kind).order_by("order", "id"))
    index = next(i for i, f in enumerate(siblings) if f.pk == finding.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return finding
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    with acting_as(actor):
        for position, sibling in enumerate(siblings, start=1):
            if sibling.order != position:
                sibling.order = position
                sibling.save(update_fields=["order", "updated_at"])
    return next(f for f in siblings if f.pk == finding.pk)
