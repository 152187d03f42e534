"""Reads for the findings pages: permission-filtered and fully loaded (constant query counts).

The history panels (audit log and visit events as lines to read) are in history.py.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.sql import column_converter
from inspections.models import Answer, AnswerResult, InspectionPlan, TeamRole, Visit, VisitStatus
from inspections.selectors import units_under, visible_visit_ids, visits_visible_to
from units.models import IssuingBody, Unit
from units.roles import Role, has_role, is_staff_member
from units.rules import scope_prefix
from units.selectors import predecessor_ids

from ..models import (
    ACTION_OPEN_STATES,
    ActionState,
    Conclusion,
    Finding,
    FindingKind,
    FindingReview,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
    UpdateAttachment,
    UpdateKind,
)

# Visibility


def finding_visits_visible_to(user) -> QuerySet[Visit]:
    """Visits whose findings ``user`` may read: the department's staff as for the visit itself;
    a liaison only once the visit is concluded (drafts and the review are internal)."""
    visits = visits_visible_to(user)
    if not is_staff_member(user):
        visits = visits.filter(status=VisitStatus.CONCLUDED)
    return visits


def findings_visible_to(user) -> QuerySet[Finding]:
    """Findings of the visits finding_visits_visible_to(user) returns: EXISTS of the finding's
    visit among them (a probe of the visit's primary key and of the visible ids per finding), so
    that a page of findings in some order reads that order's index and stops at the page."""
    return Finding.objects.filter(Exists(finding_visits_visible_to(user).filter(pk=OuterRef("visit_id"))))


def actions_visible_to(user, *, walked: bool = False) -> QuerySet[RemediationAction]:
    """Remediation actions ``user`` may read.

    Staff: the actions of the visits they see (heads and schedulers their province, inspectors the
    visits whose team they are on). A liaison: the actions owned by their unit or a unit below it,
    and those of the visits they see.

    Through the action's own visit (RemediationAction.visit, always its finding's), so that no
    action is joined to its finding to be filtered: the visible visit ids are one subquery
    (inspections.selectors.visible_visit_ids) that PostgreSQL hashes once.

    ``walked``: for a page of them read in an index's order (action_list): see _of_visits.
    """
    if not user.is_authenticated:
        return RemediationAction.objects.none()
    if (prefix := _liaison_prefix(user)) is None:
        return _of_visits(_visible_visit_ids_sql(user, walked=walked), walked=walked)
    ids = _visible_visit_ids_sql(user)
    # A UNION of id subqueries, each on its index (the action's (visit, state, due_date) index, and
    # its (unit, state, due_date) index from the unit path's pattern index): an OR across joins
    # made PostgreSQL join every action of the country to its finding and unit before filtering.
    union = (
        _of_visits(ids)
        .values("pk")
        .union(RemediationAction.objects.filter(unit__in=units_under(prefix)).values("pk"))
    )
    return RemediationAction.objects.filter(pk__in=union)


def _of_visits(ids, *, walked: bool = False) -> QuerySet[RemediationAction]:
    """The actions of the visits ``ids`` (compiled by _visit_ids_sql: ALL for every visit, None
    for none).

    ``walked``: the query walks an index of the actions in order and stops at a page. A plain
    ``visit_id IN (ids)`` there became a join that re-read the materialised ids for every action
    it passed (20 000 comparisons for the first 25 rows of a department head on the large bench
    set); OR-ed with an impossible "no visit" (the column is required), PostgreSQL cannot make it
    a join: it hashes the ids once and looks each action up as it walks (0.65 ms instead of 1.1).

    The ids' subquery (a UNION of subqueries) is compiled to SQL here, once (_visit_ids_sql): a
    page uses it twice in its query (its rows and their count), and Django compiled it again in
    each (0.4 ms a time). Walked, they are a _SharedVisitIds: a statement that reads them twice
    (action_list_rows: the page and its total) declares them once, in a WITH.
    """
    if ids is None:
        return RemediationAction.objects.none()
    if ids is ALL:
        return RemediationAction.objects.all()
    if walked:
        return RemediationAction.objects.filter(Q(visit_id__in=ids) | Q(visit__isnull=True))
    return RemediationAction.objects.filter(visit_id__in=ids)


# _visit_ids_sql's answer for every visit (an administrator's visibility).
ALL = object()


def _visible_visit_ids_sql(user, *, walked: bool = False):
    """_visit_ids_sql of the visits ``user`` may read (inspections.selectors.visible_visit_ids),
    remembered on the user object as its roles are (units.models.User.role_names): the
    remediation list asks for it twice (its rows, its plans), and compiling it costs 0.4 ms. The
    SQL holds the user's id and scope, not the ids themselves (the database reads them when the
    query runs): kept for the same roles and unit only.

    ``walked``: the remediation lists' form (action_list, action_list_plans): a UNION ALL, which
    the database hashes without first removing the duplicates (a visit both in the scope and on
    the user's team; 0.4 ms of the department head's 1 561 visits on the large bench set, each
    time), and a _SharedVisitIds."""
    key = (user.pk, user.unit_id, frozenset(user.role_names), walked)
    cached = getattr(user, "_visible_visit_ids_sql", None)
    if cached is None or cached[0] != key:
        cached = user._visible_visit_ids_sql = (key, _visit_ids_sql(visible_visit_ids(user), walked=walked))
    return cached[1]


def _visit_ids_sql(ids: QuerySet | None, *, walked: bool = False):
    """The visits ``ids`` (a subquery of visible_visit_ids) compiled to SQL once, ALL for every
    visit (None given), None when it can match nothing. ``walked``: see _visible_visit_ids_sql
    (only for ``visit_id IN (...)``: a UNION ALL may repeat an id).

    Compiled as Django compiles a subquery: without the models' default ordering (in a UNION's
    branches SQLite refuses it)."""
    if ids is None:
        return ALL
    query = ids.query.clone()
    for part in (query, *query.combined_queries):
        part.clear_ordering(force=True)
    if walked and query.combinator == "union":
        query.combinator_all = True
    try:
        # Django's own compiled query (its values in its params): nothing typed goes in.
        return (_SharedVisitIds if walked else RawSQL)(*query.sql_with_params())  # noqa: S611
    except EmptyResultSet:
        return None


# The name of the visible visit ids in a statement that declares them once (share_visit_ids).
SHARED_VISIT_IDS = "kt_visible_visit_ids"


class _SharedVisitIds(RawSQL):
    """The visible visit ids' compiled subquery (_visit_ids_sql), written as a reference to a
    WITH of them when the query being compiled shares them (share_visit_ids): a statement that
    reads them twice builds them once (the department head's page and total: the 1 561 visits of
    the province joined to its units, 0.8 ms on the large bench set, each time)."""

    def as_sql(self, compiler, connection):
        shared = getattr(compiler.query, "shared_visit_ids", None)
        if shared is not None:
            mine = (self.sql, tuple(self.params))
            if shared.setdefault("ids", mine) == mine:
                return f"(SELECT * FROM {connection.ops.quote_name(SHARED_VISIT_IDS)})", ()  # noqa: S608 - a quoted constant name
        return super().as_sql(compiler, connection)


def share_visit_ids(*queries) -> dict:
    """Have ``queries`` (django.db.models.sql.Query objects, compiled after this) read the visible
    visit ids of their _SharedVisitIds from one WITH: returns the dict in which compiling them
    leaves those ids' SQL and params ("ids"; absent if none were compiled), for with_shared_visit_ids."""
    shared = {}
    for query in queries:
        query.shared_visit_ids = shared
    return shared


def with_shared_visit_ids(shared: dict, sql: str, params: tuple, alias: str) -> tuple[str, tuple]:
    """``sql`` (whose queries were compiled after share_visit_ids) preceded by the WITH of the ids
    they share: materialised on PostgreSQL (read twice, built once)."""
    if "ids" not in shared:
        return sql, params
    ids_sql, ids_params = shared["ids"]
    connection = connections[alias]
    materialized = " MATERIALIZED" if connection.vendor == "postgresql" else ""
    name = connection.ops.quote_name(SHARED_VISIT_IDS)
    # Django's compiled subquery and a quoted name: nothing typed goes in.
    return f"WITH {name} AS{materialized} ({ids_sql}) {sql}", (*ids_params, *params)  # noqa: S608


def _liaison_prefix(user) -> str | None:
    """The unit path a liaison's actions hang under (None for staff: their actions are those of
    the visits they see)."""
    return scope_prefix(user) if has_role(user, Role.LIAISON) else None


# The visit's findings


@dataclass
class VisitFindings:
    strengths: list[Finding]
    limitations: list[Finding]
    conclusion: Conclusion | None
    # Criteria answered "not met" / "partly" that have no limitation yet: (answer, criterion).
    candidates: list[Answer] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        return self.strengths + self.limitations

    @property
    def counts(self) -> dict[str, int]:
        result = {state: 0 for state in ReviewState.values}
        for finding in self.all:
            result[finding.review_state] += 1
        return result

    @property
    def recommendations(self) -> list[Finding]:
        return [f for f in self.limitations if f.recommendation]


REVIEWS = Prefetch("reviews", queryset=FindingReview.objects.select_related("actor"), to_attr="review_list")


def _findings_query(
    visit: Visit, *, with_actions: bool = True, with_reviews: bool = True
) -> QuerySet[Finding]:
    findings = (
        # Not created_by: no page of a visit's findings shows who wrote each one (the finding's
        # own page does, from its own query).
        visit.findings.select_related("domain", "criterion", *(["action"] if with_actions else [])).order_by(
            "kind", "order", "id"
        )
    )
    # Into a list (to_attr): a queryset per finding costs more than the query itself.
    return findings.prefetch_related(REVIEWS) if with_reviews else findings


def visit_findings(
    *,
    visit: Visit,
    with_candidates: bool = False,
    with_conclusion: bool = True,
    reviews_of_approved: bool = True,
) -> VisitFindings:
    """The visit's strengths and limitations with their reviews and actions (two queries), its
    conclusion (one more), and, for the team, the answers that could become limitations (one more).

    Without ``with_conclusion`` (the review, which comes before the conclusion) neither the
    conclusion nor the findings' remediation actions, which the conclusion makes, are read: the
    join to the actions made PostgreSQL hash every action of the country for a visit that has
    none yet. Without ``reviews_of_approved`` (the findings page, which shows the head's return of
    a finding not approved yet) only the findings not approved get their reviews (``review_list``):
    none to read once every finding is approved, as on every reviewed or concluded visit."""
    findings = list(_findings_query(visit, with_actions=with_conclusion, with_reviews=reviews_of_approved))
    if not reviews_of_approved:
        if pending := [f for f in findings if f.review_state != ReviewState.APPROVED]:
            prefetch_related_objects(pending, REVIEWS)
    conclusion = _conclusion_of(visit) if with_conclusion else None
    result = VisitFindings(
        strengths=[f for f in findings if f.kind == FindingKind.STRENGTH],
        limitations=[f for f in findings if f.kind == FindingKind.LIMITATION],
        conclusion=conclusion,
    )
    if with_candidates:
        covered = {f.criterion_id for f in result.limitations if f.criterion_id}
        answers = (
            Answer.objects.filter(visit=visit, result__in=[AnswerResult.NOT_MET, AnswerResult.PARTLY])
            .select_related("criterion__domain")
            .order_by("criterion__domain__order", "criterion__order", "criterion_id")
        )
        result.candidates = [a for a in answers if a.criterion_id not in covered]
    return result


def _conclusion_of(visit: Visit) -> Conclusion | None:
    """The visit's conclusion: the one its access helper loaded with it, else read (one query,
    neither LIMIT nor ORDER BY: there is one at most, see access.get_action_for_user)."""
    if Visit.conclusion.is_cached(visit):
        return getattr(visit, "conclusion", None)  # None when the visit has none
    return next(iter(Conclusion.objects.filter(visit=visit).order_by()), None)


def finding_card(*, finding: Finding) -> Finding:
    """One finding loaded like those of visit_findings (for an htmx row refresh)."""
    return _findings_query(finding.visit).get(pk=finding.pk)


# The signature block's formula by the signer's position (Nghị định 30/2020, Phụ lục I): a deputy
# signs "on behalf of" (KT.) the head. Document wording, in Vietnamese whatever the UI language.
SIGNATURES = [
    ("phó giám đốc", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    ("giám đốc", "", "GIÁM ĐỐC"),
    ("phó chủ tịch", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ("chủ tịch", "", "CHỦ TỊCH"),
]


def signature_defaults(*, user) -> dict:
    """The conclusion form's signature block for ``user``: authority line, title and name."""
    position = (user.position or "").strip().lower()
    authority_line, title = next(
        ((line, title) for prefix, line, title in SIGNATURES if position.startswith(prefix)),
        ("", "TRƯỞNG ĐOÀN KIỂM TRA"),
    )
    return {"authority_line": authority_line, "signer_title": title, "signer_name": user.get_full_name()}


def issuing_body_of(unit: Unit) -> IssuingBody | None:
    """The default issuing body configured for ``unit`` (letterhead, symbol, signer), or None.
    Remembered on the unit object, so that one document asks once."""
    if not hasattr(unit, "_issuing_body"):
        unit._issuing_body = IssuingBody.objects.defaults().filter(unit=unit).first()
    return unit._issuing_body


def issuer_signature(unit: Unit) -> dict | None:
    """The conclusion form's signature block from ``unit``'s issuing body, when it names a signer."""
    body = issuing_body_of(unit)
    if body is None or not body.signer_name:
        return None
    return {
        "authority_line": body.authority_line,
        "signer_title": body.signer_title,
        "signer_name": body.signer_name,
    }


def default_symbol(issuing_unit: Unit) -> str:
    """“TB-SNV”: the notice type and the issuer's symbol (its issuing body's, else its short name
    when that is one word)."""
    body = issuing_body_of(issuing_unit)
    if body is not None:
        return f"{settings.CONCLUSION_SYMBOL_PREFIX}-{body.symbol}"
    short = (issuing_unit.short_name or "").strip()
    abbreviation = short if short and " " not in short else ""
    return (
        f"{settings.CONCLUSION_SYMBOL_PREFIX}-{abbreviation}"
        if abbreviation
        else settings.CONCLUSION_SYMBOL_PREFIX
    )


# Carry-forward


@dataclass(frozen=True)
class EarlierRecommendation:
    """One recommendation of an earlier visit, as the carry-forward panel shows it."""

    pk: int
    recommendation: str
    starts_at: datetime
    unit_id: int
    unit_name: str
    # “12/TB-SNV”, or None before the visit was concluded.
    reference: str | None
    action_id: int | None
    action_state: str | None
    action_due_date: date | None

    def action_is_overdue_on(self, today: date) -> bool:
        """RemediationAction.is_overdue_on of the action."""
        return self.action_id is not None and RemediationAction(
            state=self.action_state, due_date=self.action_due_date
        ).is_overdue_on(today)


# carry_forward's query written out (PostgreSQL): the ORM's compiling of it (a UNION subquery and
# four joins) cost twice its running (issue 17). test_carry_forward_and_history holds it to the
# ORM reading, carry_forward_orm.
_CARRY_FORWARD_SQL = """
SELECT f.id, f.recommendation, v.starts_at, v.unit_id, u.name, c.number, c.symbol, a.id, a.state, a.due_date
FROM findings_finding f
JOIN inspections_visit v ON v.id = f.visit_id
JOIN units_unit u ON u.id = v.unit_id
LEFT OUTER JOIN findings_conclusion c ON c.visit_id = v.id
LEFT OUTER JOIN findings_remediationaction a ON a.finding_id = f.id
WHERE f.kind = %(limitation)s AND NOT (f.recommendation = '')
  AND v.starts_at < %(starts_at)s
  AND v.unit_id IN (SELECT %(unit)s UNION SELECT p.to_unit_id FROM units_unit_predecessors p WHERE p.from_unit_id = %(unit)s)
  AND NOT (f.visit_id = %(visit)s) AND NOT (v.status = %(cancelled)s)
ORDER BY v.starts_at DESC, f."order", f.id
"""


def carry_forward(*, visit: Visit) -> list[EarlierRecommendation]:
    """The recommendations of the unit's earlier visits (and of the units it replaced), newest
    first, with their remediation action's current state: the team checks them on site
    (criterion 1.8 of the CCHC checklist). One query, the columns shown (findings.panels draws
    them: a unit inspected every year has many); written out on PostgreSQL."""
    if connection.vendor != "postgresql":
        return carry_forward_orm(visit=visit)
    with connection.cursor() as cursor:
        cursor.execute(
            _CARRY_FORWARD_SQL,
            {
                "limitation": FindingKind.LIMITATION,
                "starts_at": visit.starts_at,
                "unit": visit.unit_id,
                "visit": visit.pk,
                "cancelled": VisitStatus.CANCELLED,
            },
        )
        return _earlier_recommendations(cursor.fetchall())


def _earlier_recommendations(rows) -> list[EarlierRecommendation]:
    return [
        EarlierRecommendation(
            pk=pk,
            recommendation=recommendation,
            starts_at=starts_at,
            unit_id=unit_id,
            unit_name=unit_name,
            reference=None if number is None else f"{number}/{symbol}",
            action_id=action_id,
            action_state=action_state,
            action_due_date=due_date,
        )
        for pk, recommendation, starts_at, unit_id, unit_name, number, symbol, action_id, action_state, due_date in rows
    ]


def carry_forward_orm(*, visit: Visit) -> list[EarlierRecommendation]:
    """carry_forward read through the ORM: SQLite's, and the reference of the written-out query."""
    # The unit and the units it replaced as one subquery: a UNION of two index lookups (an OR of
    # the two made PostgreSQL read every finding of the country), in place of a query of its own.
    units = (
        Unit.objects.filter(pk=visit.unit_id)
        .values("pk")
        .union(Unit.predecessors.through.objects.filter(from_unit_id=visit.unit_id).values("to_unit_id"))
    )
    rows = (
        Finding.objects.with_recommendation()
        .filter(visit__unit_id__in=units, visit__starts_at__lt=visit.starts_at)
        .exclude(visit=visit)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .order_by("-visit__starts_at", "order", "id")
        .values_list(
            "pk",
            "recommendation",
            "visit__starts_at",
            "visit__unit_id",
            "visit__unit__name",
            "visit__conclusion__number",
            "visit__conclusion__symbol",
            "action__id",
            "action__state",
            "action__due_date",
        )
    )
    return _earlier_recommendations(rows)


# The review


@dataclass(frozen=True, slots=True)
class QueueRow:
    """What the review queue shows of one submitted visit (findings.queue_rows): no model
    instances (a page of 25 visits with their unit, plan and team members was some 150 objects)."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    unit_name: str
    plan_title: str
    # The team leader's name as User.__str__ writes it, or None for a visit without a leader.
    leader: str | None
    finding_count: int
    pending_count: int
    returned_count: int
    limitation_count: int


def _count_of_findings(condition: Q | None = None) -> Subquery:
    """How many findings of the outer visit (matching ``condition``): one probe of the findings'
    visit index per visit of the page."""
    findings = Finding.objects.filter(visit_id=OuterRef("pk"))
    if condition is not None:
        findings = findings.filter(condition)
    return Subquery(
        findings.order_by().values("visit_id").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def review_queue(*, user) -> QuerySet:
    """Submitted visits in the head's scope, oldest first, as the queue shows them: one query of
    the columns drawn (the unit's name, the plan's title, the leader's name through the team's
    one-leader row, each count of findings a subquery of the visit's own findings), values()
    rows for queue_rows: in place of the visits, units and plans as model instances, their teams
    prefetched, and a second query grouping the page's findings. review_queue_rows makes them
    QueueRow."""
    return (
        visits_visible_to(user)
        .filter(status=VisitStatus.SUBMITTED)
        .annotate(leader_row=FilteredRelation("team", condition=Q(team__role=TeamRole.LEADER)))
        .annotate(
            finding_count=_count_of_findings(),
            pending_count=_count_of_findings(Q(review_state__in=[ReviewState.DRAFT, ReviewState.SUBMITTED])),
            returned_count=_count_of_findings(Q(review_state=ReviewState.RETURNED)),
            limitation_count=_count_of_findings(Q(kind=FindingKind.LIMITATION)),
        )
        .order_by("ends_at", "id")
        .values(
            "pk",
            "starts_at",
            "ends_at",
            "unit__name",
            "plan__title",
            "leader_row__user__last_name",
            "leader_row__user__first_name",
            "leader_row__user__username",
            "finding_count",
            "pending_count",
            "returned_count",
            "limitation_count",
        )
    )


def review_queue_rows(rows: list[dict]) -> list[QueueRow]:
    """review_queue's rows (a page of them) as QueueRow."""
    return [
        QueueRow(
            pk=row["pk"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            unit_name=row["unit__name"],
            plan_title=row["plan__title"],
            leader=None
            if row["leader_row__user__username"] is None
            else (
                " ".join(
                    filter(None, [row["leader_row__user__last_name"], row["leader_row__user__first_name"]])
                ).strip()
                or row["leader_row__user__username"]
            ),
            finding_count=row["finding_count"] or 0,
            pending_count=row["pending_count"] or 0,
            returned_count=row["returned_count"] or 0,
            limitation_count=row["limitation_count"] or 0,
        )
        for row in rows
    ]


def review_queue_count(*, user) -> int:
    return visits_visible_to(user).filter(status=VisitStatus.SUBMITTED).count()


# Remediation


def _with_pending_extension(actions: QuerySet[RemediationAction]) -> QuerySet[RemediationAction]:
    pending = RemediationUpdate.objects.filter(
        action=OuterRef("pk"), kind=UpdateKind.EXTENSION_REQUEST, decision=""
    )
    return actions.annotate(has_pending_extension=Exists(pending))


def action_list(*, user) -> QuerySet[RemediationAction]:
    """Visible actions, soonest due first, without their related rows: filter and paginate this,
    loading the page with action_list_rows (sorting thousands of wide joined rows to show 25
    costs four times more than sorting the ids)."""
    return actions_visible_to(user, walked=True).order_by("due_date", "id")


def action_list_plans(*, user) -> list[tuple[int, str, int]]:
    """The plans of the actions ``user`` may read, as (id, title, year), newest year first: the
    remediation list's plan filter offers them and its rows take their titles from them.

    Each plan is asked whether one of its visits is visible and has an action, a probe along the
    visit's plan index that stops at the first such visit (a scalar subquery with LIMIT 1, which
    PostgreSQL keeps per plan instead of turning it into a join of every visible action): the
    list no longer counts every visible action to know its plans (7 038 for the department head
    of the large bench set). A liaison's actions include those handed to their units, whatever
    the visit: theirs are the plans of those actions (a handful)."""
    if not user.is_authenticated:
        return []
    plans = InspectionPlan.objects.order_by("-year", "title", "id")
    if _liaison_prefix(user) is not None:
        plans = plans.filter(pk__in=actions_visible_to(user).values("visit__plan_id"))
    else:
        visits = Visit.objects.filter(
            Exists(RemediationAction.objects.filter(visit_id=OuterRef("pk"))), plan_id=OuterRef("pk")
        )
        if (ids := _visible_visit_ids_sql(user, walked=True)) is None:
            return []
        if ids is not ALL:
            # OR-ed with an impossible "no id", as in _of_visits: the ids hashed once for every plan.
            visits = visits.filter(Q(pk__in=ids) | Q(pk__isnull=True))
        plans = plans.alias(first_visit=Subquery(visits.order_by().values("pk")[:1])).filter(
            first_visit__isnull=False
        )
    return list(plans.values_list("pk", "title", "year"))


@dataclass(frozen=True, slots=True)
class ActionListRow:
    """What the remediation list shows of one action (action_rows.action_rows_html): no model
    instances (25 actions with their finding, visit, plan, conclusion, criterion and unit were
    some 150 objects to build)."""

    pk: int
    due_date: date
    state: str
    unit_id: int
    unit_name: str
    recommendation: str
    criterion_code: str | None
    visit_unit_id: int
    plan_title: str
    conclusion_number: int | None
    conclusion_symbol: str | None
    has_pending_extension: bool

    @property
    def conclusion_reference(self) -> str:
        """“12/TB-SNV” (Conclusion.reference), or "" before the notice."""
        return "" if self.conclusion_number is None else f"{self.conclusion_number}/{self.conclusion_symbol}"

    def is_overdue_on(self, today: date) -> bool:
        return self.due_date < today and self.state in ACTION_OPEN_STATES


_LIST_COLUMNS = (
    "pk",
    "due_date",
    "state",
    "unit_id",
    "unit_name",
    "recommendation",
    "criterion_code",
    "visit__unit_id",
    "visit__plan_id",
    "visit__conclusion__number",
    "visit__conclusion__symbol",
    "has_pending_extension",
)


@functools.cache
def _list_columns_sql(alias: str) -> tuple[str, tuple]:
    """The list's columns as one query of every action (action_list_rows joins the page to it),
    compiled once per process: it holds no value of a request (0.4 ms of compiling a page).

    The unit's name and the finding's recommendation and criterion are scalar subqueries by
    primary key, which the database runs for the page's 25 rows only: the seven tables joined
    cost PostgreSQL more to plan than the page to run (1.9 ms on the bench sets); the visit and
    its conclusion stay joined (as subqueries the small set's planner scanned both tables for
    each row). Planning 1.9 -> 1.0 ms."""
    finding = Finding.objects.using(alias).filter(pk=OuterRef("finding_id")).order_by()
    unit = Unit.objects.using(alias).filter(pk=OuterRef("unit_id")).order_by()
    columns = _with_pending_extension(RemediationAction.objects.using(alias).order_by()).annotate(
        unit_name=Subquery(unit.values("name")),
        recommendation=Subquery(finding.values("recommendation")),
        criterion_code=Subquery(finding.values("criterion__code")),
    )
    return columns.values_list(*_LIST_COLUMNS).query.sql_with_params()


def action_list_rows(page, *, plan_titles: dict[int, str]) -> list[tuple[ActionListRow, int]]:
    """The remediation list's rows and the number of all the list's actions, in ONE query: ``page``
    is the sorted, sliced query of the page's ids and total (core.pagination.paginate_ids), joined
    here to the columns the list shows (no model instances), instead of an aggregate counting
    every visible action and then a query of the page's rows. Returns (ActionListRow, total) pairs,
    soonest due first. The plans' titles come from ``plan_titles`` (action_list_plans), not joined
    to each row; one more query only for a plan missing there (an action concluded between the
    two queries)."""
    # The total as one COUNT(*) of the list's query beside the page, not paginate_ids' window:
    # counting every matching action under the window made PostgreSQL walk the whole due-date
    # index in order (5.5 ms against 3.4 ms for the department head's 7 045 actions on the large
    # bench set); this way the page still stops at its 25th row and the count reads the table.
    query = page.query.clone()
    # The page and its total read the visible visit ids from one WITH (built once, not twice).
    shared = share_visit_ids(query)
    counted = query.clone()
    counted.clear_limits()
    counted.clear_ordering(force=True)
    counted.clear_select_clause()
    counted.add_fields(["pk"])
    try:
        count_sql, count_params = counted.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (an outsider's none())
        return []
    # Django's own compiled query (its values in its params): nothing typed goes in.
    count = f"SELECT COUNT(*) FROM ({count_sql}) counted"  # noqa: S608
    query.annotations["_page_total"] = RawSQL(count, count_params, output_field=IntegerField())  # noqa: S611
    inner, params = query.sql_with_params()
    shown, shown_params = _list_columns_sql(page.db)
    qn = connections[page.db].ops.quote_name
    # Django's own compiled queries (their values in the params) and quoted names: nothing typed.
    # PostgreSQL pulls the columns' query up into the join: the page's 25 ids, each joined once.
    sql, all_params = with_shared_visit_ids(
        shared,
        f"SELECT shown.*, page.{qn('_page_total')} FROM ({inner}) page "  # noqa: S608
        f"INNER JOIN ({shown}) shown ON shown.{qn('pk')} = page.{qn('pk')} "
        f"ORDER BY shown.{qn('due_date')}, shown.{qn('pk')}",
        (*params, *shown_params),
        page.db,
    )
    due = column_converter(RemediationAction._meta.get_field("due_date"), page.db)
    with connections[page.db].cursor() as cursor:
        cursor.execute(sql, all_params)
        fetched = cursor.fetchall()
    if missing := {row[8] for row in fetched} - plan_titles.keys():
        plan_titles = {
            **plan_titles,
            **dict(InspectionPlan.objects.filter(pk__in=missing).values_list("pk", "title")),
        }
    return [
        (
            ActionListRow(
                pk,
                due(due_date),
                state,
                unit_id,
                unit_name,
                recommendation,
                code,
                visit_unit_id,
                plan_titles.get(plan_id, ""),
                number,
                symbol,
                bool(pending),
            ),
            total,
        )
        for pk, due_date, state, unit_id, unit_name, recommendation, code, visit_unit_id, plan_id, number, symbol, pending, total in fetched
    ]


def action_detail(*, action: RemediationAction) -> dict:
    """The action page: its record of updates (with actors, attachments and replies) and the
    extension request waiting for a decision. Two queries."""
    updates = list(
        action.updates.select_related("actor", "reply_to")
        .prefetch_related(
            Prefetch("attachments", queryset=UpdateAttachment.objects.order_by("uploaded_at", "id"))
        )
        .order_by("at", "id")
    )
    pending = next((u for u in updates if u.is_pending_request), None)
    return {"updates": updates, "pending_extension": pending}


@dataclass
class UnitRemediation:
    """The liaison's page: their unit's concluded visits (a queryset, each with its limitations and
    actions, for the view to paginate), and the counts of their actions from an aggregate."""

    visits: QuerySet[Visit] | list
    open_count: int
    overdue_count: int
    # How many visits ``visits`` holds (known from their ids: the paginator need not count).
    visit_count: int | None = None


def my_unit(*, user, today: date | None = None) -> UnitRemediation:
    """Concluded visits of the liaison's unit subtree, of the units it replaced and of the actions
    handed to it, with their conclusion, limitations and actions (two queries per page), newest first,
    and the open and overdue actions of those visits counted in one aggregate."""
    today = today or timezone.localdate()
    prefix = scope_prefix(user)
    if prefix is None or not has_role(user, Role.LIAISON):
        return UnitRemediation([], 0, 0)
    # The units its unit replaced in a merger (their inspections are its history) and the visits
    # whose actions were handed to it: a liaison moved to the successor keeps all of them.
    own_units = units_under(prefix)
    mine = (
        Q(unit__in=own_units)
        | Q(unit_id__in=predecessor_ids([user.unit_id]))
        | Q(pk__in=RemediationAction.objects.filter(unit__in=own_units).values("visit_id"))
    )
    # The visits' ids first (a liaison's unit has a handful): as a subquery, PostgreSQL guessed
    # hundreds of visits from the OR and hashed every action of the country to count theirs; as a
    # list, the counts follow the actions' (visit, state, due_date) index from the few visits.
    # (Counted beside the ids, one subquery per visit, the guess of hundreds of visits made the
    # query look costly enough for PostgreSQL to compile it first: 60 ms.)
    ids = list(
        Visit.objects.filter(mine, status=VisitStatus.CONCLUDED).order_by().values_list("pk", flat=True)
    )
    visits = (
        Visit.objects.filter(pk__in=ids)
        .select_related("unit", "plan", "conclusion")
        # What the cards show (findings.unit_cards), nothing more.
        .only(
            "id",
            "starts_at",
            "unit_id",
            "unit__name",
            "unit__valid_to",
            "plan__title",
            "conclusion__number",
            "conclusion__symbol",
            "conclusion__date",
            "conclusion__due_date",
        )
        .prefetch_related(
            # The limitations only: the page lists what the unit must remedy.
            Prefetch(
                "findings",
                queryset=Finding.objects.filter(kind=FindingKind.LIMITATION)
                .select_related("action")
                .only(
                    "id",
                    "visit_id",
                    "kind",
                    "text",
                    "recommendation",
                    "action__id",
                    "action__finding_id",
                    "action__state",
                    "action__due_date",
                )
                .order_by("kind", "order", "id"),
            )
        )
        .order_by("-starts_at", "-id")
    )
    counts = RemediationAction.objects.filter(visit_id__in=ids).aggregate(
        open=Count("pk", filter=~Q(state=ActionState.VERIFIED)),
        overdue=Count("pk", filter=Q(due_date__lt=today, state__in=ACTION_OPEN_STATES)),
    )
    return UnitRemediation(
        visits=visits,
        open_count=counts["open"] or 0,
        overdue_count=counts["overdue"] or 0,
        visit_count=len(ids),
    )


@dataclass
class RemediationSummary:
    open: int
    overdue: int
    reported: int


def remediation_summary(*, user, today: date | None = None) -> RemediationSummary:
    """Counts for the home page: unfinished, overdue, and waiting-for-verification actions (one query)."""
    today = today or timezone.localdate()
    counts = actions_visible_to(user).aggregate(
        open=Count("pk", filter=Q(state__in=ACTION_OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=ACTION_OPEN_STATES, due_date__lt=today)),
        reported=Count("pk", filter=Q(state=ActionState.REPORTED_DONE)),
    )
    return RemediationSummary(**counts)
