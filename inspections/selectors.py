"""Reads for the inspection pages: permission-filtered and fully loaded (constant query counts)."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from units.access import units_visible_to
from units.models import Unit, UnitKind
from units.roles import Role, has_role, is_admin, is_staff_member
from units.rules import scope_prefix

from .models import (
    AmendmentStatus,
    ChecklistTemplate,
    Criterion,
    Domain,
    InspectionPlan,
    PlanAmendment,
    PlanEvent,
    PlanStatus,
    PublicHoliday,
    TeamMember,
    TeamRole,
    TemplateStatus,
    Visit,
    VisitEvent,
    VisitStatus,
)
from .visit_reads import (
    VISIT_ROW_FIELDS,
    calendar_rows,
    named_leaders,
    person_name,
    with_leader_name,
)

User = get_user_model()

# Roles whose holders can be put on an inspection team.
TEAM_ROLES = [Role.INSPECTOR, Role.HEAD, Role.SCHEDULER]


def team_prefetch() -> Prefetch:
    """The team of each visit with its users, in one extra query for a whole page of visits."""
    return Prefetch("team", queryset=TeamMember.objects.select_related("user"))


# Visibility


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    """Plans ``user`` may read: those issued in their province (staff only), all for administrators."""
    if is_admin(user):
        return InspectionPlan.objects.all()
    prefix = scope_prefix(user)
    if prefix is None or not is_staff_member(user):
        return InspectionPlan.objects.none()
    # The issuers as an id subquery (the path's prefix index), not a join of every plan to its unit.
    return InspectionPlan.objects.filter(issuing_unit__in=units_under(prefix))


def units_under(prefix: str) -> QuerySet[Unit]:
    """The ids of the units whose path starts with ``prefix`` (a subtree), as a subquery: PostgreSQL
    reads them from the path's pattern index (units_unit_path_..._like) and joins nothing."""
    return Unit.objects.filter(path__startswith=prefix).values("pk")


def visible_visit_ids(user) -> QuerySet | None:
    """The ids of the visits ``user`` may read as one subquery, or None for every visit
    (administrators). See visits_visible_to for who sees what.

    A UNION of id subqueries, each served by an index: the team side by the (user, visit) unique
    index of TeamMember, the scope side by the unit path's pattern index and the visit's
    (unit, starts_at) index. An OR of the two across the unit join made PostgreSQL read every
    visit of the country and test both sides on each row.
    """
    if is_admin(user):
        return None
    if not user.is_authenticated:
        return Visit.objects.none().values("pk")
    on_team = TeamMember.objects.filter(user=user).values("visit_id")
    prefix = scope_prefix(user)
    if prefix is not None and has_role(user, Role.SCHEDULER, Role.HEAD, Role.LIAISON):
        # For a liaison the prefix is their own unit's subtree (see units.rules.scope_prefix).
        in_scope = Visit.objects.filter(unit__in=units_under(prefix)).values("pk")
        return on_team.union(in_scope)
    return on_team


def visible_rows(user, visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """``visits`` (already narrowed to a few hundred rows by an index: a month of the calendar)
    that ``user`` may read: visible_visit_ids's rule as a condition on each of those rows (on its
    team, or its unit's path in the user's scope), not a join to the UNION of every visible
    visit's id (a province's 1 500 on the bench's large set, built whole for a month's 300).
    inspections/tests/test_access.py keeps it equal to visits_visible_to for every role."""
    if is_admin(user):
        return visits
    if not user.is_authenticated:
        return visits.none()
    seen = Q(pk__in=TeamMember.objects.filter(user=user).values("visit_id"))
    prefix = scope_prefix(user)
    if prefix is not None and has_role(user, Role.SCHEDULER, Role.HEAD, Role.LIAISON):
        seen |= Q(unit__path__startswith=prefix)
    return visits.filter(seen)


def visits_visible_to(user) -> QuerySet[Visit]:
    """Visits ``user`` may read.

    Administrators: all. Schedulers and department heads: visits of units in their province.
    Inspectors: the visits whose team they are on. Liaisons: visits of their own unit and the
    units below it (read-only). Roles add up.
    """
    ids = visible_visit_ids(user)
    return Visit.objects.all() if ids is None else Visit.objects.filter(pk__in=ids)


def templates_visible_to(user) -> QuerySet[ChecklistTemplate]:
    """Published versions for everyone who works with checklists; drafts too for administrators."""
    if is_admin(user):
        return ChecklistTemplate.objects.all()
    if is_staff_member(user) or has_role(user, Role.LIAISON):
        return ChecklistTemplate.objects.published()
    return ChecklistTemplate.objects.none()


# Checklist templates


def template_list(*, user) -> QuerySet[ChecklistTemplate]:
    """Visible template versions with their size (domains and criteria), one query."""
    return (
        templates_visible_to(user)
        .select_related("based_on")
        .annotate(
            domain_count=Count("domains", distinct=True),
            criterion_count=Count("domains__criteria", distinct=True),
            visit_count=Count("visits", distinct=True),
        )
        .order_by("code", "-number")
    )


def template_domains(*, template: ChecklistTemplate, unit_kind: str = "") -> list[Domain]:
    """The template's domains with their criteria in order (two queries).

    With ``unit_kind``, each domain's ``shown`` criteria are only those applying to that kind.
    """
    domains = list(
        template.domains.order_by("order", "id").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id"))
        )
    )
    for domain in domains:
        criteria = list(domain.criteria.all())
        domain.shown = [c for c in criteria if not unit_kind or c.applies_to_kind(unit_kind)]
    return domains


