"""Search across units, visits, findings and recommendations, ignoring diacritics and case.

Each kind is read through its owning app's visible-to-user selector, so a result list never holds
what the user could not open. Units match their folded ``search_text`` column; the others match
free text folded in the database (core.search.Fold: unaccent on PostgreSQL, a Python function
on SQLite); on PostgreSQL a finding's text and recommendation are compared with their stored
folded copies (migration 0010), nothing folded when searching. Every word of the query must
occur ("ho so tre han" finds "Hồ sơ trễ hạn").

The text of a row is folded once, whatever the number of words (:class:`FoldLikeAll`), and a
kind's page and count come from one query (reports.paging.counted_page): a search of everything reads
each kind's candidate rows once.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from core.search import Fold, FoldContainsAll, folded_words, joined
from core.sql import loaded
from findings.models import Finding, FindingKind
from findings.selectors import finding_visits_visible_to, findings_visible_to
from inspections.models import Criterion, InspectionPlan, Visit
from inspections.selectors import visible_visit_ids, visits_visible_to
from units.access import units_visible_to
from units.models import Unit
from units.roles import is_staff_member
from units.selectors import unit_with_predecessors_ids


class FoldLikeAll(FoldContainsAll):
    """FoldContainsAll folding the text once a row on PostgreSQL: ``Fold(x) LIKE ALL
    (ARRAY['%w1%', '%w2%'])`` evaluates ``Fold(x)`` once, where ``Fold(x) LIKE '%w1%' AND Fold(x)
    LIKE '%w2%'`` unaccents the text again for each word (a third of the time for "ho so tre han"
    on the national data set). SQLite: FoldContainsAll's one call a row."""

    def as_postgresql(self, compiler, connection, **extra_context):
        if not self.words:
            return "1 = 1", ()
        sql, params = compiler.compile(Fold(self.source_expressions[0]))
        patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in self.words]
        return f"({sql} LIKE ALL (%s))", (*params, patterns)


# Words this long have a trigram: the trigram indexes (migrations 0007, 0008, 0010) can find the
# rows holding them.
TRIGRAM_WORD = 3

# The columns of findings whose folded copy PostgreSQL keeps (migration 0010: a STORED generated
# column ``<column>_fold`` = search_fold(column), trigram-indexed). Not model fields: the search
# names them in its SQL.
FOLDED_COPY = {"text": "text_fold", "recommendation": "recommendation_fold"}


def _folded_column(compiler, connection, column) -> str:
    """The SQL of the stored folded copy of ``column`` (a resolved column of findings_finding:
    FOLDED_COPY), on the same table alias: ``"findings_finding"."text_fold"``."""
    return (
        f"{compiler.quote_name(column.alias)}.{connection.ops.quote_name(FOLDED_COPY[column.target.column])}"
    )


class FoldTrigramLike(FoldLikeAll):
    """FoldLikeAll for a column of findings that has a stored folded copy (FOLDED_COPY, migration
    0010): on PostgreSQL ``text_fold LIKE '%word%'`` for each word of three letters or more, which
    the copy's trigram index answers, and ``text_fold LIKE ALL (...)`` for the shorter words on the
    rows it finds. Nothing is folded when searching: the trigram index's recheck of each candidate
    reads the stored copy (with an index on the expression ``search_fold(text)`` that recheck
    folded every candidate again, two thirds of the search's SQL time). SQLite:
    FoldContainsAll's call, folding in Python."""

    def as_postgresql(self, compiler, connection, **extra_context):
        if not self.words:
            return "1 = 1", ()
        column = _folded_column(compiler, connection, self.source_expressions[0])
        return _trigram_condition(column, self.words)


def _trigram_condition(column: str, words: list[str]) -> tuple[str, tuple]:
    """FoldTrigramLike's SQL on the folded copy ``column`` (SQL): ``column LIKE '%word%'`` for each
    word of three letters or more (the trigram index answers them), ``column LIKE ALL (...)`` for
    the shorter ones; the words are parameters."""
    if not words:
        return "1 = 1", ()
    patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in words]
    parts, params = [], []
    for word, pattern in zip(words, patterns, strict=True):
        if len(word) >= TRIGRAM_WORD:
            parts.append(f"{column} LIKE %s")
            params.append(pattern)
    if short := [p for word, p in zip(words, patterns, strict=True) if len(word) < TRIGRAM_WORD]:
        parts.append(f"{column} LIKE ALL (%s)")
        params.append(short)
    return "(" + " AND ".join(parts) + ")", tuple(params)


def matches_words(query: str | None, *fields: str) -> Q:
    """core.search.matches_words through FoldLikeAll: every word of ``query`` occurs in the folded
    text of ``fields``; an empty query matches everything."""
    words = folded_words(query)
    return Q(FoldLikeAll(joined(*fields), words)) if words else Q()


def matches_indexed(query: str | None, field: str) -> Q:
    """matches_words for a column of findings with a trigram index (FoldTrigramLike)."""
    words = folded_words(query)
    return Q(FoldTrigramLike(F(field), words)) if words else Q()


def search_units(*, user, query: str) -> QuerySet[Unit]:
    """Visible units whose name, short name or code has every word of ``query``, in tree order."""
    return units_visible_to(user).search(query).select_related("parent").order_by("path")


