"""Checklist templates (versioned, frozen once published), inspection plans, visits and teams."""

from .answers import SCORED_RESULTS, Answer, AnswerEvidence, AnswerResult, VisitDomainScore
from .approvals import AmendmentStatus, PlanAmendment, PlanEvent, PlanEventKind
from .checklists import (
    AnswerKind,
    ChecklistTemplate,
    Criterion,
    Domain,
    FigureRuleError,
    TemplateStatus,
    parse_figure_rule,
)
from .holidays import PublicHoliday
from .planning import (
    MOVABLE_STATUSES,
    PLAN_DECIDED_STATUSES,
    PLAN_EDITABLE_STATUSES,
    TEAM_WORDS,
    VISIT_TRANSITIONS,
    InspectionPlan,
    PlanStatus,
    TeamKind,
    TeamMember,
    TeamRole,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)

__all__ = [
    "PLAN_DECIDED_STATUSES",
    "PLAN_EDITABLE_STATUSES",
    "AmendmentStatus",
    "PlanAmendment",
    "PlanEvent",
    "PlanEventKind",
    "PublicHoliday",
    "SCORED_RESULTS",
    "TEAM_WORDS",
    "TeamKind",
    "Answer",
    "AnswerEvidence",
    "AnswerResult",
    "VisitDomainScore",
    "MOVABLE_STATUSES",
    "VISIT_TRANSITIONS",
    "AnswerKind",
    "ChecklistTemplate",
    "Criterion",
    "Domain",
    "FigureRuleError",
    "InspectionPlan",
    "PlanStatus",
    "TeamMember",
    "TeamRole",
    "TemplateStatus",
    "Visit",
    "VisitEvent",
    "VisitEventKind",
    "VisitStatus",
    "parse_figure_rule",
]
