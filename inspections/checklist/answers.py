"""Writes to answers: the team's autosave, the unit's self-assessment, the per-domain roll-up,
submitting a visit for review and reopening it.

Saving is ``UPDATE ... WHERE version = n``: a client that started from an older version than the
row's gets AnswerConflict (with the row as it is now) instead of overwriting someone else's
change. Each change carries a client-generated id; every applied change is recorded under it
(AppliedChange, unique), so a change resent after a lost response (the offline queue of
static/js/checklist/), even after a later change, is answered with what it stored and applied once.
The roll-up row of the answer's domain (VisitDomainScore) moves by the change's difference in the
same transaction, under the visit's lock; visit_scores_refresh recomputes every domain from the
answers (first opening, submission).

The autosave view runs at every change made on site: one statement authorises it, locks the
visit and reads the answer's old values (answering_lock), one more writes everything on
PostgreSQL (answer_save_locked, statements.answer_write).
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..access import get_answering_visit_for_user
from ..models import (
    SCORED_RESULTS,
    Answer,
    AnswerKind,
    AnswerResult,
    Criterion,
    TeamRole,
    Visit,
    VisitDomainScore,
    VisitStatus,
)
from ..models.answers import AppliedChange
from ..services.visits import visit_transition
from . import statements
from .derive import AnswerChange, answer_derive, score_check
from .formats import format_count, format_score
from .selectors import checklist_structure

LOCKED = gettext_lazy("This visit is not in progress: its answers can no longer be changed.")
SELF_ASSESSMENT_STATUSES = {VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS}


class AnswerConflict(Exception):
    """Someone else saved the answer after the version the client started from."""

    def __init__(self, current: Answer):
        super().__init__(f"answer {current.pk} is at version {current.version}")
        self.current = current


@dataclass
class AnswerSaved:
    """The answer as saved (with the unit's self-assessment), its domain's roll-up and every
    domain's (for the overall totals), read after the change; ``duplicate`` when the change had
    already been applied."""

    answer: Answer
    domain_score: VisitDomainScore
    scores: list[VisitDomainScore] = field(default_factory=list)
    duplicate: bool = False
    # The result the answer had before this change (None for a duplicate: nothing changed).
    before_result: str | None = None
    # The answer's version this change produced (for a duplicate: when it was first applied).
    stored_version: int = 0


def _scores(visit: Visit, *, live: bool = False) -> tuple[list[VisitDomainScore], dict[int, tuple]]:
    """Every domain's roll-up of ``visit`` (unsaved), and its answers' (result, score, self_score,
    self_note) by criterion id: one query, the checklist's structure being kept per process.
    ``live``: read the answers only if the visit is (still) in progress."""
    structure = checklist_structure(template=visit.template)
    rows = Answer.objects.filter(visit=visit)
    if live:
        rows = rows.filter(visit__status=VisitStatus.IN_PROGRESS)
    answers = {
        criterion_id: rest
        for criterion_id, *rest in rows.order_by().values_list(
            "criterion_id", "result", "score", "self_score", "self_note"
        )
    }
    kind, scores = visit.unit.kind, []
    for domain, criteria in structure.domains:
        score = VisitDomainScore(visit=visit, domain=domain)
        for criterion in criteria:
            result, points = answers.get(criterion.pk, ("", None))[:2]
            if not criterion.applies_to_kind(kind) or result == AnswerResult.NOT_APPLICABLE:
                continue
            score.applicable += 1
            score.max_points += criterion.max_score
            if result in SCORED_RESULTS:
                score.answered += 1
                score.points += points or 0
        scores.append(score)
    return scores, answers


def _store_scores(scores: list[VisitDomainScore]) -> None:
    VisitDomainScore.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["visit", "domain"],
        update_fields=["points", "max_points", "answered", "applicable"],
    )


def _lock(visit: Visit) -> None:
    """Hold the visit's row until the transaction ends, so that the roll-ups of one visit are
    recomputed one save at a time (a no-op on SQLite, whose writers the database serialises)."""
    list(Visit.objects.select_for_update().filter(pk=visit.pk).order_by().values_list("pk", flat=True))


AUDITED_FIELDS = ("result", "score", "figures", "text", "note")


def _locked_state(visit: Visit, criterion: Criterion) -> tuple[dict | None, list[VisitDomainScore]]:
    """The answer as it is before the change (its audited values, version, last change id and the
    unit's self-assessment) and the visit's roll-up rows, read by the one statement that also
    locks the visit's row (SELECT ... FOR UPDATE OF visit), only while the visit is in progress:
    a visit submitted meanwhile (visit_submit holds the same lock) raises ValidationError. The
    answer is None when its row does not exist yet.

    A save that had to wait for the lock reads the roll-up rows as they were before the save it
    waited for (PostgreSQL reads the joined rows from the statement's start): they serve only
    the totals shown with this answer, which the next save shows right again. The answer's own
    values are never used stale: the update is conditional on the version read with them.
    """
    state = statements.locked_state(visit_id=visit.pk, criterion_id=criterion.pk)
    if state is None:
        raise ValidationError(LOCKED, code="locked")
    before, rows = state
    return before, [VisitDomainScore(visit=visit, **row) for row in rows]


def _contribution(criterion: Criterion, kind: str, result: str, score: Decimal | None) -> tuple:
    """What one answer adds to its domain's roll-up: (points, max_points, answered, applicable),
    by the same rule as _scores."""
    if not criterion.applies_to_kind(kind) or result == AnswerResult.NOT_APPLICABLE:
        return (Decimal(0), Decimal(0), 0, 0)
    scored = result in SCORED_RESULTS
    return ((score or Decimal(0)) if scored else Decimal(0), criterion.max_score, int(scored), 1)


def _difference(criterion: Criterion, kind: str, before: dict, result: str, score) -> tuple | None:
    """What the change adds to its domain's roll-up, (points, max_points, answered,
    applicable), or None when nothing counted changed (a note, a text)."""
    old = _contribution(criterion, kind, before["result"], before["score"])
    new = _contribution(criterion, kind, result, score)
    difference = tuple(n - o for n, o in zip(new, old, strict=True))
    return difference if any(difference) else None


def _rolled_up(
    visit: Visit, criterion: Criterion, difference: tuple | None, moved: int, scores: list[VisitDomainScore]
) -> list[VisitDomainScore]:
    """The roll-up rows after the change: ``scores`` (the rows as read before) with the
    difference the change made to its domain's row (moved in place by the write: no read of
    the other answers), or, for a domain without its row yet (a checklist never opened), every
    row of the visit computed from the answers and stored.

    Right under concurrency: the caller holds the visit's lock, and the change replaced exactly
    the values its difference was computed from (the answer's update is conditional on the
    version read with them).
    """
    if difference is None:
        return scores
    if not moved:
        scores = _scores(visit)[0]
        _store_scores(scores)
        return scores
    points, max_points, answered, applicable = difference
    for row in scores:
        if row.domain_id == criterion.domain_id:
            row.points += points
            row.max_points += max_points
            row.answered += answered
            row.applicable += applicable
    return scores


@transaction.atomic
def visit_scores_refresh(*, visit: Visit) -> list[VisitDomainScore]:
    """Recompute and store every domain's roll-up row of ``visit`` (three queries, with the
    visit's row locked as answer_save does).

    answer_save does it at each save; the checklist page calls it the first time a visit's
    checklist is opened (no row yet), and visit_submit to settle the totals.
    """
    _lock(visit)
    scores, _answers = _scores(visit)
    _store_scores(scores)
    return scores


def _stored_values(criterion: Criterion, change: AnswerChange, result: str, score: Decimal | None) -> dict:
    is_figures = criterion.answer_kind == AnswerKind.FIGURES
    return {
        "result": result,
        "score": score,
        "figures": dict(change.figures) if is_figures else {},
        "text": change.text,
        "note": change.note,
    }


def _audit(before: dict, values: dict, *, actor, criterion: Criterion) -> LogEntry | None:
    """The audit log's entry of who changed which answer fields from what to what (None when no
    audited field changes), written with the change (statements.answer_write).

    The conditional UPDATE bypasses the model's save(), which auditlog listens to, so the entry
    is made here, with the same shape auditlog gives: {field: [old, new]}.
    """
    changes = {
        field: [_audit_str(before[field], criterion), _audit_str(values[field], criterion)]
        for field in AUDITED_FIELDS
        if field in values and before[field] != values[field]
    }
    if not changes:
        return None
    # A plain INSERT: nothing listens to the audit log's saves.
    return LogEntry(
        content_type=ContentType.objects.get_for_model(Answer),
        object_pk=str(before["pk"]),
        object_id=before["pk"],
        object_repr=f"{criterion.code} {criterion.title}"[:200],
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor,
    )


def _audit_str(value, criterion: Criterion) -> str:
    """A value as the history shows it, in the active language: a score “1,5” (“1” and “1.00”
    read the same), figures “Số hồ sơ tiếp nhận: 2.264; Số hồ sơ đúng hạn: 2.114”."""
    if value is None or value == "" or value == {}:
        return "None"
    if isinstance(value, Decimal):
        return format_score(value)
    if isinstance(value, dict):
        labels = {f["key"]: f.get("label") or f["key"] for f in criterion.figures}
        order = [f["key"] for f in criterion.figures]
        keys = sorted(value, key=lambda key: order.index(key) if key in order else len(order))
        return "; ".join(f"{labels.get(key, key)}: {format_count(value[key])}" for key in keys)
    return str(value)


def _holds(current: Answer, values: dict) -> bool:
    """The stored answer already has exactly ``values`` (as far as an answer goes)."""
    return all(getattr(current, name) == values[name] for name in AUDITED_FIELDS)


def _saved(
    visit: Visit, answer: Answer, *, scores: list | None = None, before_result: str | None = None, **extra
) -> AnswerSaved:
    """The answer as saved with the visit's roll-up rows (read now unless given)."""
    if scores is None:
        scores = list(VisitDomainScore.objects.filter(visit=visit).order_by())
    domain_id = answer.criterion.domain_id
    domain_score = next((s for s in scores if s.domain_id == domain_id), None) or VisitDomainScore(
        visit=visit, domain_id=domain_id
    )
    return AnswerSaved(answer, domain_score, scores, before_result=before_result, **extra)


