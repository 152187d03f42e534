"""Reads for each role's home page: the scheduler's coming visits, units waiting for a visit and
inspector load; the liaison's due actions, next visit and last conclusion.

Read through the owning apps' visibility selectors (inspections, findings), so each panel shows
only what the user may see.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.sql import column_converter, loaded
from findings.models import ACTION_OPEN_STATES, ActionState, Conclusion, Finding, RemediationAction
from findings.selectors import RemediationSummary, actions_visible_to, remediation_summary
from inspections.models import InspectionPlan, PlanStatus, TeamMember, TeamRole, Visit, VisitStatus
from inspections.selectors import (
    MyVisits,
    my_visit_sections,
    units_under,
    visible_visit_ids,
    visits_visible_to,
)
from inspections.visit_reads import named_leaders
from units.models import Unit, User
from units.roles import Role, has_role, is_admin, is_staff_member
from units.rules import scope_prefix
from units.selectors import replaced_units_of

# Scheduler home -----------------------------------------------------------------------------------


def _visible_in_window(user, visits):
    """``visits`` (already narrowed to a few weeks by the start-time index) that ``user`` may
    read: inspections.selectors.visible_visit_ids's rule as a condition on each of those rows
    (on its team, or its unit among the user's scope's), not a join to the UNION of every
    visible visit's id (a province's, built whole for a window of a few hundred)."""
    seen = _seen_visit(user)
    return visits if seen is None else visits.filter(seen)


def _seen_visit(user, visit: str = "") -> Q | None:
    """_visible_in_window's condition on a visit's row, reached from the queried model through
    ``visit`` ("" for a visit itself, "visit__" for its team's rows); None for every visit.

    The scope side is the unit's id among the subtree's (units_under: the path's pattern index),
    not the unit's path through a join: a query that does not draw the unit joins no unit."""
    if is_admin(user):
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    seen = Q(**{f"{visit}id__in": TeamMember.objects.filter(user=user).values("visit_id")})
    prefix = scope_prefix(user)
    if prefix is not None and has_role(user, Role.SCHEDULER, Role.HEAD, Role.LIAISON):
        seen |= Q(**{f"{visit}unit_id__in": units_under(prefix)})
    return seen


def upcoming_visits(*, user, weeks: int = 4, now: datetime | None = None, limit: int = 20) -> list[Visit]:
    """Visible visits starting from today through the coming ``weeks``, soonest first, each with
    its leader's name (``leader_name``, in the same query: _with_leader's join, the fields of
    inspections.visit_reads.with_leader_name)."""
    now = now or timezone.now()
    start = datetime.combine(timezone.localtime(now).date(), time.min, tzinfo=timezone.get_current_timezone())
    visits = (
        _visible_in_window(
            user, Visit.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(weeks=weeks))
        )
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("unit")
        .only("id", "unit_id", "starts_at", "status", "unit__name")
        .order_by("starts_at", "id")
    )
    return named_leaders(_with_leader(visits)[:limit])


def _with_leader(visits):
    """inspections.visit_reads.with_leader_name's fields (``leader_first_name``...) through one
    outer join to the visit's leader row (the one-leader index: a visit has at most one) and its
    user, not a subquery per field and row: one join to compile and plan instead of three
    subqueries, two index look-ups a row instead of six."""
    leader = FilteredRelation("team", condition=Q(team__role=TeamRole.LEADER))
    return visits.annotate(leader_team=leader).annotate(
        **{f"leader_{f}": F(f"leader_team__user__{f}") for f in ("first_name", "last_name", "username")}
    )


# The waiting units the scheduler's panel lists; the others are counted.
WAITING_SHOWN = 15


def units_without_visit(*, user, limit: int = WAITING_SHOWN) -> tuple[list, int]:
    """(plan, unit) pairs of approved or running plans that have no active visit yet: the first
    ``limit`` and how many there are, in one query (a window count beside the first rows, so a
    province of a thousand waiting units still draws fifteen).

    Returns the through rows with ``inspectionplan`` and ``unit`` loaded, by year then tree
    order, and the total.

    Written out (the ORM's statement, _units_without_visit_orm, is its reference:
    reports/tests/test_home_reads.py holds the two equal for every role): building the ORM's
    statement (the plans' rule, the anti-join, the window count, two related tables) cost more
    than running it. The rows are made as ``select_related(...).only(...)`` made them.
    """
    prefix = None if is_admin(user) else scope_prefix(user)
    if _seen_plan(user) is None:
        return [], 0
    through = InspectionPlan.units.through
    plan_table, unit_table = InspectionPlan._meta.db_table, Unit._meta.db_table
    # _seen_plan's rule: every plan for an administrator, else the issuer's path in their scope.
    issuer, in_scope, params = "", "", []
    if prefix is not None:
        issuer = f" INNER JOIN {unit_table} iu ON iu.id = p.issuing_unit_id"
        in_scope = "iu.path LIKE %s ESCAPE '\\' AND "
        params.append(f"{connection.ops.prep_for_like_query(prefix)}%")
    sql = (
        "SELECT pu.id, pu.inspectionplan_id, pu.unit_id, COUNT(pu.id) OVER (), p.year, p.title, u.name"  # noqa: S608
        f" FROM {through._meta.db_table} pu"
        f" INNER JOIN {plan_table} p ON p.id = pu.inspectionplan_id{issuer}"
        f" INNER JOIN {unit_table} u ON u.id = pu.unit_id"
        f" WHERE {in_scope}p.status IN (%s, %s) AND NOT EXISTS (SELECT 1 FROM {Visit._meta.db_table} v"
        " WHERE v.plan_id = pu.inspectionplan_id AND v.unit_id = pu.unit_id AND NOT (v.status = %s))"
        " ORDER BY p.year DESC, p.title ASC, u.path ASC LIMIT %s"
    )
    params += [PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, VisitStatus.CANCELLED, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    db, rows = connection.alias, []
    for pk, plan_id, unit_id, total, year, title, name in found:
        row = loaded(through, db, id=pk, inspectionplan_id=plan_id, unit_id=unit_id)
        row.total = total
        through.inspectionplan.field.set_cached_value(
            row, loaded(InspectionPlan, db, id=plan_id, year=year, title=title)
        )
        through.unit.field.set_cached_value(row, loaded(Unit, db, id=unit_id, name=name))
        rows.append(row)
    return rows, (rows[0].total if rows else 0)


def _units_without_visit_orm(*, user, limit: int = WAITING_SHOWN) -> tuple[list, int]:
    """units_without_visit's statement built by the ORM: its reference."""
    through = InspectionPlan.units.through
    seen = _seen_plan(user)
    if seen is None:
        return [], 0
    visited = Visit.objects.filter(
        plan_id=OuterRef("inspectionplan_id"), unit_id=OuterRef("unit_id")
    ).exclude(status=VisitStatus.CANCELLED)
    rows = list(
        through.objects.filter(seen, inspectionplan__status__in=[PlanStatus.APPROVED, PlanStatus.IN_PROGRESS])
        .exclude(Exists(visited))
        .select_related("inspectionplan", "unit")
        .only(
            "id",
            "inspectionplan_id",
            "unit_id",
            "inspectionplan__title",
            "inspectionplan__year",
            "unit__name",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("-inspectionplan__year", "inspectionplan__title", "unit__path")[:limit]
    )
    return rows, (rows[0].total if rows else 0)


def _seen_plan(user, plan: str = "inspectionplan__") -> Q | None:
    """inspections.selectors.plans_visible_to's rule as a condition on the plan joined through
    ``plan`` (Q() for every plan, None for none): its issuer's path in the user's scope, on the
    plan the query joins anyway, not an id subquery of the visible plans over a subquery of the
    scope's units (PostgreSQL planned those nested subqueries in 1 to 3 ms, longer than it ran
    them). reports/tests/test_home_reads.py holds the two equal for every role."""
    if is_admin(user):
        return Q()
    prefix = scope_prefix(user)
    if prefix is None or not is_staff_member(user):
        return None
    return Q(**{f"{plan}issuing_unit__path__startswith": prefix})


@dataclass
class InspectorLoad:
    months: list[date]
    rows: list[tuple[str, list[int]]]


def inspector_load(*, user, months: int = 3, today: date | None = None) -> InspectorLoad:
    """Visits per inspector per month (this month and the next ``months - 1``), over visible visits. One query."""
    firsts, window, bounds = _load_window(user, months=months, today=today)
    return InspectorLoad(firsts, _load_rows(window, bounds))


def _load_window(user, *, months: int, today: date | None) -> tuple[list[date], object, list[datetime]]:
    """inspector_load's months (their first days), the visible visits of those months (a
    queryset) and the months' first instants followed by the window's end."""
    today = today or timezone.localdate()
    firsts = []
    first = today.replace(day=1)
    for _i in range(months):
        firsts.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(firsts[0], time.min, tzinfo=tz)
    window_end = datetime.combine(first, time.min, tzinfo=tz)
    # The window's visible visits first (the start-time index, their visibility as a condition on
    # each: _visible_in_window), then their team rows by the team's visit index. As a join with
    # the condition on the team rows, PostgreSQL hashed the window's hundred visits and read the
    # whole team table (30 000 rows of the national set: 12-22 ms) to keep a few dozen;
    # `visit_id IN (subquery)` made it read every visit instead. _AnyOf gives it the ids as one
    # array, read once: an index look-up per visit.
    window = _visible_in_window(
        user, Visit.objects.filter(starts_at__gte=window_start, starts_at__lt=window_end)
    ).exclude(status=VisitStatus.CANCELLED)
    bounds = [datetime.combine(month, time.min, tzinfo=tz) for month in firsts] + [window_end]
    return firsts, window, bounds


def _load_rows(window, bounds: list[datetime]) -> list[tuple[str, list[int]]]:
    """inspector_load's rows: each inspector's name and their team rows among ``window``'s visits
    by month (``bounds``: the months' first instants, then the window's end), by name. The
    statement _load_rows_orm builds, written out around the window's own SQL (compiled by the
    ORM: the visibility rule stays _visible_in_window's): building the grouped query's six
    aggregates cost more than reading it. reports/tests/test_home_reads.py holds the two equal
    (and _load_rows_orm equal to the rows grouped by name and month) for every role."""
    try:
        ids_sql, ids_params = window.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # a window that can hold no visit (a user who may read none)
        return []
    adapt = connection.ops.adapt_datetimefield_value
    months = len(bounds) - 1
    counts = ", ".join(["COUNT(CASE WHEN v.starts_at >= %s AND v.starts_at < %s THEN 1 END)"] * months)
    in_window = f"= ANY(ARRAY({ids_sql}))" if connection.vendor == "postgresql" else f"IN ({ids_sql})"
    # Only table names, the window's compiled SQL and placeholders go into the text.
    sql = (
        f"SELECT t.user_id, MIN(u.last_name), MIN(u.first_name), MIN(u.username), {counts}"  # noqa: S608
        f" FROM {TeamMember._meta.db_table} t"
        f" INNER JOIN {Visit._meta.db_table} v ON v.id = t.visit_id"
        f" INNER JOIN {User._meta.db_table} u ON u.id = t.user_id"
        f" WHERE t.visit_id {in_window} AND v.starts_at >= %s AND v.starts_at < %s"
        " GROUP BY t.user_id ORDER BY 2, 3, 1"
    )
    params = [adapt(bound) for i in range(months) for bound in (bounds[i], bounds[i + 1])]
    params += [*ids_params, adapt(bounds[0]), adapt(bounds[-1])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (" ".join(filter(None, [last, first])) or username, list(n))
        for _pk, last, first, username, *n in rows
    ]


def _load_rows_orm(window, bounds: list[datetime]) -> list[tuple[str, list[int]]]:
    """_load_rows's statement built by the ORM: its reference."""
    # The window's visible visits first (the start-time index, their visibility as a condition
    # on each), then their team rows by the team's visit index (_AnyOf). The window's bounds
    # again on the team rows' own visit (true of every one of them): the visits joined for
    # their start are read by the start-time index, not every visit of the country hashed
    # against the team rows.
    members = TeamMember.objects.filter(
        _AnyOf(F("visit_id"), Subquery(window.order_by().values("id"))),
        visit__starts_at__gte=bounds[0],
        visit__starts_at__lt=bounds[-1],
    )
    # One row per inspector, grouped by the team rows' user id with a filtered count per month,
    # and only then sorted by name: grouped by the names and the month, PostgreSQL sorted every
    # team row of the three months (931 on the large bench set) by the names before grouping
    # them, to keep a row per inspector and month. The names are the same on each of a user's
    # rows (MIN of one value); the months are the window's, bounded as `window` is.
    rows = (
        members.values("user_id")
        .annotate(
            last_name=Min("user__last_name"),
            first_name=Min("user__first_name"),
            username=Min("user__username"),
            **{
                f"month{i}": Count(
                    "id", filter=Q(visit__starts_at__gte=bounds[i], visit__starts_at__lt=bounds[i + 1])
                )
                for i in range(len(bounds) - 1)
            },
        )
        .order_by("last_name", "first_name", "user_id")
    )
    return [
        (
            " ".join(filter(None, [row["last_name"], row["first_name"]])) or row["username"],
            [row[f"month{i}"] for i in range(len(bounds) - 1)],
        )
        for row in rows
    ]


class _AnyOf(Func):
    """``column = ANY(ARRAY(subquery))`` on PostgreSQL (``column IN (subquery)`` elsewhere): the
    same rows as ``column IN (subquery)``, but the subquery runs once as an InitPlan and the
    planner, which cannot see how many ids it gives, reads the column's index for each one
    instead of planning a semi-join (a hash of the subquery over a scan of the whole table)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, rows = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        # No rows (an empty subquery raises EmptyResultSet): the condition matches nothing, as
        # `IN` does (the WHERE drops the query), not `= ANY(ARRAY NULL)`.
        rows_sql, rows_params = compiler.compile(rows)
        if connection.vendor == "postgresql":
            return f"({column_sql} = ANY(ARRAY{rows_sql}))", (*column_params, *rows_params)
        return f"({column_sql} IN {rows_sql})", (*column_params, *rows_params)


def scheduler_home(*, user) -> dict:
    """The scheduler's panels on the home page: coming visits, units waiting for a visit (the
    first WAITING_SHOWN and their total), load. Four queries."""
    waiting, waiting_total = units_without_visit(user=user)
    return {
        "upcoming": upcoming_visits(user=user),
        "waiting": waiting,
        "waiting_total": waiting_total,
        "waiting_more": max(waiting_total - len(waiting), 0),
        "load": inspector_load(user=user),
    }


# Inspector home ------------------------------------------------------------------------------------


def my_visits_panel(*, user, limit: int = 5) -> MyVisits:
    """The inspector's home panel (templates/inspections/_my_visits_panel.html): each section's
    first ``limit`` visits of inspections.selectors.my_visit_sections, by start, in one query.

    inspections.selectors.my_visits reads the same rows with what the "my visits" page draws
    besides: each section's total and the leaders' names (a second query) and the plans; the
    panel draws a visit's unit, date, hours and status only."""
    visits = (
        my_visit_sections(user=user)
        .annotate(
            row=Window(
                RowNumber(), partition_by=[F("section")], order_by=[F("starts_at").asc(), F("id").asc()]
            )
        )
        .filter(row__lte=limit)
        .select_related("unit")
        .only("id", "status", "starts_at", "ends_at", "unit_id", "unit__name")
    )
    panel = MyVisits([], [], [])
    for visit in visits:
        getattr(panel, visit.section).append(visit)
    return panel


# Unit liaison home --------------------------------------------------------------------------------


def liaison_home(*, user, soon_days: int = 30, today: date | None = None) -> dict:
    """The liaison's panels: their units' open actions overdue or due within ``soon_days``, the
    next visit, the last conclusion. Four queries, nothing outside the liaison's own units.

    Each panel holds the rows of the liaison's scope (their unit's subtree and the units it
    replaced in a merger: reports.dashboards.selectors.Scope) that they may read. The scope's
    units are read first (one query), so that each panel goes through its table's unit index; the
    visibility rules are then applied to those rows as conditions on them, the way
    _visible_in_window does for the scheduler, instead of a UNION of every readable row's id per
    panel (their compiling and planning made up most of the page's cost). For a liaison:

    - findings.selectors.actions_visible_to: an action of a unit of their subtree, or of a visit
      they read;
    - inspections.selectors.visits_visible_to: a visit of a unit of their subtree, or whose team
      they are on;
    - findings.selectors.finding_visits_visible_to: a liaison reads a visit's findings and its
      conclusion once it is concluded (the department's staff as soon as they read the visit).

    So a row of their subtree is theirs by its unit alone, and a replaced unit's row (outside the
    subtree) by its visit. reports/tests/test_home_reads.py holds these panels equal to the
    selectors' rows. A caller without the liaison's role goes through the selectors themselves.
    """
    today = today or timezone.localdate()
    prefix = scope_prefix(user)
    if prefix is None:
        return {"overdue": [], "due_soon": [], "next_visit": None, "last_conclusion": None, "today": today}
    units = scope_units(prefix)
    if prefix == "":  # an administrator reads every unit's rows
        return _liaison_panels(Q(), Q(), user=user, soon_days=soon_days, today=today)
    own, replaced = [], []
    for pk, path in units.order_by().values_list("pk", "path"):
        (own if path.startswith(prefix) else replaced).append(pk)
    if not has_role(user, Role.LIAISON):
        in_scope = own + replaced
        actions = Q(unit_id__in=in_scope, pk__in=actions_visible_to(user).values("pk"))
        visits = Q(unit_id__in=in_scope, pk__in=visits_visible_to(user).values("pk"))
        return _liaison_panels(actions, visits, user=user, soon_days=soon_days, today=today)
    on_team = TeamMember.objects.filter(user=user).values("visit_id")
    visits = Q(unit_id__in=own)
    if replaced:
        visits |= Q(unit_id__in=replaced, pk__in=on_team)
    # The actions' panel comes with the counts, from the same rows (_liaison_actions).
    summary, actions = _liaison_actions(
        own=own, replaced=replaced, on_team=on_team, today=today, soon_days=soon_days
    )
    if not own:  # (a liaison's unit is among their units: not met, but the statement needs one)
        board = _liaison_panels(None, visits, user=user, soon_days=soon_days, today=today, actions=actions)
    else:
        next_visit, last_conclusion = _next_and_last(
            own=own, replaced=replaced, user=user, now=timezone.now()
        )
        board = {
            "overdue": [a for a in actions if a.due_date < today],
            "due_soon": [a for a in actions if a.due_date >= today],
            "next_visit": next_visit,
            "last_conclusion": last_conclusion,
            "today": today,
        }
    board["summary"] = summary
    return board


def _next_and_last(*, own: list[int], replaced: list[int], user, now: datetime) -> tuple:
    """A liaison's next visit and last conclusion (_liaison_panels' two reads of a liaison, with
    liaison_home's rule on the visits: a visit of their units, or of a unit they replaced whose
    team they sit on) in one written-out statement: each read's first row, side by side in a
    UNION ALL, the columns of the other read left empty. The objects are made as those reads'
    ``select_related(...).only(...)`` made them (the other fields deferred).
    reports/tests/test_home_reads.py holds them equal to _liaison_panels' for liaisons with and
    without team seats on the replaced units' visits."""
    field = {
        name: model._meta.get_field(name)
        for model, names in (
            (Visit, ("starts_at", "ends_at", "plan")),
            (InspectionPlan, ("title",)),
            (Conclusion, ("visit", "number", "symbol", "date", "due_date")),
        )
        for name in names
    }

    def empty(name: str) -> str:
        return f"CAST(NULL AS {field[name].db_type(connection)})"

    def ids(values: list[int]) -> str:
        return ", ".join(["%s"] * len(values))

    seen = f"(v.unit_id IN ({ids(own)})"
    params: list = [*own]
    if replaced:
        seen += (
            f" OR (v.unit_id IN ({ids(replaced)})"  # noqa: S608
            f" AND v.id IN (SELECT visit_id FROM {TeamMember._meta.db_table} WHERE user_id = %s))"
        )
        params += [*replaced, user.pk]
    seen += ")"
    # A liaison reads a visit's conclusion once it is concluded, the department's staff as soon
    # as they read the visit (findings.selectors.finding_visits_visible_to).
    concluded = "" if is_staff_member(user) else " AND v.status = %s"
    adapt = connection.ops.adapt_datetimefield_value
    visits, units, plans = Visit._meta.db_table, Unit._meta.db_table, InspectionPlan._meta.db_table
    sql = (
        "SELECT * FROM ("  # noqa: S608 (table names, placeholders and casts only)
        "SELECT 1 AS kind, v.id, v.unit_id, u.name, v.starts_at, v.ends_at, v.plan_id, p.title,"
        f" {empty('visit')}, {empty('number')}, {empty('symbol')}, {empty('date')}, {empty('due_date')}"
        f" FROM {visits} v INNER JOIN {units} u ON u.id = v.unit_id"
        f" INNER JOIN {plans} p ON p.id = v.plan_id"
        f" WHERE {seen} AND v.status IN (%s, %s) AND v.ends_at >= %s"
        " ORDER BY v.starts_at, v.id LIMIT 1) next_visit"
        " UNION ALL SELECT * FROM ("
        f"SELECT 2 AS kind, c.id, v.unit_id, u.name, {empty('starts_at')}, {empty('ends_at')},"
        f" {empty('plan')}, {empty('title')},"
        " c.visit_id, c.number, c.symbol, c.date, c.due_date"
        f" FROM {Conclusion._meta.db_table} c INNER JOIN {visits} v ON v.id = c.visit_id"
        f" INNER JOIN {units} u ON u.id = v.unit_id"
        f" WHERE {seen}{concluded}"
        " ORDER BY c.date DESC, c.id DESC LIMIT 1) last_conclusion"
    )
    params += [VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS, adapt(now), *params]
    if concluded:
        params.append(VisitStatus.CONCLUDED)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    db = connection.alias
    next_visit = last_conclusion = None
    for kind, pk, unit_id, unit_name, starts_at, ends_at, plan_id, title, visit_id, *conclusion in rows:
        unit = loaded(Unit, db, id=unit_id, name=unit_name)
        if kind == 1:
            starts_at, ends_at = (
                column_converter(field[name])(value)
                for name, value in (("starts_at", starts_at), ("ends_at", ends_at))
            )
            next_visit = loaded(
                Visit, db, id=pk, unit_id=unit_id, plan_id=plan_id, starts_at=starts_at, ends_at=ends_at
            )
            Visit.unit.field.set_cached_value(next_visit, unit)
            Visit.plan.field.set_cached_value(next_visit, loaded(InspectionPlan, db, id=plan_id, title=title))
        else:
            number, symbol, day, due_date = (
                column_converter(field[name])(value)
                for name, value in zip(("number", "symbol", "date", "due_date"), conclusion, strict=True)
            )
            last_conclusion = loaded(
                Conclusion,
                db,
                id=pk,
                visit_id=visit_id,
                number=number,
                symbol=symbol,
                date=day,
                due_date=due_date,
            )
            visit = loaded(Visit, db, id=visit_id, unit_id=unit_id)
            Visit.unit.field.set_cached_value(visit, unit)
            Conclusion.visit.field.set_cached_value(last_conclusion, visit)
    return next_visit, last_conclusion


def scope_units(prefix: str):
    """The units of a liaison's scope: their subtree (the path's pattern index) and the units it
    replaced, the latter as one array (_AnyOf) read by the primary key. As `OR id IN (subquery)`
    PostgreSQL read every unit of the country (3 491 on the national set) to keep one or two."""
    return Unit.objects.filter(
        Q(path__startswith=prefix) | _AnyOf(F("pk"), Subquery(replaced_units_of(prefix)))
    )


def _liaison_actions(
    *, own: list[int], replaced: list[int], on_team, today: date, soon_days: int
) -> tuple[RemediationSummary, list[RemediationAction]]:
    """findings.selectors.remediation_summary of a liaison, and the actions of their panel, from
    one query.

    The counts are over every action they may read, in their scope or not (actions_visible_to's
    liaison rule: an action of a unit of their subtree or of a visit they read), read as three id
    parts on the subtree's unit ids already read, each on its index: (1) the actions of those
    units, (2) the actions of those units' visits, (3) the actions of the visits whose team they
    are on. The selectors' own UNION nests the visibility of visits in it (five levels of
    subqueries to compile and plan for one count).

    The panel's actions (liaison_home's rule: an action of their subtree, or of a unit it
    replaced through a visit they read) are among those rows: an action of their units, or one of
    a replaced unit read by part (2) or (3). So each part carries its number, the action's unit
    and what the panel draws (the finding's recommendation), and the panel is picked from the
    rows here (open, due within ``soon_days``), not read by a query of its own."""
    columns = ("pk", "state", "due_date", "unit_id", "finding_id", "recommendation", "part")

    def part(n: int, condition: Q):
        return (
            RemediationAction.objects.filter(condition)
            .annotate(recommendation=F("finding__recommendation"), part=Value(n))
            .order_by()
            .values_list(*columns)
        )

    rows = part(1, Q(unit_id__in=own)).union(
        part(2, Q(finding__visit__unit_id__in=own)), part(3, Q(finding__visit_id__in=on_team)), all=True
    )
    # Counted here from the liaison's own actions (each once, by its id), not by `pk IN (the
    # UNION)` over the actions table, which PostgreSQL answered by reading every action of the
    # country (a hash join) to keep a few dozen.
    open_, overdue, reported = 0, 0, 0
    seen: set[int] = set()
    shown: dict[int, RemediationAction] = {}
    own_units, replaced_units = set(own), set(replaced)
    last_day = today + timedelta(days=soon_days)
    for pk, state, due_date, unit_id, finding_id, recommendation, n in rows:
        if state in ACTION_OPEN_STATES:
            if (
                pk not in shown
                and due_date is not None
                and due_date <= last_day
                and (unit_id in own_units or (n != 1 and unit_id in replaced_units))
            ):
                # As the panel's own query made them (select_related, only): the other fields
                # deferred, read if asked for.
                action = shown[pk] = loaded(
                    RemediationAction, rows.db, id=pk, finding_id=finding_id, due_date=due_date, state=state
                )
                finding = loaded(Finding, rows.db, id=finding_id, recommendation=recommendation)
                RemediationAction.finding.field.set_cached_value(action, finding)
        if pk in seen:
            continue
        seen.add(pk)
        if state in ACTION_OPEN_STATES:
            open_ += 1
            overdue += due_date is not None and due_date < today
        elif state == ActionState.REPORTED_DONE:
            reported += 1
    actions = sorted(shown.values(), key=lambda action: (action.due_date, action.pk))
    return RemediationSummary(open=open_, overdue=overdue, reported=reported), actions


def _liaison_panels(
    actions_seen: Q | None,
    visits_seen: Q,
    *,
    user,
    soon_days: int,
    today: date,
    actions: list[RemediationAction] | None = None,
) -> dict:
    """liaison_home's three reads, of the actions and visits the two conditions let through
    (``actions``: the actions' panel already read, by _liaison_actions)."""
    if actions is None:
        actions = list(
            RemediationAction.objects.filter(actions_seen)
            .filter(
                state__in=ACTION_OPEN_STATES,
                due_date__lte=today + timedelta(days=soon_days),
            )
            .select_related("finding")
            # What the panel draws: the recommendation and the due date (no unit, no finding's texts).
            .only("id", "due_date", "state", "finding_id", "finding__recommendation")
            .order_by("due_date", "id")
        )
    next_visit = (
        Visit.objects.filter(visits_seen)
        .filter(
            status__in=[VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS],
            ends_at__gte=timezone.now(),
        )
        .select_related("unit", "plan")
        .only("id", "starts_at", "ends_at", "unit_id", "plan_id", "unit__name", "plan__title")
        .order_by("starts_at", "id")
        .first()
    )
    # The visits' condition on the conclusion's own visit (joined for its unit anyway), not an id
    # subquery of the visits: PostgreSQL then reads the conclusions by their visit's index, not
    # every conclusion of the country to keep the scope's.
    conclusions = Conclusion.objects.filter(_through_visit(visits_seen))
    if not is_staff_member(user):
        conclusions = conclusions.filter(visit__status=VisitStatus.CONCLUDED)
    last_conclusion = (
        conclusions.select_related("visit__unit")
        .only("id", "number", "symbol", "date", "due_date", "visit_id", "visit__unit_id", "visit__unit__name")
        .order_by("-date", "-id")
        .first()
    )
    return {
        "overdue": [a for a in actions if a.due_date < today],
        "due_soon": [a for a in actions if a.due_date >= today],
        "next_visit": next_visit,
        "last_conclusion": last_conclusion,
        "today": today,
    }


def _through_visit(condition: Q) -> Q:
    """``condition`` on a visit's fields as the same condition on a row's ``visit`` (pk -> visit_id,
    unit_id -> visit__unit_id)."""
    moved = Q()
    moved.connector, moved.negated = condition.connector, condition.negated
    moved.children = [
        _through_visit(child)
        if isinstance(child, Q)
        else (
            (f"visit_id{child[0][2:]}" if child[0].split("__")[0] == "pk" else f"visit__{child[0]}"),
            child[1],
        )
        for child in condition.children
    ]
    return moved


# Remediation counts -------------------------------------------------------------------------------


def home_remediation(*, user, liaison: bool) -> RemediationSummary | dict:
    """The remediation counts the home page draws. A liaison's card shows the open and overdue
    actions (and an inspector who is also a liaison the reported ones): the full summary
    (findings.selectors.remediation_summary). An inspector's card shows only how many actions
    are reported done: reported_actions_count."""
    if liaison:
        return remediation_summary(user=user)
    return {"reported": reported_actions_count(user=user)}


def reported_actions_count(*, user) -> int:
    """How many actions reported done wait among a staff member's visits (findings.selectors.
    actions_visible_to's staff rule: the action's finding's visit among visible_visit_ids).

    The reported actions are found through the (state, due_date) index and each one's visit is
    read by a subquery on the finding's primary key, tested against the visible visit ids: a join
    of the findings made PostgreSQL read the whole findings table (a sequential scan of every
    finding's texts, 5-6 ms of the inspector's home on the large bench set, 10 times the small
    set's) to keep a few hundred."""
    reported = RemediationAction.objects.filter(state=ActionState.REPORTED_DONE)
    ids = visible_visit_ids(user)
    if ids is None:
        return reported.count()
    visit = Subquery(Finding.objects.filter(pk=OuterRef("finding_id")).order_by().values("visit_id"))
    return reported.alias(finding_visit=visit).filter(finding_visit__in=ids).count()