# One word of three letters or more in a visit's unit name, plan title or place (VisitWordsMatch).
_VISIT_WORD = (
    "(unit_id = ANY(ARRAY(SELECT id FROM units_unit WHERE search_fold(name) LIKE %s))"
    " OR plan_id = ANY(ARRAY(SELECT id FROM inspections_inspectionplan WHERE search_fold(title) LIKE %s))"
    " OR search_fold(place) LIKE %s)"
)


class VisitWordsMatch(FoldLikeAll):
    """A condition on visits: every word occurs in the folded text of the visit's unit name, plan
    title and place joined (FoldLikeAll of the three), found on PostgreSQL through trigram indexes
    (migration 0008) rather than by folding every visible visit's three texts.

    A word holds no space, so it occurs in the joined text exactly when it occurs in one of the
    three: for each word of three letters or more the visit's unit is one of the units whose
    folded name holds it (``reports_unit_name_fold_trgm``), or its plan one of the plans whose
    title holds it (a few plans a year: read whole), or its place holds it
    (``reports_visit_place_fold_trgm``). The visits meeting that for every such word (among
    ``within``, the user's visible visits, when given) are found first, as one array (``id = ANY(ARRAY(...))``: the planner reads them through the indexes, not
    by walking every visible visit), and the shorter words are checked on those visits only. A
    query of short words only ("ho so") folds every candidate, as FoldLikeAll. SQLite:
    FoldContainsAll's call on the joined text."""

    def __init__(
        self, words: list[str], *, within: QuerySet | None = None, replaced: tuple[str, tuple] | None = None
    ):
        # ``within``: the ids of the visits to look among (the user's visible visits), checked
        # first inside the array: a liaison's few visits are read and matched, not every visit
        # whose unit, plan or place holds the words.
        # ``replaced``: the SQL and parameters of the ids of units whose visits match too (the
        # units the named units replaced: _replaced_sql), OR'ed with the words inside the array;
        # only with ``within`` and words of three letters or more (search_visits).
        self.within = within
        self.replaced = replaced
        super().__init__(joined("unit__name", "plan__title", "place"), words)

    def as_postgresql(self, compiler, connection, **extra_context):
        indexed = [word for word in self.words if len(word) >= TRIGRAM_WORD]
        if not indexed:
            return super().as_postgresql(compiler, connection, **extra_context)
        visit_id, id_params = compiler.compile(F("id").resolve_expression(compiler.query))
        within = None if self.within is None else self.within.query.sql_with_params()
        ids_sql, ids_params = _visit_ids_sql(indexed, within=within, replaced=self.replaced)
        sql = f"{visit_id} = ANY(ARRAY({ids_sql}))"
        params = [*id_params, *ids_params]
        if short := [word for word in self.words if len(word) < TRIGRAM_WORD]:
            rest_sql, rest_params = FoldLikeAll(self.source_expressions[0], short).as_postgresql(
                compiler, connection, **extra_context
            )
            sql = f"{sql} AND {rest_sql}"
            params += rest_params
        return f"({sql})", tuple(params)


def _visit_ids_sql(
    indexed: list[str], *, within: tuple[str, tuple] | None, replaced: tuple[str, tuple] | None
) -> tuple[str, list]:
    """The SQL and parameters of VisitWordsMatch's ids (PostgreSQL): the visits (among the SQL
    ``within`` when given) whose unit name, plan title or place holds each word of ``indexed``
    (words of three letters or more), or whose unit is one of the SQL ``replaced``'s ids."""
    patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in indexed]
    # Fixed SQL (_VISIT_WORD once a word); the words are parameters.
    conditions = " AND ".join([_VISIT_WORD] * len(indexed))
    replaced_params = ()
    if replaced is not None:
        replaced_sql, replaced_params = replaced
        conditions = f"(({conditions}) OR unit_id = ANY(ARRAY({replaced_sql})))"
    within_params = ()
    if within is not None:
        within_sql, within_params = within
        conditions = f"id IN ({within_sql}) AND {conditions}"
    sql = f"SELECT id FROM inspections_visit WHERE {conditions}"  # noqa: S608
    return sql, [*within_params, *(pattern for pattern in patterns for _ in range(3)), *replaced_params]


# The units that the units ``successors`` (a subquery, twice) replaced, through each merger back:
# units.selectors.predecessor_ids in one recursive query (it read one query a generation, after
# one to learn whether any successor matched).
_REPLACED = (
    "WITH RECURSIVE replaced(id) AS ("
    "SELECT p.to_unit_id FROM units_unit_predecessors p WHERE p.from_unit_id IN ({successors})"
    " UNION SELECT p.to_unit_id FROM units_unit_predecessors p JOIN replaced r ON p.from_unit_id = r.id"
    ") SELECT id FROM replaced WHERE id NOT IN ({successors})"
)


def replaced_units(*, user, query: str) -> Q:
    """A condition on visits: their unit is one that the visible units named by ``query`` and
    having predecessors replaced, through every merger back, those units left out (the ids
    ``units.selectors.predecessor_ids`` gives for them), read within the visits' query. Nothing
    for a user who sees no unit."""
    replaced = _replaced_sql(user=user, query=query)
    if replaced is None:
        return Q(pk__in=[])
    return Q(InSubquery("unit_id", *replaced))


