"""Reads for the dashboards: aggregated in the database, a fixed number of queries per page.

Scores come from the per-visit, per-domain roll-up (inspections.VisitDomainScore, kept current
when answers are saved), never from the answers themselves. Every function takes a
:class:`Scope` (a unit-path prefix, plus the year and plan filters) already limited to what the
user may see (see :func:`scope_for`): nothing here checks permissions again.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, FloatField, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import Cast, NullIf, RowNumber
from django.utils import timezone

from findings.models import (
    ACTION_OPEN_STATES,
    ActionState,
    Finding,
    FindingKind,
    RemediationAction,
)
from findings.selectors import action_list
from inspections.models import InspectionPlan, Visit, VisitDomainScore, VisitStatus
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.models import Unit, UnitKind
from units.rules import scope_prefix

# Visits whose checklist the team has finished: their scores count on the dashboards.
DONE_STATUSES = [VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]

# Overdue age bands, in days past the due date: (key, first day, last day or None).
AGE_BANDS = [("overdue_30", 1, 30), ("overdue_90", 31, 90), ("overdue_more", 91, None)]

# How many units the dashboard shows at the top and at the bottom of the ranking.
RANKING_EDGE = 10
# How many rows of the remediation and repeat-limitation tables the dashboard shows.
DASHBOARD_ROWS = 15


@dataclass
class Scope:
    """The units (``prefix`` of their path, "" for every unit) and the period a dashboard covers."""

    prefix: str
    year: int | None = None
    plan_id: int | None = None
    # No year chosen: the dashboard takes the latest plan year with finished visits (see latest_year).
    latest_year: bool = False
    _unit_ids: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def unit_ids(self) -> list[int] | None:
        """The ids of the scope's units, read once (None: every unit).

        Filtering visits by a list of unit ids lets the database go through the visits' unit
        index for a province's hundred-odd units, where a join on the unit path scans every
        visit of the country.
        """
        if not self.prefix:
            return None
        if self._unit_ids is None:
            units = Unit.objects.filter(path__startswith=self.prefix).order_by()
            self._unit_ids = list(units.values_list("id", flat=True))
        return self._unit_ids

    def in_units(self, queryset: QuerySet, unit_field: str) -> QuerySet:
        ids = self.unit_ids
        return queryset if ids is None else queryset.filter(**{f"{unit_field}__in": ids})

    def visits(self) -> QuerySet[Visit]:
        """Active (not cancelled) visits of the scope's units, year and plan."""
        visits = self.in_units(Visit.objects.exclude(status=VisitStatus.CANCELLED), "unit_id")
        if self.year:
            visits = visits.filter(plan__year=self.year)
        if self.plan_id:
            visits = visits.filter(plan_id=self.plan_id)
        return visits

    def scores(self, *, all_years: bool = False) -> QuerySet[VisitDomainScore]:
        """Roll-up rows of the finished visits in scope (of every year with ``all_years``)."""
        scores = self.in_units(
            VisitDomainScore.objects.filter(visit__status__in=DONE_STATUSES), "visit__unit_id"
        )
        if not all_years:
            if self.year:
                scores = scores.filter(visit__plan__year=self.year)
            if self.plan_id:
                scores = scores.filter(visit__plan_id=self.plan_id)
        return scores

    def actions(self) -> QuerySet[RemediationAction]:
        """Remediation actions from the visits of the scope's units, year and plan.

        Read from the visits (then their findings, then each finding's action: index lookups all
        the way) rather than by the actions' own unit, which would scan every action of the
        country to keep a province's. The responsible unit is the inspected one.
        """
        if not (self.prefix or self.year or self.plan_id):
            return RemediationAction.objects.all()
        return RemediationAction.objects.filter(finding__visit__in=self.visits().values("pk"))


def scope_for(
    *,
    user,
    unit: Unit | None = None,
    year: int | None = None,
    plan_id: int | None = None,
    latest_year: bool = False,
) -> Scope | None:
    """The scope of ``user``'s dashboard, narrowed to ``unit``'s subtree; None if they see nothing.

    ``unit`` must be one the user may see (the filter form checks it against units_visible_to).
    """
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    if unit is not None and unit.path.startswith(prefix):
        prefix = unit.path
    return Scope(prefix=prefix, year=year, plan_id=plan_id, latest_year=latest_year and not year)


