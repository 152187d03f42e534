"""The inspector's "my visits" page read in one statement (issue 17).

Built through the ORM (selectors.my_visit_sections with a window per section), the page's query
repeated its section's CASE four times (the annotation, the filter, the window's partition and
the count's) and composing and compiling it was the page's largest cost, more than running it;
the leaders' names came in a second query. Here the statement is written once, as SQL: the
user's own seat on each visit (the (user, visit) unique index) decides the section once, a
window numbers and counts each section's rows, and the rows kept are joined to the columns the
visit table draws (unit, plan) and to the leader's name (a visit has at most one leader: the
one-leader index). Only quoted table names go into the text; every value is a parameter.

The sections are selectors.my_visit_sections's (a queryset the inspector's home panel still
reads); inspections/tests/test_my_visit_reads.py holds the two to the same rows.
"""

from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db import connection
from django.utils import timezone

from core.pagination import paginate
from units.models import Unit

from .models import InspectionPlan, TeamMember, TeamRole, Visit, VisitStatus
from .visit_reads import RowPlan, RowUnit, VisitRow, person_name, row_converters

User = get_user_model()

# The sections of "my visits", in the order of the page.
MY_SECTIONS = ("waiting", "in_progress", "upcoming")


class MyVisitRow(VisitRow):
    """A row of "my visits": a VisitRow (equal to its Visit) that knows its plan's and unit's ids."""

    __slots__ = ("plan_id", "unit_id")


@cache
def _sql() -> str:
    """The statement's text: the user's visits in a section, each section numbered and counted,
    the rows whose number is in ``%(first)s..%(last)s`` joined to what is drawn, by start. With
    ``%(section)s`` NULL every section, else that one only."""
    qn = connection.ops.quote_name
    v, u, p, t, l = (  # noqa: E741 - the tables' aliases
        qn(Visit._meta.db_table),
        qn(Unit._meta.db_table),
        qn(InspectionPlan._meta.db_table),
        qn(TeamMember._meta.db_table),
        qn(User._meta.db_table),
    )
    # The section, as selectors.my_visit_sections's CASE: in progress; a reviewed visit the user
    # leads (their own seat's role) is theirs to sign; a draft or scheduled visit not started yet
    # is upcoming; a scheduled one whose start has passed waits for them; anything else is in none.
    section = (
        "CASE WHEN v.status = %(in_progress)s THEN 'in_progress' "
        "WHEN v.status = %(reviewed)s AND me.role = %(leader)s THEN 'waiting' "
        "WHEN v.status IN (%(draft)s, %(scheduled)s) AND v.starts_at >= %(now)s THEN 'upcoming' "
        "WHEN v.status = %(scheduled)s THEN 'waiting' ELSE '' END"
    )
    return (
        "SELECT w.id, w.plan_id, w.unit_id, w.status, w.starts_at, w.ends_at, u.name, u.short_name, u.valid_to, "  # noqa: S608
        "p.title, p.year, l.last_name, l.first_name, l.username, w.section, w.section_total "
        "FROM (SELECT s.*, "
        "ROW_NUMBER() OVER (PARTITION BY s.section ORDER BY s.starts_at, s.id) AS row_no, "
        "COUNT(*) OVER (PARTITION BY s.section) AS section_total "
        "FROM (SELECT v.id, v.status, v.starts_at, v.ends_at, v.unit_id, v.plan_id, "
        f"{section} AS section "
        f"FROM {t} me JOIN {v} v ON v.id = me.visit_id "
        "WHERE me.user_id = %(user)s "
        "AND v.status IN (%(draft)s, %(scheduled)s, %(in_progress)s, %(reviewed)s)) s "
        "WHERE s.section <> '' AND (%(section)s IS NULL OR s.section = %(section)s)) w "
        f"JOIN {u} u ON u.id = w.unit_id "
        f"JOIN {p} p ON p.id = w.plan_id "
        f"LEFT JOIN {t} lt ON lt.visit_id = w.id AND lt.role = %(leader)s "
        f"LEFT JOIN {l} l ON l.id = lt.user_id "
        "WHERE w.row_no >= %(first)s AND w.row_no <= %(last)s "
        "ORDER BY w.starts_at, w.id"
    )


def section_rows(
    *, user, section: str | None = None, first: int = 1, last: int = 25, now: datetime | None = None
) -> list[tuple[VisitRow, str, int]]:
    """The visits whose team ``user`` is on, in a section of their page (every section, or only
    ``section``), those numbered ``first`` to ``last`` (from 1, by start) in their section, as
    (row, section, the section's total) by start. One query."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    params = {
        "user": user.pk,
        "now": connection.ops.adapt_datetimefield_value(now),
        "section": section,
        "first": first,
        "last": last,
        "leader": TeamRole.LEADER.value,
        "draft": VisitStatus.DRAFT.value,
        "scheduled": VisitStatus.SCHEDULED.value,
        "in_progress": VisitStatus.IN_PROGRESS.value,
        "reviewed": VisitStatus.REVIEWED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        fetched = cursor.fetchall()
    if not fetched:
        return []
    starts, ends, valid_to = row_converters()
    rows = []
    for (
        pk,
        plan_id,
        unit_id,
        status,
        start,
        end,
        name,
        short_name,
        closed,
        title,
        year,
        last_name,
        first_name,
        username,
        in_section,
        total,
    ) in fetched:
        row = MyVisitRow(
            pk,
            status,
            starts(start),
            ends(end),
            RowUnit(name, short_name, valid_to(closed)),
            RowPlan(title, year),
            None if username is None else person_name(last_name, first_name, username),
        )
        row.plan_id, row.unit_id = plan_id, unit_id
        rows.append((row, in_section, total))
    return rows


class _SectionRows:
    """A section's rows for the paginator: its slice of the page asked is read by section_rows
    (the rows of the page first asked are read already, with the section's total)."""

    def __init__(self, user, section: str, now, read: dict):
        self.user, self.section, self.now, self.read = user, section, now, read

    def __getitem__(self, index: slice) -> list:
        key = (index.start + 1, index.stop)
        if index.stop <= index.start:  # the empty first page of an empty section
            return []
        if key not in self.read:
            found = section_rows(
                user=self.user, section=self.section, first=key[0], last=key[1], now=self.now
            )
            self.read[key] = [row for row, _section, _total in found]
        return self.read[key]


def section_page(request, *, user, section: str, per_page: int, now: datetime | None = None) -> Page:
    """The page of one section the request asks for (core.pagination.paginate's page: a word
    or nothing the first, a number past the end the last), its rows and the section's total in
    one query; a page past the end asks again for the last."""
    now = now or timezone.now()
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        number = 1
    first, last = (number - 1) * per_page + 1, number * per_page
    found = section_rows(user=user, section=section, first=first, last=last, now=now)
    read = {}
    if found:
        total = found[0][2]
        # The paginator asks for the rows up to the total on the last page.
        read[(first, min(last, total))] = [row for row, _section, _total in found]
    else:
        # Nothing on that page: the section is empty, or the number is past its end.
        everything = section_rows(user=user, section=section, first=1, last=1, now=now)
        total = everything[0][2] if everything else 0
    rows = _SectionRows(user, section, now, read)
    return paginate(request, rows, per_page, count=total)
