"""Plan progress, compliance by domain, the ranking of units and the score trend."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from core.sql import column_converter
from inspections.models import Domain, InspectionPlan, Visit, VisitDomainScore, VisitStatus
from units.models import Unit

from .scope import (
    DONE_STATUSES,
    RANKING_EDGE,
    Scope,
    latest_year,
    percent,
    percent_expression,
)

# Plan progress -----------------------------------------------------------------------------------


@dataclass
class PlanProgressRow:
    plan_id: int
    title: str
    year: int
    planned: int
    done: int
    concluded: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.planned) if self.planned else 0

    @property
    def percent_concluded(self) -> int:
        return round(100 * self.concluded / self.planned) if self.planned else 0


def plan_progress(*, scope: Scope) -> list[PlanProgressRow]:
    """Per plan: visits planned (not cancelled), done (checklist finished) and concluded. One query."""
    rows = (
        scope.visits()
        .values("plan_id", "plan__title", "plan__year")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(status__in=DONE_STATUSES)),
            concluded=Count("id", filter=Q(status=VisitStatus.CONCLUDED)),
        )
        .order_by("-plan__year", "plan__title", "plan_id")
    )
    return [
        PlanProgressRow(
            r["plan_id"], r["plan__title"], r["plan__year"], r["planned"], r["done"], r["concluded"]
        )
        for r in rows
    ]


# Compliance by domain, ranking, trends ------------------------------------------------------------


@dataclass
class ScoreRow:
    """A score: points out of max_points, over ``visits`` finished visits."""

    label: str
    points: Decimal
    max_points: Decimal
    visits: int = 0
    key: object = None
    detail: str = ""

    @property
    def percent(self) -> float | None:
        return percent(self.points, self.max_points)


def _domain_rows_orm(scope: Scope) -> list[tuple]:
    """(code, title, total, maximum, visits) per domain code, in the domains' order, through the ORM."""
    rows = (
        scope.scores()
        .values("domain__code")
        .annotate(
            title=Max("domain__title"),
            position=Min("domain__order"),
            total=Sum("points"),
            maximum=Sum("max_points"),
            visits=Count("visit_id", distinct=True),
        )
        .order_by("position", "domain__code")
    )
    return [(r["domain__code"], r["title"], r["total"], r["maximum"], r["visits"]) for r in rows]


def _sum_converters():
    """core.sql.column_converter of the summed points and maxima: a sum read by a raw cursor as
    the ORM gives Sum() of the field (a Decimal of its places; SQLite returns a float)."""
    return (
        column_converter(VisitDomainScore._meta.get_field("points")),
        column_converter(VisitDomainScore._meta.get_field("max_points")),
    )


def _domain_rows_sql(scope: Scope, unit_ids: list[int]) -> list[tuple]:
    """The rows of :func:`_domain_rows_orm` for a scope of ``unit_ids`` in hand-written SQL (the
    same query without the ORM's build and compile on every request). Tested equal to the ORM
    reading (reports/tests/test_dashboard_remediation_sql.py)."""
    if not unit_ids:
        return []
    qn = connection.ops.quote_name
    params: list = [*DONE_STATUSES, *unit_ids]
    where = (
        f"s.answered > 0 AND v.status IN ({', '.join(['%s'] * len(DONE_STATUSES))})"
        f" AND v.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
    )
    if scope.year:
        where += " AND p.year = %s"
        params.append(scope.year)
    if scope.plan_id:
        where += " AND v.plan_id = %s"
        params.append(scope.plan_id)
    # Only table names and placeholders are formatted into the SQL; every value is a parameter.
    sql = (
        f"SELECT d.code, MAX(d.title), SUM(s.points), SUM(s.max_points), COUNT(DISTINCT s.visit_id)"  # noqa: S608
        f" FROM {VisitDomainScore._meta.db_table} s"
        f" INNER JOIN {Visit._meta.db_table} v ON s.visit_id = v.id"
        + (f" INNER JOIN {InspectionPlan._meta.db_table} p ON v.plan_id = p.id" if scope.year else "")
        + f" INNER JOIN {Domain._meta.db_table} d ON s.domain_id = d.id"
        f" WHERE {where} GROUP BY d.code ORDER BY MIN(d.{qn('order')}), d.code"
    )
    points, maxima = _sum_converters()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (code, title, points(total), maxima(maximum), visits)
            for code, title, total, maximum, visits in cursor.fetchall()
        ]


def compliance_by_domain(*, scope: Scope) -> list[ScoreRow]:
    """Per checklist domain (by code, across template versions): the share of points obtained. One
    query: a scope of listed units (a live dashboard) in hand-written SQL, the country by the ORM."""
    unit_ids = scope.unit_ids
    rows = _domain_rows_orm(scope) if unit_ids is None else _domain_rows_sql(scope, unit_ids)
    return [
        ScoreRow(f"{code}. {title}", total, maximum, visits, key=code)
        for code, title, total, maximum, visits in rows
    ]