def published_templates() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(status=TemplateStatus.PUBLISHED).order_by("code", "-number")


# Plans


def _count(queryset, by: str) -> Coalesce:
    """COUNT(*) of ``queryset`` (filtered on OuterRef("pk") through ``by``) as a subquery, 0 if none."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plans_waiting_for_approval(user) -> QuerySet[InspectionPlan]:
    """Visible plans waiting for a head's decision: submitted, or with a submitted amendment."""
    pending = PlanAmendment.objects.filter(status=AmendmentStatus.SUBMITTED).values("plan_id")
    return plans_visible_to(user).filter(Q(status=PlanStatus.SUBMITTED) | Q(pk__in=pending))


def plan_list(*, user, waiting: bool = False) -> QuerySet[InspectionPlan]:
    """Visible plans with their issuing unit, checklist and progress counts, one query; with
    ``waiting``, only those waiting for a head's decision (plans_waiting_for_approval).

    The counts are subqueries: joining units and visits in one GROUP BY would multiply their rows.
    """
    visits = Visit.objects.filter(plan=OuterRef("pk"))
    plans = plans_waiting_for_approval(user) if waiting else plans_visible_to(user)
    return (
        plans.select_related("issuing_unit", "template")
        .annotate(
            unit_count=_count(
                InspectionPlan.units.through.objects.filter(inspectionplan=OuterRef("pk")), "inspectionplan"
            ),
            visit_count=_count(visits.exclude(status=VisitStatus.CANCELLED), "plan"),
            concluded_count=_count(visits.filter(status=VisitStatus.CONCLUDED), "plan"),
        )
        .order_by("-year", "-period_start", "-id")
    )


@dataclass
class PlanProgress:
    unit_count: int
    visit_count: int
    by_status: dict[str, int] = field(default_factory=dict)
    # Every visit of the plan, the cancelled too (the plan page's visit list), and the plan's
    # units without an active visit (its "not scheduled yet" list): their pages' totals.
    listed_visits: int = 0
    units_without_visit: int = 0
    # Whether the plan has amendments and history lines: the page reads them only then.
    has_amendments: bool = True
    has_events: bool = True

    @property
    def concluded(self) -> int:
        return self.by_status.get(VisitStatus.CONCLUDED, 0)

    @property
    def percent_done(self) -> int:
        return round(100 * self.concluded / self.visit_count) if self.visit_count else 0

    @property
    def unscheduled(self) -> int:
        return max(self.unit_count - self.visit_count, 0)