def _repeat_or_conflict(
    visit: Visit, criterion: Criterion, values: dict, token: uuid.UUID | None
) -> AnswerSaved:
    """The change was made from an older version than the row's: a repeat of a change already
    applied (this one's id is recorded: the latest on the row, an older one in AppliedChange) or
    the same values given twice is answered as ``duplicate`` with what it stored; anything else
    is AnswerConflict, carrying the row as it is now."""
    current = Answer.objects.filter(visit=visit, criterion=criterion).select_related("updated_by").first()
    if current is None:
        raise ValidationError(LOCKED, code="locked")
    current.visit, current.criterion = visit, criterion
    version = None
    if token is not None:
        if current.client_token == token:
            version = current.version
        else:
            version = (
                AppliedChange.objects.filter(client_id=token, answer=current)
                .values_list("version", flat=True)
                .first()
            )
    if version is None and _holds(current, values):
        version = current.version
    if version is None:
        raise AnswerConflict(current)
    return _saved(visit, current, duplicate=True, stored_version=version)


def answer_save(
    *,
    visit: Visit,
    criterion: Criterion,
    actor,
    base_version: int,
    change: AnswerChange,
    token: uuid.UUID | None = None,
) -> AnswerSaved:
    """Save a team member's answer to ``criterion`` if the row is still at ``base_version``.

    ``base_version`` is the version the client last saw (0 for an answer never saved by the
    team); ``token`` the client's id of this change. A stale version raises AnswerConflict
    carrying the current row, whoever saved it last (the same inspector on another device too:
    a replay of an old change must never overwrite a newer one), unless the change was already
    applied (its id is recorded: see AppliedChange) or the row already holds exactly these
    values: those are returned as ``duplicate`` with the version the change stored, nothing
    written and no history row. Two deliveries of one change at the same moment: the second
    waits for the visit's lock and finds the first's record; should it ever get past it, the
    record's unique id refuses its insert and it is answered the same way. Raises
    ValidationError for bad input and for a visit not in progress.

    In its own transaction: the visit's lock with the answer's old values and the roll-up rows
    (statements.locked_state), then the write (statements.answer_write). The autosave view
    goes through answering_lock and answer_save_locked instead, whose locking statement also
    authorises the user.
    """
    try:
        with transaction.atomic():
            if visit.status != VisitStatus.IN_PROGRESS:
                raise ValidationError(LOCKED, code="locked")
            return answer_save_locked(
                lock=AnswerLock(visit, *_locked_state(visit, criterion)),
                criterion=criterion,
                actor=actor,
                base_version=base_version,
                change=change,
                token=token,
            )
    except IntegrityError:
        saved = answer_applied_before(visit=visit, criterion=criterion, token=token)
        if saved is None:
            raise
        return saved