@dataclass
class Ranking:
    rows: list[ScoreRow]
    # How many units are ranked, when ``rows`` holds only both ends (read from the roll-ups).
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def top(self) -> list[ScoreRow]:
        return self.rows[:RANKING_EDGE]

    @property
    def bottom(self) -> list[ScoreRow]:
        """The lowest-ranked units not already in ``top``, lowest last."""
        left_out = self.count - len(self.rows)
        return self.rows[self._bottom_start - left_out :]

    @property
    def _bottom_start(self) -> int:
        return max(RANKING_EDGE, self.count - RANKING_EDGE)

    @property
    def top_ranked(self) -> list[tuple[int, ScoreRow]]:
        return list(enumerate(self.top, start=1))

    @property
    def bottom_ranked(self) -> list[tuple[int, ScoreRow]]:
        return list(enumerate(self.bottom, start=self._bottom_start + 1))


def unit_scores(*, scope: Scope) -> QuerySet:
    """Units of the scope with their score over the finished visits, best first (a values queryset)."""
    return (
        scope.scores()
        .values("visit__unit_id", "visit__unit__name")
        .annotate(
            total=Sum("points"),
            maximum=Sum("max_points"),
            visits=Count("visit_id", distinct=True),
            percent=percent_expression(),
        )
        .filter(maximum__gt=0)
        .order_by(F("percent").desc(nulls_last=True), "visit__unit__name", "visit__unit_id")
    )


def unit_ranking(*, scope: Scope) -> Ranking:
    """Every unit of the scope ranked by score (one query; the page shows both ends)."""
    rows = [
        ScoreRow(r["visit__unit__name"], r["total"], r["maximum"], r["visits"], key=r["visit__unit_id"])
        for r in unit_scores(scope=scope)
    ]
    return Ranking(rows)


def ranking_and_trend(*, scope: Scope) -> tuple[Ranking, list[ScoreRow]]:
    """The unit ranking of the scope's year and plan, and the score of every year. One query.

    The database adds up the roll-up rows per unit and plan, over every year; the few hundred
    sums that come back are then added per unit (the ranking: only the scope's year and plan)
    and per year (the trend: every unit of the scope, whatever the year and plan filters).
    """
    rows = list(
        scope.scores(all_years=True)
        .values("visit__unit_id", "visit__unit__name", "visit__plan_id", "visit__plan__year")
        .annotate(total=Sum("points"), maximum=Sum("max_points"), visits=Count("visit_id", distinct=True))
        .order_by()
    )
    if scope.latest_year:
        # Decided here, from rows read anyway: the other panels then use the same year.
        scope.year = latest_year({r["visit__plan__year"] for r in rows if r["maximum"]})
        scope.latest_year = False
    units: dict[int, ScoreRow] = {}
    years: dict[int, ScoreRow] = {}
    for r in rows:
        year = r["visit__plan__year"]
        targets = [years.setdefault(year, ScoreRow(str(year), Decimal(0), Decimal(0), key=year))]
        if (not scope.year or year == scope.year) and (
            not scope.plan_id or r["visit__plan_id"] == scope.plan_id
        ):
            unit_id = r["visit__unit_id"]
            targets.append(
                units.setdefault(
                    unit_id, ScoreRow(r["visit__unit__name"], Decimal(0), Decimal(0), key=unit_id)
                )
            )
        for target in targets:
            target.points += r["total"]
            target.max_points += r["maximum"]
            target.visits += r["visits"]
    ranked = sorted(
        (row for row in units.values() if row.max_points > 0),
        key=lambda row: (-row.points / row.max_points, row.label, row.key),
    )
    return Ranking(ranked), [years[year] for year in sorted(years)]


def latest_scored_year(*, scope: Scope) -> int | None:
    """The latest plan year (not in the future) with finished visits in scope. One query."""
    years = scope.scores(all_years=True).values_list("visit__plan__year", flat=True).distinct().order_by()
    return latest_year(years)


def score_trend(*, scope: Scope) -> list[ScoreRow]:
    """The score of the scope's units year by year (plan years, every year whatever the filter). One query."""
    rows = (
        scope.scores(all_years=True)
        .values("visit__plan__year")
        .annotate(total=Sum("points"), maximum=Sum("max_points"), visits=Count("visit_id", distinct=True))
        .order_by("visit__plan__year")
    )
    return [
        ScoreRow(
            str(r["visit__plan__year"]), r["total"], r["maximum"], r["visits"], key=r["visit__plan__year"]
        )
        for r in rows
    ]


_PROGRESS_KEYS = (
    "unit_id", "unit__name", "plan_id", "plan__title", "plan__year",
    "planned", "done", "concluded", "total", "maximum", "scored",
)  # fmt: skip


