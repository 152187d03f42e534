"""The columns of each list's CSV / XLSX download (headers translated: Vietnamese by default)."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from findings.models import ACTION_OPEN_STATES, ActionState, FindingKind, ReviewState
from inspections.models import PlanStatus, VisitStatus
from reports.exports import Column
from units.models import UnitKind

UNITS = [
    Column(_("Name"), "name"),
    Column(_("Short name"), "short_name"),
    Column(_("Kind"), "kind", choices=UnitKind.choices),
    Column(_("Parent unit"), "parent__name"),
    Column(_("Code"), "code"),
    Column(_("Address"), "address"),
    Column(_("E-mail"), "email"),
    Column(_("Phone"), "phone"),
    Column(_("Valid from"), "valid_from"),
    Column(_("Valid to"), "valid_to"),
]

VISITS = [
    Column(_("Inspected unit"), "unit__name"),
    Column(_("Plan"), "plan__title"),
    Column(_("Year"), "plan__year"),
    Column(_("Starts at"), "starts_at"),
    Column(_("Ends at"), "ends_at"),
    Column(_("Place"), "place"),
    Column(_("Status"), "status", choices=VisitStatus.choices),
]

PLANS = [
    Column(_("Year"), "year"),
    Column(_("Title"), "title"),
    Column(_("Decision number"), "decision_number"),
    Column(_("Decision date"), "decision_date"),
    Column(_("Issuing unit"), "issuing_unit__name"),
    Column(_("Period start"), "period_start"),
    Column(_("Period end"), "period_end"),
    Column(_("Status"), "status", choices=PlanStatus.choices),
]

FINDINGS = [
    Column(_("Inspected unit"), "visit__unit__name"),
    Column(_("Visit date"), "visit__starts_at"),
    Column(_("Plan"), "visit__plan__title"),
    Column(_("Criterion"), "criterion__code"),
    Column(_("Kind"), "kind", choices=FindingKind.choices),
    Column(_("Finding"), "text"),
    Column(_("Recommendation"), "recommendation"),
    Column(_("Review state"), "review_state", choices=ReviewState.choices),
]

ACTIONS = [
    Column(_("Responsible unit"), "unit__name"),
    Column(_("Finding"), "finding__text"),
    Column(_("Recommendation"), "finding__recommendation"),
    Column(_("Criterion"), "finding__criterion__code"),
    Column(_("Visit date"), "finding__visit__starts_at"),
    Column(_("Plan"), "finding__visit__plan__title"),
    Column(_("Due date"), "due_date"),
    Column(_("State"), "state", choices=ActionState.choices),
    Column(_("Overdue"), "is_late"),
]

RANKING = [
    Column(_("Unit"), "visit__unit__name"),
    Column(_("Finished visits"), "visits"),
    Column(_("Points"), "total"),
    Column(_("Maximum points"), "maximum"),
    Column(_("Score (%)"), "percent", transform=lambda v: None if v is None else round(v, 1)),
]


def with_lateness(actions: QuerySet) -> QuerySet:
    """``is_late``: past due while the unit still owes work (the overdue rule, as a column)."""
    today = timezone.localdate()
    late = Q(due_date__lt=today, state__in=ACTION_OPEN_STATES)
    return actions.annotate(
        is_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField())
    )