def latest_year(years, *, today: date | None = None) -> int | None:
    """The most recent of ``years`` not in the future (the plan being worked on), else the latest."""
    years = list(years)
    this_year = (today or timezone.localdate()).year
    past = [y for y in years if y <= this_year]
    return max(past) if past else (max(years) if years else None)


def _percent(points, max_points) -> float | None:
    if not max_points:
        return None
    return round(float(points) * 100 / float(max_points), 1)


def _percent_expression():
    """Sum(points) * 100 / Sum(max_points) as a float, NULL when nothing was applicable."""
    return Cast(Sum("points"), FloatField()) * 100.0 / NullIf(Cast(Sum("max_points"), FloatField()), 0.0)


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
        return _percent(self.points, self.max_points)


def compliance_by_domain(*, scope: Scope) -> list[ScoreRow]:
    """Per checklist domain (by code, across template versions): the share of points obtained. One query."""
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
    return [
        ScoreRow(
            f"{r['domain__code']}. {r['title']}", r["total"], r["maximum"], r["visits"], key=r["domain__code"]
        )
        for r in rows
    ]


@dataclass
class Ranking:
    rows: list[ScoreRow]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def top(self) -> list[ScoreRow]:
        return self.rows[:RANKING_EDGE]

    @property
    def bottom(self) -> list[ScoreRow]:
        """The lowest-ranked units not already in ``top``, lowest last."""
        return self.rows[self._bottom_start :]

    @property
    def _bottom_start(self) -> int:
        return max(RANKING_EDGE, len(self.rows) - RANKING_EDGE)

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
            percent=_percent_expression(),
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


# Remediation -------------------------------------------------------------------------------------


def _band_filter(today: date, first: int, last: int | None) -> Q:
    condition = Q(state__in=ACTION_OPEN_STATES, due_date__lte=today - timedelta(days=first))
    if last is not None:
        condition &= Q(due_date__gte=today - timedelta(days=last))
    return condition


def overdue_band_filter(band: str, *, today: date) -> Q:
    """The actions of one overdue age band ("overdue_30", "overdue_90", "overdue_more")."""
    for key, first, last in AGE_BANDS:
        if key == band:
            return _band_filter(today, first, last)
    raise ValueError(band)


@dataclass
class RemediationRow:
    unit_id: int | None
    unit_name: str
    open: int = 0
    overdue_30: int = 0
    overdue_90: int = 0
    overdue_more: int = 0
    reported: int = 0
    verified: int = 0

    @property
    def overdue(self) -> int:
        return self.overdue_30 + self.overdue_90 + self.overdue_more

    @property
    def total(self) -> int:
        return self.open + self.reported + self.verified


@dataclass
class RemediationByUnit:
    rows: list[RemediationRow]
    totals: RemediationRow

    @property
    def shown(self) -> list[RemediationRow]:
        return self.rows[:DASHBOARD_ROWS]


