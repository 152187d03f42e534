"""Making the dashboards' roll-ups: one service, run by the worker every few minutes.

The national dashboards read per-unit-and-plan, per-province-and-domain and repeat-limitation
rows (reports.models: UnitPlanRollup, DomainRollup, RepeatRollup) instead of adding up the
country's visits, domain scores and remediation actions on every request. This module makes them
all again from those tables, in one transaction: readers see the previous set until it commits
(never half of each), and whatever path moved a figure (a service, an import, the admin, a raw
fix in the database) is counted the next time. The dashboard shows when they were made
(DashboardRollupState.computed_at); decision 0010 says why materialised rather than kept by
each service.

The rows are made with the same reads as the dashboards' live queries (selectors/scope.py,
selectors/remediation.py), so a figure read from a roll-up is the figure the live query gives on
the same data (tests/test_dashboard_rollups.py checks it after operations through every path).
"""

import time
import uuid
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from findings.models import ACTION_OPEN_STATES, ActionState, RemediationAction
from inspections.models import InspectionPlan, Visit, VisitDomainScore, VisitStatus
from reports.models import (
    DashboardRollupState,
    DomainRollup,
    RepeatRollup,
    RootPlanRollup,
    UnitPlanRollup,
    UnitYearRollup,
)
from units.models import Unit

from .selectors.remediation import _band_filter, repeat_limitations
from .selectors.scope import AGE_BANDS, DONE_STATUSES, Scope

STATE_PK = 1
# The year of the rows that add up every year (the dashboard's "all years").
EVERY_YEAR = 0
BATCH = 2000


def _root_path(path_field: str):
    """The first unit of a materialised path ("/12/" of "/12/40/311/"), in SQL."""
    rest = Substr(path_field, 2)
    return Substr(path_field, 1, StrIndex(rest, Value("/")) + 1)


def _unit_plan_rows(today) -> list[UnitPlanRollup]:
    rows: dict[tuple[int, int], UnitPlanRollup] = {}

    def row(unit_id: int, plan_id: int, year: int) -> UnitPlanRollup:
        key = (unit_id, plan_id)
        if key not in rows:
            rows[key] = UnitPlanRollup(unit_id=unit_id, plan_id=plan_id, year=year)
        return rows[key]

    visits = (
        Visit.objects.exclude(status=VisitStatus.CANCELLED)
        .values("unit_id", "plan_id", "plan__year")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(status__in=DONE_STATUSES)),
            concluded=Count("id", filter=Q(status=VisitStatus.CONCLUDED)),
        )
        .order_by()
    )
    for r in visits:
        target = row(r["unit_id"], r["plan_id"], r["plan__year"])
        target.planned, target.done, target.concluded = r["planned"], r["done"], r["concluded"]

    scores = (
        VisitDomainScore.objects.filter(visit__status__in=DONE_STATUSES, answered__gt=0)
        .values("visit__unit_id", "visit__plan_id", "visit__plan__year")
        .annotate(total=Sum("points"), maximum=Sum("max_points"), visits=Count("visit_id", distinct=True))
        .order_by()
    )
    for r in scores:
        target = row(r["visit__unit_id"], r["visit__plan_id"], r["visit__plan__year"])
        target.points, target.max_points, target.scored_visits = r["total"], r["maximum"], r["visits"]

    bands = {key: Count("id", filter=_band_filter(today, first, last)) for key, first, last in AGE_BANDS}
    actions = (
        RemediationAction.objects.exclude(finding__visit__status=VisitStatus.CANCELLED)
        .values("unit_id", "finding__visit__plan_id", "finding__visit__plan__year")
        .annotate(
            open=Count("id", filter=Q(state__in=ACTION_OPEN_STATES)),
            reported=Count("id", filter=Q(state=ActionState.REPORTED_DONE)),
            verified=Count("id", filter=Q(state=ActionState.VERIFIED)),
            **bands,
        )
        .order_by()
    )
    for r in actions:
        target = row(r["unit_id"], r["finding__visit__plan_id"], r["finding__visit__plan__year"])
        for name in ("open", "overdue_30", "overdue_90", "overdue_more", "reported", "verified"):
            setattr(target, name, r[name])
    units = Unit.objects.filter(pk__in={unit_id for unit_id, _plan in rows}).values_list("pk", "name", "path")
    names = {pk: (name, _root_id(path)) for pk, name, path in units}
    for target in rows.values():
        target.unit_name, target.root_id = names[target.unit_id]
    return list(rows.values())


def _root_id(path: str) -> int:
    return int(path.strip("/").split("/")[0])


SCORE_FIELDS = ("points", "max_points", "scored_visits")
ACTION_FIELDS = ("open", "overdue_30", "overdue_90", "overdue_more", "reported", "verified")