def _replaced_sql(*, user, query: str) -> tuple[str, tuple] | None:
    """The SQL and parameters of replaced_units's ids (_REPLACED), None when the user sees no
    unit."""
    successors = units_visible_to(user).search(query).filter(predecessors__isnull=False).values("pk")
    try:
        sql, params = successors.query.sql_with_params()
    except EmptyResultSet:
        return None
    # _REPLACED's fixed SQL around the units' own query; the words are its parameters.
    return _REPLACED.format(successors=sql), (*params, *params)


class InSubquery(Func):
    """A condition: ``field`` is one of the ids the SQL ``sql`` selects. PostgreSQL: ``field =
    ANY(ARRAY(sql))``, the ids read once before the rest (as VisitWordsMatch's): ``field IN
    (sql)`` beside the words' condition made the planner walk every visible visit by date and
    join them again for each (twice the time of the search for a short word); SQLite: ``IN``."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, sql: str, params):
        self.sql, self.params = sql, tuple(params)
        super().__init__(F(field))

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(ARRAY({self.sql}))", (*params, *self.params)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} IN ({self.sql})", (*params, *self.params)


def search_visits(*, user, query: str) -> QuerySet[Visit]:
    """Visible visits whose unit, plan title or place has every word of ``query``, newest first;
    and the visits of the units that a unit so named replaced (searching "Bình Tân Mỹ" finds the
    2020 visits of Bình Tấn and Tân Mỹ, each shown as before the reorganisation)."""
    words = folded_words(query)
    visible = visits_visible_to(user)
    within = visible.order_by().values("pk")
    if connection.vendor == "postgresql" and words and all(len(word) >= TRIGRAM_WORD for word in words):
        # One array of ids: the visible visits matching the words or of a replaced unit. The
        # visibility rule is compiled and planned once (it was also the outer query's ``id IN``:
        # 5.7 ms of planning for "mot cua" on the bench's large set, the UNION planned twice).
        replaced = _replaced_sql(user=user, query=query)
        found = Visit.objects.filter(VisitWordsMatch(words, within=within, replaced=replaced))
    else:
        matching = Q(VisitWordsMatch(words, within=within)) if words else Q()
        found = visible.filter(matching | replaced_units(user=user, query=query))
    return found.select_related("unit", "plan").order_by("-starts_at", "-id")


def with_successors(visits: list[Visit]) -> list[Visit]:
    """``visits`` with the successors of their dissolved units read (the list names a merged
    unit's successors: "Bình Tân Mỹ, before the reorganisation: Bình Tấn"), in one query, and none
    when no unit of the page is dissolved (a prefetch on the search's queryset read them for
    every page)."""
    dissolved = [visit.unit for visit in visits if visit.unit.valid_to]
    if dissolved:
        prefetch_related_objects(dissolved, Prefetch("successors", queryset=Unit.objects.only("id", "name")))
    return visits


def unit_inspections(*, user, unit: Unit) -> QuerySet[Visit]:
    """The visible visits of ``unit`` and of the units it replaced (units.selectors), newest
    first, for the unit's page: the successor of a merger shows its predecessors' inspections."""
    return (
        visits_visible_to(user)
        .filter(unit_id__in=unit_with_predecessors_ids(unit))
        .select_related("unit", "plan")
        .order_by("-starts_at", "-id")
    )


class IdList(list):
    """Ids read once a search (finding_visit_ids) and used by several queries: their
    array_literal written once (1 561 ids written four times a search was 1.5 ms of Python)."""

    @cached_property
    def literal(self) -> str:
        return "{" + ",".join(str(int(pk)) for pk in self) + "}"

    @classmethod
    def from_literal(cls, literal: str) -> "IdList":
        """The ids of PostgreSQL's text of an array of ids (``{1,2,3}``), that text kept as their
        literal (not written again from the 1 561 ids of a province)."""
        ids = cls(map(int, literal[1:-1].split(","))) if literal != "{}" else cls()
        ids.__dict__["literal"] = literal
        return ids


def array_literal(ids: list[int]) -> str:
    """``{1,2,3}``: ids sent as one string cast to an array. A Python list goes to PostgreSQL as
    ``ARRAY[1,2,3]``, which psycopg2 adapts id by id and the server parses and plans element by
    element: for a province's 1 561 visits 2.2 ms more a query (6.6 -> 4.4 ms on the bench's
    large set)."""
    return (ids if isinstance(ids, IdList) else IdList(ids)).literal


class InIds(Func):
    """A condition: ``field`` is one of ``ids``, the list sent as one array parameter on PostgreSQL
    (``field = ANY(%s)``). ``field__in=ids`` prepares and binds each id on its own: for the few
    thousand visits of a province, 10 ms of Python a search, growing with the visits."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: list[int]):
        self.ids = ids if isinstance(ids, IdList) else IdList(int(pk) for pk in ids)
        super().__init__(F(field))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, array_literal(self.ids))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", tuple(params)
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)


# The name of the user's visible visits in counted_with_visible_ids's query (a CTE).
_VISIBLE_CTE = "search_visible"


class _Visible:
    """``visit_ids`` of the findings' readers within counted_with_visible_ids's query: the visits
    of its CTE, not a list of ids."""


VISIBLE = _Visible()


