"""Object rules for checklists, plans and visits (loaded by rules' autodiscovery).

- Checklist templates: every staff member and liaison reads published versions; administrators
  also read drafts, import, publish and start new versions.
- Plans: the inspecting department's staff read the plans issued in their province; schedulers
  (and administrators) create them and manage their visits until the plan is closed; department
  heads approve or return the plans submitted to them, and their amendments. Liaisons never
  see plans.
- Visits: schedulers and heads see the visits of units in their province, an inspector the visits
  whose team they are on, a liaison the visits of their own unit (read-only). Schedulers change
  a visit's date, place and team while it is a draft or scheduled.
"""

import rules

from units.roles import Role, is_admin, is_staff_member
from units.rules import scope_prefix

from .models import MOVABLE_STATUSES, VISIT_TRANSITIONS, PlanStatus, TemplateStatus, VisitStatus


def _in_scope(user, unit) -> bool:
    prefix = scope_prefix(user)
    return prefix is not None and unit is not None and unit.path.startswith(prefix)


@rules.predicate
def is_administrator(user) -> bool:
    return is_admin(user)


@rules.predicate
def is_scheduler(user) -> bool:
    return user.is_authenticated and Role.SCHEDULER in user.role_names


@rules.predicate
def is_head(user) -> bool:
    return user.is_authenticated and Role.HEAD in user.role_names


@rules.predicate
def is_liaison(user) -> bool:
    return user.is_authenticated and Role.LIAISON in user.role_names


@rules.predicate
def is_staff(user) -> bool:
    return is_staff_member(user)


# Checklist templates


@rules.predicate
def template_is_published(user, template) -> bool:
    return template is None or template.status == TemplateStatus.PUBLISHED


@rules.predicate
def template_is_draft(user, template) -> bool:
    return template is not None and template.status == TemplateStatus.DRAFT


rules.add_perm(
    "inspections.view_checklisttemplate",
    is_administrator | ((is_staff | is_liaison) & template_is_published),
)
rules.add_perm("inspections.import_checklist", is_administrator)
rules.add_perm("inspections.publish_checklisttemplate", is_administrator & template_is_draft)
rules.add_perm("inspections.copy_checklisttemplate", is_administrator)

# Plans


@rules.predicate
def plan_in_scope(user, plan) -> bool:
    return plan is None or _in_scope(user, plan.issuing_unit)


@rules.predicate
def plan_is_decided(user, plan) -> bool:
    return plan is not None and plan.is_decided


@rules.predicate
def plan_is_open(user, plan) -> bool:
    return plan is None or plan.status != PlanStatus.CLOSED


@rules.predicate
def plan_is_submitted(user, plan) -> bool:
    return plan is not None and plan.status == PlanStatus.SUBMITTED


@rules.predicate
def plan_is_editable(user, plan) -> bool:
    return plan is not None and plan.is_editable


@rules.predicate
def plan_is_changeable(user, plan) -> bool:
    # While the head decides, the plan waits; closed plans never change.
    return plan is None or plan.status not in {PlanStatus.CLOSED, PlanStatus.SUBMITTED}


@rules.predicate
def amendment_in_scope(user, amendment) -> bool:
    return amendment is not None and _in_scope(user, amendment.plan.issuing_unit)


@rules.predicate
def amendment_is_submitted(user, amendment) -> bool:
    return amendment is not None and amendment.status == "submitted"


can_manage = is_scheduler | is_administrator

rules.add_perm("inspections.view_inspectionplan", is_staff & plan_in_scope)
rules.add_perm("inspections.add_inspectionplan", can_manage)
rules.add_perm("inspections.change_inspectionplan", can_manage & plan_in_scope & plan_is_changeable)
rules.add_perm("inspections.submit_inspectionplan", can_manage & plan_in_scope & plan_is_editable)
# The head decides (approve or return) on a submitted plan and on a submitted amendment.
rules.add_perm(
    "inspections.approve_inspectionplan", (is_head | is_administrator) & plan_in_scope & plan_is_submitted
)
rules.add_perm(
    "inspections.approve_planamendment",
    (is_head | is_administrator) & amendment_in_scope & amendment_is_submitted,
)
rules.add_perm(
    "inspections.close_inspectionplan",
    (is_head | is_scheduler | is_administrator) & plan_in_scope & plan_is_decided & plan_is_open,
)

# Visits


@rules.predicate
def visit_in_scope(user, visit) -> bool:
    return visit is not None and _in_scope(user, visit.unit)


@rules.predicate
def on_team(user, visit) -> bool:
    return visit is not None and visit.is_team_member(user)


@rules.predicate
def leads_team(user, visit) -> bool:
    return visit is not None and visit.team_role_of(user) == "leader"


@rules.predicate
def visit_is_movable(user, visit) -> bool:
    return visit is not None and visit.status in MOVABLE_STATUSES and visit.plan.is_schedulable


@rules.predicate
def visit_is_cancellable(user, visit) -> bool:
    return (
        visit is not None
        and VisitStatus.CANCELLED in VISIT_TRANSITIONS[visit.status]
        and visit.plan.is_schedulable
    )


@rules.predicate
def visit_can_start(user, visit) -> bool:
    return (
        visit is not None
        and visit.status == VisitStatus.SCHEDULED
        and visit.plan.status in {PlanStatus.APPROVED, PlanStatus.IN_PROGRESS}
    )


rules.add_perm(
    "inspections.view_visit",
    is_administrator | ((is_scheduler | is_head | is_liaison) & visit_in_scope) | on_team,
)
rules.add_perm("inspections.change_visit", can_manage & visit_in_scope & visit_is_movable)
rules.add_perm("inspections.cancel_visit", can_manage & visit_in_scope & visit_is_cancellable)
rules.add_perm("inspections.start_visit", ((can_manage & visit_in_scope) | leads_team) & visit_can_start)

# The Django admin (checklist drafts; plans and visits read-only) is for administrators.
for model in ("checklisttemplate", "domain", "criterion", "publicholiday"):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"inspections.{action}_{model}", is_administrator)
for model in (
    "domain",
    "criterion",
    "teammember",
    "visitevent",
    "publicholiday",
    "planamendment",
    "planevent",
):
    rules.add_perm(f"inspections.view_{model}", is_administrator)

# Answers (the checklist filled on site), their evidence, the unit's self-assessment, submission.
# The team fills the checklist while the visit is in progress; schedulers and heads of the
# province read it; the unit's liaison only fills their self-assessment (scheduled or in
# progress); the team leader submits it for review and may take a submitted visit back.


@rules.predicate
def visit_in_progress(user, visit) -> bool:
    return visit is not None and visit.status == VisitStatus.IN_PROGRESS


@rules.predicate
def visit_is_submitted(user, visit) -> bool:
    return visit is not None and visit.status == VisitStatus.SUBMITTED


@rules.predicate
def visit_open_to_self_assessment(user, visit) -> bool:
    return visit is not None and visit.status in {VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS}


# on_team first: the team, who open the checklist all day long, need no role lookup.
rules.add_perm(
    "inspections.view_answers", on_team | is_administrator | ((is_scheduler | is_head) & visit_in_scope)
)
rules.add_perm("inspections.change_answers", on_team & visit_in_progress)
rules.add_perm("inspections.view_self_assessment", is_liaison & visit_in_scope)
rules.add_perm("inspections.self_assess_visit", is_liaison & visit_in_scope & visit_open_to_self_assessment)
rules.add_perm("inspections.submit_visit", leads_team & visit_in_progress)
rules.add_perm("inspections.reopen_visit", leads_team & visit_is_submitted)
