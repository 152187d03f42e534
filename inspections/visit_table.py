"""The rows of the visit table (templates/inspections/_visit_table.html) and the calendar's month
grid and phone list (templates/inspections/visit_calendar.html), drawn in Python.

The visit list, a plan's page and "my visits" show up to 50 visits; through the template engine
each row cost some 0.2 ms (a dozen variable look-ups, filters, a URL, translations), more than
everything else on the page. This writes the same markup with format_html (every value escaped),
with the local times computed once per row and the URLs from one reversed pattern.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.selects import escape

from .templatetags.inspections_tags import STATUS_CLASSES


def _url_maker(name: str):
    """reverse() once, with a placeholder id, then a string replacement per row."""
    pattern = reverse(name, args=[987654321])
    return lambda pk: pattern.replace("987654321", str(pk))


def _hours(visit, tz) -> str:
    """“08:00–11:30” in local time, as the visit_hours filter."""
    start, end = timezone.localtime(visit.starts_at, tz), timezone.localtime(visit.ends_at, tz)
    if start.date() != end.date():
        return f"{start:%H:%M %d/%m}–{end:%H:%M %d/%m}"
    return f"{start:%H:%M}–{end:%H:%M}"


def _status_labels() -> dict[str, str]:
    """The statuses' labels in the active language, read once per drawing (get_status_display
    hashes the lazy choices on every call: 0.05 ms a visit)."""
    from .models import VisitStatus

    return {value: str(label) for value, label in VisitStatus.choices}


class _CalendarVisit:
    """One visit's escaped pieces, computed once for both its grid link and its phone list item."""

    __slots__ = ("grid", "item")

    def __init__(self, visit, url: str, labels: dict, tz):
        status = escape(labels.get(visit.status, visit.status))
        name = escape(visit.unit.name)
        hours = _hours(visit, tz)
        css = escape(visit.status)
        leader = visit.leader_name if hasattr(visit, "leader_name") else visit.leader
        self.grid = (
            f'<a class="calendar-visit status-{css}" href="{url}" title="{name} · {status}">'
            f"{hours} {escape(visit.unit.short_name or visit.unit.name)}</a>"
        )
        self.item = (
            f'<li class="mb-1"><a class="calendar-visit status-{css}" href="{url}">{hours} · {name}<br>'
            f"<small>{status}{escape(f' · {leader}') if leader else ''}</small></a></li>"
        )


def calendar(weeks, days, *, kept_query: str) -> tuple[SafeString, SafeString]:
    """The month grid's rows and the phone's list of days (templates/inspections/visit_calendar.html),
    drawn in Python from selectors.visit_calendar's weeks and days: each visit's pieces are escaped
    once for both, the URLs come from one reversed pattern, and a day's "+N more" link to the day's
    visit list is written once for the grid and the list. The markup is the template's."""
    url = _url_maker("inspections:visit_detail")
    tz, labels = timezone.get_current_timezone(), _status_labels()
    visit_list = reverse("inspections:visit_list")
    kept = f"&amp;{escape(kept_query)}" if kept_query else ""
    drawn: dict[int, _CalendarVisit] = {}
    for week in weeks:
        for day in week:
            for visit in day.visits:
                if visit.pk not in drawn:
                    drawn[visit.pk] = _CalendarVisit(visit, url(visit.pk), labels, tz)
    more: dict = {}
    for week in weeks:
        for day in week:
            if day.more:
                when = f"{day.day:%d/%m/%Y}"
                text = escape(
                    ngettext("+%(counter)s more visit", "+%(counter)s more visits", day.more)
                    % {"counter": day.more}
                )
                more[day.day] = (
                    f'<a class="calendar-more d-inline-block py-2 small" href="{visit_list}?date_from={when}'
                    f'&amp;date_to={when}{kept}">{text}</a>'
                )
    rows = []
    for week in weeks:
        cells = []
        for day in week:
            css = ("" if day.in_month else "other-month") + (" today" if day.is_today else "")
            links = "\n".join(drawn[v.pk].grid for v in day.visits)
            cells.append(
                f'<td class="{css}"><div class="calendar-day-number">{day.day.day}</div>'
                f"{links}{more.get(day.day, '')}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    sections = []
    for day in days:
        items = "\n".join(drawn[v.pk].item for v in day.visits)
        heading = escape(f"{date_format(day.day, 'l')} {date_format(day.day, 'SHORT_DATE_FORMAT')}")
        today = " text-primary" if day.is_today else ""
        sections.append(
            f'<section class="mb-3"><h2 class="h6 border-bottom pb-1{today}">{heading}</h2>'
            f'<ul class="list-unstyled mb-0">{items}</ul>{more.get(day.day, "")}</section>'
        )
    # Every value above is escaped (escape) or a number, a date or a reversed URL.
    return mark_safe("".join(rows)), mark_safe("".join(sections))  # noqa: S308


def visit_rows(visits, *, show_plan: bool = False, open_checklist: bool = False) -> SafeString:
    # The labels, statuses and classes escaped once per table; each row escapes its own texts
    # (unit, plan, leader) and writes numbers, dates and reversed URLs as they are.
    labels = {k: escape(_(k)) for k in ("Date", "Time", "Plan", "Team leader", "Status")}
    past = f' <span class="badge text-bg-secondary fw-normal">{escape(_("before the reorganisation"))}</span>'
    statuses = {k: escape(v) for k, v in _status_labels().items()}
    muted = ' class="text-muted"'
    url = _url_maker("inspections:checklist" if open_checklist else "inspections:visit_detail")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    rows = []
    for visit in visits:
        start, end = timezone.localtime(visit.starts_at, tz), timezone.localtime(visit.ends_at, tz)
        hours = (
            f"{start:%H:%M %d/%m}–{end:%H:%M %d/%m}"
            if start.date() != end.date()
            else f"{start:%H:%M}–{end:%H:%M}"
        )
        name = escape(visit.unit.name)
        unit = (
            f'<a href="{url(visit.pk)}">{name}</a>' if getattr(visit, "viewable", None) is not False else name
        )
        if visit.unit.valid_to is not None and visit.unit.valid_to <= today:
            # A unit closed in a reorganisation (the 2025 merger): its visits are its successor's
            # history, and the lists filtered by the successor's name show them, marked.
            unit += past
        plan = (
            f'<td class="d-none d-lg-table-cell small" data-label="{labels["Plan"]}">'
            f"{escape(visit.plan.title)} ({visit.plan.year})</td>"
            if show_plan
            else ""
        )
        leader = (visit.leader_name if hasattr(visit, "leader_name") else visit.leader) or "—"
        status = str(visit.status)
        rows.append(
            f"<tr{muted if status == 'cancelled' else ''}>"
            f'<td class="text-nowrap" data-label="{labels["Date"]}">{start:%d/%m/%Y}</td>'
            f'<td class="text-nowrap" data-label="{labels["Time"]}">{hours}</td>'
            f'<td class="card-title-cell">{unit}</td>'
            f"{plan}"
            f'<td class="d-none d-md-table-cell" data-label="{labels["Team leader"]}">{escape(leader)}</td>'
            f'<td class="card-action" data-label="{labels["Status"]}"><span class="badge '
            f'{STATUS_CLASSES.get(status, "text-bg-light border")}">{statuses.get(status, escape(status))}</span></td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text above is escaped
