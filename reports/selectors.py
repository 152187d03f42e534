"""Reads for the reports: who sees which report, and the data each document shows.

The ``*_data`` selectors fill the plain dataclasses of reports.documents.data from the models in
a handful of queries whatever the size (a 500-visit plan loads in about ten), so the builders
never touch the database.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from findings.models import (
    ActionState,
    Conclusion,
    Finding,
    FindingCause,
    FindingKind,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
)
from findings.selectors import finding_visits_visible_to
from findings.services.conclusion import default_symbol
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
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.models import Unit, UnitKind
from units.roles import is_staff_member

from .documents.data import (
    CommonFinding,
    ConclusionNoticeData,
    DomainColumn,
    DomainSection,
    Figure,
    FollowUpData,
    FollowUpRow,
    Letterhead,
    PlanSummaryData,
    Recommendation,
    Signer,
    StateCount,
    VisitScoreRow,
)
from .documents.style import short_date
from .models import KIND_FORMATS, PENDING_STATES, Report, ReportFormat, ReportKind

# The remediation states as the documents print them (the documents are Vietnamese by nature).
ACTION_STATE_TEXT = {
    ActionState.OPEN: "Chưa thực hiện",
    ActionState.IN_PROGRESS: "Đang thực hiện",
    ActionState.REPORTED_DONE: "Đã báo cáo hoàn thành",
    ActionState.VERIFIED: "Đã hoàn thành",
    ActionState.REOPENED: "Phải khắc phục lại",
}
# Visits whose inspection is finished (the summary counts these; one in progress has half its answers).
HELD_STATUSES = [VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]
# A strength or limitation is "common" when this many units share it.
COMMON_MIN_UNITS = 2
COMMON_LIMIT = 10
# The usual closing recipient: the records office (VT) and the drafting office.
DRAFTING_OFFICE_HINT = "cải cách hành chính"


# Visibility


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports whose scope ``user`` may see.

    A visit's notice: whoever may read the visit's findings (staff as for the visit, a liaison
    once it is concluded, and then only notices produced after the conclusion: a draft made
    during the review is internal). A plan's reports: the staff who see the plan. A unit's
    follow-up: whoever sees the unit (a liaison their own unit and the units below it).
    """
    if not user.is_authenticated:
        return Report.objects.none()
    visit_reports = Q(visit__in=finding_visits_visible_to(user).values("pk"))
    if not is_staff_member(user):
        visit_reports &= Q(visit__conclusion__created_at__lte=F("requested_at"))
    condition = (
        visit_reports
        | Q(plan__in=plans_visible_to(user).values("pk"))
        | (Q(kind=ReportKind.FOLLOW_UP, plan__isnull=True) & Q(unit__in=units_visible_to(user).values("pk")))
    )
    return Report.objects.filter(condition)


def scope_reports(*, user, visit=None, plan=None, unit=None, limit: int = 6) -> list[Report]:
    """The latest reports of one scope ``user`` may see (the panel on the visit, plan, unit pages)."""
    reports = (
        reports_visible_to(user)
        .for_scope(visit=visit, plan=plan, unit=unit)
        .select_related("requested_by")
        .order_by("-requested_at", "-id")
    )
    return list(reports[:limit])


def has_pending(reports: list[Report]) -> bool:
    return any(r.state in PENDING_STATES for r in reports)


# Names on documents


UNIT_PREFIXES = (
    "ủy ban nhân dân tỉnh ",
    "ủy ban nhân dân thành phố ",
    "ubnd tỉnh ",
    "ubnd thành phố ",
    "ubnd tp. ",
    "ubnd tp ",
    "tỉnh ",
    "thành phố ",
)


def _province_of(unit: Unit) -> Unit:
    ids = unit.ancestor_ids
    if not ids:
        return unit
    return Unit.objects.filter(pk=ids[0]).first() or unit


def place_name(province: Unit) -> str:
    """ "Đồng Tháp" from "UBND tỉnh Đồng Tháp": the place printed before the date (Phụ lục I)."""
    name = province.name.strip()
    lowered = name.lower()
    for prefix in UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def expand(name: str) -> str:
    """ "UBND xã Bình Tấn" -> "Ủy ban nhân dân xã Bình Tấn" (the long form, for addressees)."""
    return "Ủy ban nhân dân " + name[5:] if name.startswith("UBND ") else name