def remediation_by_unit(*, scope: Scope, today: date | None = None) -> RemediationByUnit:
    """Per responsible unit: open, overdue by age band, reported done, verified. One query.

    Rows are sorted by the most overdue first; ``totals`` adds every row up.
    """
    today = today or timezone.localdate()
    bands = {key: Count("id", filter=_band_filter(today, first, last)) for key, first, last in AGE_BANDS}
    rows = (
        scope.actions()
        .values("unit_id", "unit__name")
        .annotate(
            open=Count("id", filter=Q(state__in=ACTION_OPEN_STATES)),
            reported=Count("id", filter=Q(state=ActionState.REPORTED_DONE)),
            verified=Count("id", filter=Q(state=ActionState.VERIFIED)),
            **bands,
        )
        .order_by()
    )
    result = [
        RemediationRow(
            r["unit_id"],
            r["unit__name"],
            r["open"],
            r["overdue_30"],
            r["overdue_90"],
            r["overdue_more"],
            r["reported"],
            r["verified"],
        )
        for r in rows
    ]
    result.sort(key=lambda r: (-r.overdue_more, -r.overdue, -r.open, r.unit_name))
    totals = RemediationRow(None, "")
    for row in result:
        for name in ("open", "overdue_30", "overdue_90", "overdue_more", "reported", "verified"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    return RemediationByUnit(result, totals)


# Repeat limitations -------------------------------------------------------------------------------


@dataclass
class RepeatRow:
    unit_id: int
    unit_name: str
    criterion_code: str
    criterion_title: str
    last_visit: datetime


@dataclass
class Repeats:
    rows: list[RepeatRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def shown(self) -> list[RepeatRow]:
        return self.rows[:DASHBOARD_ROWS]


def latest_concluded_visits(*, scope: Scope, per_unit: int = 2) -> QuerySet[Visit]:
    """The ``per_unit`` latest concluded visits of each unit in scope, up to the scope's year.

    A window function numbers each unit's visits newest first; the plan filter is ignored (a
    repeat spans plans).
    """
    visits = scope.in_units(Visit.objects.filter(status=VisitStatus.CONCLUDED), "unit_id")
    if scope.year:
        visits = visits.filter(plan__year__lte=scope.year)
    return visits.annotate(
        newest=Window(
            RowNumber(), partition_by=[F("unit_id")], order_by=[F("starts_at").desc(), F("id").desc()]
        )
    ).filter(newest__lte=per_unit)


def repeat_limitations(*, scope: Scope) -> Repeats:
    """Criteria found lacking (a limitation) at both of a unit's two latest concluded visits. One query.

    Criteria are compared by code, so a repeat is seen across checklist versions.
    """
    latest = latest_concluded_visits(scope=scope)
    rows = (
        Finding.objects.filter(
            kind=FindingKind.LIMITATION, criterion__isnull=False, visit__in=latest.values("pk")
        )
        .values("visit__unit_id", "visit__unit__name", "criterion__code")
        .annotate(
            visits=Count("visit_id", distinct=True),
            title=Max("criterion__title"),
            last_visit=Max("visit__starts_at"),
        )
        .filter(visits__gte=2)
        .order_by("visit__unit__name", "visit__unit_id", "criterion__code")
    )
    return Repeats(
        [
            RepeatRow(
                r["visit__unit_id"], r["visit__unit__name"], r["criterion__code"], r["title"], r["last_visit"]
            )
            for r in rows
        ]
    )


# The department head's dashboard ------------------------------------------------------------------


@dataclass
class HeadDashboard:
    progress: list[PlanProgressRow]
    domains: list[ScoreRow]
    ranking: Ranking
    remediation: RemediationByUnit
    repeats: Repeats
    trend: list[ScoreRow]

    @property
    def totals(self) -> PlanProgressRow:
        return PlanProgressRow(
            0,
            "",
            0,
            sum(r.planned for r in self.progress),
            sum(r.done for r in self.progress),
            sum(r.concluded for r in self.progress),
        )


def head_dashboard(*, scope: Scope, today: date | None = None) -> HeadDashboard:
    """Everything the department head's dashboard shows for ``scope``: six queries (the scope's
    units, then ranking with trend, progress, domains, remediation, repeats). With
    ``scope.latest_year``, ``scope.year`` becomes the latest year with finished visits."""
    ranking, trend = ranking_and_trend(scope=scope)  # first: it settles scope.latest_year
    return HeadDashboard(
        progress=plan_progress(scope=scope),
        domains=compliance_by_domain(scope=scope),
        ranking=ranking,
        remediation=remediation_by_unit(scope=scope, today=today),
        repeats=repeat_limitations(scope=scope),
        trend=trend,
    )


def followup_actions(*, user) -> QuerySet[RemediationAction]:
    """The remediation follow-up list: the actions ``user`` may see (findings.selectors decides)
    owed by the units of their own subtree, soonest due first (one query for the unit ids first:
    the actions' unit index then does the work of the visibility rules' subqueries)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return RemediationAction.objects.none()
    return Scope(prefix=prefix).in_units(action_list(user=user), "unit_id")


def dashboard_plans(*, user) -> list[InspectionPlan]:
    """The plans ``user`` may filter the dashboard by, newest first (one query)."""
    return list(plans_visible_to(user).only("id", "title", "year").order_by("-year", "title", "id"))


def dashboard_branches(*, user) -> QuerySet[Unit]:
    """Units with a subtree worth filtering by (provinces, departments, former districts), in tree order."""
    return (
        units_visible_to(user)
        .filter(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT])
        .only("id", "name", "depth", "path")
        .order_by("path")
    )
