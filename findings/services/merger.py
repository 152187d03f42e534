"""Units across the 2025 merger: the predecessors close on the merger date, the successor records
them, and the remediation they still owe moves to the successor (whose liaison then reports on it),
with a line in each action's record saying so. Visits in progress are reported, not moved: a visit
belongs to the unit that was inspected."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from inspections.models import Visit, VisitStatus
from units.models import Unit

from ..models import ACTION_OPEN_STATES, ActionState, RemediationAction, UpdateKind
from .remediation import _record

# States in which a unit still owes something on an action (open, or reported and awaiting checks).
HANDED_OVER_STATES = [*ACTION_OPEN_STATES, ActionState.REPORTED_DONE]
# A visit not finished yet: the merger warns about it.
UNFINISHED_VISITS = [
    VisitStatus.DRAFT,
    VisitStatus.SCHEDULED,
    VisitStatus.IN_PROGRESS,
    VisitStatus.SUBMITTED,
    VisitStatus.REVIEWED,
]


@dataclass
class MergerCheck:
    """What closing the predecessors leaves behind: visits not finished and actions still owed."""

    visits: list[Visit] = field(default_factory=list)
    actions: list[RemediationAction] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.visits or self.actions)


def unit_merger_check(*, predecessors: list[Unit]) -> MergerCheck:
    """The warning before a merger: the predecessors' unfinished visits and the actions they owe."""
    ids = [u.pk for u in predecessors]
    return MergerCheck(
        visits=list(
            Visit.objects.filter(unit_id__in=ids, status__in=UNFINISHED_VISITS).select_related("unit", "plan")
        ),
        actions=list(
            RemediationAction.objects.filter(unit_id__in=ids, state__in=HANDED_OVER_STATES).select_related(
                "unit", "finding"
            )
        ),
    )


@transaction.atomic
def unit_merge(
    *, predecessors: list[Unit], successor: Unit, on: date, actor, hand_over: bool = True
) -> MergerCheck:
    """Merge ``predecessors`` into ``successor`` on ``on``: each predecessor is valid until ``on``
    (it then leaves the pickers for new plans and visits), the successor lists them as its
    predecessors (its page and search include their inspections) and is valid from ``on``. With
    ``hand_over``, every action they still owe moves to the successor with a line in its record.
    Returns what was found (the unfinished visits stay with their unit). Raises ValidationError."""
    if not predecessors:
        raise ValidationError(_("Choose the units that are merged."))
    if successor in predecessors:
        raise ValidationError(_("A unit cannot be its own successor."))
    check = unit_merger_check(predecessors=predecessors)
    with acting_as(actor):
        for unit in predecessors:
            if unit.valid_to is None or unit.valid_to > on:
                unit.valid_to = on
                unit.save(update_fields=["valid_to"])
        successor.predecessors.add(*predecessors)
        if successor.valid_from is None:
            successor.valid_from = on
            successor.save(update_fields=["valid_from"])
        if hand_over:
            for action in check.actions:
                old = action.unit
                action.unit = successor
                action.version += 1
                action.save(update_fields=["unit", "version", "updated_at"])
                _record(
                    action,
                    actor,
                    UpdateKind.PROGRESS,
                    text=f"Chuyển cho {successor.name} thực hiện do {old.name} sáp nhập ngày {on:%d/%m/%Y}.",
                )
    return check
