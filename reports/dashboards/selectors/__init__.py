"""Reads for the dashboards: aggregated in the database, a fixed number of queries per page.

Scores come from the per-visit, per-domain roll-up (inspections.VisitDomainScore, kept current
when answers are saved), never from the answers themselves. Every function takes a
:class:`Scope` (a unit-path prefix, plus the year and plan filters) already limited to what the
user may see (see :func:`scope_for`): nothing here checks permissions again.

scope.py holds the scope, scores.py progress, compliance, ranking and trend, remediation.py the
remediation by unit and the repeated limitations; this module the page-level reads.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from findings.models import RemediationAction
from findings.selectors import action_list
from inspections.models import InspectionPlan
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.models import Unit, UnitKind
from units.rules import scope_prefix
from units.selectors import replaced_units_of

from .. import boards
from . import rollups
from .remediation import (
    RemediationByUnit,
    RemediationRow,
    RepeatRow,
    Repeats,
    latest_concluded_visits,
    overdue_band_filter,
    remediation_by_unit,
    repeat_limitations,
)
from .scope import (
    AGE_BANDS,
    DASHBOARD_ROWS,
    DONE_STATUSES,
    RANKING_EDGE,
    Scope,
    latest_year,
    scope_for,
)
from .scores import (
    PlanProgressRow,
    Ranking,
    ScoreRow,
    compliance_by_domain,
    latest_scored_year,
    plan_progress,
    progress_ranking_and_trend,
    ranking_and_trend,
    score_trend,
    unit_ranking,
    unit_scores,
)

__all__ = [
    "AGE_BANDS",
    "DASHBOARD_ROWS",
    "DONE_STATUSES",
    "RANKING_EDGE",
    "HeadDashboard",
    "PlanProgressRow",
    "Ranking",
    "RemediationByUnit",
    "RemediationRow",
    "RepeatRow",
    "Repeats",
    "Scope",
    "ScoreRow",
    "compliance_by_domain",
    "BRANCH_KINDS",
    "dashboard_units",
    "dashboard_plans",
    "followup_actions",
    "head_dashboard",
    "latest_concluded_visits",
    "latest_scored_year",
    "latest_year",
    "overdue_band_filter",
    "plan_progress",
    "progress_ranking_and_trend",
    "ranked_units",
    "ranking_and_trend",
    "remediation_by_unit",
    "repeat_limitations",
    "scope_for",
    "score_trend",
    "unit_ranking",
    "unit_scores",
]


# The department head's dashboard ------------------------------------------------------------------


@dataclass
class HeadDashboard:
    progress: list[PlanProgressRow]
    domains: list[ScoreRow]
    ranking: Ranking
    remediation: RemediationByUnit
    repeats: Repeats
    trend: list[ScoreRow]
    # When the figures come from the roll-ups: the time they were made (shown on the page).
    as_of: datetime | None = None

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
    """Everything the department head's dashboard shows for ``scope``. With ``scope.latest_year``,
    ``scope.year`` becomes the latest year with finished visits.

    The country or a province is read from the roll-ups once they have been made (seven queries:
    their state, trend with progress, domains, ranking, remediation and its totals, repeats;
    ``as_of`` says when they were made), then taken from the cache until the next refresh (the
    state only: reports.dashboards.boards); a narrower scope, or before the first refresh, from the
    visits themselves (five queries: the scope's units, then progress with ranking and trend,
    domains, remediation, repeats)."""
    state = rollups.rollup_state(scope=scope)
    if state is not None:
        key = boards.key_for(scope, state)
        if (cached := boards.get(key)) is not None:
            board, scope.year = cached
            scope.latest_year = False
            return board
        trend, progress = rollups.trend_and_progress(scope=scope)  # first: settles scope.latest_year
        board = HeadDashboard(
            progress=progress,
            domains=rollups.compliance_by_domain(scope=scope),
            ranking=rollups.ranking(scope=scope),
            remediation=rollups.remediation_by_unit(scope=scope),
            repeats=rollups.repeat_limitations(scope=scope),
            trend=trend,
            as_of=state.computed_at,
        )
        boards.put(key, board, scope.year)
        return board
    # First: it settles scope.latest_year.
    progress, ranking, trend = progress_ranking_and_trend(scope=scope)
    return HeadDashboard(
        progress=progress,
        domains=compliance_by_domain(scope=scope),
        ranking=ranking,
        remediation=remediation_by_unit(scope=scope, today=today),
        repeats=repeat_limitations(scope=scope),
        trend=trend,
    )


def ranked_units(*, scope: Scope) -> tuple[QuerySet, datetime | None]:
    """The full ranking's rows (unit_scores' values, best first) and the time of the roll-ups
    they come from (None: counted live). With ``scope.latest_year``, ``scope.year`` becomes the
    latest year with finished visits.

    The country or a province without a plan filter is read from the unit-and-year roll-ups once
    made (their state, the years, then the page and its count through the rank indexes), as the
    dashboard reads its ranking; a plan or a narrower scope, or before the first refresh, from
    the domain scores of the visits."""
    state = None if scope.plan_id else rollups.rollup_state(scope=scope)
    if state is None:
        if scope.latest_year:
            scope.year = latest_scored_year(scope=scope)
            scope.latest_year = False
        return unit_scores(scope=scope), None
    if scope.latest_year:
        scope.year = rollups.latest_scored_year(scope=scope)
        scope.latest_year = False
    return rollups.unit_scores(scope=scope), state.computed_at


def followup_actions(*, user) -> QuerySet[RemediationAction]:
    """The remediation follow-up list: the actions ``user`` may see (findings.selectors decides)
    owed by the units of their own subtree or the units those replaced (the dashboards' scope),
    soonest due first. The scope's units are a subquery that PostgreSQL hashes once (as the
    visibility's visits), not a list of ids read first and sent back: one query less, and no
    list that grows with the province."""
    prefix = scope_prefix(user)
    if prefix is None:
        return RemediationAction.objects.none()
    actions = action_list(user=user)
    if not prefix:
        return actions
    units = Unit.objects.filter(Q(path__startswith=prefix) | Q(pk__in=replaced_units_of(prefix))).values("pk")
    return actions.filter(unit__in=units)


def dashboard_plans(*, user) -> list[InspectionPlan]:
    """The plans ``user`` may filter the dashboard by, newest first (one query)."""
    return list(plans_visible_to(user).only("id", "title", "year").order_by("-year", "title", "id"))


# Units with a subtree worth filtering the dashboard by.
BRANCH_KINDS = (UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT)


def dashboard_units(*, user, unit_id: int | None = None) -> list[Unit]:
    """The units of the dashboard's unit filter, in tree order (one query): those with a subtree
    worth filtering by (provinces, departments, former districts: the list offered) and the unit
    ``unit_id`` asked for, each only if ``user`` may see it. The filter form validates the chosen
    unit against these, so the list and the chosen unit cost one read, not two."""
    wanted = Q(kind__in=BRANCH_KINDS)
    if unit_id is not None:
        wanted |= Q(pk=unit_id)
    return list(
        units_visible_to(user).filter(wanted).only("id", "name", "depth", "path", "kind").order_by("path")
    )