def _months(start: date, end: date) -> list[date]:
    """The first day of each month from ``start``'s to ``end``'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def plan_progress(*, plan: InspectionPlan) -> PlanProgress:
    """The plan's progress from aggregates, in one query whatever the number of visits: its
    visits by status (the cancelled counted apart), and beside them its units (those listed,
    and any unit visited outside the list) and its listed units without an active visit
    (plan_units_without_visit's rows, counted here rather than by the page of them).

    Written as SQL: built through the ORM, the three nested aggregates cost 2 ms of the plan
    page's time to compose and compile, ten times their execution. One row comes back even for
    a plan without visits (its status NULL): the counts hang off a one-row table. It also says
    whether the plan has amendments and history lines (plan_detail reads them only then)."""
    qn = connection.ops.quote_name
    visit, unit = qn(Visit._meta.db_table), qn(Unit._meta.db_table)
    listed = qn(InspectionPlan.units.through._meta.db_table)
    amendment, event = qn(PlanAmendment._meta.db_table), qn(PlanEvent._meta.db_table)
    # Only quoted table names go into the text; the plan's id and the status are parameters.
    sql = (
        f"SELECT v.status, COUNT(v.id), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {unit} u WHERE u.id IN "
        f"(SELECT l.unit_id FROM {listed} l WHERE l.inspectionplan_id = %(plan)s) OR u.id IN "
        f"(SELECT a.unit_id FROM {visit} a WHERE a.plan_id = %(plan)s AND a.status <> %(cancelled)s)), "
        f"(SELECT COUNT(*) FROM {listed} l WHERE l.inspectionplan_id = %(plan)s AND NOT EXISTS "
        f"(SELECT 1 FROM {visit} a WHERE a.plan_id = %(plan)s AND a.unit_id = l.unit_id "
        f"AND a.status <> %(cancelled)s)), "
        f"EXISTS (SELECT 1 FROM {amendment} m WHERE m.plan_id = %(plan)s), "
        f"EXISTS (SELECT 1 FROM {event} e WHERE e.plan_id = %(plan)s) "
        f"FROM (SELECT 1 AS one) o LEFT JOIN {visit} v ON v.plan_id = %(plan)s GROUP BY v.status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"plan": plan.pk, "cancelled": VisitStatus.CANCELLED.value})
        rows = cursor.fetchall()
    by_status = {status: n for status, n, *_rest in rows if status is not None}
    cancelled = by_status.pop(VisitStatus.CANCELLED, 0)
    visit_count = sum(by_status.values())
    return PlanProgress(
        unit_count=rows[0][2],
        visit_count=visit_count,
        by_status=by_status,
        listed_visits=visit_count + cancelled,
        units_without_visit=rows[0][3],
        has_amendments=bool(rows[0][4]),
        has_events=bool(rows[0][5]),
    )


def plan_visits(*, plan: InspectionPlan, user=None) -> QuerySet[Visit]:
    """The plan's visits by date with their unit and their leader's name (with_leader_name), to
    paginate (then mark_viewable the page); with ``user``, each row says whether they are on
    its team (``on_team``, a probe of the team's (user, visit) index for the page's rows only),
    which mark_viewable reads instead of asking the team table again."""
    fields = [f for f in VISIT_ROW_FIELDS if not f.startswith("plan__")]
    visits = plan.visits.select_related("unit").only(*fields, "unit__path").order_by("starts_at", "id")
    if user is not None and user.is_authenticated and not is_admin(user):
        visits = visits.annotate(on_team=Exists(TeamMember.objects.filter(user=user, visit=OuterRef("pk"))))
    return with_leader_name(visits)


def mark_viewable(page, user) -> None:
    """Set ``viewable`` on each visit of a page of plan_visits (inspectors see the whole schedule
    of a plan but open only the visits they are on) and ``leader_name`` (named_leaders).

    visible_visit_ids's rule applied to the page's rows: administrators every visit; schedulers,
    department heads and liaisons those of the units in their scope (the row's unit path); and
    anyone the visits whose team they are on, asked in one query only for the rows still closed
    (an inspector's page; none for a scheduler on a plan of their province)."""
    rows = named_leaders(page.object_list)
    if is_admin(user):
        visible = {visit.pk for visit in rows}
    else:
        prefix = scope_prefix(user)
        scoped = prefix is not None and has_role(user, Role.SCHEDULER, Role.HEAD, Role.LIAISON)
        visible = {visit.pk for visit in rows if scoped and visit.unit.path.startswith(prefix)}
        rest = [visit.pk for visit in rows if visit.pk not in visible]
        if rows and hasattr(rows[0], "on_team"):  # plan_visits(user=...) asked already
            visible.update(visit.pk for visit in rows if visit.on_team)
        elif rest and user.is_authenticated:
            seats = TeamMember.objects.filter(user=user, visit_id__in=rest)
            visible.update(seats.values_list("visit_id", flat=True))
    for visit in rows:
        visit.viewable = visit.pk in visible
    page.object_list = rows


def plan_detail(*, plan: InspectionPlan, user) -> dict:
    """The plan page: its units without a visit (a queryset, for the view to paginate; its visits
    are plan_reads.plan_visit_page's), progress from aggregates, its amendments (the pending one
    apart) and its approval history, each read only when the progress says the plan has some.
    A constant number of queries whatever the number of visits."""
    progress = plan_progress(plan=plan)
    amendments = (
        list(plan.amendments.select_related("submitted_by", "decided_by").order_by("number"))
        if progress.has_amendments
        else []
    )
    return {
        "amendments": amendments,
        "plan_months": _months(plan.period_start, plan.period_end),
        "pending_amendment": next((a for a in amendments if a.status == AmendmentStatus.SUBMITTED), None),
        "plan_events": list(PlanEvent.objects.filter(plan=plan).select_related("actor", "amendment"))
        if progress.has_events
        else [],
        "progress": progress,
        "status_counts": [
            (s, progress.by_status.get(s.value, 0)) for s in VisitStatus if s != VisitStatus.CANCELLED
        ],
        "unscheduled_units": plan_units_without_visit(plan=plan),
    }


def plan_change_problems(
    *, plan: InspectionPlan | None, template, period_start: date, period_end: date, units
) -> dict[str, list[str]]:
    """What stops a plan (new, edited or amended) from taking these values, keyed by form field:
    an unpublished checklist, a reversed period, a unit removed while it has a visit, visits left
    outside the new period. Two queries for an existing plan."""
    errors: dict[str, list[str]] = {}
    if template is not None and not template.is_frozen:
        errors["template"] = [_("Only a published checklist version can be used by a plan.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period must end on or after its start.")]
    elif gone := sorted(
        u.name
        for u in units
        if not u.in_force_between(period_start, period_end) and u.pk not in _plan_unit_ids(plan)
    ):
        # A dissolved unit is never added to a plan after its end; a plan keeps the units it has.
        errors["units"] = [
            _("These units are not in force during the plan's period: %(names)s.")
            % {"names": ", ".join(gone)}
        ]
    if plan is not None and plan.pk:
        active = plan.visits.exclude(status=VisitStatus.CANCELLED).select_related("unit")
        unit_ids = {u.pk for u in units}
        kept = [v.unit.name for v in active if v.unit_id not in unit_ids]
        if kept:
            errors["units"] = [
                _("These units have a visit in this plan; cancel the visit before removing them: %(names)s.")
                % {"names": ", ".join(sorted(set(kept)))}
            ]
        outside = [
            v
            for v in active
            if timezone.localtime(v.starts_at).date() < period_start
            or timezone.localtime(v.ends_at).date() > period_end
        ]
        if outside and "period_end" not in errors:
            errors["period_start"] = [
                _("%(count)s visits would fall outside the new period (first: %(visit)s).")
                % {"count": len(outside), "visit": outside[0]}
            ]
    return errors


def _plan_unit_ids(plan: InspectionPlan | None) -> set[int]:
    return set(plan.units.values_list("pk", flat=True)) if plan is not None and plan.pk else set()


def plan_unit_choices(*, user, plan: InspectionPlan | None = None) -> QuerySet[Unit]:
    """Units a plan may inspect: the current units ``user`` sees, in tree order; for an existing
    plan also those in force during its period and those it already has (the 2020 plan keeps the
    communes merged in 2025, so editing it still works)."""
    visible = units_visible_to(user)
    if plan is None or not plan.pk:
        return visible.current().order_by("path")
    then = visible.in_force_during(plan.period_start, plan.period_end).values("pk")
    return visible.filter(
        Q(pk__in=visible.current().values("pk")) | Q(pk__in=then) | Q(pk__in=plan.units.values("pk"))
    ).order_by("path")


def issuing_unit_choices(*, user) -> QuerySet[Unit]:
    """Units that issue plans: the provinces, departments and districts (a city or a district
    inspecting its communes, while it exists) ``user`` sees, and any unit with an issuing body
    configured; a dissolved unit is never offered for a new plan."""
    issuers = Q(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT]) | Q(
        issuing_bodies__isnull=False
    )
    return plan_unit_choices(user=user).filter(issuers).distinct().order_by("path")


def plan_initial(*, user) -> dict:
    """Defaults of a new plan: this year, the user's department, the newest published checklist."""
    initial: dict = {"year": timezone.localdate().year}
    if user.unit_id:
        chain = Unit.objects.filter(pk__in=[*user.unit.ancestor_ids, user.unit_id], kind=UnitKind.DEPARTMENT)
        if department := chain.order_by("-depth").first():
            initial["issuing_unit"] = department
    if template := published_templates().order_by("-published_at").first():
        initial["template"] = template
    return initial


def plan_units_without_visit(*, plan: InspectionPlan) -> QuerySet[Unit]:
    """The plan's units that have no active visit yet, in tree order."""
    return plan.units.exclude(
        pk__in=plan.visits.exclude(status=VisitStatus.CANCELLED).values("unit_id")
    ).order_by("path")


def holidays_between(start: date, end: date) -> set[date]:
    """The public holidays from ``start`` to ``end`` (one query)."""
    return set(PublicHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def team_busy_days(*, users, start: date, end: date) -> dict[date, list[str]]:
    """The days from ``start`` to ``end`` on which one of ``users`` is on an active visit, with
    who and where ("Đỗ Thị Trang: UBND xã Bình Tấn"), for bulk scheduling to skip. One query."""
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(start, time.min, tzinfo=tz)
    window_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    members = (
        TeamMember.objects.filter(
            user_id__in=[u.pk for u in users],
            visit__starts_at__lt=window_end,
            visit__ends_at__gt=window_start,
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .select_related("user", "visit__unit")
    )
    busy: dict[date, list[str]] = defaultdict(list)
    for member in members:
        day = timezone.localtime(member.visit.starts_at, tz).date()
        last = timezone.localtime(member.visit.ends_at - timedelta(seconds=1), tz).date()
        while day <= last:
            busy[day].append(f"{member.user}: {member.visit.unit}")
            day += timedelta(days=1)
    return dict(busy)


def team_candidates(*, plan: InspectionPlan) -> QuerySet:
    """Active users of the plan's province who can sit on a team (inspectors, heads, schedulers)."""
    province_prefix = "/" + plan.issuing_unit.path.strip("/").split("/")[0] + "/"
    return (
        User.objects.filter(
            is_active=True,
            unit__path__startswith=province_prefix,
            pk__in=User.objects.filter(groups__name__in=TEAM_ROLES).values("pk"),
        )
        .select_related("unit")
        .order_by("last_name", "first_name", "username")
    )


# Visits


def visit_list(*, user, narrowed: bool = False) -> QuerySet[Visit]:
    """Visible visits with unit, plan and team loaded (two queries per page), by start time.

    ``narrowed``: a filter will keep only a few units' visits (the list's unit search): the
    visibility rule is then tested on those rows (visible_rows) instead of building the UNION of
    every visible visit (a province's) to intersect with them."""
    return (
        (visible_rows(user, Visit.objects.all()) if narrowed else visits_visible_to(user))
        .select_related("unit", "plan")
        .prefetch_related(team_prefetch())
        .order_by("starts_at", "id")
    )


def visit_history(*, visit: Visit) -> list[VisitEvent]:
    """The visit's events in order, each with ``lines``: what changed from what to what, in the
    user's language ("Trạng thái: Đã lên lịch → Đang kiểm tra"). Two queries (events, people)."""
    events = list(visit.events.select_related("actor").order_by("created_at", "id"))
    people_ids = {
        int(pk)
        for e in events
        if e.kind == "team_changed"
        for pk in [*e.data.get("roles", {}), *e.data.get("roles_before", {}), *e.data.get("removed", [])]
    }
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=people_ids)} if people_ids else {}
    for event in events:
        event.lines = _event_lines(event, people)
    return events


# The visit fields an "updated" event may name, with their labels.
_VISIT_FIELD_LABELS = {
    "place": _lazy("Place"),
    "notes": _lazy("Notes for the unit"),
    "unit": _lazy("Inspected unit"),
    "starts_at": _lazy("Starts at"),
    "ends_at": _lazy("Ends at"),
}


def _status_label(value: str) -> str:
    return str(VisitStatus(value).label) if value in VisitStatus.values else value


def _when(value: str) -> str:
    parsed = parse_datetime(value) if value else None
    return timezone.localtime(parsed).strftime("%H:%M %d/%m/%Y") if parsed else (value or "—")


def _from_to(label, before, after) -> str:
    return _("%(what)s: %(before)s → %(after)s") % {
        "what": label,
        "before": before if before not in ("", None) else "—",
        "after": after if after not in ("", None) else "—",
    }


def _event_lines(event: VisitEvent, people: dict[int, str]) -> list[str]:
    data = event.data or {}
    status = _("Status")
    if event.kind == "status_changed" and "from" in data:
        return [_from_to(status, _status_label(data["from"]), _status_label(data.get("to", "")))]
    if event.kind == "scheduled":
        if data.get("reason") == "plan_approved":
            return [_("The plan was approved: the visit is scheduled.")]
        before = _status_label(data.get("from", VisitStatus.DRAFT))
        return [_from_to(status, before, _status_label(VisitStatus.SCHEDULED))]
    if event.kind == "cancelled":
        return [_from_to(status, _status_label(data.get("from", "")), _status_label(VisitStatus.CANCELLED))]
    if event.kind == "created":
        return [_("Created as a draft.")]
    if event.kind == "rescheduled" and data.get("before"):
        before, after = data["before"], data.get("after", {})
        return [
            _from_to(
                _("Time"),
                f"{_when(before.get('starts_at'))}–{_when(before.get('ends_at'))[:5]}",
                f"{_when(after.get('starts_at'))}–{_when(after.get('ends_at'))[:5]}",
            )
        ]
    if event.kind == "updated":
        changes = data.get("changes") or {}
        if not changes:
            names = ", ".join(str(_VISIT_FIELD_LABELS.get(f, f)).lower() for f in data.get("fields", []))
            return [_("Changed: %(fields)s.") % {"fields": names}] if names else []
        lines = []
        for name, (before, after) in changes.items():
            if name in ("starts_at", "ends_at"):
                before, after = _when(before), _when(after)
            lines.append(_from_to(_VISIT_FIELD_LABELS.get(name, name), before, after))
        return lines
    if event.kind == "team_changed":
        roles, before = data.get("roles", {}), data.get("roles_before", {})

        def who(pk, role) -> str:
            label = str(TeamRole(role).label) if role in TeamRole.values else role
            return f"{people.get(int(pk), '?')} ({label.lower()})"

        lines = []
        added = [who(pk, roles.get(str(pk), "")) for pk in data.get("added", [])]
        removed = [who(pk, before.get(str(pk), "")) for pk in data.get("removed", []) if before.get(str(pk))]
        removed += [people.get(int(pk), "?") for pk in data.get("removed", []) if not before.get(str(pk))]
        if added:
            lines.append(_("Joined the team: %(names)s") % {"names": ", ".join(added)})
        if removed:
            lines.append(_("Left the team: %(names)s") % {"names": ", ".join(removed)})
        for pk, role in roles.items():
            if pk in before and before[pk] != role:
                lines.append(
                    _from_to(people.get(int(pk), "?"), TeamRole(before[pk]).label, TeamRole(role).label)
                )
        return lines
    return []


@dataclass(slots=True)
class CalendarUnit:
    name: str
    short_name: str


@dataclass(slots=True, eq=False)
class CalendarVisit:
    """What the calendar draws of a visit (inspections.visit_table.calendar), read as a row of
    columns: a month of a province's visits made no model objects. It stands for its visit:
    equal to the Visit (or CalendarVisit) of the same id, hashed as its id."""

    pk: int
    status: str
    starts_at: datetime
    ends_at: datetime
    unit: CalendarUnit
    day_total: int
    month_total: int
    leader_name: str | None = None

    def __eq__(self, other) -> bool:
        if isinstance(other, (CalendarVisit, Visit)):
            return other.pk == self.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)

    @classmethod
    def from_row(cls, row: tuple) -> "CalendarVisit":
        pk, status, starts_at, ends_at, name, short_name, day_total, month_total, last, first, username = row
        leader = None if username is None else person_name(last, first, username)
        return cls(
            pk, status, starts_at, ends_at, CalendarUnit(name, short_name), day_total, month_total, leader
        )


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    visits: list = field(default_factory=list)
    # Visits starting that day beyond the ones shown (CALENDAR_PER_DAY): the day links to them.
    more: int = 0


# Visits shown in one day of the calendar; the others are counted and linked (the visit list of
# that day), so that a month costs the same however busy its days are.
CALENDAR_PER_DAY = 3


def visit_calendar(*, user, year: int, month: int, visits: QuerySet[Visit] | None = None) -> dict:
    """A Monday-first month grid of the visible visits (one query for the visits, the days' and
    the month's totals and the leaders' names: visit_reads.calendar_rows); ``visits`` narrows them (the calendar's filters, over
    any visits: the visibility rule is applied here to the month's rows, visible_rows). Each day
    shows its first CALENDAR_PER_DAY visits by start time and counts
    the others (``more``): a window function numbers the visits of each day in the query.

    Returns ``weeks`` (lists of 7 CalendarDay), ``days`` (the month's days that have visits, for
    the phone list), the previous and next months, and ``visit_count`` (the month's visits).
    """
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(first, time.min, tzinfo=tz)
    window_end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    visits = visible_rows(
        user,
        (Visit.objects.all() if visits is None else visits)
        .prefetch_related(None)
        .select_related(None)
        .exclude(status=VisitStatus.CANCELLED)
        .filter(starts_at__lt=window_end, ends_at__gt=window_start),
    )
    month_start = datetime.combine(date(year, month, 1), time.min, tzinfo=tz)
    month_end = datetime.combine(
        (date(year, month, 28) + timedelta(days=4)).replace(day=1), time.min, tzinfo=tz
    )
    # One query: the first visits of each day, the days' and the month's totals, their leaders
    # (visit_reads.calendar_rows).
    rows = calendar_rows(
        visits, tz=tz, month_start=month_start, month_end=month_end, per_day=CALENDAR_PER_DAY
    )
    by_day, more, visit_count = defaultdict(list), {}, 0
    for visit in (CalendarVisit.from_row(row) for row in rows):
        visit_count = visit.month_total
        start_day = timezone.localtime(visit.starts_at, tz).date()
        end_day = timezone.localtime(visit.ends_at - timedelta(seconds=1), tz).date()
        more[start_day] = visit.day_total - CALENDAR_PER_DAY
        day = max(start_day, first)
        while day <= min(end_day, last):
            by_day[day].append(visit)
            day += timedelta(days=1)
    today = timezone.localdate()
    weeks = [
        [
            CalendarDay(d, d.month == month, d == today, by_day.get(d, []), max(more.get(d, 0), 0))
            for d in week
        ]
        for week in weeks_dates
    ]
    days = [d for week in weeks for d in week if d.in_month and d.visits]
    prev_month = date(year, month, 1) - timedelta(days=1)
    next_month = date(year, month, 28) + timedelta(days=4)
    return {
        "weeks": weeks,
        "days": days,
        "month_start": date(year, month, 1),
        "previous": {"year": prev_month.year, "month": prev_month.month},
        "next": {"year": next_month.year, "month": next_month.month},
        "visit_count": visit_count,
    }


@dataclass
class MyVisits:
    """The sections of an inspector's visits, each its first rows (``limit``), with its total."""

    in_progress: list
    upcoming: list
    waiting: list
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.in_progress or self.upcoming or self.waiting)

    def more(self, section: str) -> int:
        """How many visits of ``section`` are not shown."""
        return self.totals.get(section, 0) - len(getattr(self, section))


