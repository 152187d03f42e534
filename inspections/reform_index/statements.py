"""The card pages' reads written out in SQL (PostgreSQL), each planned once per connection.

Profiles of the appraisal page (docs/performance/appraisal6.md) found most of its own time in
the ORM building and compiling three querysets (the card with its round, province, template and
unit; the score rows with their criteria, domains, documents and files; the last inspection's
visit, answers and open limitations), and in PostgreSQL planning them (0.3-0.8 ms each, more
than running them). Here the same reads are SQL strings made once a process from the models'
columns, run as prepared statements of the connection (checklist.statements._execute_planned_once,
the autosave's), their rows turned into the same model instances (``Model.from_db``, the
columns through the fields' converters, as the ORM does).

Each keeps its ORM reading as the reference (access._card_orm, selectors._score_rows_orm,
selectors._facts_orm), which SQLite runs; tests compare the two on data reaching every branch
(tests/test_statements.py): change both.
"""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection

from findings.models import ActionState, Finding, FindingKind, RemediationAction
from inspections.checklist.statements import _execute_planned_once
from inspections.models import Answer, ChecklistTemplate, Criterion, Domain, InspectionPlan, Visit
from reports.models import IssuedDocument
from units.models import Unit

from .models import CriterionScore, IndexEvidence, IndexRound, Scorecard

# Not read with the criteria (three JSON columns the pages do not show, decoded per row otherwise).
CRITERION_DEFERRED = ("applies_to", "figures", "figure_rules")

