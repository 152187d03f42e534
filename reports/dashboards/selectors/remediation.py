"""Remediation by responsible unit (overdue by age) and the limitations found again."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.sql import column_converter
from findings.models import (
    ACTION_OPEN_STATES,
    ActionState,
    Finding,
    FindingKind,
    RemediationAction,
)
from inspections.models import Criterion, InspectionPlan, Visit, VisitStatus
from units.models import Unit

from .scope import (
    AGE_BANDS,
    DASHBOARD_ROWS,
    Scope,
)

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
    # How many units have actions, when ``rows`` holds only the first ones (read from the roll-ups).
    count: int | None = None

    @property
    def shown(self) -> list[RemediationRow]:
        return self.rows[:DASHBOARD_ROWS]

    @property
    def unit_count(self) -> int:
        return len(self.rows) if self.count is None else self.count


def _remediation_rows_orm(scope: Scope, today: date) -> list[tuple]:
    """(unit id, unit name, open, overdue_30, overdue_90, overdue_more, reported, verified) per
    responsible unit, through the ORM (any scope)."""
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
    return [
        (
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


def _remediation_rows_sql(scope: Scope, today: date, unit_ids: list[int]) -> list[tuple]:
    """The rows of :func:`_remediation_rows_orm` for a scope of ``unit_ids`` (a live dashboard of
    a commune or district), in hand-written SQL: the same query, without the 5-10 ms of CPU the
    ORM spends building and compiling its nine filtered counts on every request. Portable SQL
    (``COUNT(CASE ...)``, no ``FILTER``): PostgreSQL and SQLite alike. The test
    (reports/tests/test_dashboard_remediation_sql.py) compares both for several scopes."""
    if not unit_ids:
        return []
    open_states = ", ".join(["%s"] * len(ACTION_OPEN_STATES))
    is_open = f"a.state IN ({open_states})"
    counts = [
        f"COUNT(CASE WHEN {is_open} THEN 1 END)",
        *(
            f"COUNT(CASE WHEN {is_open} AND a.due_date <= %s"
            + ("" if last is None else " AND a.due_date >= %s")
            + " THEN 1 END)"
            for _key, _first, last in AGE_BANDS
        ),
        "COUNT(CASE WHEN a.state = %s THEN 1 END)",
        "COUNT(CASE WHEN a.state = %s THEN 1 END)",
    ]
    params: list = [*ACTION_OPEN_STATES]
    for _key, first, last in AGE_BANDS:
        params += [*ACTION_OPEN_STATES, today - timedelta(days=first)]
        if last is not None:
            params.append(today - timedelta(days=last))
    params += [ActionState.REPORTED_DONE, ActionState.VERIFIED, VisitStatus.CANCELLED]
    # Only table names and placeholders are formatted into the SQL; every value is a parameter.
    visits = (
        f"SELECT v.id FROM {Visit._meta.db_table} v"  # noqa: S608
        f" INNER JOIN {InspectionPlan._meta.db_table} p ON v.plan_id = p.id"
        f" WHERE v.status <> %s AND v.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
    )
    params += unit_ids
    if scope.year:
        visits += " AND p.year = %s"
        params.append(scope.year)
    if scope.plan_id:
        visits += " AND v.plan_id = %s"
        params.append(scope.plan_id)
    sql = (
        f"SELECT a.unit_id, u.name, {', '.join(counts)}"  # noqa: S608
        f" FROM {RemediationAction._meta.db_table} a"
        f" INNER JOIN {Finding._meta.db_table} f ON a.finding_id = f.id"
        f" INNER JOIN {Unit._meta.db_table} u ON a.unit_id = u.id"
        f" WHERE f.visit_id IN ({visits}) GROUP BY a.unit_id, u.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def remediation_by_unit(*, scope: Scope, today: date | None = None) -> RemediationByUnit:
    """Per responsible unit: open, overdue by age band, reported done, verified. One query.

    Rows are sorted by the most overdue first; ``totals`` adds every row up.
    """
    today = today or timezone.localdate()
    unit_ids = scope.unit_ids
    if unit_ids is None:
        rows = _remediation_rows_orm(scope, today)
    else:
        rows = _remediation_rows_sql(scope, today, unit_ids)
    # Columns: unit id, name, open, overdue_30, overdue_90, overdue_more, reported, verified.
    result = [RemediationRow(*row) for row in rows]
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
    # How many there are, when ``rows`` holds only the first ones (read from the roll-ups).
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

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


def _repeat_rows_orm(scope: Scope) -> list[tuple]:
    """(unit id, unit name, criterion code, title, last visit) of each repeat, through the ORM."""
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
    return [
        (r["visit__unit_id"], r["visit__unit__name"], r["criterion__code"], r["title"], r["last_visit"])
        for r in rows
    ]


def _repeat_rows_sql(scope: Scope, unit_ids: list[int]) -> list[tuple]:
    """The rows of :func:`_repeat_rows_orm` for a scope of ``unit_ids`` in hand-written SQL (the
    same query, window and all, without the ORM's build and compile on every request). Tested equal
    to the ORM reading (reports/tests/test_dashboard_remediation_sql.py)."""
    if not unit_ids:
        return []
    visit, plan = Visit._meta.db_table, InspectionPlan._meta.db_table
    params: list = [VisitStatus.CONCLUDED, *unit_ids]
    # Only table names and placeholders are formatted into the SQL; every value is a parameter.
    latest = (
        "SELECT w.id, ROW_NUMBER() OVER (PARTITION BY w.unit_id ORDER BY w.starts_at DESC, w.id DESC) AS n"  # noqa: S608
        f" FROM {visit} w"
        + (f" INNER JOIN {plan} p ON w.plan_id = p.id" if scope.year else "")
        + f" WHERE w.status = %s AND w.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
        + (" AND p.year <= %s" if scope.year else "")
    )
    if scope.year:
        params.append(scope.year)
    params += [FindingKind.LIMITATION]
    sql = (
        "SELECT v.unit_id, u.name, c.code, MAX(c.title), MAX(v.starts_at)"  # noqa: S608
        f" FROM {Finding._meta.db_table} f"
        f" INNER JOIN {Criterion._meta.db_table} c ON f.criterion_id = c.id"
        f" INNER JOIN {visit} v ON f.visit_id = v.id"
        f" INNER JOIN {Unit._meta.db_table} u ON v.unit_id = u.id"
        f" WHERE f.visit_id IN (SELECT latest.id FROM ({latest}) latest WHERE latest.n <= 2)"
        " AND f.kind = %s AND f.criterion_id IS NOT NULL"
        " GROUP BY v.unit_id, u.name, c.code HAVING COUNT(DISTINCT f.visit_id) >= 2"
        " ORDER BY u.name, v.unit_id, c.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # MAX(v.starts_at) as the ORM gives it (SQLite returns text).
    starts = column_converter(Visit._meta.get_field("starts_at"))
    return [(*row[:4], starts(row[4])) for row in rows]


def repeat_limitations(*, scope: Scope) -> Repeats:
    """Criteria found lacking (a limitation) at both of a unit's two latest concluded visits. One query.

    Criteria are compared by code, so a repeat is seen across checklist versions. A scope of
    listed units (a live dashboard) is read in hand-written SQL, the whole country through the ORM.
    """
    unit_ids = scope.unit_ids
    rows = _repeat_rows_orm(scope) if unit_ids is None else _repeat_rows_sql(scope, unit_ids)
    return Repeats([RepeatRow(*row) for row in rows])
