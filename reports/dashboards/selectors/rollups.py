"""The dashboard's panels read from the roll-ups (reports.dashboards.rollups makes them).

Used for the scopes the roll-ups are cut for: the whole country and one province (a path of one
unit), once a refresh has run. A narrower scope (a department, a former district, a commune) is
small: the live queries read it through the units' index as fast, and up to the minute.
Each function returns what its live twin returns for the same scope; the ranking, remediation
and repeat lists hold only the rows the page shows (both ends, the first ones) with the count,
sorted and cut by the database through the roll-ups' indexes.
"""

from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet, Subquery, Sum, Window

from reports.models import (
    DashboardRollupState,
    DomainRollup,
    RepeatRollup,
    RootPlanRollup,
    UnitPlanRollup,
    UnitYearRollup,
)

from .remediation import RemediationByUnit, RemediationRow, RepeatRow, Repeats
from .scope import DASHBOARD_ROWS, RANKING_EDGE, Scope, latest_year, percent_expression
from .scores import PlanProgressRow, Ranking, ScoreRow

REMEDIATION_FIELDS = ("open", "overdue_30", "overdue_90", "overdue_more", "reported", "verified")
# The year of the unit rows that add up every year (rollups.EVERY_YEAR).
EVERY_YEAR = 0


def rollup_state(*, scope: Scope) -> DashboardRollupState | None:
    """The roll-ups' state when they can serve ``scope`` (the country or a province), else None
    (never made yet, or a narrower scope): one query, none for a narrower scope."""
    if not serves(scope):
        return None
    return DashboardRollupState.objects.filter(pk=1).first()


def serves(scope: Scope) -> bool:
    """Whether the roll-ups are cut for ``scope``: the country ("") or one province ("/12/")."""
    return scope.prefix.count("/") <= 2


def _in_root(queryset: QuerySet, scope: Scope) -> QuerySet:
    return queryset.filter(root_id=int(scope.prefix.strip("/"))) if scope.prefix else queryset


def _filtered(queryset: QuerySet, scope: Scope) -> QuerySet:
    queryset = _in_root(queryset, scope)
    if scope.year:
        queryset = queryset.filter(year=scope.year)
    if scope.plan_id:
        queryset = queryset.filter(plan_id=scope.plan_id)
    return queryset


def _unit_years(scope: Scope) -> QuerySet[UnitYearRollup]:
    return _in_root(UnitYearRollup.objects.filter(year=scope.year or EVERY_YEAR), scope)


def trend_and_progress(*, scope: Scope) -> tuple[list[ScoreRow], list[PlanProgressRow]]:
    """The score year by year (every year whatever the filters) and the progress of each plan of
    the scope's year and plan, from the province-and-plan rows. One query. Settles
    ``scope.latest_year`` first, as ranking_and_trend does."""
    rows = list(
        _in_root(RootPlanRollup.objects.all(), scope)
        .values("plan_id", "plan__title", "year")
        .annotate(
            planned_=Sum("planned"),
            done_=Sum("done"),
            concluded_=Sum("concluded"),
            points_sum=Sum("points"),
            max_sum=Sum("max_points"),
            visits_sum=Sum("scored_visits"),
        )
        .order_by()
    )
    years: dict[int, ScoreRow] = {}
    for r in rows:
        if r["visits_sum"]:
            row = years.setdefault(r["year"], ScoreRow(str(r["year"]), Decimal(0), Decimal(0), key=r["year"]))
            row.points += r["points_sum"]
            row.max_points += r["max_sum"]
            row.visits += r["visits_sum"]
    if scope.latest_year:
        scope.year = latest_year({year for year, row in years.items() if row.max_points})
        scope.latest_year = False
    progress = [
        PlanProgressRow(r["plan_id"], r["plan__title"], r["year"], r["planned_"], r["done_"], r["concluded_"])
        for r in rows
        if r["planned_"]
        and (not scope.year or r["year"] == scope.year)
        and (not scope.plan_id or r["plan_id"] == scope.plan_id)
    ]
    progress.sort(key=lambda row: (-row.year, row.title, row.plan_id))
    return [years[year] for year in sorted(years)], progress


def compliance_by_domain(*, scope: Scope) -> list[ScoreRow]:
    rows = (
        _filtered(DomainRollup.objects.all(), scope)
        .values("code")
        .annotate(
            title_=Max("title"),
            position_=Min("position"),
            total=Sum("points"),
            maximum=Sum("max_points"),
            visits_=Sum("visits"),
        )
        .order_by("position_", "code")
    )
    return [
        ScoreRow(f"{r['code']}. {r['title_']}", r["total"], r["maximum"], r["visits_"], key=r["code"])
        for r in rows
    ]


SCORE_COLUMNS = ("unit_name", "points", "max_points", "scored_visits", "unit_id")