# What the appraisal page shows of the last visit, its plan, its answers and its limitations.
VISIT_FIELDS = ("id", "plan_id", "unit_id", "starts_at", "status")
PLAN_FIELDS = ("id", "title")
ANSWER_FIELDS = ("id", "visit_id", "criterion_id", "result", "score")
FINDING_FIELDS = ("id", "text")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class _Part:
    """One model's columns in a statement: its SQL and how to make the instance of its values."""

    def __init__(self, model, alias: str, attnames: tuple | None = None):
        fields = [f for f in model._meta.concrete_fields if attnames is None or f.attname in attnames]
        self.model, self.width = model, len(fields)
        self.sql = ", ".join(f"{alias}.{_q(f.column)}" for f in fields)
        self.attnames = [f.attname for f in fields]
        self.converters = []
        for f in fields:
            col = f.get_col(model._meta.db_table)
            self.converters.append(
                (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            )

    def make(self, values):
        converted = []
        for value, (col, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, converted)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        _execute_planned_once(cursor, sql, params)
        return cursor.fetchall()


# The card ---------------------------------------------------------------------------------------


@cache
def _card_statement():
    card, index_round = _Part(Scorecard, "s"), _Part(IndexRound, "r")
    province, template, unit = _Part(Unit, "p"), _Part(ChecklistTemplate, "t"), _Part(Unit, "u")
    mergers = _q(Unit.predecessors.through._meta.db_table)
    sql = (
        f"SELECT {card.sql}, EXISTS(SELECT 1 FROM {mergers} m WHERE m.from_unit_id = s.unit_id),"  # noqa: S608  names from the models
        f" {index_round.sql}, {province.sql}, {template.sql}, {unit.sql}"
        f" FROM {_q(Scorecard._meta.db_table)} s"
        f" JOIN {_q(IndexRound._meta.db_table)} r ON r.id = s.round_id"
        f" JOIN {_q(Unit._meta.db_table)} p ON p.id = r.province_id"
        f" JOIN {_q(ChecklistTemplate._meta.db_table)} t ON t.id = r.template_id"
        f" JOIN {_q(Unit._meta.db_table)} u ON u.id = s.unit_id"
        " WHERE s.id = %s"
    )
    return sql, (card, index_round, province, template, unit)


def card(pk: int) -> Scorecard | None:
    """The scorecard ``pk`` with its round (its province and template) and its unit selected,
    ``unit_has_predecessors`` annotated: what access._card_orm reads."""
    sql, (card_part, round_part, province_part, template_part, unit_part) = _card_statement()
    rows = _rows(sql, [pk])
    if not rows:
        return None
    values = rows[0]
    n = card_part.width
    scorecard = card_part.make(values[:n])
    scorecard.unit_has_predecessors = values[n]
    i = n + 1
    parts = []
    for part in (round_part, province_part, template_part, unit_part):
        parts.append(part.make(values[i : i + part.width]))
        i += part.width
    index_round, province, template, unit = parts
    index_round.province, index_round.template = province, template
    scorecard.round, scorecard.unit = index_round, unit
    return scorecard


# The score rows -----------------------------------------------------------------------------------


@cache
def _scores_statement():
    score, domain, document = _Part(CriterionScore, "cs"), _Part(Domain, "d"), _Part(IssuedDocument, "doc")
    criterion = _Part(
        Criterion,
        "c",
        tuple(f.attname for f in Criterion._meta.concrete_fields if f.name not in CRITERION_DEFERRED),
    )
    sql = (
        f"SELECT {score.sql}, e.id, e.original_name, {criterion.sql}, {domain.sql}, {document.sql}"  # noqa: S608  names from the models
        f" FROM {_q(CriterionScore._meta.db_table)} cs"
        f" LEFT JOIN {_q(IndexEvidence._meta.db_table)} e ON e.score_id = cs.id"
        f" JOIN {_q(Criterion._meta.db_table)} c ON c.id = cs.criterion_id"
        f" JOIN {_q(Domain._meta.db_table)} d ON d.id = c.domain_id"
        f" LEFT JOIN {_q(IssuedDocument._meta.db_table)} doc ON doc.id = cs.document_id"
        " WHERE cs.scorecard_id = %s"
        ' ORDER BY d."order", c.domain_id, c."order", cs.criterion_id, e.uploaded_at, e.id'
    )
    return sql, (score, criterion, domain, document)


def score_rows(card_id: int) -> list[CriterionScore]:
    """The scorecard's score rows in the template's order, each with its criterion (without
    CRITERION_DEFERRED), the criterion's domain and the row's document selected, and
    ``evidence_files`` (IndexEvidence with their id and name, in upload order): what
    selectors._score_rows_orm reads."""
    sql, (score_part, criterion_part, domain_part, document_part) = _scores_statement()
    n = score_part.width
    c0 = n + 2
    d0 = c0 + criterion_part.width
    doc0 = d0 + domain_part.width
    scores: list[CriterionScore] = []
    domains: dict = {}
    for values in _rows(sql, [card_id]):
        if scores and scores[-1].pk == values[0]:  # the same score row again, with its next file
            s = scores[-1]
        else:
            s = score_part.make(values[:n])
            criterion = criterion_part.make(values[c0:d0])
            domain = domains.get(values[d0])
            if domain is None:
                domain = domains[values[d0]] = domain_part.make(values[d0:doc0])
            criterion.domain = domain
            s.criterion = criterion
            s.document = None if values[doc0] is None else document_part.make(values[doc0:])
            s.evidence_files = []
            scores.append(s)
        if values[n] is not None:
            s.evidence_files.append(IndexEvidence(id=values[n], score_id=s.pk, original_name=values[n + 1]))
    return scores


# The last inspection's facts ----------------------------------------------------------------------


@cache
def _facts_statement():
    visit, plan = _Part(Visit, "v", VISIT_FIELDS), _Part(InspectionPlan, "p", PLAN_FIELDS)
    answer, finding = _Part(Answer, "a", ANSWER_FIELDS), _Part(Finding, "f", FINDING_FIELDS)
    criterion = _q(Criterion._meta.db_table)

    def columns(part, alias):
        return [f"{alias}.{_q(part.model._meta.get_field(a).column)}" for a in part.attnames]

    # Output columns: part, the visit's, the plan's, the answer's and its code, the finding's and
    # its code, then the limitations' sort keys. Part 0: the last finished visit (and its plan),
    # each of its answers to one of the codes beside it (a row without answer when it has none);
    # part 1: the open limitations of the codes found at the units, newest visit first. The
    # columns a part does not use are NULL.
    visit_cols, plan_cols = columns(visit, "v"), columns(plan, "p")
    answer_cols, finding_cols = columns(answer, "a"), columns(finding, "f")
    names = [f"c{i}" for i in range(visit.width + plan.width)]
    # The codes as a set (IN a subquery: hashed) rather than ``= ANY(array)``, which a generic plan
    # compares one by one with every criterion's code.
    # The last visit of each unit along the (unit, -starts_at) index, then the last of those: a
    # plan that stays an index probe per unit when PostgreSQL keeps the statement's generic plan
    # (an ``unit_id = ANY(...)`` filter may instead be planned as a walk back along every visit's
    # date until one of the units turns up).
    unit_type = Unit._meta.pk.rel_db_type(connection)
    last_visit = (
        f"SELECT {', '.join(f'{c} AS {n}' for c, n in zip(visit_cols + plan_cols, names, strict=True))}"  # noqa: S608  names from the models
        f" FROM unnest(%s::{unit_type}[]) AS lu(unit_id)"
        f" JOIN LATERAL (SELECT {', '.join(c.replace('v.', 'iv.', 1) for c in visit_cols)}"
        f" FROM {_q(Visit._meta.db_table)} iv WHERE iv.unit_id = lu.unit_id AND iv.status = ANY(%s)"
        " ORDER BY iv.starts_at DESC, iv.id DESC LIMIT 1) v ON TRUE"
        f" JOIN {_q(InspectionPlan._meta.db_table)} p ON p.id = v.plan_id"
        " ORDER BY v.starts_at DESC, v.id DESC LIMIT 1"
    )
    answer_criterion = answer_cols[answer.attnames.index("criterion_id")]
    # The units' limitations read first (MATERIALIZED: by the visits' unit index, then each
    # visit's findings), their criterion's code checked after: the codes (a parameter whose size
    # a generic plan does not know) would otherwise lead the plan through every finding of the
    # criteria with those codes, in every unit.
    unit_findings = (
        f"SELECT {', '.join(finding_cols)}, f.criterion_id, f.{_q('order')} AS sort_order, fv.starts_at"  # noqa: S608  names from the models
        f" FROM {_q(Finding._meta.db_table)} f JOIN {_q(Visit._meta.db_table)} fv ON fv.id = f.visit_id"
        f" WHERE fv.unit_id = ANY(%s::{unit_type}[]) AND f.kind = %s"
    )
    sql = (
        f"WITH lv AS ({last_visit}), uf AS MATERIALIZED ({unit_findings})"  # noqa: S608  names from the models
        f" SELECT 0 AS part, {', '.join(f'lv.{n}' for n in names)}, {', '.join(answer_cols)}, ac.code,"
        f" {', '.join(['NULL'] * (finding.width + 1))}, NULL AS sort_starts, NULL AS sort_order,"
        f" {answer_criterion} AS sort_criterion, a.id AS sort_id"
        " FROM lv LEFT JOIN"
        f" ({_q(Answer._meta.db_table)} a JOIN {criterion} ac ON ac.id = a.criterion_id"
        " AND ac.code IN (SELECT unnest(%s::text[])))"
        f" ON a.visit_id = lv.{names[visit.attnames.index('id')]}"
        " UNION ALL"
        f" SELECT 1, {', '.join(['NULL'] * (visit.width + plan.width + answer.width + 1))},"
        f" {', '.join(c.replace('f.', 'uf.', 1) for c in finding_cols)}, fc.code, uf.starts_at, uf.sort_order,"
        " NULL, uf.id"
        f" FROM uf JOIN {criterion} fc ON fc.id = uf.criterion_id"
        f" LEFT JOIN {_q(RemediationAction._meta.db_table)} ra ON ra.finding_id = uf.id"
        " WHERE fc.code IN (SELECT unnest(%s::text[])) AND (ra.id IS NULL OR ra.state IS DISTINCT FROM %s)"
        " ORDER BY part, sort_starts DESC, sort_order, sort_criterion, sort_id"
    )
    return sql, (visit, plan, answer, finding)


def facts(*, unit_ids: list[int], codes: list[str], statuses: list[str]):
    """(the last visit of ``unit_ids`` in ``statuses`` with its plan, or None; its answers to the
    criteria of ``codes``; the open limitations of those codes found at the units, newest visit
    first), answers and findings with their criterion's ``code``: what selectors._facts_orm
    reads."""
    sql, (visit_part, plan_part, answer_part, finding_part) = _facts_statement()
    params = [list(unit_ids), list(statuses), list(unit_ids), FindingKind.LIMITATION, list(codes), list(codes),
              ActionState.VERIFIED]  # fmt: skip
    p0 = 1 + visit_part.width
    a0 = p0 + plan_part.width
    f0 = a0 + answer_part.width + 1
    end = f0 + finding_part.width
    visit, answers, limitations = None, [], []
    for values in _rows(sql, params):
        if values[0] == 0:
            if visit is None:
                visit = visit_part.make(values[1:p0])
                visit.plan = plan_part.make(values[p0:a0])
            if values[a0] is not None:
                answer = answer_part.make(values[a0 : f0 - 1])
                answer.code = values[f0 - 1]
                answers.append(answer)
        else:
            finding = finding_part.make(values[f0:end])
            finding.code = values[end]
            limitations.append(finding)
    return visit, answers, limitations