# The sections of "my visits", in the order of the page.
MY_SECTIONS = ("waiting", "in_progress", "upcoming")


def my_visit_sections(*, user, now: datetime | None = None) -> QuerySet[Visit]:
    """The visits whose team ``user`` is on and that belong to a section of their page, each
    annotated with its ``section`` (see my_visits), by start time. The inspector's home panel
    reads it; the "my visits" page reads the same rows in one statement (my_visit_reads, tested
    equal to this).

    The user's own seat is joined (``me``: the (user, visit) unique index gives at most one per
    visit) and the section read from its role, rather than two id subqueries (on the team, and
    leading it), which the ORM composed again in each place the CASE is written."""
    now = now or timezone.now()
    section = Case(
        When(status=VisitStatus.IN_PROGRESS, then=Value("in_progress")),
        When(status=VisitStatus.REVIEWED, me__role=TeamRole.LEADER, then=Value("waiting")),
        When(
            status__in=[VisitStatus.DRAFT, VisitStatus.SCHEDULED],
            starts_at__gte=now,
            then=Value("upcoming"),
        ),
        When(status=VisitStatus.SCHEDULED, then=Value("waiting")),
        default=Value(""),
        output_field=CharField(),
    )
    if not user.is_authenticated:
        return Visit.objects.none()
    return (
        Visit.objects.annotate(me=FilteredRelation("team", condition=Q(team__user=user)))
        .filter(
            me__isnull=False,
            status__in=[
                VisitStatus.DRAFT,
                VisitStatus.SCHEDULED,
                VisitStatus.IN_PROGRESS,
                VisitStatus.REVIEWED,
            ],
        )
        .annotate(section=section)
        .exclude(section="")
        .order_by("starts_at", "id")
    )