def body_names(issuing_unit: Unit) -> tuple[str, str]:
    """(parent body, issuing body) of ô số 2: "UBND tỉnh Đồng Tháp", "Sở Nội vụ".

    The issuing body drops the province's name its parent line already carries ("Sở Nội vụ
    tỉnh Đồng Tháp" prints as "SỞ NỘI VỤ" under "UBND TỈNH ĐỒNG THÁP"). A provincial People's
    Committee issuing in its own name has no parent line.
    """
    if issuing_unit.kind == UnitKind.PROVINCE or issuing_unit.parent_id is None:
        return "", expand(issuing_unit.name)
    parent = issuing_unit.parent
    name = issuing_unit.name.strip()
    place = place_name(_province_of(issuing_unit))
    for suffix in (f" tỉnh {place}", f" thành phố {place}", f" {place}"):
        if place and name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)].strip()
            break
    return parent.name.strip(), name


def plan_label(plan: InspectionPlan) -> str:
    """The plan as a sentence names it: "Kế hoạch kiểm tra công tác ... năm 2020"."""
    title = plan.title.strip()
    if title.lower().startswith("kế hoạch"):
        return title
    return f"Kế hoạch {title[:1].lower()}{title[1:]}"


def plan_grounds(plan: InspectionPlan) -> str:
    """ "Kế hoạch ... ban hành kèm theo Quyết định số 563/QĐ-SNV ngày 13/12/2017" (or just the plan)."""
    text = plan_label(plan)
    if plan.decision_number:
        text += f" ban hành kèm theo Quyết định số {plan.decision_number}"
        if plan.decision_date:
            text += f" ngày {short_date(plan.decision_date)}"
    return text


def _drafting_office(issuing_unit: Unit) -> str:
    """The short name of the issuer's administrative-reform office, for "Lưu: VT, ...", or ""."""
    for office in Unit.objects.filter(parent=issuing_unit).only("name", "short_name", "search_text"):
        if DRAFTING_OFFICE_HINT in office.name.lower():
            return office.short_name or office.name
    return ""


def _archive_line(issuing_unit: Unit) -> str:
    office = _drafting_office(issuing_unit)
    return f"Lưu: VT, {office}" if office else "Lưu: VT"


def _default_signer(issuing_unit: Unit, plan: InspectionPlan | None = None) -> Signer:
    """Who signs a report: the signer of the plan's latest conclusion, else the issuer's head,
    else a deputy's authority line with the name left to fill in."""
    if plan is not None:
        latest = Conclusion.objects.filter(visit__plan=plan).order_by("-date", "-number").first()
        if latest is not None:
            return Signer(latest.authority_line, latest.signer_title, latest.signer_name)
    if issuing_unit.head_name:
        return Signer("", issuing_unit.head_title or "Giám đốc", issuing_unit.head_name)
    return Signer("KT. Giám đốc", "Phó Giám đốc", "")


def _symbol(issuing_unit: Unit, prefix: str) -> str:
    """ "BC-SNV" for a report: the conclusion's symbol rule with another document type."""
    symbol = default_symbol(issuing_unit)
    _, _, issuer = symbol.partition("-")
    return f"{prefix}-{issuer}" if issuer else prefix


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def answer_figures(answer: Answer, criterion: Criterion) -> list[Figure]:
    """The figures of a "figures" answer with their labels, plus the on-time rate when it applies."""
    values = answer.figures or {}
    out = []
    numbers = {}
    for spec in criterion.figures or []:
        key = spec.get("key")
        number = _decimal(values.get(key)) if key in values else None
        if number is None:
            continue
        numbers[key] = number
        out.append(
            Figure(spec.get("label") or key, number, "hồ sơ" if "hồ sơ" in (spec.get("label") or "") else "")
        )
    if numbers.get("received") and "on_time" in numbers:
        rate = (numbers["on_time"] * 100 / numbers["received"]).quantize(Decimal("0.1"))
        out.append(Figure("Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn", rate, "%"))
    return out


# The conclusion notice


def _domain_of(finding: Finding) -> Domain | None:
    if finding.domain_id:
        return finding.domain
    if finding.criterion_id:
        return finding.criterion.domain
    return None