def _unit_year_rows(unit_plans: list[UnitPlanRollup]) -> list[UnitYearRollup]:
    """Each unit's plans added up per year, and over every year (year 0)."""
    rows: dict[tuple[int, int], UnitYearRollup] = {}
    for each in unit_plans:
        for year in (each.year, EVERY_YEAR):
            key = (each.unit_id, year)
            if key not in rows:
                rows[key] = UnitYearRollup(
                    unit_id=each.unit_id, root_id=each.root_id, year=year, unit_name=each.unit_name
                )
            target = rows[key]
            for name in SCORE_FIELDS + ACTION_FIELDS:
                setattr(target, name, getattr(target, name) + getattr(each, name))
    for row in rows.values():
        row.percent = float(row.points) * 100.0 / float(row.max_points) if row.max_points else None
        row.overdue = row.overdue_30 + row.overdue_90 + row.overdue_more
        row.actions = row.open + row.reported + row.verified
    ranked = sorted(
        (row for row in rows.values() if row.max_points),
        key=lambda row: (row.year, -row.points / row.max_points, row.unit_name, row.unit_id),
    )
    places: dict[tuple, int] = {}
    for row in ranked:
        row.rank = places[row.year] = places.get(row.year, 0) + 1
        key = (row.root_id, row.year)
        row.root_rank = places[key] = places.get(key, 0) + 1
    return list(rows.values())


def _root_plan_rows(unit_plans: list[UnitPlanRollup]) -> list[RootPlanRollup]:
    rows: dict[tuple[int, int], RootPlanRollup] = {}
    for each in unit_plans:
        key = (each.root_id, each.plan_id)
        if key not in rows:
            rows[key] = RootPlanRollup(root_id=each.root_id, plan_id=each.plan_id, year=each.year)
        target = rows[key]
        for name in ("planned", "done", "concluded", *SCORE_FIELDS):
            setattr(target, name, getattr(target, name) + getattr(each, name))
    return list(rows.values())


def _domain_rows() -> list[DomainRollup]:
    rows = (
        VisitDomainScore.objects.filter(visit__status__in=DONE_STATUSES, answered__gt=0)
        .annotate(root_path=_root_path("visit__unit__path"))
        .values("root_path", "visit__plan_id", "visit__plan__year", "domain__code")
        .annotate(
            title=Max("domain__title"),
            position=Min("domain__order"),
            total=Sum("points"),
            maximum=Sum("max_points"),
            visits=Count("visit_id", distinct=True),
        )
        .order_by()
    )
    return [
        DomainRollup(
            root_id=_root_id(r["root_path"]),
            plan_id=r["visit__plan_id"],
            year=r["visit__plan__year"],
            code=r["domain__code"],
            title=r["title"],
            position=r["position"],
            points=r["total"],
            max_points=r["maximum"],
            visits=r["visits"],
        )
        for r in rows
        if r["root_path"]
    ]


def _repeat_rows() -> list[RepeatRollup]:
    """The repeat limitations of the whole country for each plan year (the dashboard's "up to the
    year" rule), and for no year. Each unit's list depends on its own visits only, so a province's
    is the country's rows of its units."""
    years = sorted(set(InspectionPlan.objects.values_list("year", flat=True).distinct().order_by()))
    result = []
    roots = {pk: _root_id(path) for pk, path in Unit.objects.values_list("pk", "path")}
    for year in [None, *years]:
        for r in repeat_limitations(scope=Scope(prefix="", year=year)).rows:
            result.append(
                RepeatRollup(
                    unit_id=r.unit_id,
                    root_id=roots[r.unit_id],
                    up_to_year=year,
                    unit_name=r.unit_name,
                    criterion_code=r.criterion_code,
                    criterion_title=r.criterion_title or "",
                    last_visit=r.last_visit,
                )
            )
    return result


def dashboards_refresh(*, now: datetime | None = None) -> DashboardRollupState:
    """Make every dashboard roll-up again from the visits, scores, findings and actions; returns
    the state row with the time the figures are as of. One at a time (the state row is locked)."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state, _created = DashboardRollupState.objects.select_for_update().get_or_create(
            pk=STATE_PK, defaults={"computed_at": now, "today": today}
        )
        unit_rows = _unit_plan_rows(today)
        made = {
            UnitPlanRollup: unit_rows,
            UnitYearRollup: _unit_year_rows(unit_rows),
            RootPlanRollup: _root_plan_rows(unit_rows),
            DomainRollup: _domain_rows(),
            RepeatRollup: _repeat_rows(),
        }
        for model, rows in made.items():
            model.objects.all().delete()
            model.objects.bulk_create(rows, batch_size=BATCH)
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner (the tables were just filled again).
            with connection.cursor() as cursor:
                for model in made:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        state.computed_at = now
        state.today = today
        state.seconds = round(time.perf_counter() - started, 3)
        # The boards drawn from the previous rows are not read from the cache again, from the
        # moment these rows are seen: the new generation commits with them (boards.key_for).
        state.generation = uuid.uuid4()
        state.save()
    return state