def my_visits(*, user, now: datetime | None = None, limit: int = 25, section: str = "") -> MyVisits:
    """The visits whose team ``user`` is on, sorted for their home page: each section's first
    ``limit`` visits and its total, with their leaders' names, in one query however many visits
    the user has (a window function numbers the rows of each section): my_visit_reads.

    - in progress: the visit has started and its checklist is open;
    - upcoming: draft or scheduled visits that have not started yet, soonest first;
    - waiting for me: something is due from this user: a scheduled visit whose start has passed
      (start it or ask the scheduler to move it), or a reviewed visit they lead (the conclusion
      is theirs to sign).

    With ``section``, only that one (its page lists it in full, paginated: my_visit_reads.section_page).
    """
    from .my_visit_reads import section_rows

    result = MyVisits([], [], [], {})
    for row, in_section, total in section_rows(user=user, section=section or None, last=limit, now=now):
        getattr(result, in_section).append(row)
        result.totals[in_section] = total
    return result


def visit_conflicts(
    *,
    plan: InspectionPlan,
    unit: Unit | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    team: list[tuple[object, str]],
    exclude: Visit | None = None,
) -> dict[str, list[str]]:
    """What stops a visit from being saved, as messages keyed by the form field they belong to.

    Keys: "unit" (already visited in this plan), "starts_at" (outside the plan's period),
    "ends_at" (not after the start), "leader" (no leader or more than one), and "member-<user id>"
    (that person is already on another visit at the same time; the form puts the message next
    to the field that named them). Two to three queries.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    if unit is not None:
        duplicate = plan.visits.exclude(status=VisitStatus.CANCELLED).filter(unit=unit)
        if exclude is not None:
            duplicate = duplicate.exclude(pk=exclude.pk)
        if other := duplicate.first():
            errors["unit"].append(
                _("%(unit)s is already visited in this plan on %(date)s.")
                % {"unit": unit, "date": timezone.localtime(other.starts_at).strftime("%d/%m/%Y")}
            )
        # A unit dissolved or merged (2025) takes no visit after its end; a past visit keeps it.
        if starts_at and not unit.in_force_on(day := timezone.localtime(starts_at).date()):
            errors["unit"].append(
                _("%(unit)s is not in force on %(date)s: a dissolved unit takes no new visit.")
                % {"unit": unit, "date": day.strftime("%d/%m/%Y")}
            )
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"].append(_("The visit must end after it starts."))
        first_day = timezone.localtime(starts_at).date()
        last_day = timezone.localtime(ends_at - timedelta(seconds=1)).date()
        if first_day < plan.period_start or last_day > plan.period_end:
            errors["starts_at"].append(
                _("The plan runs from %(start)s to %(end)s; this visit falls outside that period.")
                % {
                    "start": plan.period_start.strftime("%d/%m/%Y"),
                    "end": plan.period_end.strftime("%d/%m/%Y"),
                }
            )
    leaders = [user for user, role in team if role == TeamRole.LEADER]
    if not leaders:
        errors["leader"].append(_("A team needs a leader."))
    elif len(leaders) > 1:
        errors["leader"].append(_("A team has exactly one leader."))
    seen = set()
    for user, _role in team:
        if user.pk in seen:
            errors[f"member-{user.pk}"].append(
                _("%(name)s appears more than once in the team.") % {"name": user}
            )
        seen.add(user.pk)
    if starts_at and ends_at and ends_at > starts_at and seen:
        busy = (
            TeamMember.objects.filter(
                user_id__in=seen, visit__starts_at__lt=ends_at, visit__ends_at__gt=starts_at
            )
            .exclude(visit__status=VisitStatus.CANCELLED)
            .select_related("user", "visit__unit")
            .order_by("visit__starts_at")
        )
        if exclude is not None:
            busy = busy.exclude(visit_id=exclude.pk)
        for member in busy:
            other = member.visit
            errors[f"member-{member.user_id}"].append(
                _("%(name)s is already on the visit to %(unit)s from %(start)s to %(end)s.")
                % {
                    "name": member.user,
                    "unit": other.unit,
                    "start": timezone.localtime(other.starts_at).strftime("%H:%M %d/%m/%Y"),
                    "end": timezone.localtime(other.ends_at).strftime("%H:%M %d/%m/%Y"),
                }
            )
    return dict(errors)


def visits_of_units_named(visits: QuerySet[Visit], text: str) -> QuerySet[Visit]:
    """``visits`` of the units whose name, short name or code has every word of ``text``
    (diacritics ignored), and of the units those replaced in a merger: filtering the list by
    "Bình Tân Mỹ" also finds the 2020 visits of Bình Tấn and Tân Mỹ.

    The named units and those they replaced, through every merger back (units.selectors.
    predecessor_ids's walk), are one recursive subquery of the list's own query, not a query per
    merger generation before it; one ``unit_id IN (...)`` that PostgreSQL can turn into a join
    reading only those units' visits through the (unit, starts_at) index."""
    return visits.filter(unit_id__in=_named_and_replaced(Unit.objects.search(text).order_by().values("pk")))


def _named_and_replaced(units: QuerySet) -> RawSQL:
    """The ids of ``units`` (an id subquery, unordered) and of every unit they replaced, through each merger
    back: ``WITH RECURSIVE`` over the predecessors' table (UNION: a unit met twice is walked
    once), as a subquery for ``unit_id__in``."""
    inner, params = units.query.sql_with_params()
    table = connection.ops.quote_name(Unit.predecessors.through._meta.db_table)
    # Only the quoted table's name and the ORM's own compiled query go into the text.
    sql = (
        f"WITH RECURSIVE found(id) AS ({inner} "  # noqa: S608
        f"UNION SELECT p.to_unit_id FROM {table} p JOIN found f ON p.from_unit_id = f.id"
        f") SELECT id FROM found"
    )
    return RawSQL(sql, params)  # noqa: S611
