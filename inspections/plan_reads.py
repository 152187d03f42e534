"""The plan page's visits read as one statement (issue 17).

selectors.plan_visits composed its page through the ORM: the visit with its unit, a subquery per
name field of the leader (three) and the EXISTS of the user's seat; composing and compiling it
cost more than running it. Here the statement is written once, as SQL: the page of the plan's
visits by start (the (plan) index), each joined to its unit and to its leader (a visit has at
most one: the one-leader index) and, for a user who is not an administrator, whether they sit
on its team (the (user, visit) unique index). Its rows carry what selectors.mark_viewable reads
(the unit's path, ``on_team``, the leader's name fields), so which visits open stays decided
there. Only quoted table names go into the text; every value is a parameter.
inspections/tests/test_plan_reads.py holds the rows to selectors.plan_visits's.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db import connection

from core.pagination import paginate
from units.models import Unit
from units.roles import is_admin

from .models import InspectionPlan, TeamMember, TeamRole, Visit
from .visit_reads import RowPlan, RowUnit, VisitRow, row_converters

User = get_user_model()


class PlanRowUnit(RowUnit):
    """A row's unit, with its path (selectors.mark_viewable reads it against the user's scope)."""

    __slots__ = ("path",)


class PlanVisitRow(VisitRow):
    """A visit of the plan page: a VisitRow (equal to its Visit) with what mark_viewable and
    visit_reads.named_leaders read."""

    __slots__ = ("on_team", "leader_last_name", "leader_first_name", "leader_username", "unit_id", "plan_id")


@cache
def _sql(with_seat: bool) -> str:
    qn = connection.ops.quote_name
    v, u, t, l = (  # noqa: E741 - the tables' aliases
        qn(Visit._meta.db_table),
        qn(Unit._meta.db_table),
        qn(TeamMember._meta.db_table),
        qn(User._meta.db_table),
    )
    # Only the quoted table's name goes into the text; the user is a parameter.
    seat = f"EXISTS (SELECT 1 FROM {t} me WHERE me.visit_id = v.id AND me.user_id = %(user)s)"  # noqa: S608
    seat = seat if with_seat else "NULL"
    return (
        "SELECT v.id, v.unit_id, v.status, v.starts_at, v.ends_at, "  # noqa: S608
        f"u.name, u.short_name, u.valid_to, u.path, l.last_name, l.first_name, l.username, {seat} "
        f"FROM {v} v JOIN {u} u ON u.id = v.unit_id "
        f"LEFT JOIN {t} lt ON lt.visit_id = v.id AND lt.role = %(leader)s "
        f"LEFT JOIN {l} l ON l.id = lt.user_id "
        "WHERE v.plan_id = %(plan)s ORDER BY v.starts_at, v.id LIMIT %(limit)s OFFSET %(offset)s"
    )


def plan_visit_rows(
    *, plan: InspectionPlan, user=None, offset: int = 0, limit: int = 25
) -> list[PlanVisitRow]:
    """The plan's visits by start, ``limit`` of them from ``offset``: each with its unit (and its
    path), its leader's name fields and, with ``user`` (not an administrator), ``on_team``.
    One query."""
    with_seat = user is not None and user.is_authenticated and not is_admin(user)
    params = {
        "plan": plan.pk,
        "user": user.pk if with_seat else None,
        "leader": TeamRole.LEADER.value,
        "limit": limit,
        "offset": offset,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(with_seat), params)
        fetched = cursor.fetchall()
    starts, ends, valid_to = row_converters()
    in_plan = RowPlan(plan.title, plan.year)
    rows = []
    for pk, unit_id, status, start, end, name, short, closed, path, last, first, username, seat in fetched:
        unit = PlanRowUnit(name, short, valid_to(closed))
        unit.path = path
        row = PlanVisitRow(pk, status, starts(start), ends(end), unit, in_plan, None)
        row.unit_id, row.plan_id = unit_id, plan.pk
        row.leader_last_name, row.leader_first_name, row.leader_username = last, first, username
        if with_seat:
            row.on_team = bool(seat)
        rows.append(row)
    return rows


class _PlanVisits:
    """The plan's visits for the paginator: the slice of the page asked, read by plan_visit_rows."""

    def __init__(self, plan, user):
        self.plan, self.user = plan, user

    def __getitem__(self, index: slice) -> list:
        if index.stop <= index.start:  # the empty first page of a plan without visits
            return []
        return plan_visit_rows(
            plan=self.plan, user=self.user, offset=index.start, limit=index.stop - index.start
        )


def plan_visit_page(request, *, plan: InspectionPlan, user, per_page: int, total: int) -> Page:
    """The page of the plan's visits the request asks for (core.pagination.paginate's page),
    ``total`` being their number (selectors.plan_progress's ``listed_visits``); the page's rows
    in one query, for selectors.mark_viewable."""
    return paginate(request, _PlanVisits(plan, user), per_page, count=total)
