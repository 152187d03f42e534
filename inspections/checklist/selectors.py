"""Reads for the checklist pages of a visit (the team's checklist, the unit's self-assessment).

Query counts do not depend on the number of criteria: the checklist is three queries (answers
with who saved them, their evidence, the domain roll-ups) whatever its size, plus two (domains
and criteria) the first time a process shows a checklist version. A published version is frozen
(services refuse to change it, the admin shows it read-only), so its domains and criteria are
read once per process and kept (see checklist_structure).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property, lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language

from ..models import (
    Answer,
    AnswerEvidence,
    AnswerKind,
    AnswerResult,
    ChecklistTemplate,
    Criterion,
    Domain,
    FigureRuleError,
    Visit,
    VisitDomainScore,
    parse_figure_rule,
)
from .formats import format_input, format_score

User = get_user_model()

# A self-assessed score this far from the team's (as a share of the criterion's maximum) is
# highlighted: the gap the provincial reform index's appraisal asks an explanation for.
SELF_GAP = Decimal("0.25")


@dataclass(frozen=True)
class FigureRate:
    label: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal:
        return Decimal(self.numerator) * 100 / Decimal(self.denominator)


@lru_cache(maxsize=256)
def _rate_pairs(rules: tuple[str, ...], keys: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(part, total) figure keys of the rates that rules such as “on_time + late <= received”
    imply: (on_time, received), (late, received). Parsed once per distinct set of rules."""
    pairs = []
    for rule in rules:
        try:
            parsed = parse_figure_rule(rule, keys=set(keys))
        except FigureRuleError:
            continue
        if (
            parsed.comparison not in {"<=", "<"}
            or len(parsed.right) != 1
            or not isinstance(parsed.right[0][1], str)
        ):
            continue
        total = parsed.right[0][1]
        pairs.extend((key, total) for sign, key in parsed.left if sign > 0 and isinstance(key, str))
    return tuple(pairs)


def figure_rates(criterion: Criterion, figures: dict) -> list[FigureRate]:
    """The rates a figures criterion implies, from its rules: “on_time + late <= received” gives
    on time / received and late / received. Rates whose figures are missing or whose
    denominator is 0 are left out."""
    if not criterion.figure_rules or not figures:
        return []
    labels = {f["key"]: f.get("label") or f["key"] for f in criterion.figures}
    return [
        FigureRate(labels[part], int(figures[part]), int(figures[total]))
        for part, total in _rate_pairs(tuple(criterion.figure_rules), frozenset(labels))
        if figures.get(part) is not None and figures.get(total)
    ]


def self_differs(answer: Answer, criterion: Criterion) -> bool:
    """The unit's self-score and the team's differ by at least a quarter of the maximum."""
    top = criterion.max_score
    if answer.self_score is None or answer.score is None or not top:
        return False
    return abs(answer.score - answer.self_score) >= top * SELF_GAP


@dataclass(frozen=True)
class ChecklistLinks:
    """The URL prefixes of one visit's checklist, reversed once per page instead of per row."""

    checklist: str
    evidence: str
    self_assessment: str

    @classmethod
    def of(cls, visit: Visit) -> "ChecklistLinks":
        # The prefixes sit side by side in urls.py: visits/<pk>/checklist/, .../evidence/,
        # .../self-assessment/.
        checklist = reverse("inspections:checklist", args=[visit.pk])
        visit_prefix = checklist.removesuffix("checklist/")
        return cls(checklist, visit_prefix + "evidence/", visit_prefix + "self-assessment/")

    def link_evidence(self, files: list[AnswerEvidence]) -> list[AnswerEvidence]:
        for file in files:
            file.download_url = f"{self.evidence}{file.pk}/"
            file.remove_url = f"{self.evidence}{file.pk}/remove/"
        return files


@lru_cache(maxsize=256)
def _quick_scores(top: Decimal, language: str) -> tuple[tuple[str, str], ...]:
    values = sorted({Decimal(0), (top / 2).quantize(Decimal("0.01")), top})
    return tuple((format_input(v), format_score(v)) for v in values)


