"""The rows of the remediation follow-up table (templates/dashboards/action_list.html), drawn in
Python.

The page shows up to 50 actions; through the template engine each row cost a dozen variable
look-ups, two date filters, a truncation, a reversed URL and a translated label, more than the
rest of the page. This writes the template's markup with every text escaped, the URLs from one
reversed pattern and the state labels read once per table.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.sql import column_converter
from findings.models import ACTION_OPEN_STATES, ActionState, RemediationAction

_COLUMNS = (
    "pk",
    "unit_id",
    "unit__name",
    "finding_id",
    "finding__recommendation",
    "finding__text",
    "finding__criterion__code",
    "visit__starts_at",
    "visit__plan__title",
    "due_date",
    "state",
)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """What the follow-up table shows of one action (no model instances: the page's 50 actions
    with their finding, visit, plan, criterion and unit were some 450 objects to build)."""

    pk: int
    unit_id: int
    unit_name: str
    finding_id: int
    recommendation: str
    text: str
    code: str | None
    visit_starts_at: datetime
    plan_title: str
    due_date: date
    state: str

    def get_absolute_url(self) -> str:
        return reverse("findings:action_detail", args=[self.pk])


def action_table_page(actions: QuerySet[RemediationAction], size: int, number) -> Page:
    """Page ``number`` of ``actions`` (the follow-up's filtered query, soonest due first) by
    ``size``, as reports.paging.counted_page gives it (the same page numbers and count), with its
    rows (ActionRow) read in the SAME query: the page's ids and the count of all (``COUNT(*) OVER
    ()``) joined to the columns the table shows, instead of one query of the ids and another of
    the rows (a round trip and a six-table plan less)."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    rows, total = _page_rows(actions, size, number)
    if not rows:
        # Nothing matched, or a page past the last (a stale link): count, then read the last page.
        total = actions.count() if number > 1 else 0
        if total:
            number = -(-total // size)
            rows, total = _page_rows(actions, size, number)
        else:
            number = 1
    paginator = Paginator(actions, size)
    paginator.count = total  # a cached_property: Paginator does not count again
    page = paginator.page(number)
    page.object_list = rows
    return page


@functools.cache
def _columns_sql(alias: str) -> tuple[str, tuple]:
    """The table's columns as one query of every action (_page_rows joins the page to it),
    compiled once per process: it holds no value of a request."""
    return RemediationAction.objects.using(alias).order_by().values_list(*_COLUMNS).query.sql_with_params()


def _page_rows(actions: QuerySet[RemediationAction], size: int, number: int) -> tuple[list[ActionRow], int]:
    start = (number - 1) * size
    ordering = actions.query.order_by
    if tuple(ordering) != ("due_date", "id"):
        raise ValueError(f"the follow-up's rows are read soonest due first, not by {ordering}")
    page = actions.annotate(_total=Window(Count("*"))).values_list("pk", "_total")[start : start + size]
    try:
        inner, params = page.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (none(), an empty list of ids)
        return [], 0
    shown, shown_params = _columns_sql(actions.db)
    db = actions.db
    qn = connections[db].ops.quote_name
    # Django's own compiled queries (their values in the params) and quoted names: nothing typed.
    sql = (
        f"SELECT shown.*, page.{qn('_total')} FROM ({inner}) page "  # noqa: S608
        f"INNER JOIN ({shown}) shown ON shown.{qn('pk')} = page.{qn('pk')} "
        f"ORDER BY shown.{qn('due_date')}, shown.{qn('pk')}"
    )
    convert = [
        _converter(RemediationAction, "visit__starts_at", db),
        _converter(RemediationAction, "due_date", db),
    ]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, (*params, *shown_params))
        fetched = cursor.fetchall()
    rows = [ActionRow(*row[:7], convert[0](row[7]), row[8], convert[1](row[9]), row[10]) for row in fetched]
    return rows, (fetched[0][-1] if fetched else 0)


def _converter(model, path: str, alias: str):
    """core.sql.column_converter of the field at ``path`` from ``model``."""
    *joins, name = path.split("__")
    for step in joins:
        model = model._meta.get_field(step).related_model
    return column_converter(model._meta.get_field(name), alias)


def _words(text: str, length: int) -> str:
    """Truncator(text).words(length, truncate=" …"), without building a Truncator for the many
    texts short enough: those come back with their spaces and line breaks folded to one space,
    as from it."""
    words = text.split()
    return " ".join(words) if len(words) <= length else Truncator(text).words(length, truncate=" …")


def action_rows_html(actions, *, today=None) -> SafeString:
    """The ``<tr>`` of each action (action_table_page), as the
    template drew them: responsible unit, recommendation (or the finding's text) cut at 24 words
    with its criterion's code, the visit's date and plan, the due date ("overdue" when past due
    while still open) and the state."""
    today = today or timezone.localdate()
    pattern = reverse("findings:action_detail", args=[987654321])
    states = {value: escape(label) for value, label in ActionState.choices}
    overdue = f' <span class="badge text-bg-danger">{escape(_("overdue"))}</span>'
    tz = timezone.get_current_timezone()
    # The date filter's format, looked up once for the table (date_format does it per date); our
    # dd/mm/yyyy (config/formats) written by strftime, the same text without Django's formatter.
    short_date = get_format("SHORT_DATE_FORMAT")
    day = (
        (lambda value: value.strftime("%d/%m/%Y"))
        if short_date == "d/m/Y"
        else (lambda value: format_date(value, short_date))
    )
    rows = []
    for action in actions:
        text = _words(action.recommendation or action.text, 24)
        code = f' <span class="text-muted small">({escape(action.code)})</span>' if action.code else ""
        late = overdue if action.due_date < today and action.state in ACTION_OPEN_STATES else ""
        started = day(timezone.localtime(action.visit_starts_at, tz))
        rows.append(
            f"<tr>\n      <td>{escape(action.unit_name)}</td>\n"
            f'      <td><a href="{pattern.replace("987654321", str(action.pk))}">{escape(text)}</a>{code}</td>\n'
            f'      <td class="d-none d-lg-table-cell">{escape(started)} · {escape(action.plan_title)}</td>\n'
            f"      <td>{escape(day(action.due_date))}{late}</td>\n"
            f"      <td>{states.get(action.state, escape(action.state))}</td>\n    </tr>"
        )
    # Every value above is escaped, or a reversed URL.
    return mark_safe("\n".join(rows))  # noqa: S308
