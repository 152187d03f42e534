"""The only way a view turns an id into a checklist template, a plan or a visit, or is let into
a page that has no object.

Each helper answers 404 when the user may not see the object at all and 403 when ``write`` (or
the permission ``perm``) is asked of someone who may only read it. Every answer comes from the
rules of inspections/rules.py through core.permissions.can: views never check roles or
permissions themselves.

A plan or a visit is read by its id, then held to the visibility rule of
inspections.selectors (plans_visible_to, visible_visit_ids) in Python, on the row just read
(its unit's path, its team): the same answer as filtering the visible set in SQL, without
building and running that set's UNION of subqueries on every page of one plan or visit
(test_access checks the two agree for every role).
"""

from django.http import Http404

from core.permissions import can, require
from units.roles import Role, has_role, is_admin, is_staff_member
from units.rules import scope_prefix

__all__ = [
    "can",
    "get_answering_visit_for_user",
    "get_checklist_visit_for_user",
    "get_amendment_for_user",
    "get_plan_for_user",
    "get_self_assessment_visit_for_user",
    "get_template_for_user",
    "get_visit_for_user",
    "require_inspections_page",
]

from .models import ChecklistTemplate, InspectionPlan, PlanAmendment, Visit
from .selectors import team_prefetch, templates_visible_to


def _sees_plan(user, plan: InspectionPlan) -> bool:
    """inspections.selectors.plans_visible_to's rule on one plan (its issuing unit loaded):
    administrators every plan, staff those issued in their province, nobody else any."""
    if is_admin(user):
        return True
    prefix = scope_prefix(user)
    return prefix is not None and is_staff_member(user) and plan.issuing_unit.path.startswith(prefix)


def _sees_visit(user, visit: Visit) -> bool:
    """inspections.selectors.visible_visit_ids's rule on one visit (its unit and team loaded):
    administrators every visit; anyone on its team; schedulers, department heads and liaisons
    the visits of the units in their scope."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if any(member.user_id == user.pk for member in visit.team.all()):
        return True
    prefix = scope_prefix(user)
    return (
        prefix is not None
        and has_role(user, Role.SCHEDULER, Role.HEAD, Role.LIAISON)
        and visit.unit.path.startswith(prefix)
    )


def require_inspections_page(user, perm: str) -> None:
    """403 unless ``user`` holds ``perm`` in general: the list of checklists or of plans, the
    checklist import, the plan creation form."""
    require(user, perm, None)


def _granted(user, obj, *, write: bool, write_perm: str, perm: str | None):
    if write:
        require(user, write_perm, obj)
    if perm is not None:
        require(user, perm, obj)
    return obj


def get_template_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> ChecklistTemplate:
    """Checklist version ``pk``; writing (a new version) is for administrators; ``perm`` asks
    another permission on it (publishing)."""
    template = templates_visible_to(user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return _granted(user, template, write=write, write_perm="inspections.copy_checklisttemplate", perm=perm)


def get_plan_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> InspectionPlan:
    """Plan ``pk`` with its issuing unit, checklist and approver (the plan page names them);
    ``write`` means editing it or its visits, ``perm`` another action on it (approving, closing)."""
    plan = (
        InspectionPlan.objects.select_related("issuing_unit", "template", "approved_by").filter(pk=pk).first()
    )
    if plan is None or not _sees_plan(user, plan):
        raise Http404
    return _granted(user, plan, write=write, write_perm="inspections.change_inspectionplan", perm=perm)


def get_amendment_for_user(user, pk, number, *, perm: str | None = None) -> PlanAmendment:
    """Amendment ``number`` of plan ``pk``: 404 to whoever may not see the plan, 403 unless
    ``user`` holds ``perm`` on it (deciding on it)."""
    plan = get_plan_for_user(user, pk)
    amendment = PlanAmendment.objects.filter(plan=plan, number=number).first()
    if amendment is None:
        raise Http404
    amendment.plan = plan
    if perm is not None:
        require(user, perm, amendment)
    return amendment


def get_visit_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> Visit:
    """Visit ``pk`` with its plan, unit, checklist version and team loaded.

    ``write`` means changing its date, place or team (schedulers, while it is a draft or
    scheduled and the plan is open); ``perm`` asks the permission of another action on it
    (cancelling, starting).
    """
    visit = (
        Visit.objects.select_related("plan__issuing_unit", "unit", "template")
        .prefetch_related(team_prefetch())
        .filter(pk=pk)
        .first()
    )
    if visit is None or not _sees_visit(user, visit):
        raise Http404
    return _granted(user, visit, write=write, write_perm="inspections.change_visit", perm=perm)


# The checklist of a visit (answers, evidence, self-assessment)


def get_checklist_visit_for_user(user, pk, *, write: bool = False, perm: str | None = None) -> Visit:
    """Visit ``pk`` for its checklist: 404 when ``user`` may not see the visit, 403 when they may
    not read its answers or, with ``write``, change them (its team, while it is in progress);
    ``perm`` asks the permission of another action on it (submitting, reopening).

    The visit comes with its unit, checklist version and team. Its team, who use the checklist
    on site, are found in two queries; others go through get_visit_for_user."""
    on_team = (
        Visit.objects.select_related("unit", "template")
        .prefetch_related(team_prefetch())
        .filter(pk=pk, team__user=user.pk)
        .order_by()[:1]
    )
    visit = next(iter(on_team), None) or get_visit_for_user(user, pk)
    require(user, "inspections.change_answers" if write else "inspections.view_answers", visit)
    if perm is not None:
        require(user, perm, visit)
    return visit


def get_self_assessment_visit_for_user(user, pk, *, write: bool = False) -> Visit:
    """Visit ``pk`` for the unit's self-assessment: 404 when ``user`` may not see the visit, 403
    unless they are a liaison of the inspected unit and, with ``write``, the visit is scheduled or
    in progress."""
    visit = get_visit_for_user(user, pk)
    perm = "inspections.self_assess_visit" if write else "inspections.view_self_assessment"
    require(user, perm, visit)
    return visit


def get_answering_visit_for_user(user, pk) -> Visit:
    """Visit ``pk`` for saving an answer: the verdict of get_checklist_visit_for_user with
    ``write`` (404 to who may not see it, 403 unless on its team while it is in progress).

    The autosave, which runs at every change made on site, finds a visit it may answer with the
    statement that also locks it (checklist.answers.answering_lock: the same rule, a member of
    the team and the visit in progress, in SQL) and asks here only when that found nothing."""
    return get_checklist_visit_for_user(user, pk, write=True)