@dataclass
class CriterionRow:
    """One criterion of the checklist with this visit's answer (an unsaved blank one if none).

    Its ids, links and numbers are computed here, once: the page shows a hundred rows or more.
    """

    criterion: Criterion
    answer: Answer
    evidence: list[AnswerEvidence] = field(default_factory=list)
    links: ChecklistLinks | None = None

    @cached_property
    def id(self) -> str:
        return str(self.criterion.pk)

    @property
    def save_url(self) -> str:
        return f"{self.links.checklist}{self.criterion.pk}/save/"

    @property
    def self_save_url(self) -> str:
        return f"{self.links.self_assessment}{self.criterion.pk}/save/"

    @property
    def row_url(self) -> str:
        return f"{self.links.checklist}{self.criterion.pk}/"

    @property
    def upload_url(self) -> str:
        return f"{self.links.checklist}{self.criterion.pk}/evidence/"

    @cached_property
    def max_label(self) -> str:
        return format_score(self.criterion.max_score)

    @property
    def score_input(self) -> str:
        return format_input(self.answer.score)

    @property
    def self_score_input(self) -> str:
        return format_input(self.answer.self_score)

    @property
    def score_label(self) -> str:
        return format_score(self.answer.score)

    @property
    def self_score_label(self) -> str:
        return format_score(self.answer.self_score)

    @property
    def is_scored(self) -> bool:
        """Scored with a number (score and figures criteria); otherwise a result is chosen."""
        return self.criterion.answer_kind in {AnswerKind.SCORE, AnswerKind.FIGURES}

    @property
    def is_answered(self) -> bool:
        return self.answer.result != AnswerResult.UNANSWERED

    @property
    def is_missing(self) -> bool:
        return self.answer.result == AnswerResult.UNANSWERED

    @property
    def self_differs(self) -> bool:
        return self_differs(self.answer, self.criterion)

    @property
    def quick_scores(self) -> tuple[tuple[str, str], ...]:
        """One-tap scores for a phone: 0, half and the maximum, as (input value, label)."""
        return _quick_scores(self.criterion.max_score, get_language())

    @property
    def rates(self) -> list[FigureRate]:
        if self.criterion.answer_kind != AnswerKind.FIGURES:
            return []
        return figure_rates(self.criterion, self.answer.figures)

    @property
    def figure_fields(self) -> list[dict]:
        """The criterion's figures with this answer's values: [{key, label, value}]."""
        figures = self.answer.figures
        return [{**f, "value": format_input(figures.get(f["key"]))} for f in self.criterion.figures]


@dataclass
class Totals:
    points: Decimal = Decimal(0)
    max_points: Decimal = Decimal(0)
    answered: int = 0
    applicable: int = 0

    @property
    def percent(self) -> Decimal | None:
        return self.points * 100 / self.max_points if self.max_points else None

    @property
    def missing(self) -> int:
        return self.applicable - self.answered

    @property
    def is_complete(self) -> bool:
        return self.applicable > 0 and self.answered == self.applicable

    @classmethod
    def of(cls, score: VisitDomainScore | None) -> "Totals":
        if score is None:
            return cls()
        return cls(score.points, score.max_points, score.answered, score.applicable)

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(
            self.points + other.points,
            self.max_points + other.max_points,
            self.answered + other.answered,
            self.applicable + other.applicable,
        )


@dataclass
class Section:
    domain: Domain
    rows: list[CriterionRow]
    totals: Totals = field(default_factory=Totals)