def _grouped(findings: list[Finding], domains: list[Domain]) -> list[tuple[Domain | None, list[Finding]]]:
    by_domain: dict[int | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        domain = _domain_of(finding)
        by_domain[domain.pk if domain else None].append(finding)
    ordered = [(d, by_domain[d.pk]) for d in domains if by_domain.get(d.pk)]
    if by_domain.get(None):
        ordered.append((None, by_domain[None]))
    return ordered


def conclusion_notice_data(*, visit: Visit) -> ConclusionNoticeData:
    """The notice of ``visit``: its conclusion's number, signer and deadline once concluded; before
    that a draft ("DỰ THẢO") of the findings not returned to the team, signed by the leader."""
    visit = (
        Visit.objects.select_related("plan__issuing_unit__parent", "unit", "template")
        .prefetch_related("team__user")
        .get(pk=visit.pk)
    )
    plan, issuing_unit = visit.plan, visit.plan.issuing_unit
    conclusion = Conclusion.objects.filter(visit=visit).first()
    domains = list(Domain.objects.filter(template=visit.template_id).order_by("order", "id"))
    findings = list(
        Finding.objects.filter(visit=visit)
        .exclude(review_state=ReviewState.RETURNED)
        .select_related("domain", "criterion__domain", "action__unit")
        .order_by("order", "id")
    )
    strengths = [f for f in findings if f.kind == FindingKind.STRENGTH]
    limitations = [f for f in findings if f.kind == FindingKind.LIMITATION]
    figures_by_domain: dict[int, list[Figure]] = defaultdict(list)
    answers = (
        Answer.objects.filter(visit=visit, criterion__answer_kind=AnswerKind.FIGURES)
        .select_related("criterion")
        .order_by("criterion__domain__order", "criterion__order", "criterion_id")
    )
    for answer in answers:
        figures_by_domain[answer.criterion.domain_id] += answer_figures(answer, answer.criterion)

    results = []
    strength_groups = dict((d.pk if d else None, items) for d, items in _grouped(strengths, domains))
    for domain in domains:
        points = [f.text.strip() for f in strength_groups.get(domain.pk, [])]
        figures = figures_by_domain.get(domain.pk, [])
        if points or figures:
            results.append(DomainSection(title=domain.title, points=points, figures=figures))
    if strength_groups.get(None):
        results.append(
            DomainSection(title="Nội dung khác", points=[f.text.strip() for f in strength_groups[None]])
        )
    limitation_sections = [
        DomainSection(title=d.title if d else "Nội dung khác", points=[f.text.strip() for f in items])
        for d, items in _grouped(limitations, domains)
    ]

    causes = {FindingCause.SUBJECTIVE: [], FindingCause.OBJECTIVE: []}
    for finding in limitations:
        note = finding.cause_note.strip()
        if finding.cause in causes and note and note not in causes[finding.cause]:
            causes[finding.cause].append(note)

    recommendations = []
    for finding in limitations:
        if not finding.recommendation.strip():
            continue
        action = getattr(finding, "action", None)
        recommendations.append(
            Recommendation(
                text=finding.recommendation.strip(),
                responsible=action.unit.name if action else visit.unit.name,
                due_on=action.due_date if action else (conclusion.due_date if conclusion else None),
            )
        )

    parent_body, issuing_body = body_names(issuing_unit)
    visit_day = timezone.localtime(visit.starts_at).date()
    leader = visit.leader
    if conclusion:
        signer = Signer(conclusion.authority_line, conclusion.signer_title, conclusion.signer_name)
    else:
        signer = Signer("KT. Giám đốc", "Phó Giám đốc", leader.get_full_name() if leader else "")
    recipients = [visit.unit.name]
    if parent_body:
        recipients.append(f"{parent_body} (để b/c)")
    recipients += ["Thành viên Đoàn kiểm tra", _archive_line(issuing_unit)]
    return ConclusionNoticeData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=conclusion.symbol if conclusion else default_symbol(issuing_unit),
            number=str(conclusion.number) if conclusion else "",
            place=place_name(_province_of(issuing_unit)),
            issued_on=conclusion.date if conclusion else None,
            year=conclusion.year if conclusion else plan.year,
        ),
        subject=f"Kết luận kiểm tra công tác cải cách hành chính năm {plan.year}\ntại {visit.unit.name}",
        unit_name=visit.unit.name,
        issuer_name=issuing_body,
        opening=[
            f"Thực hiện {plan_grounds(plan)}, ngày {short_date(visit_day)}, Đoàn kiểm tra của {issuing_body} "
            f"đã kiểm tra công tác cải cách hành chính tại {visit.unit.name}.",
            f"Trên cơ sở báo cáo của đơn vị và kết quả kiểm tra thực tế, {issuing_body} thông báo kết luận "
            "kiểm tra như sau:",
        ],
        results=results,
        limitations=limitation_sections,
        subjective_causes=causes[FindingCause.SUBJECTIVE],
        objective_causes=causes[FindingCause.OBJECTIVE],
        recommendations=recommendations,
        report_back_by=conclusion.due_date if conclusion else None,
        recipients=recipients,
        signer=signer,
        is_draft=conclusion is None,
    )


# The remediation follow-up


