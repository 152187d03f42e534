"""The data of the remediation follow-up report of a plan or a unit (reports.documents.followup)."""

from collections import Counter
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from findings.models import (
    ActionState,
    RemediationAction,
    RemediationUpdate,
)
from inspections.models import (
    InspectionPlan,
    Visit,
)
from units.models import Unit
from units.selectors import predecessor_ids

from ..data import (
    FollowUpData,
    FollowUpRow,
    Letterhead,
    StateCount,
)
from ..style import short_date
from .common import (
    ACTION_STATE_TEXT,
    body_names,
    default_signer,
    expand,
    place_of,
    plan_grounds,
    plan_label,
    report_recipients,
    report_symbol,
)


def _unit_and_predecessors(unit: Unit, field: str) -> Q:
    """``field`` is ``unit``, a unit below it, a unit it succeeded (through every merger back), or
    one below those."""
    condition = Q(**{f"{field}__path__startswith": unit.path})
    replaced = Unit.objects.filter(pk__in=predecessor_ids([unit.pk]))
    for path in replaced.values_list("path", flat=True):
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def _unit_label(action: RemediationAction, replaced: set[int]) -> str:
    """The responsible unit, marked when the action comes from before the reorganisation: handed
    over ("Xã Bình Tân Mỹ (trước sắp xếp: Xã Bình Tấn)") or kept by a predecessor of the unit."""
    inspected = action.finding.visit.unit
    if inspected.pk != action.unit_id:
        return f"{action.unit.name} (trước sắp xếp: {inspected.name})"
    if action.unit_id in replaced:
        return f"{action.unit.name} (trước sắp xếp)"
    return action.unit.name


def _actions_in_scope(
    *, plan=None, unit=None, period_start=None, period_end=None
) -> QuerySet[RemediationAction]:
    actions = RemediationAction.objects.all()
    if plan is not None:
        actions = actions.filter(finding__visit__plan=plan)
    if unit is not None:
        # A unit's own and those of the units it succeeded (the 2025 merger) and of the units below.
        actions = actions.filter(_unit_and_predecessors(unit, "unit"))
    if period_start:
        actions = actions.filter(finding__visit__starts_at__date__gte=period_start)
    if period_end:
        actions = actions.filter(finding__visit__starts_at__date__lte=period_end)
    return actions


def follow_up_data(
    *,
    plan: InspectionPlan | None = None,
    unit: Unit | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    issuing_unit: Unit | None = None,
    today: date | None = None,
) -> FollowUpData:
    """Every remediation action of the plan (or owned by the unit and the units below it), with
    its latest update and whether it is overdue on ``today``. Three queries whatever the count."""
    today = today or timezone.localdate()
    latest = RemediationUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-id")
    actions = list(
        _actions_in_scope(plan=plan, unit=unit, period_start=period_start, period_end=period_end)
        .select_related("unit", "finding__visit__conclusion", "finding__visit__unit")
        .annotate(
            latest_text=Subquery(latest.values("text")[:1]), latest_at=Subquery(latest.values("at")[:1])
        )
        .order_by("unit__name", "due_date", "id")
    )
    if issuing_unit is None:
        issuing_unit = plan.issuing_unit if plan is not None else issuer_for_unit(unit)
    issuing_unit = Unit.objects.select_related("parent").get(pk=issuing_unit.pk)
    replaced = predecessor_ids([unit.pk]) if unit is not None else set()
    rows = []
    for n, action in enumerate(actions, start=1):
        overdue = action.is_overdue_on(today)
        conclusion = getattr(action.finding.visit, "conclusion", None)
        rows.append(
            FollowUpRow(
                number=n,
                unit_name=_unit_label(action, replaced),
                recommendation=action.finding.recommendation.strip(),
                due_on=action.due_date,
                state=action.state,
                state_label=ACTION_STATE_TEXT.get(action.state, action.state),
                is_overdue=overdue,
                days_overdue=(today - action.due_date).days if overdue else 0,
                latest_update=(action.latest_text or "").strip(),
                latest_update_on=timezone.localtime(action.latest_at).date() if action.latest_at else None,
                visit_label=f"{conclusion.reference} ngày {short_date(conclusion.date)}"
                if conclusion
                else "",
            )
        )
    counts = Counter(a.state for a in actions)
    parent_body, issuing_body = body_names(issuing_unit)
    scope_label = plan_label(plan) if plan is not None else unit.name
    period = ""
    if period_start or period_end:
        period = f" (kiểm tra từ ngày {short_date(period_start) or '...'} đến ngày {short_date(period_end) or '...'})"
    if plan is not None:
        subject_scope = f"công tác cải cách hành chính năm {plan.year}"
        intro = (
            f"Thực hiện {plan_grounds(plan)}, {issuing_body} đã thông báo kết luận kiểm tra đến các cơ quan, "
            f"đơn vị được kiểm tra. {issuing_body} báo cáo tình hình khắc phục tồn tại, hạn chế theo các thông "
            f"báo kết luận{period}, tính đến ngày {short_date(today)}, như sau:"
        )
    else:
        subject_scope = f"công tác cải cách hành chính tại {unit.name}"
        intro = (
            f"{issuing_body} báo cáo tình hình khắc phục tồn tại, hạn chế của {unit.name} và các đơn vị trực "
            f"thuộc theo các thông báo kết luận kiểm tra công tác cải cách hành chính{period}, tính đến ngày "
            f"{short_date(today)}, như sau:"
        )
    return FollowUpData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=report_symbol(issuing_unit, "BC"),
            place=place_of(issuing_unit),
            issued_on=today,
        ),
        subject=f"Tình hình khắc phục tồn tại, hạn chế sau kiểm tra\n{subject_scope}",
        scope_label=scope_label + period,
        as_of=today,
        intro=[intro],
        rows=rows,
        totals=[StateCount(ACTION_STATE_TEXT[s], counts.get(s, 0), s) for s in ActionState.values],
        overdue_count=sum(1 for r in rows if r.is_overdue),
        recipients=report_recipients(issuing_unit, parent_body),
        signer=default_signer(issuing_unit, plan),
        addressee=expand(parent_body) if parent_body else "",
    )


def issuer_for_unit(unit: Unit) -> Unit:
    """The body that inspected ``unit`` most recently (its follow-up goes out under that name);
    for a unit never inspected, the nearest unit above it with an issuing body, else the department
    of its province that issues plans: never the unit's own letterhead."""
    visit = (
        Visit.objects.filter(_unit_and_predecessors(unit, "unit"))
        .select_related("plan__issuing_unit")
        .order_by("-starts_at")
        .first()
    )
    if visit is not None:
        return visit.plan.issuing_unit
    above = list(
        Unit.objects.filter(pk__in=unit.ancestor_ids, issuing_bodies__is_default=True).order_by("-depth")
    )
    if above:
        return above[0]
    province = unit.ancestor_ids[:1]
    issuer = (
        InspectionPlan.objects.filter(issuing_unit__path__startswith=f"/{province[0]}/")
        .select_related("issuing_unit")
        .order_by("-year", "-pk")
        .first()
        if province
        else None
    )
    return issuer.issuing_unit if issuer else unit
