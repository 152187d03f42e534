"""The data of the summary report of a plan (reports.documents.summary builds it)."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from findings.models import (
    ACTION_OPEN_STATES,
    ActionState,
    Finding,
    FindingKind,
    RemediationAction,
    ReviewState,
)
from inspections.models import (
    AnswerKind,
    Criterion,
    Domain,
    InspectionPlan,
    TeamMember,
    TeamRole,
    Visit,
    VisitStatus,
)
from inspections.models.answers import Answer, VisitDomainScore

from ..data import (
    CommonFinding,
    DomainColumn,
    Figure,
    Letterhead,
    PlanSummaryData,
    PlanUnitRow,
    StateCount,
    VisitScoreRow,
)
from ..style import short_date
from ..terms import as_of
from .common import (
    ACTION_STATE_TEXT,
    body_names,
    decimal,
    default_signer,
    expand,
    place_of,
    plan_grounds,
    plan_label,
    report_recipients,
    report_symbol,
)

# Visits whose inspection is finished (the summary counts these; one in progress has half its answers).
HELD_STATUSES = [VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]
# Where a unit's visit stands, in the summary's words; a unit without a visit is "not scheduled".
VISIT_STATUS_TEXT = {
    VisitStatus.DRAFT: "Dự kiến",
    VisitStatus.SCHEDULED: "Đã lên lịch",
    VisitStatus.IN_PROGRESS: "Đang kiểm tra",
    VisitStatus.SUBMITTED: "Chờ duyệt kết quả",
    VisitStatus.REVIEWED: "Đã duyệt kết quả",
    VisitStatus.CONCLUDED: "Đã có kết luận",
}
NOT_SCHEDULED = "Chưa lên lịch"
# A strength or limitation is "common" when this many units share it.
COMMON_MIN_UNITS = 2
COMMON_LIMIT = 10


def plan_summary_data(*, plan: InspectionPlan, today: date | None = None) -> PlanSummaryData:
    """Scores by unit and domain, common strengths and limitations, summed figures and the
    remediation status of the visits of ``plan`` that took place. About ten queries in all."""
    today = today or timezone.localdate()
    plan = InspectionPlan.objects.select_related("issuing_unit__parent", "template").get(pk=plan.pk)
    visits = list(
        Visit.objects.filter(plan=plan, status__in=HELD_STATUSES)
        .select_related("unit")
        .order_by("starts_at", "id")
    )
    visit_ids = [v.pk for v in visits]
    domains = list(Domain.objects.filter(template=plan.template_id).order_by("order", "id"))
    leader_names = {
        visit_id: f"{last} {first}".strip()
        for visit_id, last, first in TeamMember.objects.filter(
            visit__plan=plan, role=TeamRole.LEADER
        ).values_list("visit_id", "user__last_name", "user__first_name")
    }
    # A domain none of whose criteria was scored has no score (not 0): a visit whose team only
    # entered figures prints "-", as it does for a domain that does not apply to the unit.
    scores: dict[tuple[int, int], tuple[Decimal, Decimal]] = {
        (visit_id, domain_id): (points, max_points)
        for visit_id, domain_id, points, max_points in VisitDomainScore.objects.filter(
            visit__plan=plan, visit__status__in=HELD_STATUSES, answered__gt=0
        ).values_list("visit_id", "domain_id", "points", "max_points")
    }
    # The words of the time the plan speaks of (a 2018 report names no unit of the 2025 reform).
    era = plan.period_end or date(plan.year, 12, 31)

    rows = []
    for n, visit in enumerate(visits, start=1):
        cells = []
        for domain in domains:
            points, max_points = scores.get((visit.pk, domain.pk), (None, None))
            cells.append(points if max_points else None)
        maxima = [scores.get((visit.pk, d.pk), (None, None))[1] or Decimal(0) for d in domains]
        total = sum((c for c in cells if c is not None), Decimal(0))
        max_total = sum(maxima, Decimal(0))
        rows.append(
            VisitScoreRow(
                number=n,
                unit_name=visit.unit.name,
                visited_on=timezone.localtime(visit.starts_at).date(),
                leader=leader_names.get(visit.pk, ""),
                scores=cells,
                total=total if max_total else None,
                max_total=max_total or None,
            )
        )

    columns = []
    for domain in domains:
        pairs = [
            scores[(v, domain.pk)]
            for v in visit_ids
            if (v, domain.pk) in scores and scores[(v, domain.pk)][1]
        ]
        if pairs:
            average = (sum((p for p, _ in pairs), Decimal(0)) / len(pairs)).quantize(Decimal("0.01"))
            percent = (
                sum((p for p, _ in pairs), Decimal(0)) * 100 / sum((m for _, m in pairs), Decimal(0))
            ).quantize(Decimal("0.1"))
        else:
            average = percent = None
        columns.append(
            DomainColumn(
                code=domain.code,
                title=as_of(domain.title, era),
                max_score=domain.max_score,
                average=average,
                average_percent=percent,
            )
        )

    strengths, limitations = _common_findings(visit_ids, {v.pk: v.unit.name for v in visits}, era)
    figures = _summed_figures(plan, visit_ids)
    counts = Counter(
        RemediationAction.objects.filter(finding__visit__plan=plan).values_list("state", flat=True)
    )
    overdue = RemediationAction.objects.filter(finding__visit__plan=plan).overdue(today).count()

    issuing_unit = plan.issuing_unit
    parent_body, issuing_body = body_names(issuing_unit)
    proposals = _proposals(rows, overdue)
    first_day = min((r.visited_on for r in rows if r.visited_on), default=None)
    last_day = max((r.visited_on for r in rows if r.visited_on), default=None)
    when = f", từ ngày {short_date(first_day)} đến ngày {short_date(last_day)}" if first_day else ""
    return PlanSummaryData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=report_symbol(issuing_unit, "BC"),
            place=place_of(issuing_unit),
            issued_on=today,
        ),
        subject=f"Kết quả kiểm tra công tác cải cách hành chính năm {plan.year}",
        plan_title=plan_label(plan),
        intro=[
            f"Thực hiện {plan_grounds(plan)}{when}, Đoàn kiểm tra của {issuing_body} đã kiểm tra công tác cải "
            f"cách hành chính tại {len(rows)} cơ quan, đơn vị. {issuing_body} báo cáo kết quả như sau:"
        ],
        domains=columns,
        visits=rows,
        common_strengths=strengths,
        common_limitations=limitations,
        figures=figures,
        remediation=[StateCount(ACTION_STATE_TEXT[s], counts.get(s, 0), s) for s in ActionState.values],
        remediation_overdue=overdue,
        proposals=proposals,
        recipients=report_recipients(issuing_unit, parent_body),
        signer=default_signer(issuing_unit, plan),
        addressee=expand(parent_body) if parent_body else "",
        units=_unit_rows(plan, {v.pk: r for v, r in zip(visits, rows, strict=True)}),
    )


def _unit_rows(plan: InspectionPlan, held: dict[int, VisitScoreRow]) -> list[PlanUnitRow]:
    """Every unit of the plan (and any unit visited under it since), by visit date then tree order:
    the date and state of its visit, its score once finished, its open actions. Three queries."""
    visits = {
        v.unit_id: v
        for v in Visit.objects.filter(plan=plan)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("starts_at", "id")
    }
    units = {u.pk: u for u in plan.units.all()}
    missing = set(visits) - set(units)
    if missing:
        units.update({u.pk: u for u in type(plan.issuing_unit).objects.filter(pk__in=missing)})
    open_actions = Counter(
        RemediationAction.objects.filter(finding__visit__plan=plan, state__in=ACTION_OPEN_STATES).values_list(
            "unit_id", flat=True
        )
    )

    def order(unit):
        visit = visits.get(unit.pk)
        return (visit is None, visit.starts_at if visit else None, unit.path)

    rows = []
    for n, unit in enumerate(sorted(units.values(), key=order), start=1):
        visit = visits.get(unit.pk)
        scored = held.get(visit.pk) if visit else None
        rows.append(
            PlanUnitRow(
                number=n,
                unit_name=unit.name,
                visited_on=timezone.localtime(visit.starts_at).date() if visit else None,
                status=VISIT_STATUS_TEXT.get(visit.status, "") if visit else NOT_SCHEDULED,
                total=scored.total if scored else None,
                max_total=scored.max_total if scored else None,
                open_actions=open_actions.get(unit.pk, 0),
            )
        )
    return rows


def _common_findings(visit_ids: list[int], unit_names: dict[int, str], era: date):
    """Strengths and limitations shared by several units, grouped by criterion (or domain), named
    in the words of ``era`` when the name is the checklist's."""
    rows = (
        Finding.objects.filter(visit_id__in=visit_ids)
        .exclude(review_state=ReviewState.RETURNED)
        .values_list(
            "kind", "visit_id", "criterion__title", "domain__title", "criterion__domain__title", "text"
        )
    )
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, visit_id, criterion, domain, criterion_domain, text in rows:
        title = criterion or domain or criterion_domain
        key = as_of(title, era) if title else text.strip()
        groups[(kind, key)].add(visit_id)
    out = {FindingKind.STRENGTH: [], FindingKind.LIMITATION: []}
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0][1]))
    for (kind, text), visits in ranked:
        if len(visits) < COMMON_MIN_UNITS or len(out[kind]) >= COMMON_LIMIT:
            continue
        names = sorted(unit_names[v] for v in visits)
        out[kind].append(CommonFinding(text=text, unit_count=len(visits), units=names[:5]))
    return out[FindingKind.STRENGTH], out[FindingKind.LIMITATION]


