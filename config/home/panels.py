"""The rows of the scheduler's home panels (templates/home/_scheduler.html), drawn in Python.

The scheduler's home draws up to 20 coming visits, 15 waiting units and a row per inspector of
the province for three months (fifty-odd on the large bench set); through the template engine
those rows cost more than the page's reads (some 700 variable look-ups and filters). These write
the template's markup with every value escaped, the local dates, the status labels and the URLs
computed as the template's filters and tags computed them (reports/tests/test_home_reads.py:
the markup is the template's).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from inspections.models import VisitStatus
from inspections.templatetags.inspections_tags import status_class


def _url_maker(name: str):
    """reverse() once, with a placeholder id, then a string replacement per row."""
    pattern = reverse(name, args=[987654321])
    return lambda pk: pattern.replace("987654321", str(pk))


def upcoming_rows(visits) -> SafeString:
    """The coming visits' table rows: date, unit (a link to the visit), leader or "–", status."""
    labels = {value: escape(label) for value, label in VisitStatus.choices}
    visit_url = _url_maker("inspections:visit_detail")
    tz = timezone.get_current_timezone()
    rows = []
    for visit in visits:
        day = timezone.localtime(visit.starts_at, tz).strftime("%d/%m/%Y") if visit.starts_at else ""
        leader = escape(visit.leader_name) if visit.leader_name else "–"
        rows.append(
            f'<tr><td>{day}</td><td><a href="{visit_url(visit.pk)}">{escape(visit.unit.name)}</a></td>'
            f'<td class="d-none d-md-table-cell">{leader}</td>'
            f'<td><span class="badge {escape(status_class(visit.status))}">'
            f"{labels.get(visit.status, escape(visit.status))}</span></td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)


def waiting_items(rows) -> SafeString:
    """The waiting units' list items: the unit (a link to schedule its visit) and its plan."""
    schedule_url = _url_maker("inspections:visit_create")
    plan_url = _url_maker("inspections:plan_detail")
    items = []
    for row in rows:
        plan = row.inspectionplan
        items.append(
            f'<li><a href="{schedule_url(row.inspectionplan_id)}?unit={escape(localize(row.unit_id))}">'
            f"{escape(row.unit.name)}</a> · "
            f'<a class="text-muted" href="{plan_url(plan.pk)}">'
            f"{escape(plan.title)} ({escape(localize(plan.year))})</a></li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above is escaped)


def load_rows(load) -> SafeString:
    """The inspectors' load rows: the name, then a cell per month (6 visits or more stand out)."""
    rows = []
    # A cell per distinct count, drawn once: a province's load holds some 150 cells of a dozen
    # values, and localize() looks the number formats up at every call.
    cells_of: dict[int, str] = {}
    for name, counts in load.rows:
        for n in counts:
            if n not in cells_of:
                cells_of[n] = (
                    f'<td class="text-end{" text-danger fw-semibold" if n >= 6 else ""}">{escape(localize(n))}</td>'
                )
        cells = "".join(cells_of[n] for n in counts)
        rows.append(f'<tr><th scope="row" class="fw-normal">{escape(name)}</th>{cells}</tr>')
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)


def scheduler_rows(board: dict) -> dict:
    """The three panels' rows of config.home.selectors.scheduler_home's ``board``."""
    return {
        "upcoming": upcoming_rows(board["upcoming"]),
        "waiting": waiting_items(board["waiting"]),
        "load": load_rows(board["load"]),
    }