def _actions_in_scope(
    *, plan=None, unit=None, period_start=None, period_end=None
) -> QuerySet[RemediationAction]:
    actions = RemediationAction.objects.all()
    if plan is not None:
        actions = actions.filter(finding__visit__plan=plan)
    if unit is not None:
        actions = actions.filter(unit__path__startswith=unit.path)
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
        .select_related("unit", "finding__visit__conclusion")
        .annotate(
            latest_text=Subquery(latest.values("text")[:1]), latest_at=Subquery(latest.values("at")[:1])
        )
        .order_by("unit__name", "due_date", "id")
    )
    if issuing_unit is None:
        issuing_unit = plan.issuing_unit if plan is not None else _issuer_for_unit(unit)
    issuing_unit = Unit.objects.select_related("parent").get(pk=issuing_unit.pk)
    rows = []
    for n, action in enumerate(actions, start=1):
        overdue = action.is_overdue_on(today)
        conclusion = getattr(action.finding.visit, "conclusion", None)
        rows.append(
            FollowUpRow(
                number=n,
                unit_name=action.unit.name,
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
            symbol=_symbol(issuing_unit, "BC"),
            place=place_name(_province_of(issuing_unit)),
            issued_on=today,
        ),
        subject=f"Tình hình khắc phục tồn tại, hạn chế sau kiểm tra\n{subject_scope}",
        scope_label=scope_label + period,
        as_of=today,
        intro=[intro],
        rows=rows,
        totals=[StateCount(ACTION_STATE_TEXT[s], counts.get(s, 0), s) for s in ActionState.values],
        overdue_count=sum(1 for r in rows if r.is_overdue),
        recipients=([f"{parent_body} (để b/c)"] if parent_body else []) + [_archive_line(issuing_unit)],
        signer=_default_signer(issuing_unit, plan),
        addressee=expand(parent_body) if parent_body else "",
    )


def _issuer_for_unit(unit: Unit) -> Unit:
    """The body that inspected ``unit`` most recently (its follow-up goes out under that name)."""
    visit = (
        Visit.objects.filter(unit__path__startswith=unit.path)
        .select_related("plan__issuing_unit")
        .order_by("-starts_at")
        .first()
    )
    return visit.plan.issuing_unit if visit else unit


# The plan summary


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
    scores: dict[tuple[int, int], tuple[Decimal, Decimal]] = {
        (visit_id, domain_id): (points, max_points)
        for visit_id, domain_id, points, max_points in VisitDomainScore.objects.filter(
            visit__plan=plan, visit__status__in=HELD_STATUSES
        ).values_list("visit_id", "domain_id", "points", "max_points")
    }

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
                title=domain.title,
                max_score=domain.max_score,
                average=average,
                average_percent=percent,
            )
        )

    strengths, limitations = _common_findings(visit_ids, {v.pk: v.unit.name for v in visits})
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
            symbol=_symbol(issuing_unit, "BC"),
            place=place_name(_province_of(issuing_unit)),
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
        recipients=([f"{parent_body} (để b/c)"] if parent_body else []) + [_archive_line(issuing_unit)],
        signer=_default_signer(issuing_unit, plan),
        addressee=expand(parent_body) if parent_body else "",
    )


def _common_findings(visit_ids: list[int], unit_names: dict[int, str]):
    """Strengths and limitations shared by several units, grouped by criterion (or domain)."""
    rows = (
        Finding.objects.filter(visit_id__in=visit_ids)
        .exclude(review_state=ReviewState.RETURNED)
        .values_list(
            "kind", "visit_id", "criterion__title", "domain__title", "criterion__domain__title", "text"
        )
    )
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, visit_id, criterion, domain, criterion_domain, text in rows:
        key = criterion or domain or criterion_domain or text.strip()
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
            number = _decimal(value)
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
            + ", ".join(r.unit_name for r in good[:10])
            + (" và các đơn vị khác" if len(good) > 10 else "")
        )
    if weak:
        proposals.append(
            f"Nhắc nhở, yêu cầu {len(weak)} cơ quan, đơn vị đạt dưới 50% tổng số điểm chấn chỉnh, khắc phục: "
            + ", ".join(r.unit_name for r in weak[:10])
            + (" và các đơn vị khác" if len(weak) > 10 else "")
        )
    if overdue:
        proposals.append(
            f"Chỉ đạo các cơ quan, đơn vị còn {overdue} kiến nghị quá hạn khẩn trương khắc phục, báo cáo kết quả"
        )
    proposals.append(
        "Tiếp tục duy trì việc kiểm tra, theo dõi khắc phục sau kiểm tra công tác cải cách hành chính"
    )
    return proposals


# What a page offers


def report_offers(*, visit=None, plan=None, unit=None) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, label, [(format, label)]) of the reports a scope can produce, in the order shown."""
    if visit is not None:
        kinds = [ReportKind.CONCLUSION]
    elif plan is not None:
        kinds = [ReportKind.PLAN_SUMMARY, ReportKind.FOLLOW_UP]
    elif unit is not None:
        kinds = [ReportKind.FOLLOW_UP]
    else:
        kinds = []
    formats = dict(ReportFormat.choices)
    return [(kind, ReportKind(kind).label, [(f, formats[f]) for f in KIND_FORMATS[kind]]) for kind in kinds]
