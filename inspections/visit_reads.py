"""What the list pages read of a visit, and its leader's name without its team rows.

The visit list, the calendar, a plan's page, my visits and the homes draw a visit's date, unit,
plan, status and leader. Making the whole visit, unit, plan and a team row with its user for
each cost more than drawing the row (issue 17), so these read the columns drawn and the
leader's name alone: in the page's own query (with_leader_name, a subquery per row on the
one-leader index, for a query that stops at its page) or in a second query of tuples
(leader_names, for a query whose rows a window function numbers first).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from core.sql import column_converter
from units.models import Unit

from .models import InspectionPlan, TeamMember, TeamRole, Visit

User = get_user_model()

# What str(user) reads (units.models.User.__str__).
_NAME_FIELDS = ("first_name", "last_name", "username")


def person_name(last_name: str | None, first_name: str | None, username: str) -> str:
    """A person's name as units.models.User.__str__ writes it (family name first)."""
    return " ".join(filter(None, [last_name, first_name])).strip() or username


# What a row of the visit table reads (inspections.visit_table.visit_rows) and the calendar's
# links: a visit, its unit and its plan have some forty columns, and making the objects of a page
# cost more than drawing it.
VISIT_ROW_FIELDS = (
    "id",
    "status",
    "starts_at",
    "ends_at",
    "unit_id",
    "plan_id",
    "unit__name",
    "unit__short_name",
    "unit__valid_to",
    "plan__title",
    "plan__year",
)


def with_leader_name(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """``visits`` with their leader's name fields in the same query (a subquery per field on the
    one-leader index): see named_leaders, which turns them into ``leader_name``."""
    leader = TeamMember.objects.filter(visit=OuterRef("pk"), role=TeamRole.LEADER)
    return visits.annotate(**{f"leader_{f}": Subquery(leader.values(f"user__{f}")[:1]) for f in _NAME_FIELDS})


def named_leaders(visits) -> list[Visit]:
    """The visits of a with_leader_name queryset, each with ``leader_name`` (as str(user), or
    None for a visit without a leader): no team rows nor users made for a name."""
    rows = list(visits)
    for visit in rows:
        visit.leader_name = (
            None
            if visit.leader_username is None
            else person_name(visit.leader_last_name, visit.leader_first_name, visit.leader_username)
        )
    return rows


def leader_names(visits) -> list[Visit]:
    """The visits (a list or a queryset), each with ``leader_name`` as named_leaders sets it, from
    one query of the names of their leaders (tuples, no objects). For the queries whose rows a
    window function numbers (the calendar, my visits): a subquery per row there would run for
    every row numbered, not only the ones kept."""
    rows = list(visits)
    names = {
        visit_id: person_name(last, first, username)
        for visit_id, last, first, username in TeamMember.objects.filter(
            visit_id__in=[v.pk for v in rows], role=TeamRole.LEADER
        ).values_list("visit_id", "user__last_name", "user__first_name", "user__username")
    }
    for visit in rows:
        visit.leader_name = names.get(visit.pk)
    return rows


class RowUnit:
    """What a row of the visit table draws of a visit's unit."""

    __slots__ = ("name", "short_name", "valid_to")

    def __init__(self, name: str, short_name: str, valid_to):
        self.name, self.short_name, self.valid_to = name, short_name, valid_to


class RowPlan:
    """What a row of the visit table draws of a visit's plan."""

    __slots__ = ("title", "year")

    def __init__(self, title: str, year: int):
        self.title, self.year = title, year


class VisitRow:
    """One row of the visit list (inspections.visit_table.visit_rows), read as columns: the
    page's fifty visits make no model objects. It stands for its visit: equal to the Visit (or
    VisitRow) of the same id, hashed as its id."""

    __slots__ = ("pk", "status", "starts_at", "ends_at", "unit", "plan", "leader_name", "viewable")

    def __init__(self, pk, status, starts_at, ends_at, unit: RowUnit, plan: RowPlan, leader_name):
        self.pk, self.status, self.starts_at, self.ends_at = pk, status, starts_at, ends_at
        self.unit, self.plan, self.leader_name = unit, plan, leader_name

    @property
    def id(self) -> int:
        return self.pk

    def __eq__(self, other) -> bool:
        if isinstance(other, (VisitRow, Visit)):
            return other.pk == self.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)

    def __repr__(self) -> str:
        return f"<VisitRow {self.pk}>"


def row_converters() -> tuple:
    """(start, end, unit's end) converters of a visit row read by a plain cursor
    (core.sql.column_converter): the readers of visit_page_rows, my_visit_reads and plan_reads."""
    return (
        column_converter(Visit._meta.get_field("starts_at")),
        column_converter(Visit._meta.get_field("ends_at")),
        column_converter(Unit._meta.get_field("valid_to")),
    )