def _progress_rows_orm(scope: Scope) -> list[dict]:
    """The active visits of the scope's units, of every year and plan, counted per unit and plan
    with the sums of their finished visits' domain scores, through the ORM (any scope)."""
    scored = Q(status__in=DONE_STATUSES, domain_scores__answered__gt=0)
    return list(
        scope.in_units(Visit.objects.exclude(status=VisitStatus.CANCELLED), "unit_id")
        .values("unit_id", "unit__name", "plan_id", "plan__title", "plan__year")
        .annotate(
            planned=Count("id", distinct=True),
            done=Count("id", distinct=True, filter=Q(status__in=DONE_STATUSES)),
            concluded=Count("id", distinct=True, filter=Q(status=VisitStatus.CONCLUDED)),
            total=Sum("domain_scores__points", filter=scored),
            maximum=Sum("domain_scores__max_points", filter=scored),
            scored=Count("id", distinct=True, filter=scored),
        )
        .order_by()
    )


def _progress_rows_sql(unit_ids: list[int]) -> list[dict]:
    """The rows of :func:`_progress_rows_orm` for the units ``unit_ids`` in hand-written SQL (the
    same query without the ORM's build and compile on every request). Tested equal to the ORM
    reading (reports/tests/test_dashboard_remediation_sql.py)."""
    if not unit_ids:
        return []
    done = ", ".join(["%s"] * len(DONE_STATUSES))
    scored = f"s.answered > 0 AND v.status IN ({done})"
    params: list = [
        *DONE_STATUSES,
        VisitStatus.CONCLUDED,
        *DONE_STATUSES,
        *DONE_STATUSES,
        *DONE_STATUSES,
        VisitStatus.CANCELLED,
        *unit_ids,
    ]
    # Only table names and placeholders are formatted into the SQL; every value is a parameter.
    sql = (
        "SELECT v.unit_id, u.name, v.plan_id, p.title, p.year, COUNT(DISTINCT v.id),"  # noqa: S608
        f" COUNT(DISTINCT CASE WHEN v.status IN ({done}) THEN v.id END),"
        " COUNT(DISTINCT CASE WHEN v.status = %s THEN v.id END),"
        f" SUM(CASE WHEN {scored} THEN s.points END),"
        f" SUM(CASE WHEN {scored} THEN s.max_points END),"
        f" COUNT(DISTINCT CASE WHEN {scored} THEN v.id END)"
        f" FROM {Visit._meta.db_table} v"
        f" INNER JOIN {Unit._meta.db_table} u ON v.unit_id = u.id"
        f" INNER JOIN {InspectionPlan._meta.db_table} p ON v.plan_id = p.id"
        f" LEFT OUTER JOIN {VisitDomainScore._meta.db_table} s ON s.visit_id = v.id"
        f" WHERE v.status <> %s AND v.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
        " GROUP BY v.unit_id, u.name, v.plan_id, p.title, p.year"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    points, maxima = _sum_converters()
    return [
        dict(zip(_PROGRESS_KEYS, (*row[:8], points(row[8]), maxima(row[9]), row[10]), strict=True))
        for row in rows
    ]


def progress_ranking_and_trend(*, scope: Scope) -> tuple[list[PlanProgressRow], Ranking, list[ScoreRow]]:
    """plan_progress and ranking_and_trend in one query (the live dashboard's first read).

    The active visits of the scope's units, of every year and plan, are counted per unit and
    plan (planned, done, concluded) with the sums of their finished visits' domain scores (a
    left join: a visit with no score row counts as planned only); Python then keeps the scope's
    year and plan for the progress and the ranking, and every year for the trend, as the two
    functions do (the tests compare them)."""
    unit_ids = scope.unit_ids
    rows = _progress_rows_orm(scope) if unit_ids is None else _progress_rows_sql(unit_ids)
    if scope.latest_year:
        # As ranking_and_trend: the latest year with scores, which the other panels then use.
        scope.year = latest_year({r["plan__year"] for r in rows if r["scored"] and r["maximum"]})
        scope.latest_year = False
    plans: dict[int, PlanProgressRow] = {}
    units: dict[int, ScoreRow] = {}
    years: dict[int, ScoreRow] = {}
    for r in rows:
        year = r["plan__year"]
        chosen = (not scope.year or year == scope.year) and (
            not scope.plan_id or r["plan_id"] == scope.plan_id
        )
        if chosen:
            plan = plans.setdefault(
                r["plan_id"], PlanProgressRow(r["plan_id"], r["plan__title"], year, 0, 0, 0)
            )
            plan.planned += r["planned"]
            plan.done += r["done"]
            plan.concluded += r["concluded"]
        if not r["scored"]:
            continue
        targets = [years.setdefault(year, ScoreRow(str(year), Decimal(0), Decimal(0), key=year))]
        if chosen:
            unit_id = r["unit_id"]
            targets.append(
                units.setdefault(unit_id, ScoreRow(r["unit__name"], Decimal(0), Decimal(0), key=unit_id))
            )
        for target in targets:
            target.points += r["total"]
            target.max_points += r["maximum"]
            target.visits += r["scored"]
    progress = sorted(plans.values(), key=lambda row: (-row.year, row.title, row.plan_id))
    ranked = sorted(
        (row for row in units.values() if row.max_points > 0),
        key=lambda row: (-row.points / row.max_points, row.label, row.key),
    )
    return progress, Ranking(ranked), [years[year] for year in sorted(years)]
