"""The only way a view turns an id into a visit's findings, a finding, an action or an attachment,
and the only place findings' pages ask what a user may do.

Each helper answers 404 when the user may not see the object at all (a liaison of another unit,
staff of another province, an inspector not on the team) and 403 when the user lacks the
permission the page needs (``write``, or ``perm=``). Permissions are asked of the rules
(core.permissions.can), never of ``user.has_perm``: Django would grant a superuser every one, and
the administrator administers; they do not write findings or decide extensions. What a permitted
user may do in the object's current state is the services' business (they refuse with a message).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.permissions import can

# The visibility rule of one visit (the SQL one is inspections.selectors.visible_visit_ids).
from inspections.access import _sees_visit as sees_visit
from inspections.models import TeamMember, Visit, VisitStatus
from inspections.selectors import team_prefetch
from units.roles import Role, has_role, is_admin, is_staff_member
from units.rules import scope_prefix

from .models import ActionState, Finding, RemediationAction, RemediationUpdate, UpdateAttachment, UpdateKind
from .selectors import actions_visible_to

EDIT = "findings.edit_findings"


def _require(user, perm: str | None, obj=None) -> None:
    if perm is not None and not can(user, perm, obj):
        raise PermissionDenied


def require_perm(user, perm: str) -> None:
    """403 unless ``user`` holds ``perm`` (pages of no one object: the review queue, my unit)."""
    _require(user, perm)


def get_visit_findings_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> Visit:
    """Visit ``pk`` (plan and its issuing unit, unit, conclusion and team loaded) for its findings
    pages.

    A liaison sees the findings of their unit's visits once concluded, never before; ``write``
    means adding or changing findings (the visit's team); ``perm`` is another permission the page
    needs on the visit (submitting, reviewing, concluding).

    The visit is held to inspections.access's visibility rule on the row (as get_visit_for_user
    does), read with what these pages show, its conclusion included (one query fewer), and
    without LIMIT (PostgreSQL plans a LIMIT over joins for longer than it runs it).
    test_access checks the helper against finding_visits_visible_to for every role.
    """
    rows = (
        Visit.objects.select_related("plan__issuing_unit", "unit", "conclusion")
        .prefetch_related(team_prefetch())
        .filter(pk=pk)
        .order_by()
    )
    visit = next(iter(rows), None)
    if visit is None or not _sees_findings_of(user, visit):
        raise Http404
    _require(user, EDIT if write else None, visit)
    _require(user, perm, visit)
    return visit


def _sees_findings_of(user, visit: Visit) -> bool:
    """selectors.finding_visits_visible_to's rule on one visit (its unit and team loaded): the
    visit is visible to ``user``, and concluded unless ``user`` is staff."""
    return sees_visit(user, visit) and (is_staff_member(user) or visit.status == VisitStatus.CONCLUDED)


def get_finding_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> Finding:
    """Finding ``pk`` with its visit (plan, unit, team) loaded; ``write`` is for the visit's team,
    ``perm`` another permission needed on the finding's visit (reviewing it).

    Read by its id, without LIMIT, and held to findings_visible_to's rule in Python (the rule of
    its visit, _sees_findings_of; test_access checks the two agree for every role): the head's
    decision on each finding of a review asks this."""
    rows = (
        Finding.objects.select_related(
            "visit__plan__issuing_unit", "visit__unit", "visit__template", "domain", "criterion"
        )
        .prefetch_related(Prefetch("visit__team", queryset=TeamMember.objects.select_related("user")))
        .filter(pk=pk)
        .order_by()
    )
    finding = next(iter(rows), None)
    if finding is None or not _sees_findings_of(user, finding.visit):
        raise Http404
    _require(user, EDIT if write else None, finding.visit)
    _require(user, perm, finding.visit)
    return finding


def _with_team(visit: Visit) -> Visit:
    """``visit`` with its team and their users loaded (one query, the first time only)."""
    if "team" not in getattr(visit, "_prefetched_objects_cache", {}):
        prefetch_related_objects([visit], team_prefetch())
    return visit


def _sees_action(user, action: RemediationAction) -> bool:
    """selectors.actions_visible_to's rule on one action (its unit and its visit's unit loaded):
    administrators every action; staff those of the visits they see (their province for
    schedulers and heads, their team's visits); a liaison also those of their unit and the units
    below it. The unit paths are asked first: the team is read only when they do not decide."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    prefix = scope_prefix(user)
    if prefix is not None:
        if has_role(user, Role.LIAISON) and action.unit.path.startswith(prefix):
            return True
        if has_role(
            user, Role.SCHEDULER, Role.HEAD, Role.LIAISON
        ) and action.finding.visit.unit.path.startswith(prefix):
            return True
    return _with_team(action.finding.visit).is_team_member(user)


def get_action_for_user(user, pk, *, perm: str | None = None) -> RemediationAction:
    """Remediation action ``pk`` with its unit, finding (criterion), visit, plan and conclusion;
    ``perm`` is the permission the page needs on it (reporting, deciding an extension,
    verifying), and a page that writes gets the visit's team loaded too.

    The action is read by its id and held to actions_visible_to's rule in Python (_sees_action;
    test_access checks the two agree for every role): the same 404s, without compiling and
    running the visible visits' UNION for one row."""
    # Neither LIMIT nor ORDER BY (the id is unique): with a LIMIT, PostgreSQL weighs every order
    # of the seven joins for its first row and took 3.5 ms to plan what it runs in 0.1 ms.
    rows = RemediationAction.objects.select_related(
        "unit",
        "finding__criterion",
        "finding__visit__unit",
        "finding__visit__plan",
        "finding__visit__conclusion",
    ).filter(pk=pk)
    action = next(iter(rows.order_by()), None)
    if action is None or not _sees_action(user, action):
        raise Http404
    if perm is not None:
        # What a write's service and e-mails read (the leader, the members), loaded once.
        _with_team(action.finding.visit)
    _require(user, perm, action)
    return action


def get_extension_request_for_user(user, pk, update_pk) -> tuple[RemediationAction, RemediationUpdate]:
    """Action ``pk`` and its extension request ``update_pk``, for a head deciding on it (403 for
    anyone else who sees the action, 404 for a request of another action)."""
    action = get_action_for_user(user, pk, perm="findings.decide_extension")
    request = get_object_or_404(
        RemediationUpdate, pk=update_pk, action=action, kind=UpdateKind.EXTENSION_REQUEST
    )
    return action, request


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


def visit_abilities(user, visit: Visit) -> dict[str, bool]:
    """What ``user`` may do on the visit's findings page now (which buttons and forms it shows)."""
    may_edit = can(user, EDIT, visit)
    return {
        "may_edit": may_edit,
        "editing": visit.status == VisitStatus.IN_PROGRESS and may_edit,
        "can_submit": visit.status == VisitStatus.IN_PROGRESS
        and can(user, "findings.submit_findings", visit),
        "can_review": visit.status == VisitStatus.SUBMITTED and can(user, "findings.review_findings", visit),
        "can_conclude": visit.status == VisitStatus.REVIEWED and can(user, "findings.conclude_visit", visit),
    }


def action_abilities(user, action: RemediationAction, *, pending_extension) -> dict[str, bool]:
    """What ``user`` may do on the action's page now (which forms it shows)."""
    can_report = can(user, "findings.report_remediation", action) and action.is_open
    return {
        "can_report": can_report,
        "can_request_extension": can_report and pending_extension is None,
        "can_decide": pending_extension is not None and can(user, "findings.decide_extension", action),
        "can_verify": action.state == ActionState.REPORTED_DONE
        and can(user, "findings.verify_remediation", action),
    }
