"""Writes of the reform index: opening a round, self-scoring, appraisal, the unit's response,
approval. Keyword-only, atomic; the state a scorecard must be in is checked under its row lock,
and every edited score row is written ``UPDATE ... WHERE version = n`` (core.versioning).
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.uploads import SUFFIXES, upload_check
from core.versioning import check_version, update_versioned
from inspections.models import ChecklistTemplate, Criterion, TemplateStatus
from units.models import Unit

from .models import APPRAISABLE, CardStatus, CriterionScore, IndexEvidence, IndexRound, Scorecard


@transaction.atomic
def round_open(
    *,
    actor,
    province: Unit,
    year: int,
    template: ChecklistTemplate,
    units: list[Unit],
    self_deadline: date,
    appraisal_deadline: date,
    response_deadline: date,
) -> IndexRound:
    """Open the round of ``year`` for ``province``: one scorecard per unit in scope with a row per
    criterion that applies to the unit's kind, and, after the commit, an e-mail to each unit's
    liaisons (the outbox). Raises ValidationError (a second round for the year, a draft template,
    a unit outside the province, deadlines out of order)."""
    errors = {}
    if template.status != TemplateStatus.PUBLISHED:
        errors["template"] = [_("Only a published template version can be used.")]
    if not units:
        errors["units"] = [_("Choose at least one unit.")]
    if any(not u.path.startswith(province.path) or u.pk == province.pk for u in units):
        errors["units"] = [_("Every unit must belong to the province.")]
    if not (self_deadline <= appraisal_deadline <= response_deadline):
        errors["response_deadline"] = [
            _("The deadlines follow each other: self-scoring, then appraisal, then the unit's response.")
        ]
    if IndexRound.objects.filter(province=province, year=year).exists():
        errors["year"] = [_("This province already has a round for this year.")]
    if errors:
        raise ValidationError(errors)
    index_round = IndexRound.objects.create(
        province=province,
        year=year,
        template=template,
        self_deadline=self_deadline,
        appraisal_deadline=appraisal_deadline,
        response_deadline=response_deadline,
        opened_by=actor,
    )
    cards = Scorecard.objects.bulk_create([Scorecard(round=index_round, unit=u) for u in units])
    criteria = list(Criterion.objects.filter(domain__template=template))
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(scorecard=card, criterion=c)
            for card in cards
            for c in criteria
            if c.applies_to_kind(card.unit.kind)
        ],
        batch_size=1000,
    )
    for card in cards:
        outbox.enqueue_email(
            "inspections.reform_index.notifications.round_opened_send",
            key=f"reform_index.round_opened:{card.pk}",
            card_id=card.pk,
        )
    return index_round


def _locked_card(card: Scorecard, *, states, message: str) -> Scorecard:
    locked = Scorecard.objects.select_for_update().get(pk=card.pk)
    if locked.status not in states:
        raise ValidationError(message, code="state")
    return locked


@dataclass(frozen=True)
class SelfRow:
    """One criterion of the self-scoring form as the liaison sent it."""

    score_id: int
    version: int
    self_score: Decimal | None
    explanation: str
    document_id: int | None


@transaction.atomic
def card_self_save(*, card: Scorecard, actor, rows: list[SelfRow], uploads: dict | None = None) -> int:
    """Save the liaison's scores, explanations and document references of some criteria of
    ``card``, and store the uploaded files (``{score_id: [UploadedFile]}``, checked by content).
    Only while the card is a draft. A row whose version moved since the form was built makes the
    whole save fail with the stale message: nothing is written. Returns the rows changed."""
    card = _locked_card(
        card, states=[CardStatus.DRAFT], message=_("The self-scoring was submitted: it is locked.")
    )
    scores = {
        s.pk: s
        for s in CriterionScore.objects.select_for_update()
        .select_related("criterion")
        .filter(scorecard=card, pk__in=[r.score_id for r in rows])
    }
    changes = []
    for row in rows:
        score = scores.get(row.score_id)
        if score is None:
            continue
        if row.self_score is not None and row.self_score > score.criterion.max_score:
            raise ValidationError(
                _("Criterion %(code)s: at most %(max)s points.")
                % {"code": score.criterion.code, "max": score.criterion.max_score}
            )
        new = {"self_score": row.self_score, "explanation": row.explanation, "document_id": row.document_id}
        if all(getattr(score, k) == v for k, v in new.items()):
            continue
        check_version(score, row.version)
        changes.append((score, new))
    changed = _write_scores(changes)
    for score_id, files in (uploads or {}).items():
        score = scores.get(score_id)
        if score is None:
            continue
        for upload in files:
            evidence_store(score=score, upload=upload, actor=actor)
    return changed


def evidence_store(*, score: CriterionScore, upload, actor) -> IndexEvidence:
    """Check ``upload`` by its content and store it as evidence of ``score``; the same bytes sent
    twice give the first row back. Raises ValidationError naming the file."""
    checked = upload_check(upload=upload)
    digest = hashlib.sha256(checked.content).hexdigest()
    existing = IndexEvidence.objects.filter(score=score, sha256=digest).first()
    if existing is not None:
        return existing
    evidence = IndexEvidence(
        score=score,
        original_name=checked.name[:255],
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(f"upload{SUFFIXES[checked.content_type]}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError:
        evidence.file.delete(save=False)
        return IndexEvidence.objects.get(score=score, sha256=digest)
    return evidence


def missing_for_submit(card: Scorecard) -> list[str]:
    """What keeps ``card`` from being submitted: criteria without a score, and criteria whose
    template requires evidence with neither a file, an issued document nor an explanation."""
    problems = []
    for s in (
        CriterionScore.objects.filter(scorecard=card).select_related("criterion").prefetch_related("files")
    ):
        if s.self_score is None:
            problems.append(_("%(code)s: no score yet.") % {"code": s.criterion.code})
        elif (
            s.criterion.evidence_required
            and not s.explanation.strip()
            and s.document_id is None
            and not s.files.all()
        ):
            problems.append(
                _("%(code)s: attach evidence (a file or an issued document) or explain why there is none.")
                % {"code": s.criterion.code}
            )
    return problems


@transaction.atomic
def card_submit(*, card: Scorecard, actor, version: int | None) -> Scorecard:
    """Submit the self-scoring: it is then locked for the unit and goes to the appraisers.
    Idempotent (a second submit of a submitted card does nothing). Raises ValidationError with the
    criteria still missing a score or evidence."""
    locked = Scorecard.objects.select_for_update().get(pk=card.pk)
    if locked.status != CardStatus.DRAFT:
        return locked
    check_version(locked, version)
    problems = missing_for_submit(locked)
    if problems:
        raise ValidationError(problems)
    update_versioned(locked, status=CardStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=actor)
    return locked


@dataclass(frozen=True)
class AppraisalRow:
    score_id: int
    version: int
    appraised_score: Decimal | None
    reason: str


@transaction.atomic
def card_appraise(*, card: Scorecard, actor, rows: list[AppraisalRow]) -> int:
    """Save the appraised scores with their reasons (a reason is required where the appraised
    score differs from the self-score). Only after submission and before approval. Raises
    ValidationError ({score_id: message} in ``error_dict`` for a missing reason; stale rows)."""
    card = _locked_card(
        card, states=APPRAISABLE, message=_("This scorecard cannot be appraised in its present state.")
    )
    scores = {
        s.pk: s
        for s in CriterionScore.objects.select_for_update()
        .select_related("criterion")
        .filter(scorecard=card, pk__in=[r.score_id for r in rows])
    }
    errors = {}
    for row in rows:
        score = scores.get(row.score_id)
        if score is None:
            continue
        if row.appraised_score is not None and row.appraised_score > score.criterion.max_score:
            errors[f"appraised_{score.pk}"] = [
                _("At most %(max)s points.") % {"max": score.criterion.max_score}
            ]
        elif (
            row.appraised_score is not None
            and row.appraised_score != score.self_score
            and not row.reason.strip()
        ):
            errors[f"reason_{score.pk}"] = [
                _("Give the reason when the appraised score differs from the self-score.")
            ]
    if errors:
        raise ValidationError(errors)
    changes = []
    for row in rows:
        score = scores.get(row.score_id)
        if score is None:
            continue
        new = {"appraised_score": row.appraised_score, "appraisal_reason": row.reason.strip()}
        if all(getattr(score, k) == v for k, v in new.items()):
            continue
        check_version(score, row.version)
        changes.append((score, new))
    return _write_scores(changes)


def _write_scores(changes: list[tuple[CriterionScore, dict]]) -> int:
    """Write the changed score rows of one card (locked by the caller, their versions checked:
    every row or none) in one statement, each with its version bumped and its time of change:
    the score rows' triggers then move the card's totals and ranking figures once
    (models.ScoreTotal, Standing), not once per criterion. A written-out ``UPDATE ... FROM``
    a list of values: Django's ``bulk_update`` built a CASE per row and field, 55 ms for the
    45 rows of a card's appraisal on the bench's checklist. Returns the rows written."""
    if not changes:
        return 0
    names = list(changes[0][1])  # the same fields on every row (attnames: "document_id")
    fields = [CriterionScore._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    # PostgreSQL types a list of values by its first rows (a column of NULLs would be text).
    cast = connection.vendor == "postgresql"
    slots = ", ".join(
        ["%s", *(f"CAST(%s AS {f.cast_db_type(connection)})" if cast else "%s" for f in fields)]
    )
    params = []
    now = timezone.now()
    for score, new in changes:
        params.append(score.pk)
        params.extend(
            f.get_db_prep_save(new[name], connection) for f, name in zip(fields, names, strict=True)
        )
        for name, value in new.items():
            setattr(score, name, value)
        score.version += 1
        score.updated_at = now
    table = quote(CriterionScore._meta.db_table)
    columns = [quote(f.column) for f in fields]
    sql = (
        f"WITH v (id, {', '.join(columns)}) AS (VALUES {', '.join([f'({slots})'] * len(changes))})"  # noqa: S608
        f" UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in columns)},"
        f" version = {table}.version + 1, updated_at = %s"
        f" FROM v WHERE {table}.id = v.id"
    )
    params.append(CriterionScore._meta.get_field("updated_at").get_db_prep_save(now, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(changes)


@transaction.atomic
def card_send_appraisal(*, card: Scorecard, actor, version: int | None) -> Scorecard:
    """Send the appraisal to the unit: every unappraised criterion keeps its self-score; the unit
    may now respond once, before the response deadline, and gets an e-mail."""
    locked = _locked_card(
        card, states=[CardStatus.SUBMITTED], message=_("Only a submitted scorecard is sent back to the unit.")
    )
    check_version(locked, version)
    update_versioned(locked, status=CardStatus.APPRAISED, appraised_at=timezone.now(), appraised_by=actor)
    outbox.enqueue_email(
        "inspections.reform_index.notifications.appraisal_sent_send",
        key=f"reform_index.appraisal_sent:{locked.pk}",
        card_id=locked.pk,
    )
    return locked


@transaction.atomic
def card_respond(*, card: Scorecard, actor, response: str, today: date | None = None) -> Scorecard:
    """The unit's one answer to the appraisal, before the response deadline. A second answer is
    refused (the database keeps one, reform_index_scorecard_one_response)."""
    today = today or timezone.localdate()
    locked = Scorecard.objects.select_for_update().select_related("round").get(pk=card.pk)
    if locked.status == CardStatus.RESPONDED or locked.responded_at is not None:
        raise ValidationError(_("Your unit has already responded; a unit responds once."), code="state")
    if locked.status != CardStatus.APPRAISED:
        raise ValidationError(_("There is no appraisal to respond to."), code="state")
    if today > locked.round.response_deadline:
        raise ValidationError(_("The deadline for responding has passed."), code="deadline")
    if not response.strip():
        raise ValidationError({"response": [_("Write your response.")]})
    update_versioned(
        locked,
        status=CardStatus.RESPONDED,
        response=response.strip(),
        responded_at=timezone.now(),
        responded_by=actor,
    )
    return locked


@transaction.atomic
def card_approve(*, card: Scorecard, actor, version: int | None, today: date | None = None) -> Scorecard:
    """The head approves the final scores. Before the response deadline an appraised card with
    differences waits for the unit's answer; after the approval nothing changes any more."""
    today = today or timezone.localdate()
    locked = Scorecard.objects.select_for_update().select_related("round").get(pk=card.pk)
    if locked.status == CardStatus.APPROVED:
        return locked
    check_version(locked, version)
    if locked.status not in (CardStatus.APPRAISED, CardStatus.RESPONDED):
        raise ValidationError(_("Only an appraisal sent to the unit can be approved."), code="state")
    if (
        locked.status == CardStatus.APPRAISED
        and today <= locked.round.response_deadline
        and any(s.is_adjusted for s in locked.scores.all())
    ):
        raise ValidationError(
            _("The unit may still respond to the differences until %(date)s.")
            % {"date": f"{locked.round.response_deadline:%d/%m/%Y}"},
            code="waiting",
        )
    update_versioned(locked, status=CardStatus.APPROVED, approved_at=timezone.now(), approved_by=actor)
    return locked