def _summed_figures(plan: InspectionPlan, visit_ids: list[int]) -> list[Figure]:
    """Each figure of the checklist summed over the visits (2.264 + 1.870 dossiers received ...)."""
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(
            domain__template=plan.template_id, answer_kind=AnswerKind.FIGURES
        ).order_by("domain__order", "order", "id")
    }
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for criterion_id, values in Answer.objects.filter(
        visit_id__in=visit_ids, criterion_id__in=criteria
    ).values_list("criterion_id", "figures"):
        for key, value in (values or {}).items():
            number = decimal(value)
            if number is not None:
                totals[(criterion_id, key)] += number
    out = []
    for criterion in criteria.values():
        for spec in criterion.figures or []:
            key = spec.get("key")
            if (criterion.pk, key) in totals:
                label = spec.get("label") or key
                out.append(Figure(label, totals[(criterion.pk, key)], "hồ sơ" if "hồ sơ" in label else ""))
    return out


def _proposals(rows: list[VisitScoreRow], overdue: int) -> list[str]:
    scored = [r for r in rows if r.percent is not None]
    good = [r for r in scored if r.percent >= 90]
    weak = [r for r in scored if r.percent < 50]
    proposals = []
    if good:
        proposals.append(
            f"Biểu dương {len(good)} cơ quan, đơn vị đạt từ 90% tổng số điểm trở lên: "
            + ", ".join(r.unit_name for r in good)
        )
    if weak:
        proposals.append(
            f"Nhắc nhở, yêu cầu {len(weak)} cơ quan, đơn vị đạt dưới 50% tổng số điểm chấn chỉnh, khắc phục: "
            + ", ".join(r.unit_name for r in weak)
        )
    if overdue:
        proposals.append(
            f"Chỉ đạo các cơ quan, đơn vị còn {overdue} kiến nghị quá hạn khẩn trương khắc phục, báo cáo kết quả"
        )
    proposals.append(
        "Tiếp tục duy trì việc kiểm tra, theo dõi khắc phục sau kiểm tra công tác cải cách hành chính"
    )
    return proposals