def ranking(*, scope: Scope) -> Ranking:
    """The units of the scope's year by score, best first: both ends and the count, by the ranks
    the refresh gave them (one query, through the rank indexes). Filtered by a plan, its units'
    rows are added up instead (a province's plan: a hundred-odd units; one query)."""
    if scope.plan_id:
        ranked = (
            _filtered(UnitPlanRollup.objects.filter(scored_visits__gt=0), scope)
            .values("unit_id", "unit_name")
            .annotate(
                sum_points=Sum("points"),
                sum_max=Sum("max_points"),
                sum_visits=Sum("scored_visits"),
                percent=percent_expression(),
            )
            .filter(sum_max__gt=0)
            .order_by(F("percent").desc(), "unit_name", "unit_id")
            .values_list("unit_name", "sum_points", "sum_max", "sum_visits", "unit_id")
        )
        rows = list(ranked)
        count = len(rows)
        rows = rows if count <= 2 * RANKING_EDGE else rows[:RANKING_EDGE] + rows[-RANKING_EDGE:]
        return Ranking([ScoreRow(*row[:4], key=row[4]) for row in rows], total=count)
    rank = "root_rank" if scope.prefix else "rank"
    ranked = _unit_years(scope).filter(**{f"{rank}__isnull": False})
    # The last rank, read backwards through the rank index.
    last = Subquery(ranked.order_by(f"-{rank}").values(rank)[:1])
    rows = list(
        ranked.annotate(last=last)
        .filter(Q(**{f"{rank}__lte": RANKING_EDGE}) | Q(**{f"{rank}__gt": last - RANKING_EDGE}))
        .order_by(rank)
        .values_list(*SCORE_COLUMNS, "last")
    )
    return Ranking([ScoreRow(*row[:4], key=row[4]) for row in rows], total=rows[0][5] if rows else 0)


def latest_scored_year(*, scope: Scope) -> int | None:
    """scores.latest_scored_year from the province-and-plan rows: the latest plan year (not in
    the future) with finished, scored visits in scope. One query."""
    years = (
        _in_root(RootPlanRollup.objects.filter(scored_visits__gt=0), scope)
        .values_list("year", flat=True)
        .distinct()
        .order_by()
    )
    return latest_year(years)


def unit_scores(*, scope: Scope) -> QuerySet:
    """scores.unit_scores (same keys, same order) for the scope's year or every year, without a
    plan filter: the ranked unit rows in the order of the ranks the refresh gave them (the rank
    indexes serve the page and its count)."""
    rank = "root_rank" if scope.prefix else "rank"
    return (
        _unit_years(scope)
        .filter(**{f"{rank}__isnull": False})
        .order_by(rank)
        .values(
            "percent",
            visit__unit_id=F("unit_id"),
            visit__unit__name=F("unit_name"),
            total=F("points"),
            maximum=F("max_points"),
            visits=F("scored_visits"),
        )
    )


def remediation_by_unit(*, scope: Scope) -> RemediationByUnit:
    """Per responsible unit, as counted on the refresh's date (its overdue bands), most overdue
    first: the first rows (through the index), then the totals and the count. Two queries."""
    order = (F("overdue_more").desc(), F("overdue").desc(), F("open").desc(), "unit_name")
    if scope.plan_id:
        rows = _filtered(UnitPlanRollup.objects.all(), scope).filter(
            Q(open__gt=0) | Q(reported__gt=0) | Q(verified__gt=0)
        )
        shown = (
            rows.values("unit_id", "unit_name")
            .annotate(**{f"{name}_": Sum(name) for name in REMEDIATION_FIELDS})
            .order_by(
                F("overdue_more_").desc(),
                (F("overdue_30_") + F("overdue_90_") + F("overdue_more_")).desc(),
                F("open_").desc(),
                "unit_name",
            )
            .values_list("unit_id", "unit_name", *(f"{name}_" for name in REMEDIATION_FIELDS))
        )
    else:
        rows = _unit_years(scope).filter(actions__gt=0)
        shown = rows.order_by(*order).values_list("unit_id", "unit_name", *REMEDIATION_FIELDS)
    # One row a unit, except filtered by a plan (a row a unit and plan).
    units = Count("unit_id", distinct=True) if scope.plan_id else Count("id")
    totals = rows.aggregate(units=units, **{name: Sum(name) for name in REMEDIATION_FIELDS})
    return RemediationByUnit(
        [RemediationRow(*row) for row in shown[:DASHBOARD_ROWS]],
        RemediationRow(None, "", *(totals[name] or 0 for name in REMEDIATION_FIELDS)),
        count=totals["units"],
    )


def repeat_limitations(*, scope: Scope) -> Repeats:
    """The repeats of the scope's units up to its year (rolled up for every plan year): the first
    rows and the count (a window over the rows). One query."""
    rows = RepeatRollup.objects.filter(up_to_year=scope.year)
    if scope.prefix:
        rows = rows.filter(root_id=int(scope.prefix.strip("/")))
    shown = list(
        rows.annotate(total=Window(Count("id")))
        .order_by("unit_name", "unit_id", "criterion_code")
        .values_list("unit_id", "unit_name", "criterion_code", "criterion_title", "last_visit", "total")[
            :DASHBOARD_ROWS
        ]
    )
    return Repeats([RepeatRow(*row[:5]) for row in shown], total=shown[0][5] if shown else 0)
