"""The only way a view turns an id into a report or into the scope a report is requested for."""

from django.http import Http404

from findings.access import get_visit_findings_for_user
from inspections.access import get_plan_for_user
from units.access import get_unit_for_user

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
