"""Formatting helpers for the inspection templates (no queries)."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-light border",
    "scheduled": "text-bg-primary",
    "in_progress": "text-bg-warning",
    "submitted": "text-bg-info",
    "reviewed": "text-bg-info",
    "concluded": "text-bg-success",
    "cancelled": "text-bg-secondary",
    "approved": "text-bg-primary",
    "closed": "text-bg-secondary",
    "published": "text-bg-success",
}


@register.filter
def status_class(status: str) -> str:
    """Bootstrap badge classes for a plan, visit or template status."""
    return STATUS_CLASSES.get(str(status), "text-bg-light border")


@register.filter
def visit_hours(visit) -> str:
    """“08:00–11:30” in local time (the date is shown separately)."""
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    if start.date() != end.date():
        return f"{start:%H:%M %d/%m}–{end:%H:%M %d/%m}"
    return f"{start:%H:%M}–{end:%H:%M}"


@register.filter
def local_day(value) -> str:
    """dd/mm/yyyy of an aware datetime, in local time."""
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


@register.filter
def iso_local(value: str) -> str:
    """“08:00 13/03/2020” from an ISO datetime kept in a visit event's details."""
    parsed = parse_datetime(value) if value else None
    return timezone.localtime(parsed).strftime("%H:%M %d/%m/%Y") if parsed else ""


@register.simple_tag
def visit_rows(visits, show_plan=False, open_checklist=False):
    """The visit table's rows (inspections.visit_table: drawn in Python, the same markup)."""
    from inspections.visit_table import visit_rows as rows

    return rows(visits, show_plan=bool(show_plan), open_checklist=bool(open_checklist))
