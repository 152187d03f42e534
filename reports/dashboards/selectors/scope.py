"""The scope every dashboard read takes (units, year, plan) and what the reads share."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import FloatField, QuerySet, Sum
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from findings.models import (
    RemediationAction,
)
from inspections.models import Visit, VisitDomainScore, VisitStatus
from units.models import Unit
from units.rules import scope_prefix
from units.selectors import replaced_units_of

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
            # With the units they replaced in a merger (units.selectors.replaced_units_of): a ward's
            # dashboard counts its communes' past, in the same one query. A UNION ALL of the two
            # index reads (the OR of both in one WHERE cost 4-5 x more for a commune or a district
            # on the bench's large set); a unit in both comes twice and is kept once.
            subtree = (
                Unit.objects.filter(path__startswith=self.prefix).order_by().values_list("id", flat=True)
            )
            ids = subtree.union(replaced_units_of(self.prefix).order_by(), all=True).order_by()
            self._unit_ids = list(dict.fromkeys(ids))
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
        """Roll-up rows of the finished visits in scope (of every year with ``all_years``); a domain
        with no scored answer (figures only, as Sa Đéc's 2022 ward visit) has no score, not 0 %."""
        scores = self.in_units(
            VisitDomainScore.objects.filter(visit__status__in=DONE_STATUSES, answered__gt=0), "visit__unit_id"
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


def percent(points, max_points) -> float | None:
    if not max_points:
        return None
    return round(float(points) * 100 / float(max_points), 1)


def percent_expression():
    """Sum(points) * 100 / Sum(max_points) as a float, NULL when nothing was applicable."""
    return Cast(Sum("points"), FloatField()) * 100.0 / NullIf(Cast(Sum("max_points"), FloatField()), 0.0)