@dataclass
class Checklist:
    visit: Visit
    sections: list[Section]
    scores_missing: bool = False

    @property
    def totals(self) -> Totals:
        return sum((s.totals for s in self.sections), Totals())

    @property
    def rows(self) -> list[CriterionRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def missing(self) -> list[CriterionRow]:
        return [row for row in self.rows if row.is_missing]

    @property
    def self_totals(self) -> Totals:
        """The unit's self-assessment added up like the team's (only criteria it scored)."""
        totals = Totals()
        for row in self.rows:
            if row.answer.result == AnswerResult.NOT_APPLICABLE:
                continue
            totals.applicable += 1
            totals.max_points += row.criterion.max_score
            if row.answer.self_score is not None:
                totals.answered += 1
                totals.points += row.answer.self_score
        return totals

    def use_scores(self, scores: list[VisitDomainScore]) -> None:
        by_domain = {s.domain_id: s for s in scores}
        for section in self.sections:
            section.totals = Totals.of(by_domain.get(section.domain.pk))
        self.scores_missing = False


@dataclass(frozen=True)
class Structure:
    """A checklist version's domains, each with its criteria, in order; and its criteria by id.

    Shared between requests when the version is published: never change what it holds.
    """

    domains: tuple[tuple[Domain, tuple[Criterion, ...]], ...]
    criteria: dict[int, Criterion]


def _load_structure(template_id: int) -> Structure:
    domains = Domain.objects.filter(template_id=template_id).order_by("order", "id")
    by_domain: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(domain__template_id=template_id).order_by("order", "id"):
        by_domain.setdefault(criterion.domain_id, []).append(criterion)
    parts = tuple((domain, tuple(by_domain.get(domain.pk, ()))) for domain in domains)
    return Structure(parts, {c.pk: c for _domain, criteria in parts for c in criteria})


@lru_cache(maxsize=64)
def _frozen_structure(template_id: int, code: str, version: str, published_at: str) -> Structure:
    # The key names the version completely: a published version never changes afterwards.
    return _load_structure(template_id)


def checklist_structure(*, template: ChecklistTemplate) -> Structure:
    """The domains and criteria of ``template`` (two queries; none for a published version that
    this process has already read)."""
    if not template.is_frozen or template.published_at is None:
        return _load_structure(template.pk)
    return _frozen_structure(template.pk, template.code, template.version, template.published_at.isoformat())


@dataclass(slots=True)
class AnswerView:
    """An answer as the checklist pages read it: its columns, and who saved it by name.

    Read-only and far lighter than the model: a page shows a hundred of them. Where a saved
    Answer is at hand (after a save, in a conflict), rows take the model itself, which has the
    same attributes.
    """

    pk: int | None = None
    result: str = ""
    score: Decimal | None = None
    figures: dict = field(default_factory=dict)
    text: str = ""
    note: str = ""
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str = ""
    self_score: Decimal | None = None
    self_note: str = ""
    self_updated_at: datetime | None = None


ANSWER_COLUMNS = (
    "criterion_id",
    "pk",
    "result",
    "score",
    "figures",
    "text",
    "note",
    "version",
    "updated_at",
    "updated_by__last_name",
    "updated_by__first_name",
    "updated_by__username",
    "self_score",
    "self_note",
    "self_updated_at",
)


def _answer_views(visit: Visit) -> dict[int, AnswerView]:
    """The visit's answers by criterion id (one query)."""
    names: dict[tuple, str] = {}
    views = {}
    for (
        criterion_id,
        pk,
        result,
        score,
        figures,
        text,
        note,
        version,
        at,
        *person,
        self_score,
        self_note,
        self_at,
    ) in Answer.objects.filter(visit=visit).order_by().values_list(*ANSWER_COLUMNS):
        key = tuple(person)
        if key not in names:
            # The user's own rule for their name (family name first), from a bare instance.
            names[key] = str(User(last_name=key[0] or "", first_name=key[1] or "", username=key[2] or ""))
        views[criterion_id] = AnswerView(
            pk,
            result,
            score,
            figures or {},
            text,
            note,
            version,
            at,
            names[key] if at else "",
            self_score,
            self_note,
            self_at,
        )
    return views


def checklist_for_visit(*, visit: Visit) -> Checklist:
    """The visit's checklist: its version's domains with the criteria that apply to the unit's
    kind, each with the visit's answer and evidence, and each domain's roll-up (five queries).

    Answers come as AnswerView. ``scores_missing`` says that some domain has no roll-up row yet:
    the caller may settle them with answers.visit_scores_refresh and ``use_scores``.
    """
    structure = checklist_structure(template=visit.template)
    kind = visit.unit.kind
    links = ChecklistLinks.of(visit)
    answers = _answer_views(visit)
    files: dict[int, list[AnswerEvidence]] = {}
    for file in AnswerEvidence.objects.filter(answer__visit=visit).order_by("uploaded_at", "id"):
        files.setdefault(file.answer_id, []).append(file)
    scores = {s.domain_id: s for s in VisitDomainScore.objects.filter(visit=visit).order_by()}
    blank = AnswerView()  # for every criterion not answered yet; never changed
    sections, missing = [], False
    for domain, criteria in structure.domains:
        rows = []
        for criterion in criteria:
            if not criterion.applies_to_kind(kind):
                continue
            answer = answers.get(criterion.pk, blank)
            evidence = links.link_evidence(files[answer.pk]) if answer.pk in files else []
            rows.append(CriterionRow(criterion, answer, evidence, links))
        if rows:
            sections.append(Section(domain, rows, Totals.of(scores.get(domain.pk))))
            missing = missing or domain.pk not in scores
    return Checklist(visit, sections, scores_missing=missing)


def checklist_criterion(*, visit: Visit, pk) -> Criterion:
    """Criterion ``pk`` of the visit's checklist version that applies to the unit's kind, or 404."""
    criterion = checklist_structure(template=visit.template).criteria.get(int(pk))
    if criterion is None or not criterion.applies_to_kind(visit.unit.kind):
        raise Http404
    return criterion


def checklist_row(*, visit: Visit, criterion: Criterion, answer: Answer | None = None) -> CriterionRow:
    """One criterion's row as the checklist page shows it: with ``answer`` as given (no query),
    or as stored with its evidence (two queries)."""
    links = ChecklistLinks.of(visit)
    if answer is None:
        answer = (
            Answer.objects.filter(visit=visit, criterion=criterion)
            .select_related("updated_by", "self_updated_by")
            .prefetch_related(
                Prefetch("evidence", queryset=AnswerEvidence.objects.order_by("uploaded_at", "id"))
            )
            .first()
        )
        if answer is not None:
            answer.criterion = criterion
            return CriterionRow(criterion, answer, links.link_evidence(list(answer.evidence.all())), links)
        answer = Answer(visit=visit, criterion=criterion)
    answer.criterion = criterion
    return CriterionRow(criterion, answer, [], links)


def visit_totals(*, visit: Visit) -> Totals:
    """The visit's overall totals from its domain roll-ups (one query)."""
    sums = VisitDomainScore.objects.filter(visit=visit).aggregate(
        points=Sum("points"),
        max_points=Sum("max_points"),
        answered=Sum("answered"),
        applicable=Sum("applicable"),
    )
    return Totals(
        sums["points"] or Decimal(0),
        sums["max_points"] or Decimal(0),
        sums["answered"] or 0,
        sums["applicable"] or 0,
    )


def answer_evidence(*, visit: Visit, criterion: Criterion) -> list[AnswerEvidence]:
    """The evidence files of the visit's answer to ``criterion``, oldest first (one query)."""
    files = AnswerEvidence.objects.filter(answer__visit=visit, answer__criterion=criterion)
    return ChecklistLinks.of(visit).link_evidence(list(files.order_by("uploaded_at", "id")))


def evidence_of_visit(*, visit: Visit, pk) -> AnswerEvidence:
    """Evidence file ``pk`` attached to one of the visit's answers, or 404."""
    evidence = (
        AnswerEvidence.objects.select_related("answer__visit").filter(pk=pk, answer__visit=visit).first()
    )
    if evidence is None:
        raise Http404
    return evidence
