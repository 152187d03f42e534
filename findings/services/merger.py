"""Units across the 2025 merger: the predecessors close on the merger date, the successor records
them, and the remediation they still owe moves to the successor (whose liaison then reports on it),
with a line in each action's record saying so. Visits in progress are reported, not moved: a visit
belongs to the unit that was inspected.

``unit_reorganise`` is the one guided action (a merger, a split or a rename); ``unit_merge`` the
step it ends with; ``action_reassign`` hands an action of a closed unit that was not moved to the
unit now responsible; ``open_work`` is the probe units.closing asks before a unit is closed."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import acting_as
from inspections.models import Visit, VisitStatus
from units.closing import OpenWork
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


class ReorganisationKind(models.TextChoices):
    MERGER = "merger", gettext_lazy("Merger: several units become one")
    SPLIT = "split", gettext_lazy("Split: one unit becomes several")
    RENAME = "rename", gettext_lazy("Rename: the unit continues under a new name")


@dataclass
class MergerCheck:
    """What closing the predecessors leaves behind: visits not finished and actions still owed."""

    visits: list[Visit] = field(default_factory=list)
    actions: list[RemediationAction] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.visits or self.actions)

    @property
    def overdue_actions(self) -> list[RemediationAction]:
        today = timezone.localdate()
        return [a for a in self.actions if a.is_overdue_on(today)]


def unit_merger_check(*, predecessors: list[Unit]) -> MergerCheck:
    """The warning before a merger: the predecessors' unfinished visits and the actions they owe."""
    ids = [u.pk for u in predecessors]
    return MergerCheck(
        visits=list(
            Visit.objects.filter(unit_id__in=ids, status__in=UNFINISHED_VISITS)
            .select_related("unit", "plan")
            .order_by("starts_at", "pk")
        ),
        actions=list(
            RemediationAction.objects.filter(unit_id__in=ids, state__in=HANDED_OVER_STATES).select_related(
                "unit", "finding__visit__unit"
            )
        ),
    )


def open_work(units: list[Unit]) -> list[OpenWork]:
    """The probe registered with units.closing (findings.apps): the open visits and actions of
    ``units``, as the unit form and the admin list them before a unit is closed."""
    check = unit_merger_check(predecessors=units)
    today = timezone.localdate()
    rows = [
        OpenWork(
            "visit",
            v.unit.name,
            _("Visit %(visit)s (%(status)s)") % {"visit": v, "status": v.get_status_display()},
            v.get_absolute_url(),
        )
        for v in check.visits
    ]
    rows += [
        OpenWork(
            "action",
            a.unit.name,
            _("Action due %(due)s: %(text)s")
            % {"due": f"{a.due_date:%d/%m/%Y}", "text": a.finding.recommendation[:80]},
            a.get_absolute_url(),
            overdue=a.is_overdue_on(today),
        )
        for a in check.actions
    ]
    return rows


def merged_into(unit: Unit) -> Unit | None:
    """The unit that ``unit`` was merged into (its first successor), if any."""
    return unit.successors.order_by("pk").first()


def _refuse_applied(predecessors: list[Unit]) -> None:
    """Refuse a second application: a predecessor already closed into a successor."""
    for unit in predecessors:
        successor = merged_into(unit)
        if successor is not None and unit.valid_to is not None:
            raise ValidationError(
                _("%(unit)s was already merged into %(successor)s on %(date)s.")
                % {"unit": unit.name, "successor": successor.name, "date": f"{unit.valid_to:%d/%m/%Y}"},
                code="already_applied",
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
                _move(action, successor, actor, f"do {action.unit.name} sáp nhập ngày {on:%d/%m/%Y}")
    return check


def _move(action: RemediationAction, unit: Unit, actor, why: str) -> None:
    """Give ``action`` to ``unit``: its version moves on (an open form on it gets the conflict
    message) and its record says why, in the words the documents use."""
    action.unit = unit
    action.version += 1
    action.save(update_fields=["unit", "version", "updated_at"])
    _record(action, actor, UpdateKind.PROGRESS, text=f"Chuyển cho {unit.name} thực hiện {why}.")


@transaction.atomic
def unit_reorganise(
    *,
    kind: str,
    predecessors: list[Unit],
    on: date,
    actor,
    successor: Unit | None = None,
    new_name: str = "",
    other_successors: list[Unit] = (),
    hand_over: bool = True,
) -> tuple[Unit, MergerCheck]:
    """Apply a merger, a split or a rename on ``on``, all of it or nothing.

    The successor is ``successor`` (an existing unit) or a new unit named ``new_name`` (the first
    predecessor's kind, under its nearest ancestor still in force on ``on``, in force from ``on``). A split records the predecessor on
    ``other_successors`` too; the actions it owes go to ``successor``. The predecessors are locked
    first, so a double submit or a second application is refused (ValidationError with code
    "already_applied") rather than applied twice. Returns the successor and what was found."""
    ids = [u.pk for u in predecessors]
    locked = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("path"))
    if not locked:
        raise ValidationError(_("Choose the units that are merged."))
    if kind in {ReorganisationKind.SPLIT, ReorganisationKind.RENAME} and len(locked) != 1:
        raise ValidationError(_("A split or a rename starts from exactly one unit."))
    if kind == ReorganisationKind.RENAME and successor is not None:
        raise ValidationError(_("A rename creates the unit under its new name: give the new name."))
    _refuse_applied(locked)
    if successor is None:
        if not new_name.strip():
            raise ValidationError(_("Choose the successor unit or give the name of a new one."))
        first = locked[0]
        # Under the nearest unit above that is still in force then (the district is gone in 2025).
        parent = first.parent
        while parent is not None and not parent.in_force_on(on):
            parent = parent.parent
        successor = Unit(name=new_name.strip(), kind=first.kind, parent=parent, valid_from=on)
        successor.full_clean()
        with acting_as(actor):
            successor.save()
    elif not successor.in_force_on(on):
        raise ValidationError(
            _("%(unit)s is not in force on %(date)s.") % {"unit": successor.name, "date": f"{on:%d/%m/%Y}"}
        )
    check = unit_merge(predecessors=locked, successor=successor, on=on, actor=actor, hand_over=hand_over)
    if kind == ReorganisationKind.SPLIT:
        with acting_as(actor):
            for other in other_successors:
                if other.pk != successor.pk:
                    other.predecessors.add(*locked)
    return successor, check


@transaction.atomic
def action_reassign(*, action: RemediationAction, unit: Unit, actor, reason: str = "") -> RemediationAction:
    """Hand an action still owed by a closed unit to ``unit`` (its successor, usually), with a
    line in the action's record and the change in its audit log. Refused when the action is no
    longer owed, its unit is still in force, or ``unit`` is not."""
    action = RemediationAction.objects.select_for_update().select_related("unit").get(pk=action.pk)
    today = timezone.localdate()
    if action.state not in HANDED_OVER_STATES:
        raise ValidationError(_("This action is finished: it stays with the unit that did it."))
    if action.unit.in_force_on(today):
        raise ValidationError(
            _("%(unit)s is still in force: it keeps its actions.") % {"unit": action.unit.name}
        )
    if unit.pk == action.unit_id or not unit.in_force_on(today):
        raise ValidationError({"unit": [_("Choose a unit in force today.")]})
    why = f"(giao lại: {action.unit.name} đã giải thể ngày {action.unit.valid_to:%d/%m/%Y})"
    if reason.strip():
        why = f"{why}: {reason.strip()}"
    with acting_as(actor):
        _move(action, unit, actor, why)
    return action
