"""The only way a view turns an id into a visit's findings, a finding, an action or an attachment.

Each helper answers 404 when the user may not see the object at all (a liaison of another unit,
staff of another province, an inspector not on the team) and 403 when ``write`` is asked of
someone who may only read it. What a permitted user may do in the object's current state is the
services' business (they refuse with a message).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from inspections.access import get_visit_for_user
from inspections.models import Visit, VisitStatus
from units.roles import is_staff_member

from .models import Finding, RemediationAction, UpdateAttachment
from .selectors import actions_visible_to, findings_visible_to


def get_visit_findings_for_user(user, pk, *, write: bool = False) -> Visit:
    """Visit ``pk`` (plan, unit, checklist and team loaded) for its findings pages.

    A liaison sees the findings of their unit's visits once concluded, never before; ``write``
    means adding or changing findings (the visit's team).
    """
    visit = get_visit_for_user(user, pk)
    if not is_staff_member(user) and visit.status != VisitStatus.CONCLUDED:
        raise Http404
    if write and not user.has_perm("findings.edit_findings", visit):
        raise PermissionDenied
    return visit


def get_finding_for_user(user, pk, *, write: bool = False) -> Finding:
    """Finding ``pk`` with its visit (plan, unit, team) loaded; ``write`` is for the visit's team."""
    finding = (
        findings_visible_to(user)
        .select_related("visit__plan__issuing_unit", "visit__unit", "visit__template", "domain", "criterion")
        .prefetch_related("visit__team__user")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404
    if write and not user.has_perm("findings.edit_findings", finding.visit):
        raise PermissionDenied
    return finding


def get_action_for_user(user, pk) -> RemediationAction:
    """Remediation action ``pk`` with its finding, visit (team loaded), plan and unit."""
    action = (
        actions_visible_to(user)
        .select_related("unit", "finding__visit__unit", "finding__visit__plan", "finding__visit__conclusion")
        .prefetch_related("finding__visit__team__user")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    return action


def get_attachment_for_user(user, pk) -> UpdateAttachment:
    """An attachment of an update of an action ``user`` may read."""
    attachment = (
        UpdateAttachment.objects.filter(update__action__in=actions_visible_to(user).values("pk"))
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
