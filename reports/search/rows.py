"""The search's result lists, drawn in Python.

Each kind's list was an include (search/_units.html, _visits.html, _findings.html,
_recommendations.html) drawing every row through the template engine: the rows' URLs, choice
labels, dates and truncated texts cost more than the queries that found them (a page of 25
findings about 0.2 ms a row). ``results_html`` writes the markup those templates wrote (kept as
reports/tests/search_reference/*.html), escaping every value; reports/tests/test_search_rows.py
holds the two equal for every kind, in both languages.
"""

import html
from collections.abc import Callable
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from findings.models import Finding, FindingKind
from inspections.models import Visit
from units.models import Unit


def escape(value) -> str:
    """django.utils.html.escape's text, without its lazy-string wrapper."""
    return html.escape(str(value))


def _url_of(name: str) -> Callable[[int], str]:
    sentinel = 987654321
    before, after = reverse(name, args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{before}{int(pk)}{after}"


@lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """The escaped choice labels and words of the rows in ``language``."""
    return {
        "unit_kind": {value: escape(label) for value, label in Unit._meta.get_field("kind").flatchoices},
        "finding_kind": {value: escape(label) for value, label in FindingKind.choices},
        "visit_status": {
            value: escape(label) for value, label in Visit._meta.get_field("status").flatchoices
        },
        "dissolved": escape(_("dissolved")),
        "before": _("before the reorganisation: %(name)s"),
    }


def _shown(labels: dict, value) -> str:
    shown = labels.get(value)
    return escape(value) if shown is None else shown


def _date(value) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT" }}``: a datetime in the current time zone first."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return escape(date_format(value, "SHORT_DATE_FORMAT"))


def _truncated(text: str) -> str:
    """``{{ text|truncatewords:40 }}``."""
    return escape(Truncator(text).words(40, truncate=" …"))


def units_html(units: list[Unit], labels: dict) -> str:
    url = _url_of("units:detail")
    rows = []
    for unit in units:
        parent = f" · {escape(unit.parent.name)}" if unit.parent else ""
        dissolved = "" if unit.is_current else f" · {labels['dissolved']}"
        rows.append(
            f'\n  <li class="list-group-item px-0"><a href="{url(unit.pk)}">{escape(unit.name)}</a>'
            f' <span class="text-muted small">· {_shown(labels["unit_kind"], unit.kind)}{parent}{dissolved}</span></li>\n'
        )
    return '\n<ul class="list-group list-group-flush">\n' + "".join(rows) + "\n</ul>\n"


def visits_html(visits: list[Visit], labels: dict) -> str:
    url = _url_of("inspections:visit_detail")
    rows = []
    for visit in visits:
        unit = visit.unit
        successors = list(unit.successors.all()) if unit.valid_to else []
        if successors:
            name = ", ".join(escape(successor.name) for successor in successors)
            before = labels["before"] % {"name": escape(unit.name)}
            badge = f'<span class="badge text-bg-secondary fw-normal">{before}</span>'
        else:
            name, badge = escape(unit.name), ""
        rows.append(
            f'\n  <li class="list-group-item px-0"><a href="{url(visit.pk)}">{name}</a>\n'
            f"    {badge}\n"
            f'    <span class="text-muted small">· {_date(visit.starts_at)} · {escape(visit.plan.title)}'
            f" · {_shown(labels['visit_status'], visit.status)}</span></li>\n"
        )
    return '\n<ul class="list-group list-group-flush">\n' + "".join(rows) + "\n</ul>\n"


def _where(finding: Finding) -> str:
    code = f" · {escape(finding.criterion.code)}" if finding.criterion else ""
    return (
        f'    <div class="text-muted small">{escape(finding.visit.unit.name)} · '
        f"{_date(finding.visit.starts_at)}{code}</div>\n"
    )


def findings_html(findings: list[Finding], labels: dict) -> str:
    url = _url_of("findings:finding_detail")
    rows = []
    for finding in findings:
        color = "text-bg-warning" if finding.kind == FindingKind.LIMITATION else "text-bg-success"
        rows.append(
            '\n  <li class="list-group-item px-0">\n'
            f'    <span class="badge {color}">{_shown(labels["finding_kind"], finding.kind)}</span>\n'
            f'    <a href="{url(finding.pk)}">{_truncated(finding.text)}</a>\n'
            f"{_where(finding)}"
            "  </li>\n"
        )
    return '<ul class="list-group list-group-flush">\n' + "".join(rows) + "\n</ul>\n"


def recommendations_html(findings: list[Finding], labels: dict) -> str:
    url = _url_of("findings:finding_detail")
    rows = []
    for finding in findings:
        rows.append(
            '\n  <li class="list-group-item px-0">\n'
            f'    <a href="{url(finding.pk)}">{_truncated(finding.recommendation)}</a>\n'
            f"{_where(finding)}"
            "  </li>\n"
        )
    return '<ul class="list-group list-group-flush">\n' + "".join(rows) + "\n</ul>\n"


DRAW = {
    "units": units_html,
    "visits": visits_html,
    "findings": findings_html,
    "recommendations": recommendations_html,
}


def results_html(key: str, rows) -> SafeString:
    """The list of a page of results of the kind ``key``, as its template drew it."""
    return mark_safe(DRAW[key](list(rows), _labels(get_language())))  # noqa: S308  every value escaped above
