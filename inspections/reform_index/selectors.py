"""Reads of the reform index pages, fully loaded: a page's query count does not grow with its rows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from findings.models import ActionState, Finding, FindingKind
from inspections.models import Answer, Domain, Visit, VisitStatus
from reports.models import IssuedDocument
from units.models import Unit
from units.rules import scope_prefix
from units.selectors import unit_with_predecessors_ids

from . import statements
from .models import CardStatus, CriterionScore, IndexEvidence, IndexRound, RoundStatus, Scorecard, ScoreTotal

# Visits whose checklist the team has finished: their scores are "what the app knows".
FINISHED_VISITS = [VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]


@dataclass
class InspectionFacts:
    """What the last inspection of the unit says about one criterion (matched by its code)."""

    visit: Visit | None = None
    answer: Answer | None = None
    limitations: list[Finding] = field(default_factory=list)


@dataclass
class DomainBlock:
    domain: Domain
    rows: list[CriterionScore]

    @property
    def self_total(self) -> Decimal:
        return sum((r.self_score or 0 for r in self.rows), Decimal(0))

    @property
    def final_total(self) -> Decimal:
        return sum((r.final_score or 0 for r in self.rows), Decimal(0))

    @property
    def max_total(self) -> Decimal:
        return sum((r.criterion.max_score for r in self.rows), Decimal(0))


def card_blocks(*, card: Scorecard, with_facts: bool = False) -> list[DomainBlock]:
    """The scorecard's rows grouped by domain, in the template's order, each row with its
    document and its files (``evidence_files``, a list in the files' order, each with its id and
    name only, read in the rows' query); with ``with_facts`` each row also carries ``facts``
    (InspectionFacts)."""
    # PostgreSQL: the written-out statement, planned once per connection; _score_rows_orm is its
    # reference (and SQLite's reading).
    scores = statements.score_rows(card.pk) if connection.vendor == "postgresql" else _score_rows_orm(card)
    if with_facts:
        # A card read by access.get_card_for_user knows whether its unit replaced any: if not,
        # its predecessors are not looked for (a query less).
        unit_ids = [card.unit_id] if getattr(card, "unit_has_predecessors", None) is False else None
        facts = inspection_facts(unit=card.unit, codes=[s.criterion.code for s in scores], unit_ids=unit_ids)
        for s in scores:
            s.facts = facts.get(s.criterion.code) or InspectionFacts(
                visit=facts.get("", InspectionFacts()).visit
            )
    blocks: list[DomainBlock] = []
    for s in scores:
        if not blocks or blocks[-1].domain.pk != s.criterion.domain_id:
            blocks.append(DomainBlock(domain=s.criterion.domain, rows=[]))
        blocks[-1].rows.append(s)
    return blocks


def _score_rows_orm(card: Scorecard) -> list[CriterionScore]:
    """The reference reading of statements.score_rows: the card's score rows in the template's
    order, their criterion, domain and document selected, ``evidence_files`` on each."""
    rows = (
        CriterionScore.objects.filter(scorecard=card)
        .select_related("criterion__domain", "document")
        # The criterion's checklist settings (three JSON columns, decoded per row) are not shown.
        .defer(*(f"criterion__{name}" for name in statements.CRITERION_DEFERRED))
        # The row's files in the same query (a LEFT JOIN: a row per file, one for a row without):
        # the link's id and the name are what the pages show of them.
        .annotate(file_pk=F("files__id"), file_name=F("files__original_name"))
        .order_by(
            "criterion__domain__order",
            "criterion__domain_id",
            "criterion__order",
            "criterion_id",
            "files__uploaded_at",
            "files__id",
        )
    )
    scores: list[CriterionScore] = []
    for row in rows:
        if scores and scores[-1].pk == row.pk:  # the same score row again, with its next file
            s = scores[-1]
        else:
            s = row
            s.evidence_files = []
            scores.append(s)
        if row.file_pk is not None:
            s.evidence_files.append(IndexEvidence(id=row.file_pk, score_id=s.pk, original_name=row.file_name))
    return scores


def inspection_facts(
    *, unit: Unit, codes: list[str], unit_ids: list[int] | None = None
) -> dict[str, InspectionFacts]:
    """Per criterion code: the latest finished visit's answer and the open limitations found at
    the unit (any visit) for it, the units it replaced in a merger included (a commune merged in
    2025 is appraised with its predecessors' inspections). Two queries whatever the number of
    criteria on PostgreSQL (four on SQLite), one (three) when the caller gives ``unit_ids`` (the
    unit and its predecessors). Key "" holds the visit alone."""
    if unit_ids is None:
        unit_ids = unit_with_predecessors_ids(unit)
    # PostgreSQL: the visit, its answers and the open limitations in one written-out statement,
    # planned once per connection; _facts_orm is its reference (and SQLite's reading).
    read = statements.facts if connection.vendor == "postgresql" else _facts_orm
    visit, answers, limitations = read(unit_ids=unit_ids, codes=codes, statuses=FINISHED_VISITS)
    out: dict[str, InspectionFacts] = {"": InspectionFacts(visit=visit)}
    for answer in answers:
        out[answer.code] = InspectionFacts(visit=visit, answer=answer)
    # The text and link (by id) are what the page shows: no criterion nor visit instance per row.
    for finding in limitations:
        out.setdefault(finding.code, InspectionFacts(visit=visit)).limitations.append(finding)
    return out


def _facts_orm(*, unit_ids: list[int], codes: list[str], statuses: list[str]):
    """The reference reading of statements.facts: (the last visit of ``unit_ids`` in
    ``statuses``, its plan selected, or None; its answers to the criteria of ``codes``; the open
    limitations of those codes found at the units, newest visit first), answers and findings
    with their criterion's ``code``; the columns the page shows."""
    visit = (
        Visit.objects.filter(unit_id__in=unit_ids, status__in=statuses)
        .select_related("plan")
        .only(*statements.VISIT_FIELDS, *(f"plan__{name}" for name in statements.PLAN_FIELDS))
        .order_by("-starts_at", "-pk")
        .first()
    )
    answers = []
    if visit is not None:
        # The columns the page shows (score, result, the link's visit and criterion), the code
        # alongside: no criterion instance per answer.
        answers = list(
            Answer.objects.filter(visit=visit, criterion__code__in=codes)
            .only(*statements.ANSWER_FIELDS)
            .annotate(code=F("criterion__code"))
            .order_by("criterion_id", "pk")
        )
    limitations = list(
        Finding.objects.filter(
            visit__unit_id__in=unit_ids, kind=FindingKind.LIMITATION, criterion__code__in=codes
        )
        .filter(Q(action__isnull=True) | ~Q(action__state=ActionState.VERIFIED))
        .only(*statements.FINDING_FIELDS)
        .annotate(code=F("criterion__code"))
        .order_by("-visit__starts_at", "order", "pk")
    )
    return visit, answers, limitations


def unit_documents(*, unit: Unit) -> list[IssuedDocument]:
    """Issued documents of the app about ``unit`` (its conclusion notices, reports): what a
    liaison may cite as evidence."""
    return list(
        IssuedDocument.objects.filter(Q(unit=unit) | Q(visit__unit=unit)).order_by("-date", "-number")[:50]
    )


def liaison_tasks(*, user) -> list[Scorecard]:
    """The liaison's reform-index work: their unit's scorecards to score or to answer (home page)."""
    if user.unit_id is None:
        return []
    return list(
        Scorecard.objects.filter(
            unit_id=user.unit_id,
            round__status=RoundStatus.OPEN,
            status__in=[CardStatus.DRAFT, CardStatus.APPRAISED],
        ).select_related("round")
    )


def own_cards(*, user) -> list[Scorecard]:
    """The scorecards of the user's home unit, newest round first (the liaison's list)."""
    if user.unit_id is None:
        return []
    return list(
        Scorecard.objects.filter(unit_id=user.unit_id).select_related("round").order_by("-round__year")
    )


def rounds_for_user(*, user) -> list[IndexRound]:
    """Rounds of the user's province: all of them for the department's staff, published ones
    and the round of their own scorecards for a unit."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    qs = IndexRound.objects.select_related("province", "issued_document")
    if prefix == "":
        return list(qs)
    province_prefix = "/" + prefix.strip("/").split("/")[0] + "/"
    return list(qs.filter(province__path__startswith=province_prefix))


@dataclass(slots=True)
class RoundCard:
    """One row of a round's scorecard table: what the page shows of the card, nothing more."""

    pk: int
    status: str
    unit_name: str
    unit_kind: str
    adjusted: int


def round_card_rows(*, index_round: IndexRound):
    """The round's scorecards, by unit kind and name, with how many criteria were adjusted: a
    query of plain rows (``RoundCard`` fields), for a page of them (``round_cards`` reads all).

    The count is a subquery per card over its stored totals per domain (ScoreTotal, kept by the
    database; a few rows by the card's index, only those with adjusted criteria summed), not its
    score rows nor a GROUP BY of the cards' and units' rows over every total of the round; plain
    rows, no model instances.
    """
    adjusted = (
        ScoreTotal.objects.filter(scorecard=OuterRef("pk"), adjusted__gt=0)
        .order_by()
        .values("scorecard")
        .annotate(n=Sum("adjusted"))
        .values("n")
    )
    return (
        Scorecard.objects.filter(round=index_round)
        .annotate(adjusted=Coalesce(Subquery(adjusted), 0))
        .order_by("unit__kind", "unit__name", "pk")
        .values_list("pk", "status", "unit__name", "unit__kind", "adjusted")
    )


def round_cards(*, index_round: IndexRound) -> list[RoundCard]:
    """Every scorecard of the round as ``round_card_rows`` reads them."""
    return [RoundCard(*row) for row in round_card_rows(index_round=index_round)]


def round_card_counts(*, index_round: IndexRound) -> dict[str, int]:
    """{status: how many of the round's scorecards are in it}, one aggregate over the round's
    cards (their round index): the page's totals and whether every card is approved."""
    return dict(
        Scorecard.objects.filter(round=index_round)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
