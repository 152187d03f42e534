"""The only way a view turns an id into a report, into the scope a report is requested for, or
into the scope of a dashboard."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import require
from findings.access import get_visit_findings_for_user
from inspections.access import get_plan_for_user
from units.access import get_unit_for_user

from .dashboards.selectors import scope_for
from .models import IssuedDocument, Report
from .selectors import reports_visible_to


def get_report_for_user(user, pk) -> Report:
    """Report ``pk`` with its scope and requester loaded; 404 when ``user`` may not see its scope."""
    report = (
        reports_visible_to(user)
        .select_related("visit__unit", "plan", "unit", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def get_scope_for_user(user, *, visit=None, plan=None, unit=None) -> dict:
    """The scope objects for the given ids, each through its app's access helper (404 when
    ``user`` may not see it: a liaison sees a visit's findings, hence its notice, only once the
    visit is concluded; plans only the department's staff)."""
    scope = {"visit": None, "plan": None, "unit": None}
    if visit is not None:
        scope["visit"] = get_visit_findings_for_user(user, visit)
    if plan is not None:
        scope["plan"] = get_plan_for_user(user, plan)
    if unit is not None:
        scope["unit"] = get_unit_for_user(user, unit)
    return scope


def require_dashboard(user) -> None:
    """403 unless ``user`` may see the dashboards (department heads and administrators)."""
    require(user, "reports.view_dashboard")


def get_dashboard_scope_for_user(user, *, unit, year, plan_id, latest_year: bool):
    """The dashboard scope ``user`` asked for (see dashboards.selectors.scope_for); 403 when the
    unit or plan asked for lies outside what ``user`` may oversee."""
    scope = scope_for(user=user, unit=unit, year=year, plan_id=plan_id, latest_year=latest_year)
    if scope is None:
        raise PermissionDenied
    return scope


def get_issued_for_user(user, pk, *, perm: str | None = None) -> IssuedDocument:
    """Issued document ``pk``; 404 when ``user`` may not see the visit, plan or unit it is about.
    ``perm`` is a permission needed on the visit as well (issuing a correction: its team leader)."""
    doc = (
        IssuedDocument.objects.select_related("visit__unit", "plan", "unit", "replaces").filter(pk=pk).first()
    )
    if doc is None:
        raise Http404
    if doc.visit_id:
        get_visit_findings_for_user(user, doc.visit_id, perm=perm)
    elif doc.plan_id:
        get_plan_for_user(user, doc.plan_id)
    elif doc.unit_id:
        get_unit_for_user(user, doc.unit_id)
    return doc