def answer_applied_before(
    *, visit: Visit, criterion: Criterion, token: uuid.UUID | None
) -> AnswerSaved | None:
    """After a change's record was refused (IntegrityError, its transaction rolled back): another
    delivery of this very change committed its record first, answered as ``duplicate``; an id
    already used for another answer is a ValidationError (a confused client). None: the
    IntegrityError has another cause (the caller raises it again)."""
    if token is None:
        return None
    current = Answer.objects.filter(visit=visit, criterion=criterion).select_related("updated_by").first()
    version = (
        AppliedChange.objects.filter(client_id=token, answer=current)
        .values_list("version", flat=True)
        .first()
        if current
        else None
    )
    if version is None:
        if AppliedChange.objects.filter(client_id=token).exists():
            raise ValidationError(_("This change was already applied to another answer."))
        return None
    current.visit, current.criterion = visit, criterion
    return _saved(visit, current, duplicate=True, stored_version=version)


@dataclass
class AnswerLock:
    """A visit whose row the current transaction has locked, with one answer's values before the
    change (None: no row yet) and the visit's roll-up rows, read by the locking statement."""

    visit: Visit
    before: dict | None
    scores: list[VisitDomainScore]


def answering_lock(*, user, visit_pk, criterion_pk) -> AnswerLock:
    """Visit ``visit_pk`` for ``user``'s autosave of criterion ``criterion_pk``, locked until the
    caller's transaction ends: one statement authorises (a member of its team, the visit in
    progress: the rule "inspections.change_answers"), locks and reads the answer's old values
    and the roll-up rows (statements.answering_state). Whoever may not answer gets the verdict
    of access.get_answering_visit_for_user (404 to who may not see the visit, 403 otherwise);
    a visit that changed meanwhile, ValidationError (not in progress)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("answering_lock holds the visit's lock for the caller's transaction")
    state = statements.answering_state(user_id=user.pk, visit_id=visit_pk, criterion_id=criterion_pk)
    if state is None:
        get_answering_visit_for_user(user, visit_pk)  # raises Http404 or PermissionDenied
        # Granted since: read under the lock again.
        state = statements.answering_state(user_id=user.pk, visit_id=visit_pk, criterion_id=criterion_pk)
        if state is None:
            raise ValidationError(LOCKED, code="locked")
    visit, before, rows = state
    return AnswerLock(visit, before, [VisitDomainScore(visit=visit, **row) for row in rows])


def answer_save_locked(
    *, lock: AnswerLock, criterion: Criterion, actor, base_version: int, change: AnswerChange, token
) -> AnswerSaved:
    """answer_save within the caller's transaction, which holds ``lock``: the same outcomes,
    except that a refused change record (IntegrityError) reaches the caller, which rolls back
    and asks answer_applied_before.

    Statements on the usual path (the row exists, the visit's roll-up rows too): one, the write
    (statements.answer_write: on SQLite four, the roll-up's move skipped when nothing counted
    changed). An answer's first save first creates the row (one more). The autosave request adds the session, the user, BEGIN, the locking statement and
    COMMIT: six in all on PostgreSQL.
    """
    visit = lock.visit
    result, score = answer_derive(criterion=criterion, change=change)
    values = _stored_values(criterion, change, result, score)
    values.update(client_token=token, updated_by=actor, updated_at=timezone.now())
    before, scores = lock.before, lock.scores
    if before is None and base_version == 0:
        # An answer's first save: its row, created now with the defaults, or (made meanwhile by
        # the unit's self-assessment) read under the lock.
        before = statements.answer_create(visit_id=visit.pk, criterion_id=criterion.pk)
        if before is None:
            before, scores = _locked_state(visit, criterion)
    if before is None:
        raise ValidationError(LOCKED, code="locked")
    if before["version"] != base_version:
        return _repeat_or_conflict(visit, criterion, values, token)
    version = base_version + 1
    difference = _difference(criterion, visit.unit.kind, before, result, score)
    updated, moved = statements.answer_write(
        answer_id=before["pk"],
        base_version=base_version,
        values=values,
        change=(
            {"client_id": token, "version": version, "at": values["updated_at"]}
            if token is not None
            else None
        ),
        move=(
            dict(zip(("points", "max_points", "answered", "applicable"), difference, strict=True))
            | {"visit_id": visit.pk, "domain_id": criterion.domain_id}
            if difference is not None
            else None
        ),
        audit=_audit(before, values, actor=actor, criterion=criterion),
    )
    if not updated:
        return _repeat_or_conflict(visit, criterion, values, token)
    scores = _rolled_up(visit, criterion, difference, moved, scores)
    answer = Answer(
        pk=before["pk"],
        visit=visit,
        criterion=criterion,
        version=version,
        self_score=before["self_score"],
        self_note=before["self_note"],
        **values,
    )
    return _saved(visit, answer, scores=scores, before_result=before["result"], stored_version=version)


@transaction.atomic
def answer_self_assess(
    *, visit: Visit, criterion: Criterion, actor, self_score: Decimal | None, self_note: str
) -> Answer:
    """Save the unit's own score and note for ``criterion`` (the liaison's self-assessment).

    Allowed while the visit is scheduled or in progress. Touches only the self-assessment
    columns and never the row's version, so it cannot make a team member's save look stale.
    Two queries.
    """
    if visit.status not in SELF_ASSESSMENT_STATUSES:
        raise ValidationError(
            _("The self-assessment is closed: the visit is %(status)s.")
            % {"status": visit.get_status_display()}
        )
    score_check(criterion, self_score, key="self_score")
    Answer.objects.bulk_create([Answer(visit=visit, criterion=criterion)], ignore_conflicts=True)
    values = {
        "self_score": self_score,
        "self_note": self_note,
        "self_updated_by": actor,
        "self_updated_at": timezone.now(),
    }
    if not Answer.objects.filter(
        visit=visit, criterion=criterion, visit__status__in=SELF_ASSESSMENT_STATUSES
    ).update(**values):
        raise ValidationError(_("The self-assessment is closed."))
    return Answer(visit=visit, criterion=criterion, **values)


def _require_leader(visit: Visit, actor) -> None:
    if visit.team_role_of(actor) != TeamRole.LEADER:
        raise PermissionDenied


@transaction.atomic
def visit_submit(*, visit: Visit, actor) -> Visit:
    """The team leader hands the visit over for review (in progress -> submitted).

    Refused (ValidationError, code "incomplete") while an applicable criterion is unanswered.
    Settles every domain's roll-up first; the answers are then locked (answer_save refuses any
    visit not in progress). The status change is recorded in the visit's history.
    """
    _require_leader(visit, actor)
    locked = Visit.objects.select_for_update().select_related("unit", "template").get(pk=visit.pk)
    if locked.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_("Only a visit in progress can be submitted."))
    missing = sum(s.applicable - s.answered for s in visit_scores_refresh(visit=locked))
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)d applicable criterion is not answered yet.",
                "%(count)d applicable criteria are not answered yet.",
                missing,
            )
            % {"count": missing},
            code="incomplete",
        )
    return visit_transition(visit=locked, status=VisitStatus.SUBMITTED, actor=actor, notify=False)


@transaction.atomic
def visit_reopen(*, visit: Visit, actor, reason: str) -> Visit:
    """The team leader takes a submitted visit back (submitted -> in progress) to change answers.

    ``reason`` is required and stays in the visit's history.
    """
    _require_leader(visit, actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the answers are reopened.")]})
    if visit.status != VisitStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted visit can be reopened."))
    return visit_transition(
        visit=visit, status=VisitStatus.IN_PROGRESS, actor=actor, reason=reason.strip(), notify=False
    )
