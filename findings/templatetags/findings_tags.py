"""Formatting helpers for the findings templates (no queries)."""

from django import template
from django.template.defaultfilters import filesizeformat

register = template.Library()

BADGES = {
    # review states
    "draft": "text-bg-light border",
    "submitted": "text-bg-info",
    "approved": "text-bg-success",
    "returned": "text-bg-warning",
    # action states
    "open": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "reported_done": "text-bg-info",
    "verified": "text-bg-success",
    "reopened": "text-bg-warning",
    # severities
    "low": "text-bg-light border",
    "medium": "text-bg-warning",
    "high": "text-bg-danger",
    # extension decisions
    "granted": "text-bg-success",
    "refused": "text-bg-danger",
}


@register.filter
def badge(value: str) -> str:
    """Bootstrap badge classes for a review state, an action state, a severity or a decision."""
    return BADGES.get(str(value), "text-bg-light border")


@register.filter
def overdue_on(action, today) -> bool:
    """Whether ``action`` is overdue on ``today`` (the page's date, so one page agrees with itself)."""
    return action.is_overdue_on(today)


@register.filter
def file_size(value) -> str:
    return filesizeformat(value)


@register.filter
def dmy(value) -> str:
    """dd/mm/yyyy of a date."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def crispy_html(field):
    """``field|as_crispy_field``'s markup drawn in Python (findings.form_html)."""
    from ..form_html import crispy_field_html

    return crispy_field_html(field)


@register.filter
def history_panel(history):
    """The change history panel of ``history`` drawn in Python (findings.panels.history_html)."""
    from ..panels import history_html

    return history_html(history)


@register.filter
def record_html(updates):
    """An action's record of updates drawn in Python (findings.panels.record_html)."""
    from ..panels import record_html as draw

    return draw(updates)
