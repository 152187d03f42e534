"""Demo scores for the dashboards (`manage.py load_demo`, after the findings demo).

The seed articles report what the teams found (strengths, limitations), not the score of every
criterion, so the finished demo visits have findings but no answers, and the dashboards would
have nothing to add up. This step answers their checklists the way the findings read: a
criterion with a limitation is "not met" (a high-severity one) or "partly met", every other
applicable criterion "met", with a few "partly" spread deterministically so that units differ.
The roll-up rows are then computed by the answer service itself (visit_scores_refresh).

Idempotent: a visit that already has a team answer is left alone. Demo only: real answers come
from the teams through the checklist.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from findings.models import Finding, FindingKind, Severity
from inspections.checklist.answers import visit_scores_refresh
from inspections.models import Answer, AnswerResult, Criterion, TeamMember, TeamRole, Visit, VisitStatus

FINISHED = [VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]
HUNDREDTH = Decimal("0.01")


def _result(criterion: Criterion, visit: Visit, findings: dict[int, str]) -> tuple[str, Decimal]:
    severity = findings.get(criterion.pk)
    if severity == Severity.HIGH:
        return AnswerResult.NOT_MET, Decimal(0)
    if severity is not None or (visit.pk * 31 + criterion.pk) % 7 == 0:
        return AnswerResult.PARTLY, (criterion.max_score / 2).quantize(HUNDREDTH)
    return AnswerResult.MET, criterion.max_score


@transaction.atomic
def load() -> dict[str, int]:
    """Answer the finished demo visits that have no team answer; returns the counts written."""
    # A team answer, scored or figures only (the Sa Đéc visit has its figures and no score).
    answered = Answer.objects.filter(Q(version__gt=0) | ~Q(result=AnswerResult.UNANSWERED)).values("visit_id")
    visits = list(
        Visit.objects.filter(status__in=FINISHED)
        .exclude(pk__in=answered)
        .select_related("unit")
        .order_by("pk")
    )
    written, scored = 0, 0
    for visit in visits:
        leader = (
            TeamMember.objects.filter(visit=visit, role=TeamRole.LEADER)
            .values_list("user_id", flat=True)
            .first()
        )
        limitations = dict(
            Finding.objects.filter(
                visit=visit, kind=FindingKind.LIMITATION, criterion__isnull=False
            ).values_list("criterion_id", "severity")
        )
        criteria = [
            c
            for c in Criterion.objects.filter(domain__template_id=visit.template_id).order_by("pk")
            if c.applies_to_kind(visit.unit.kind)
        ]
        if not criteria:
            continue
        rows = []
        for criterion in criteria:
            result, score = _result(criterion, visit, limitations)
            rows.append(
                Answer(
                    visit=visit,
                    criterion=criterion,
                    result=result,
                    score=score,
                    version=1,
                    updated_by_id=leader,
                    updated_at=visit.ends_at,
                )
            )
        # A row may exist already with the unit's self-assessment only: keep it, fill the team's part.
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["visit", "criterion"],
            update_fields=["result", "score", "version", "updated_by", "updated_at"],
        )
        visit_scores_refresh(visit=visit)
        written += len(rows)
        scored += 1
    return {"visits": scored, "answers": written}