def visit_page_rows(page) -> list[tuple[VisitRow, int]]:
    """The rows of a page of visits and their total, in ONE query: ``page`` is the sorted, sliced
    query of the page's ids and total (core.pagination.paginate_ids), joined here to the columns
    the table draws (the visit's, its unit's and plan's) and to its leader's name (a visit has
    at most one leader: the one-leader index), instead of a query of the ids and another of the
    rows. Returns (VisitRow, total) pairs in the page's order."""
    inner, params = page.query.sql_with_params()
    qn = connection.ops.quote_name
    v, u, p, t, l = (  # noqa: E741 - the tables' aliases
        qn(Visit._meta.db_table),
        qn(Unit._meta.db_table),
        qn(InspectionPlan._meta.db_table),
        qn(TeamMember._meta.db_table),
        qn(User._meta.db_table),
    )
    # The page in the order of its query (the visit's own columns: the list sorts by start).
    order = ", ".join(
        f"v.{qn(Visit._meta.get_field(name.lstrip('-')).column)}{' DESC' if name.startswith('-') else ''}"
        for name in page.query.order_by
    )
    # Only quoted table and column names and the ORM's own compiled query go into the text; every
    # value is a parameter.
    sql = (
        f"SELECT v.id, v.status, v.starts_at, v.ends_at, u.name, u.short_name, u.valid_to, "  # noqa: S608
        f"p.title, p.year, l.last_name, l.first_name, l.username, page._page_total "
        f"FROM ({inner}) page "
        f"JOIN {v} v ON v.id = page.pk "
        f"JOIN {u} u ON u.id = v.unit_id "
        f"JOIN {p} p ON p.id = v.plan_id "
        f"LEFT JOIN {t} t ON t.visit_id = v.id AND t.role = %s "
        f"LEFT JOIN {l} l ON l.id = t.user_id "
        f"ORDER BY {order}"
    )
    starts, ends, valid_to = row_converters()
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, TeamRole.LEADER.value))
        fetched = cursor.fetchall()
    return [
        (
            VisitRow(
                pk,
                status,
                starts(start),
                ends(end),
                RowUnit(name, short_name, valid_to(closed)),
                RowPlan(title, year),
                None if username is None else person_name(last, first, username),
            ),
            total,
        )
        for pk, status, start, end, name, short_name, closed, title, year, last, first, username, total in fetched
    ]


def calendar_rows(visits: QuerySet[Visit], *, tz, month_start, month_end, per_day: int) -> list[tuple]:
    """The calendar's visits (inspections.selectors.visit_calendar), in ONE query: of ``visits``
    (the grid's window, held to the visibility rule and the filters), the first ``per_day`` of
    each day by start time with the day's number of visits, the number of visits overlapping the
    month [``month_start``, ``month_end``), and each kept visit's leader's name.

    The ORM composes only the filtered rows (their columns, local start day and whether they fall
    in the month); the windows that number and count them, the cut to ``per_day`` and the leader
    joined to the rows kept are written here around it, instead of the ORM's windows, QUALIFY
    emulation and filtered relation (some 2 ms to compose and compile on every request), and the
    leader is joined to the rows kept, not to every row numbered. Returns tuples of (id, status,
    starts_at, ends_at, unit name, unit short name, day total, month total, leader's last name,
    first name, username) by start time then id."""
    try:
        inner, params = _calendar_inner(visits, tz=tz, month_start=month_start, month_end=month_end)
    except EmptyResultSet:  # nothing can match (an anonymous visitor's none())
        return []
    qn = connection.ops.quote_name
    t, l = qn(TeamMember._meta.db_table), qn(User._meta.db_table)  # noqa: E741 - the tables' aliases
    # Only quoted table names and the ORM's own compiled query go into the text; every value is
    # a parameter.
    sql = (
        "SELECT w.c_id, w.c_status, w.c_starts, w.c_ends, w.c_name, w.c_short, w.day_total, "  # noqa: S608
        "w.month_total, l.last_name, l.first_name, l.username FROM ("
        "SELECT b.c_id, b.c_status, b.c_starts, b.c_ends, b.c_name, b.c_short, "
        "ROW_NUMBER() OVER (PARTITION BY b.c_day ORDER BY b.c_starts, b.c_id) AS row_no, "
        "COUNT(*) OVER (PARTITION BY b.c_day) AS day_total, "
        "SUM(CASE WHEN b.c_in_month THEN 1 ELSE 0 END) OVER () AS month_total "
        f"FROM ({inner}) b) w "
        f"LEFT JOIN {t} t ON t.visit_id = w.c_id AND t.role = %s "
        f"LEFT JOIN {l} l ON l.id = t.user_id "
        "WHERE w.row_no <= %s ORDER BY w.c_starts, w.c_id"
    )
    starts, ends, _valid_to = row_converters()
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, TeamRole.LEADER.value, per_day))
        fetched = cursor.fetchall()
    return [
        (pk, status, starts(start), ends(end), name, short, int(day), int(month), last, first, username)
        for pk, status, start, end, name, short, day, month, last, first, username in fetched
    ]


def _calendar_inner(visits: QuerySet[Visit], *, tz, month_start, month_end) -> tuple[str, tuple]:
    """The SQL of calendar_rows's filtered rows: the columns drawn, the local start day and
    whether the visit overlaps the month."""
    return (
        visits.order_by()
        .values(
            c_id=F("pk"),
            c_status=F("status"),
            c_starts=F("starts_at"),
            c_ends=F("ends_at"),
            c_name=F("unit__name"),
            c_short=F("unit__short_name"),
            c_day=TruncDate("starts_at", tzinfo=tz),
            c_in_month=ExpressionWrapper(
                Q(starts_at__lt=month_end, ends_at__gt=month_start), output_field=BooleanField()
            ),
        )
        .query.sql_with_params()
    )