class InVisible(Func):
    """A condition: ``field`` is one of the visits of the CTE ``search_visible``
    (counted_with_visible_ids), ``field IN (SELECT pk FROM search_visible)``."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str):
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} IN (SELECT pk FROM {_VISIBLE_CTE})", params  # noqa: S608  fixed names


def counted_with_visible_ids(*, user, query: str, fields: list[str]) -> tuple["IdList", dict[str, int]]:
    """finding_visit_ids and the capped counts of ``fields`` (capped_counts) in one query on
    PostgreSQL: the user's visible visits (findings.selectors' rule) as a CTE, read once, which
    the counts look among (``visit_id IN (SELECT pk FROM search_visible)``) and which comes back
    as the array the pages' walk reads. Two round trips before, and the counts sent the ids back
    as an array literal, whose every element PostgreSQL's planner estimated (1 to 2.5 ms of
    planning for a province's 1 561 visits). SQLite: the two queries."""
    if connection.vendor != "postgresql":
        ids = finding_visit_ids(user=user)
        sources = [
            _capped_count_source(field=field, user=user, query=query, visit_ids=ids) for field in fields
        ]
        return ids, dict(zip(fields, capped_counts(sources), strict=True))
    try:
        visible_sql, params = finding_visits_visible_to(user).order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return IdList(), dict.fromkeys(fields, 0)
    params = list(params)
    parts = []
    for field in fields:
        source = _capped_count_source(field=field, user=user, query=query, visit_ids=VISIBLE)
        sql, each = source.order_by().values("pk")[: RESULT_CAP + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608
        params += each
    with connection.cursor() as cursor:
        # The visibility rule's and the counts' own SQL; their values are parameters.
        cursor.execute(
            f"WITH {_VISIBLE_CTE} AS MATERIALIZED ({visible_sql}) "  # noqa: S608
            f"SELECT ARRAY(SELECT pk FROM {_VISIBLE_CTE})::text, " + ", ".join(parts),
            params,
        )
        literal, *counts = cursor.fetchone()
    return IdList.from_literal(literal), dict(zip(fields, counts, strict=True))


# The search of everything in one statement (search_everything, PostgreSQL). The units the query
# names (the units kind's rule, units_visible_to + Unit.search) and the visits whose findings the
# user may read (search_visible) are CTEs read by the parts below; every part's values are
# parameters.
_UNITS_CTE = "search_units"
_COUNTS_CTE = "search_counts"
_EVERYTHING = (
    "WITH {visible}(pk) AS MATERIALIZED ({visible_sql}), {units} AS MATERIALIZED ({units_sql}),"
    " {counted} AS MATERIALIZED (SELECT {counts}) "
    "SELECT c.text, c.recommendation, ({units_page}), ({visits_page}), ({findings_pages}) FROM {counted} c"
)
# A capped count of the findings (or recommendations) among search_visible holding the words:
# _capped_count_source's reading written out.
_COUNTED = (
    "(SELECT COUNT(*) FROM (SELECT 1 FROM findings_finding f"
    " WHERE f.visit_id IN (SELECT pk FROM {visible}) AND {condition} LIMIT %s) capped)"
)
_RECOMMENDED = "f.kind = %s AND f.recommendation <> '' AND "
# The first page of units (search_units: tree order) and its total, as a JSON array of rows.
_UNITS_PAGE = (
    "SELECT json_agg(json_build_array(u.id, u.name, u.kind, u.valid_from, u.valid_to, u.parent_id,"
    " pa.name, r.total) ORDER BY u.path) FROM ("
    "SELECT u.id, COUNT(*) OVER () AS total FROM units_unit u WHERE u.id IN (SELECT pk FROM {units})"
    " ORDER BY u.path LIMIT %s) r JOIN units_unit u ON u.id = r.id LEFT JOIN units_unit pa ON pa.id = u.parent_id"
)
# The first page of visits (search_visits: newest first) and its total, as a JSON array of rows.
_VISITS_PAGE = (
    "SELECT json_agg(json_build_array(v.id, v.starts_at, v.status, v.plan_id, p.title, v.unit_id, u.name,"
    " u.valid_from, u.valid_to, r.total) ORDER BY v.starts_at DESC, v.id DESC) FROM ("
    "SELECT v.id, COUNT(*) OVER () AS total FROM inspections_visit v WHERE v.id = ANY(ARRAY({ids})){among}"
    " ORDER BY v.starts_at DESC, v.id DESC LIMIT %s) r JOIN inspections_visit v ON v.id = r.id"
    " JOIN units_unit u ON u.id = v.unit_id JOIN inspections_inspectionplan p ON p.id = v.plan_id"
)
# The units that the named units having predecessors replaced (_REPLACED) over search_units.
_NAMED_SUCCESSORS = (
    "SELECT s.pk FROM {units} s WHERE EXISTS (SELECT 1 FROM units_unit_predecessors q"
    " WHERE q.from_unit_id = s.pk AND q.to_unit_id IS NOT NULL)"
)
_NOTHING = "SELECT NULL::bigint AS pk WHERE false"
# The first page of each kind of findings (part 0 the findings, 1 the recommendations), newest
# first, as a JSON array of rows (FindingPages's columns): each part's ids a walk among
# search_visible when its count passed SPARSE, the sorted matches otherwise (findings_page_reader's
# two readings; the other one's condition on search_counts is false and PostgreSQL runs only one).
_FINDINGS_PAGES = (
    "SELECT json_agg(json_build_array(f.id, f.kind, f.text, f.recommendation, f.criterion_id, c.code,"
    " f.visit_id, v.starts_at, v.unit_id, u.name, p.part) ORDER BY p.part, v.starts_at DESC, f.id DESC)"
    " FROM ({parts}) p"
    " JOIN findings_finding f ON f.id = p.id JOIN inspections_visit v ON v.id = f.visit_id"
    " JOIN units_unit u ON u.id = v.unit_id LEFT JOIN inspections_criterion c ON c.id = f.criterion_id"
)
_FINDINGS_PART = (
    "SELECT {part} AS part, w.id FROM ({walk}) w WHERE (SELECT {field} FROM {counted}) > %s"
    " UNION ALL SELECT {part}, s.id FROM ({sorted}) s WHERE (SELECT {field} FROM {counted}) <= %s"
)
# The matches sorted, newest first (_newest_first: the visit's date through its primary key).
_SORTED = (
    "SELECT f.id FROM findings_finding f WHERE f.visit_id IN (SELECT pk FROM {visible}) AND {condition}"
    " ORDER BY (SELECT v.starts_at FROM inspections_visit v WHERE v.id = f.visit_id) DESC, f.id DESC"
    " LIMIT %s"
)


@dataclass
class Everything:
    """What search_everything read: the findings' capped counts and first pages by column, and
    the units' and visits' first pages with their totals."""

    counts: dict[str, int]
    findings: dict[str, list]
    units: tuple[int, list]
    visits: tuple[int, list]


def search_everything(*, user, query: str, size: int) -> Everything:
    """The search of every kind in one statement (PostgreSQL): counted_with_visible_ids's
    visible visits and capped counts, and the first ``size`` rows of search_units and of
    search_visits with their totals (reports.paging.counted_page's page 1). Four round trips and
    plans were one each: these, the units' page and the visits' page.

    Read once in it: the units the query names (the units kind and the replaced units' recursive
    query, which compiled that search twice), and for the department's staff, whose visits are
    those whose findings they may read (findings.selectors.finding_visits_visible_to), the
    visibility rule: the visits kind looks among search_visible (materialized once) instead of
    compiling and running the UNION a second time. Others (a liaison reads only concluded visits'
    findings) get visits_visible_to's own rule. The rows are objects holding what the result lists
    show (rows.py). reports/tests/test_search_everything.py holds it equal to the ORM's readings."""
    words = folded_words(query)
    staff = is_staff_member(user)
    # Staff's visible visits are the rule's UNION of ids itself (visible_visit_ids, None for an
    # administrator), not the visits joined to it: what finding_visits_visible_to reads for them.
    ids = visible_visit_ids(user) if staff else None
    try:
        visible_sql, visible_params = (
            ids.query.sql_with_params()
            if ids is not None
            else finding_visits_visible_to(user).order_by().values("pk").query.sql_with_params()
        )
    except EmptyResultSet:
        visible_sql, visible_params = _NOTHING, ()
    try:
        units_sql, units_params = (
            units_visible_to(user).search(query).order_by().values("pk").query.sql_with_params()
        )
    except EmptyResultSet:
        units_sql, units_params = _NOTHING, ()
    names = {"visible": _VISIBLE_CTE, "units": _UNITS_CTE, "counted": _COUNTS_CTE}
    params = [*visible_params, *units_params]
    counts, parts, parts_params = [], [], []
    patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in words]
    for part, field in enumerate(("text", "recommendation")):
        condition, each = _trigram_condition(f"f.{FOLDED_COPY[field]}", words)
        walk_params = [patterns]
        if field == "recommendation":
            condition, each = _RECOMMENDED + condition, (FindingKind.LIMITATION.value, *each)
            walk_params.append(FindingKind.LIMITATION.value)
        counts.append(_COUNTED.format(condition=condition, **names) + f" AS {field}")
        params += [*each, RESULT_CAP + 1]
        limit = min(size, RESULT_CAP)
        parts.append(
            _FINDINGS_PART.format(
                part=part,
                field=field,
                walk=_WALK_VISIBLE[field],
                sorted=_SORTED.format(condition=condition, **names),
                **names,
            )
        )
        parts_params += [*walk_params, limit, 0, SPARSE, *each, limit, SPARSE]
    params.append(size)
    if all(len(word) >= TRIGRAM_WORD for word in words):
        # search_visits's one array, its rule's parts from this statement's CTEs.
        replaced = (_REPLACED.format(successors=_NAMED_SUCCESSORS.format(**names)), ())
        if staff:
            # The matching visits first (the trigram indexes), then those among search_visible:
            # looking among the CTE first, PostgreSQL (which cannot estimate its rows) probed
            # each visible visit and folded its place (40 ms for the head on the large set).
            ids_sql, ids_params = _visit_ids_sql(words, within=None, replaced=replaced)
            among = f" AND v.id IN (SELECT pk FROM {_VISIBLE_CTE})"  # noqa: S608  fixed names
        else:
            try:
                within = visits_visible_to(user).order_by().values("pk").query.sql_with_params()
            except EmptyResultSet:
                within = (_NOTHING, ())
            ids_sql, ids_params = _visit_ids_sql(words, within=within, replaced=replaced)
            among = ""
    else:
        # A short word: search_visits's own query.
        among = ""
        try:
            ids_sql, ids_params = (
                search_visits(user=user, query=query).order_by().values("pk").query.sql_with_params()
            )
        except EmptyResultSet:
            ids_sql, ids_params = _NOTHING, ()
    params += [*ids_params, size, *parts_params]
    sql = _EVERYTHING.format(
        visible_sql=visible_sql,
        units_sql=units_sql,
        counts=", ".join(counts),
        units_page=_UNITS_PAGE.format(**names),
        visits_page=_VISITS_PAGE.format(ids=ids_sql, among=among),
        findings_pages=_FINDINGS_PAGES.format(parts=" UNION ALL ".join(parts)),
        **names,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        text_count, recommendation_count, units, visits, findings = cursor.fetchone()
    units = [_shown_unit(*row) for row in units or ()]
    visits = [_shown_visit(*row) for row in visits or ()]
    pages = {"text": [], "recommendation": []}
    for *columns, part in findings or ():
        columns[7] = datetime.fromisoformat(columns[7])
        pages["text" if part == 0 else "recommendation"].append(_shown_finding(*columns))
    return Everything(
        counts={"text": text_count, "recommendation": recommendation_count},
        findings=pages,
        units=(units[0].search_total if units else 0, units),
        visits=(visits[0].search_total if visits else 0, visits),
    )


def _date_of(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _shown_unit(pk, name, kind, valid_from, valid_to, parent_id, parent_name, total) -> Unit:
    """A Unit holding what the units' list shows (its parent's name), as json_build_array gave it."""
    unit = loaded(
        Unit,
        id=pk,
        name=name,
        kind=kind,
        valid_from=_date_of(valid_from),
        valid_to=_date_of(valid_to),
        parent_id=parent_id,
    )
    unit.parent = None if parent_id is None else loaded(Unit, id=parent_id, name=parent_name)
    unit.search_total = total
    return unit


def _shown_visit(pk, starts_at, status, plan_id, title, unit_id, name, valid_from, valid_to, total) -> Visit:
    """A Visit holding what the visits' list shows (its unit's name and dates, its plan's title)."""
    visit = loaded(
        Visit,
        id=pk,
        starts_at=datetime.fromisoformat(starts_at),
        status=status,
        plan_id=plan_id,
        unit_id=unit_id,
    )
    visit.unit = loaded(
        Unit, id=unit_id, name=name, valid_from=_date_of(valid_from), valid_to=_date_of(valid_to)
    )
    visit.plan = loaded(InspectionPlan, id=plan_id, title=title)
    visit.search_total = total
    return visit


def _findings(user, visit_ids: list[int] | None) -> QuerySet[Finding]:
    if visit_ids is None:
        findings = findings_visible_to(user)
    elif visit_ids is VISIBLE:
        findings = Finding.objects.filter(InVisible("visit_id"))
    else:
        findings = Finding.objects.filter(InIds("visit_id", visit_ids))
    return findings.select_related("visit__unit", "criterion")


def finding_visit_ids(*, user) -> IdList:
    """The ids of the visits whose findings ``user`` may read (findings.selectors decides), read
    once a search: with the list, the database folds only those visits' findings rather than
    every finding of the country before applying visibility."""
    return IdList(finding_visits_visible_to(user).order_by().values_list("pk", flat=True))


def _newest_first():
    """Findings by their visit's date, newest first, then newest finding: the date read for each
    matching finding through the visit's primary key. Ordering by the joined visit's date let
    PostgreSQL walk the visits' date index and, misjudging how many findings match (it cannot
    estimate a fold), fold the province's findings again for every visit (0.34 s on the bench's
    large set); the page needs every match anyway, for its count."""
    visit_date = Subquery(Visit.objects.filter(pk=OuterRef("visit_id")).order_by().values("starts_at")[:1])
    return (visit_date.desc(), F("id").desc())


def _matching_text(user, query: str, visit_ids) -> QuerySet[Finding]:
    return _findings(user, visit_ids).filter(matches_indexed(query, "text"))


def _matching_recommendation(user, query: str, visit_ids) -> QuerySet[Finding]:
    return (
        _findings(user, visit_ids)
        .filter(kind=FindingKind.LIMITATION)
        .exclude(recommendation="")
        .filter(matches_indexed(query, "recommendation"))
    )


def search_findings(*, user, query: str, visit_ids: list[int] | None = None) -> QuerySet[Finding]:
    """Visible findings (strengths and limitations) whose text has every word of ``query``, newest first."""
    return _matching_text(user, query, visit_ids).order_by(*_newest_first())


def search_recommendations(*, user, query: str, visit_ids: list[int] | None = None) -> QuerySet[Finding]:
    """Visible limitations whose recommendation has every word of ``query``, newest first."""
    return _matching_recommendation(user, query, visit_ids).order_by(*_newest_first())


# A search of findings counts its matches up to this many ("hơn 200" beyond; 8 pages of 25):
# the count rechecks (folds) each match it counts, so the cap bounds the work of a common word
# (500 made "mot cua" on the bench's large set fold 501 findings twice a search, 15-19 ms).
RESULT_CAP = 200
# Up to this many matches, the page sorts every match (found through the trigram index); beyond
# it, the page walks the visits newest first and stops at the page's last row.
SPARSE = 60


def _capped_count_source(*, field: str, user, query: str, visit_ids) -> QuerySet[Finding]:
    matching = _matching_text if field == "text" else _matching_recommendation
    return matching(user, query, visit_ids)


def capped_counts(querysets: list[QuerySet]) -> list[int]:
    """The number of rows of each queryset up to RESULT_CAP + 1, all in one query (``SELECT
    (SELECT COUNT(*) FROM (... LIMIT 201)), (...)``): the search of everything counts its two
    kinds of findings in one round trip."""
    parts, params = [], []
    for queryset in querysets:
        sql, each = queryset.order_by().values("pk")[: RESULT_CAP + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608
        params += each
    with connection.cursor() as cursor:
        # The querysets' own SQL, each counted; their values are parameters.
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608
        return list(cursor.fetchone())


def findings_page_reader(
    *,
    field: str,
    user,
    query: str,
    visit_ids: list[int] | None,
    count: int | None = None,
    pages: "FindingPages | None" = None,
):
    """``(count, rows)`` for reports.paging.capped_page: the matches of ``query`` in the findings'
    ``field`` ("text" or "recommendation") counted up to RESULT_CAP + 1 through the trigram index
    (one query; ``count`` when the caller counted them already, with the other kind:
    capped_counts), and ``rows(start, stop)`` reading that slice, newest first (one query).

    Sorting every match by its visit's date made a common word ("mot cua": a tenth of the
    findings) fold, join and sort every match of the province for a page of 5. With many matches
    the page is read in the visits' date order instead (``inspections_visit_starts_at`` walked
    backwards, each visit's findings through their visit index in a LATERAL subquery: _WALK):
    it stops after the page's rows. With
    few matches the trigram index finds them all and they are sorted as before. Same rows, same
    order ((visit date, finding id) newest first) either way.

    With ``pages`` (PostgreSQL, the visible visits' ids given), ``rows`` returns an empty list
    that ``pages.load()`` fills: the pages of both kinds read in one query (FindingPages)."""
    if count is None:
        found = _capped_count_source(field=field, user=user, query=query, visit_ids=visit_ids)
        count = found.order_by().values("pk")[: RESULT_CAP + 1].count()

    def ordered() -> QuerySet[Finding]:
        # Built only for a page that is sorted (a walked page reads no queryset).
        found = _capped_count_source(field=field, user=user, query=query, visit_ids=visit_ids)
        return found.order_by(*_newest_first())

    walked = count > SPARSE and visit_ids is not None and connection.vendor == "postgresql"
    if pages is not None and visit_ids is not None and connection.vendor == "postgresql":

        def rows(start: int, stop: int) -> list[Finding]:
            if walked:
                sql, params = _walk(field, folded_words(query), visit_ids, start, stop)
                return pages.add(sql, params, "id")
            sql, params = ordered().values("pk")[start:stop].query.sql_with_params()
            return pages.add(sql, params, "pk")

    elif walked:

        def rows(start: int, stop: int) -> list[Finding]:
            # _WALK's fixed SQL; the words, ids and bounds are parameters.
            walked = RawSQL(*_walk(field, folded_words(query), visit_ids, start, stop))  # noqa: S611
            return list(
                Finding.objects.filter(pk__in=walked)
                .select_related("visit__unit", "criterion")
                .order_by("-visit__starts_at", "-id")
            )

    else:

        def rows(start: int, stop: int) -> list[Finding]:
            return list(ordered()[start:stop])

    return count, rows


# The rows of several pages of findings (each part's ids: a walk or a sorted slice), with what
# the result lists show of their visit, unit and criterion, in each page's order.
_PAGES = (
    "SELECT p.part, f.id, f.kind, f.text, f.recommendation, f.criterion_id, c.code, f.visit_id,"
    " v.starts_at, v.unit_id, u.name FROM ({parts}) p"
    " JOIN findings_finding f ON f.id = p.id JOIN inspections_visit v ON v.id = f.visit_id"
    " JOIN units_unit u ON u.id = v.unit_id LEFT JOIN inspections_criterion c ON c.id = f.criterion_id"
    " ORDER BY p.part, v.starts_at DESC, f.id DESC"
)


class FindingPages:
    """The pages of findings of one search read in one query (PostgreSQL): the search of
    everything reads its findings' and its recommendations' pages together (one round trip and
    one plan instead of two, each joining the page's findings to their visit, unit and
    criterion). ``add`` takes a page's ids as SQL and returns the list ``load`` fills with its
    findings, newest first: model objects holding the columns the result lists show (the id,
    kind, text, recommendation, the visit's date and unit name, the criterion's code)."""

    def __init__(self):
        self.wanted: list[tuple[str, tuple, str, list]] = []

    def add(self, sql: str, params, column: str) -> list:
        rows: list = []
        self.wanted.append((sql, tuple(params), column, rows))
        return rows

    def load(self) -> None:
        if not self.wanted:
            return
        parts, params = [], []
        for part, (sql, each, column, _rows) in enumerate(self.wanted):
            # Each page's own SQL (a walk or the ORM's slice); its values are parameters.
            parts.append(f"SELECT {part} AS part, w.{column} AS id FROM ({sql}) w")  # noqa: S608
            params += each
        with connection.cursor() as cursor:
            cursor.execute(_PAGES.format(parts=" UNION ALL ".join(parts)), params)
            fetched = cursor.fetchall()
        for part, *columns in fetched:
            self.wanted[part][3].append(_shown_finding(*columns))
        self.wanted = []


def _shown_finding(pk, kind, text, recommendation, criterion_id, code, visit_id, starts_at, unit_id, name):
    """A Finding holding what the result lists show, the other fields deferred."""
    finding = loaded(
        Finding,
        id=pk,
        kind=kind,
        text=text,
        recommendation=recommendation,
        criterion_id=criterion_id,
        visit_id=visit_id,
    )
    visit = loaded(Visit, id=visit_id, unit_id=unit_id, starts_at=starts_at)
    visit.unit = loaded(Unit, id=unit_id, name=name)
    finding.visit = visit
    finding.criterion = None if criterion_id is None else loaded(Criterion, id=criterion_id, code=code)
    return finding


# Each visit's findings in a LATERAL subquery kept apart (OFFSET 0): PostgreSQL can only read
# them visit by visit, through their visit index, in the visits' date order, and stops at the
# page's last row; joined plainly, its guess of how many findings match (it cannot estimate a
# fold) sometimes made it fold every finding of the province first.
_WALK_TEMPLATE = (
    "SELECT f.id FROM inspections_visit v CROSS JOIN LATERAL ("
    "SELECT f.id FROM findings_finding f WHERE f.visit_id = v.id AND {condition} OFFSET 0) f"
    " WHERE v.id = ANY(%s::bigint[]) ORDER BY v.starts_at DESC, f.id DESC LIMIT %s OFFSET %s"
)
_WALK = {
    "text": _WALK_TEMPLATE.format(condition="f.text_fold LIKE ALL(%s)"),
    "recommendation": _WALK_TEMPLATE.format(
        condition="f.recommendation_fold LIKE ALL(%s) AND f.kind = %s AND f.recommendation <> ''"
    ),
}

# _WALK among search_visible (read once in the statement), not an array of ids. ``IS TRUE``
# keeps the IN a hashed subplan filtering the visits as the date index gives them: a plain IN
# became a semi join rescanning the CTE for every visit walked (60 000 comparisons, 30 ms for
# "mot cua" on the bench's large set, against 1 ms).
_WALK_VISIBLE = {
    field: sql.replace(
        "v.id = ANY(%s::bigint[])",
        f"(v.id IN (SELECT pk FROM {_VISIBLE_CTE})) IS TRUE",  # noqa: S608  fixed names
    )
    for field, sql in _WALK.items()
}


def _walk(field: str, words: list[str], visit_ids: list[int], start: int, stop: int) -> tuple[str, list]:
    """The SQL and parameters of the ids of rows ``start:stop`` of the findings of ``visit_ids``
    whose ``field`` holds every word, newest first, read by walking the visits' date index
    backwards and each visit's findings through their visit index, each compared through its
    stored folded copy (migration 0010; PostgreSQL: ``text_fold LIKE ALL`` is not the trigram
    indexes' form, so the planner has no reason to find every match first; on the bench's large
    set 0.7 ms for "mot cua", where the sort took 25 ms)."""
    patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in words]
    params = [patterns, FindingKind.LIMITATION.value] if field == "recommendation" else [patterns]
    return _WALK[field], [*params, array_literal(visit_ids), stop - start, start]


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    search: object
    # The findings' column searched (a finding kind's page is capped: findings_page_reader).
    field: str = ""

    @property
    def of_findings(self) -> bool:
        return bool(self.field)


KINDS = [
    SearchKind("units", _("Units"), search_units),
    SearchKind("visits", _("Visits"), search_visits),
    SearchKind("findings", _("Findings"), search_findings, field="text"),
    SearchKind(
        "recommendations",
        _("Recommendations"),
        search_recommendations,
        field="recommendation",
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def search_results(
    *, user, query: str, kinds: list[SearchKind], pages: FindingPages | None = None
) -> list[tuple[SearchKind, object]]:
    """The results of each kind, in order (one query beforehand when findings are searched: the
    visible visits and the findings' counts, counted_with_visible_ids): a queryset, or for the
    findings' kinds findings_page_reader's ``(count, rows)``; with ``pages``, the findings' rows
    are read by ``pages.load()``, once every page was asked for (FindingPages)."""
    fields = [kind.field for kind in kinds if kind.of_findings]
    visit_ids, counts = (
        counted_with_visible_ids(user=user, query=query, fields=fields) if fields else (None, {})
    )
    results = []
    for kind in kinds:
        if kind.of_findings:
            reader = findings_page_reader(
                field=kind.field,
                user=user,
                query=query,
                visit_ids=visit_ids,
                count=counts.get(kind.field),
                pages=pages,
            )
            results.append((kind, reader))
        else:
            results.append((kind, kind.search(user=user, query=query)))
    return results


def is_searchable(query: str | None) -> bool:
    """A query with at least one word (after folding) of two characters or more."""
    return any(len(word) >= 2 for word in folded_words(query))
