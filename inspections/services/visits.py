"""Writes to visits: create (one or in bulk), edit, reschedule, cancel, move through the workflow.

Every write checks the conflicts of selectors.visit_conflicts inside its transaction (after
locking the plan and the people involved) and raises ValidationError keyed by form field, so
nothing is saved half-way. Visits carry a ``version``: writes are UPDATE ... WHERE version = n
and a stale form gets a clear message instead of overwriting someone else's change.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.versioning import check_version, update_versioned
from units.models import Unit

from ..models import (
    MOVABLE_STATUSES,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)
from ..selectors import holidays_between, team_busy_days, visit_conflicts
from .notifications import visit_notice_queue
from .plans import plan_mark_in_progress

User = get_user_model()
Team = list[tuple[object, str]]

NOTIFIED_STATUSES = {VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS}


def _lock_people(team: Team) -> None:
    # Two schedulers booking the same inspector at once wait for each other here (PostgreSQL);
    # SQLite already serialises writers.
    list(User.objects.select_for_update().filter(pk__in=[u.pk for u, _role in team]).order_by("pk"))


def _check(**kwargs) -> None:
    errors = visit_conflicts(**kwargs)
    if errors:
        raise ValidationError(errors)


def _lock_visit(visit: Visit, version: int | None) -> Visit:
    locked = Visit.objects.select_for_update().select_related("plan", "unit").get(pk=visit.pk)
    check_version(locked, version)
    return locked


def _save(visit: Visit, **fields) -> None:
    """Write ``fields`` and bump the version, only if nobody wrote in between.

    One UPDATE without signals: the visit's history is its VisitEvents, not the audit log.
    """
    update_versioned(visit, audit=False, **fields)


def _set_team(visit: Visit, team: Team) -> dict | None:
    """Replace the team; return what changed ({"added": [...], "removed": [...], "roles": [...]})."""
    before = {m.user_id: m.role for m in TeamMember.objects.filter(visit=visit)}
    after = {u.pk: role for u, role in team}
    if before == after:
        return None
    TeamMember.objects.filter(visit=visit).delete()
    TeamMember.objects.bulk_create(TeamMember(visit=visit, user=user, role=role) for user, role in team)
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "roles": {str(pk): role for pk, role in after.items()},
        "roles_before": {str(pk): role for pk, role in before.items()},
    }


def _as_text(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Unit):
        return value.name
    return str(value or "")


def _event(visit: Visit, kind: str, actor, *, reason: str = "", data: dict | None = None) -> VisitEvent:
    return VisitEvent.objects.create(visit=visit, kind=kind, actor=actor, reason=reason, data=data or {})


def _times(visit: Visit) -> dict:
    return {"starts_at": visit.starts_at.isoformat(), "ends_at": visit.ends_at.isoformat()}


@transaction.atomic
def visit_create(
    *,
    plan: InspectionPlan,
    unit: Unit,
    starts_at: datetime,
    ends_at: datetime,
    team: Team,
    created_by,
    place: str = "",
    notes: str = "",
    notify: bool = True,
) -> Visit:
    """Create a visit of ``unit`` in ``plan`` with its team.

    The visit keeps the plan's current checklist version. It is scheduled (and the unit and team
    are e-mailed after the commit) when the plan is approved, a draft while the plan is a draft.
    Raises ValidationError keyed by field for every conflict (see selectors.visit_conflicts).
    """
    plan = InspectionPlan.objects.select_for_update().select_related("template").get(pk=plan.pk)
    if not plan.is_schedulable:
        raise ValidationError(_("A closed plan takes no new visits."))
    if not plan.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": [_("%(unit)s is not one of the plan's units.") % {"unit": unit}]})
    _lock_people(team)
    _check(plan=plan, unit=unit, starts_at=starts_at, ends_at=ends_at, team=team)
    scheduled = plan.status in {PlanStatus.APPROVED, PlanStatus.IN_PROGRESS}
    visit = Visit.objects.create(
        plan=plan,
        unit=unit,
        template=plan.template,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        notes=notes,
        status=VisitStatus.SCHEDULED if scheduled else VisitStatus.DRAFT,
        created_by=created_by,
    )
    TeamMember.objects.bulk_create(TeamMember(visit=visit, user=user, role=role) for user, role in team)
    event = _event(visit, VisitEventKind.SCHEDULED if scheduled else VisitEventKind.CREATED, created_by)
    if scheduled and notify:
        visit_notice_queue(visit_id=visit.pk, event_id=event.pk)
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    version: int,
    actor,
    place: str,
    notes: str,
    team: Team,
    unit: Unit | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Visit:
    """Change a draft or scheduled visit's place, notes and team (and, while it is a draft, its
    unit and times; a scheduled visit moves through visit_reschedule, which asks for a reason)."""
    visit = _lock_visit(visit, version)
    if visit.status not in MOVABLE_STATUSES or not visit.plan.is_schedulable:
        raise ValidationError(_("This visit can no longer be changed."))
    is_draft = visit.status == VisitStatus.DRAFT
    new_unit = unit if (is_draft and unit is not None) else visit.unit
    new_start = starts_at if (is_draft and starts_at) else visit.starts_at
    new_end = ends_at if (is_draft and ends_at) else visit.ends_at
    if new_unit.pk != visit.unit_id and not visit.plan.units.filter(pk=new_unit.pk).exists():
        raise ValidationError({"unit": [_("%(unit)s is not one of the plan's units.") % {"unit": new_unit}]})
    _lock_people(team)
    _check(
        plan=visit.plan,
        unit=new_unit if new_unit.pk != visit.unit_id else None,
        starts_at=new_start,
        ends_at=new_end,
        team=team,
        exclude=visit,
    )
    fields = {"place": place, "notes": notes, "unit": new_unit, "starts_at": new_start, "ends_at": new_end}
    changed = [name for name, value in fields.items() if getattr(visit, name) != value]
    # Kept as text, so the history says what changed from what to what (see selectors.visit_history).
    changes = {name: [_as_text(getattr(visit, name)), _as_text(fields[name])] for name in changed}
    _save(visit, **fields)
    if changed:
        _event(visit, VisitEventKind.UPDATED, actor, data={"fields": changed, "changes": changes})
    if (diff := _set_team(visit, team)) is not None:
        _event(visit, VisitEventKind.TEAM_CHANGED, actor, data=diff)
    return visit


@transaction.atomic
def visit_reschedule(
    *,
    visit: Visit,
    version: int,
    actor,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    notify: bool = True,
) -> Visit:
    """Move a draft or scheduled visit; the reason stays in its history. The unit and the team of a
    scheduled visit are e-mailed the new time (with an updated .ics) after the commit."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the visit moves.")]})
    visit = _lock_visit(visit, version)
    if visit.status not in MOVABLE_STATUSES or not visit.plan.is_schedulable:
        raise ValidationError(_("This visit can no longer be moved."))
    team = [(m.user, m.role) for m in visit.team.select_related("user")]
    _lock_people(team)
    _check(plan=visit.plan, unit=None, starts_at=starts_at, ends_at=ends_at, team=team, exclude=visit)
    before = _times(visit)
    _save(visit, starts_at=starts_at, ends_at=ends_at)
    event = _event(
        visit,
        VisitEventKind.RESCHEDULED,
        actor,
        reason=reason.strip(),
        data={"before": before, "after": _times(visit)},
    )
    if notify and visit.status in NOTIFIED_STATUSES:
        visit_notice_queue(visit_id=visit.pk, event_id=event.pk)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, version: int, actor, reason: str, notify: bool = True) -> Visit:
    """Cancel a visit that has not been submitted; the reason stays in its history, the unit may be
    visited again in the same plan, and the unit and team of a scheduled visit are told."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the visit is cancelled.")]})
    visit = _lock_visit(visit, version)
    if not visit.can_become(VisitStatus.CANCELLED):
        raise ValidationError(_("This visit can no longer be cancelled."))
    was = visit.status
    _save(visit, status=VisitStatus.CANCELLED)
    event = _event(visit, VisitEventKind.CANCELLED, actor, reason=reason.strip(), data={"from": was})
    if notify and was in NOTIFIED_STATUSES:
        visit_notice_queue(visit_id=visit.pk, event_id=event.pk)
    return visit


@transaction.atomic
def visit_transition(
    *, visit: Visit, status: str, actor, version: int | None = None, reason: str = "", notify: bool = True
) -> Visit:
    """Move a visit along the workflow (draft -> scheduled -> in progress -> submitted -> reviewed
    -> concluded; a returned visit goes back to in progress). Starting the first visit of an
    approved plan puts the plan in progress. Cancelling goes through visit_cancel."""
    visit = _lock_visit(visit, version)
    if status == VisitStatus.CANCELLED or not visit.can_become(status):
        raise ValidationError(
            _("A visit that is %(from)s cannot become %(to)s.")
            % {"from": visit.get_status_display(), "to": VisitStatus(status).label}
        )
    if status in {VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS} and visit.plan.status not in {
        PlanStatus.APPROVED,
        PlanStatus.IN_PROGRESS,
    }:
        raise ValidationError(_("The plan must be approved first."))
    was = visit.status
    _save(visit, status=status)
    kind = VisitEventKind.SCHEDULED if status == VisitStatus.SCHEDULED else VisitEventKind.STATUS_CHANGED
    event = _event(visit, kind, actor, reason=reason, data={"from": was, "to": status})
    if status == VisitStatus.IN_PROGRESS:
        plan_mark_in_progress(plan=visit.plan)
    if status == VisitStatus.SCHEDULED and notify:
        visit_notice_queue(visit_id=visit.pk, event_id=event.pk)
    return visit


# Bulk scheduling


@dataclass
class Slot:
    """One proposed visit of a bulk schedule, with what would stop it (as visit_conflicts)."""

    unit: Unit
    starts_at: datetime
    ends_at: datetime
    problems: dict[str, list[str]] = field(default_factory=dict)
    # Which team visits (0: the default team, 1: the second team of a two-team schedule).
    team_number: int = 0

    @property
    def messages(self) -> list[str]:
        return [m for ms in self.problems.values() for m in ms]


def _slots(
    date_from: date,
    date_to: date,
    per_day: int,
    first_start: time,
    duration: timedelta,
    gap: timedelta,
    skipped: list[set[date]],
):
    """(start, end, team number) of each slot, day by day: ``per_day`` visits for every team that
    is free that day (``skipped[n]``: the days team n is not)."""
    tz = timezone.get_current_timezone()
    day = date_from
    while day <= date_to:
        for number, days_off in enumerate(skipped):
            if day in days_off:
                continue
            start = datetime.combine(day, first_start, tzinfo=tz)
            for _k in range(per_day):
                yield start, start + duration, number
                start += duration + gap
        day += timedelta(days=1)


@dataclass
class Proposal:
    """A bulk schedule: its slots, and the days it left out and why (weekend, holiday, team busy)."""

    slots: list[Slot]
    skipped: dict[date, str]


def visit_bulk_propose(
    *,
    plan: InspectionPlan,
    units: list[Unit],
    team: Team,
    date_from: date,
    date_to: date,
    per_day: int,
    first_start: time,
    duration: timedelta,
    gap: timedelta,
    skip_weekends: bool = True,
    skip_holidays: bool = True,
    skip_busy_days: bool = True,
) -> list[Slot]:
    """Spread ``units`` (in the given order) over the days of the range, ``per_day`` visits a day
    from ``first_start``, each ``duration`` long with ``gap`` between them, leaving out weekends,
    public holidays and the days someone of the team is already on a visit. Each slot lists what
    would still stop it (as visit_conflicts); nothing is written. Raises ValidationError when the
    range is too short. visit_bulk_proposal also says which days it left out."""
    return visit_bulk_proposal(
        plan=plan,
        units=units,
        team=team,
        date_from=date_from,
        date_to=date_to,
        per_day=per_day,
        first_start=first_start,
        duration=duration,
        gap=gap,
        skip_weekends=skip_weekends,
        skip_holidays=skip_holidays,
        skip_busy_days=skip_busy_days,
    ).slots


def visit_bulk_proposal(
    *,
    plan: InspectionPlan,
    units: list[Unit],
    team: Team,
    date_from: date,
    date_to: date,
    per_day: int,
    first_start: time,
    duration: timedelta,
    gap: timedelta,
    skip_weekends: bool = True,
    skip_holidays: bool = True,
    skip_busy_days: bool = True,
    other_teams: list[Team] = (),
) -> Proposal:
    """visit_bulk_propose, with the days it left out and why. With ``other_teams`` the teams work
    on the same days, each ``per_day`` visits, the units shared out in order; a day one team is
    busy, the others still go."""
    teams = [team, *other_teams]
    date_to = min(date_to, plan.period_end)
    common: dict[date, str] = {}
    if skip_holidays:
        for day in holidays_between(date_from, date_to):
            common[day] = _("public holiday")
    if skip_weekends:
        day = date_from
        while day <= date_to:
            if day.weekday() >= 5:
                common[day] = _("weekend")
            day += timedelta(days=1)
    busy_by_team: list[dict[date, str]] = []
    for members in teams:
        busy = (
            team_busy_days(users=[u for u, _role in members], start=date_from, end=date_to)
            if skip_busy_days
            else {}
        )
        busy_by_team.append(
            {
                day: _("team busy (%(who)s)") % {"who": "; ".join(who)}
                for day, who in busy.items()
                if day not in common
            }
        )
    skipped_sets = [set(common) | set(busy) for busy in busy_by_team]
    slots = []
    times = _slots(date_from, date_to, per_day, first_start, duration, gap, skipped_sets)
    for unit in units:
        try:
            starts_at, ends_at, number = next(times)
        except StopIteration:
            raise ValidationError(
                {
                    "date_to": [
                        _(
                            "The range holds %(slots)s visits, not enough for %(units)s units: widen it or add visits per day."
                        )
                        % {"slots": len(slots), "units": len(units)}
                    ]
                }
            ) from None
        problems = visit_conflicts(
            plan=plan, unit=unit, starts_at=starts_at, ends_at=ends_at, team=teams[number]
        )
        problems.pop("leader", None)
        slots.append(Slot(unit, starts_at, ends_at, problems, number))
    last = slots[-1].starts_at.date() if slots else date_from
    # A day left out for every team (a weekend, a holiday, or all teams busy) is listed with why.
    skipped = dict(common)
    for day in set().union(*busy_by_team) if busy_by_team else set():
        if all(day in s for s in skipped_sets):
            skipped[day] = "; ".join(b[day] for b in busy_by_team if day in b)
    return Proposal(slots, {day: why for day, why in sorted(skipped.items()) if day <= last})


def visit_bulk_check(
    *,
    plan: InspectionPlan,
    rows: list[tuple[Unit, datetime, datetime, int]],
    team: Team,
    other_teams: list[Team] = (),
) -> list[Slot]:
    """The slots of a proposal as the user edited it (unit, start, end, team number), each with
    what would stop it (nothing is written): conflicts with existing visits, and two rows of one
    team that overlap."""
    teams = [team, *other_teams]
    slots = []
    for unit, starts_at, ends_at, number in rows:
        number = number if 0 <= number < len(teams) else 0
        problems = visit_conflicts(
            plan=plan, unit=unit, starts_at=starts_at, ends_at=ends_at, team=teams[number]
        )
        problems.pop("leader", None)
        for other in slots:
            if other.team_number == number and other.starts_at < ends_at and starts_at < other.ends_at:
                problems.setdefault("starts_at", []).append(
                    _("overlaps the visit to %(unit)s in this schedule.") % {"unit": other.unit}
                )
        slots.append(Slot(unit, starts_at, ends_at, problems, number))
    return slots


@transaction.atomic
def visit_bulk_create(
    *,
    plan: InspectionPlan,
    slots: list[Slot],
    team: Team,
    created_by,
    place: str = "",
    notify: bool = True,
    other_teams: list[Team] = (),
) -> list[Visit]:
    """Create every slot's visit with its team (the default team, or one of ``other_teams`` by the
    slot's team number), or none: if any slot conflicts, raise ValidationError listing every
    problem (unit by unit) and write nothing."""
    teams = [team, *other_teams]
    visits, errors = [], []
    for slot in slots:
        try:
            visits.append(
                visit_create(
                    plan=plan,
                    unit=slot.unit,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    team=teams[slot.team_number] if slot.team_number < len(teams) else team,
                    created_by=created_by,
                    place=place or slot.unit.address or "",
                    notify=notify,
                )
            )
        except ValidationError as exc:
            errors.extend(f"{slot.unit}: {message}" for message in exc.messages)
    if errors:
        raise ValidationError(errors)
    return visits
