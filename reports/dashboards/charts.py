"""Chart specifications for static/js/charts.js, built from selector results (no queries).

A spec is plain JSON, written into the page with ``json_script`` (never executed, so the
Content Security Policy needs no exception) and read by charts.js, which turns it into a
Chart.js configuration::

    {"type": "bar" | "line", "horizontal": bool, "stacked": bool, "max": 100 | null,
     "suffix": "%", "labels": [...], "series": [{"label": ..., "data": [...], "color": ...}]}

Every chart on a page has a table with the same numbers beside it.
"""

from django.utils.translation import gettext as _

# Colours readable on white and distinguishable in greyscale prints (Bootstrap's palette).
BLUE, GREEN, YELLOW, ORANGE, RED, GREY, TEAL = (
    "#0d6efd",
    "#198754",
    "#ffc107",
    "#fd7e14",
    "#dc3545",
    "#6c757d",
    "#20c997",
)


def _spec(kind: str, labels, series, **options) -> dict:
    return {"type": kind, "labels": [str(label) for label in labels], "series": series, **options}


def domain_chart(domains) -> dict:
    return _spec(
        "bar",
        [row.label for row in domains],
        [{"label": _("Compliance (%)"), "data": [row.percent for row in domains], "color": BLUE}],
        horizontal=True,
        max=100,
        suffix="%",
    )


def ranking_chart(rows) -> dict:
    return _spec(
        "bar",
        [row.label for row in rows],
        [{"label": _("Score (%)"), "data": [row.percent for row in rows], "color": TEAL}],
        horizontal=True,
        max=100,
        suffix="%",
    )


def trend_chart(trend) -> dict:
    return _spec(
        "line",
        [row.label for row in trend],
        [{"label": _("Score (%)"), "data": [row.percent for row in trend], "color": BLUE}],
        max=100,
        suffix="%",
    )


def remediation_chart(rows) -> dict:
    series = [
        (_("Open, not overdue"), [r.open - r.overdue for r in rows], GREY),
        (_("Overdue 1 to 30 days"), [r.overdue_30 for r in rows], YELLOW),
        (_("Overdue 31 to 90 days"), [r.overdue_90 for r in rows], ORANGE),
        (_("Overdue more than 90 days"), [r.overdue_more for r in rows], RED),
        (_("Reported done"), [r.reported for r in rows], TEAL),
        (_("Verified"), [r.verified for r in rows], GREEN),
    ]
    return _spec(
        "bar",
        [r.unit_name for r in rows],
        [{"label": label, "data": data, "color": color} for label, data, color in series],
        horizontal=True,
        stacked=True,
    )
