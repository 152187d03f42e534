"""Rows the dashboard, search and export tests build on, in the world of the root conftest.

Our province (Đồng Tháp: xã Bình Tấn, xã Tân Mỹ) and another one (Thái Nguyên: xã Vô Tranh), a
two-domain checklist, plans of 2025 and 2026, finished visits with their per-domain roll-up rows
(the rows the answer service keeps), findings, conclusions and remediation actions.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from findings.models import ActionState, FindingKind, ReviewState
from findings.tests.factories import ActionFactory, ConclusionFactory, FindingFactory
from inspections.models import Criterion, Domain, PlanStatus, VisitDomainScore, VisitStatus
from inspections.tests.factories import (
    ChecklistTemplateFactory,
    CriterionFactory,
    DomainFactory,
    PlanFactory,
    VisitFactory,
    at,
)


def checklist():
    """A published checklist: domain 1 (criteria 1.1, 1.2) and domain 2 "Cải cách TTHC" (2.1)."""
    template = ChecklistTemplateFactory()
    second = DomainFactory(template=template, code="2", title="Cải cách thủ tục hành chính", order=2)
    CriterionFactory(domain=second, code="2.1", title="Tổ chức, hoạt động của Bộ phận Một cửa", order=1)
    return template


def plan(*, department, template, year: int, units=(), status=PlanStatus.IN_PROGRESS, creator=None):
    return PlanFactory(
        issuing_unit=department,
        template=template,
        year=year,
        title=f"Kế hoạch kiểm tra công tác CCHC năm {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        decision_date=date(year - 1, 12, 20),
        status=status,
        approved_at=timezone.now(),
        units=list(units),
        created_by=creator,
    )


def visit(*, plan, unit, day: date, status=VisitStatus.CONCLUDED, leader=None, scores=None):
    """A visit of ``unit`` on ``day``; ``scores`` maps a domain code to (points, max_points)."""
    made = VisitFactory(
        plan=plan, unit=unit, starts_at=at(day, 8), ends_at=at(day, 11), status=status, leader=leader
    )
    for code, (points, maximum) in (scores or {}).items():
        domain = Domain.objects.get(template=plan.template, code=code)
        VisitDomainScore.objects.create(
            visit=made,
            domain=domain,
            points=Decimal(points),
            max_points=Decimal(maximum),
            answered=1,
            applicable=1,
        )
    return made


def limitation(*, visit, code: str, creator, text=None, recommendation=None, **extra):
    criterion = Criterion.objects.get(domain__template=visit.template, code=code)
    kwargs = {"visit": visit, "criterion": criterion, "domain": criterion.domain, "created_by": creator}
    if text:
        kwargs["text"] = text
    if recommendation:
        kwargs["recommendation"] = recommendation
    return FindingFactory(review_state=ReviewState.APPROVED, **kwargs, **extra)


def one_stop_limitations(*, visit, creator, count: int) -> list:
    """``count`` approved limitations of criterion 1.2 about the one-stop shop ("Một cửa: hồ sơ
    trễ hạn 0.", ...): what the searches' tests find past a small result cap."""
    return [
        limitation(
            visit=visit,
            code="1.2",
            creator=creator,
            text=f"Một cửa: hồ sơ trễ hạn {n}.",
            recommendation=f"Bộ phận một cửa trả hồ sơ {n}.",
        )
        for n in range(count)
    ]


def action(*, finding, due: date, state=ActionState.OPEN):
    return ActionFactory(finding=finding, unit=finding.visit.unit, due_date=due, state=state)


@dataclass
class World:
    template: object
    plan_2025: object
    plan_2026: object
    foreign_plan: object
    binh_tan_2025: object
    binh_tan_2026: object
    tan_my_2026: object
    foreign_2026: object
    today: date


def build(
    *, department, commune, other_commune, foreign_commune, other_department, leader, today=None
) -> World:
    """Two years of our province and one visit of the other province.

    Scores (domain 1 / domain 2): Bình Tấn 2025 5/10 and 1/2, Bình Tấn 2026 8/10 and 2/2, Tân Mỹ
    2026 4/10 and 0/2 (so in 2026 Bình Tấn ranks first). Bình Tấn failed criterion 1.1 at both
    visits (a repeat limitation); the other province's commune scores 10/10.
    """
    today = today or timezone.localdate()
    template = checklist()
    plan_2025 = plan(
        department=department, template=template, year=2025, status=PlanStatus.CLOSED, units=[commune]
    )
    plan_2026 = plan(department=department, template=template, year=2026, units=[commune, other_commune])
    foreign_plan = plan(department=other_department, template=template, year=2026, units=[foreign_commune])
    binh_tan_2025 = visit(
        plan=plan_2025, unit=commune, day=date(2025, 4, 8), leader=leader, scores={"1": (5, 10), "2": (1, 2)}
    )
    binh_tan_2026 = visit(
        plan=plan_2026, unit=commune, day=date(2026, 4, 7), leader=leader, scores={"1": (8, 10), "2": (2, 2)}
    )
    tan_my_2026 = visit(
        plan=plan_2026,
        unit=other_commune,
        day=date(2026, 5, 12),
        status=VisitStatus.REVIEWED,
        scores={"1": (4, 10), "2": (0, 2)},
    )
    foreign_2026 = visit(
        plan=foreign_plan, unit=foreign_commune, day=date(2026, 5, 5), scores={"1": (10, 10), "2": (2, 2)}
    )
    for each in (binh_tan_2025, binh_tan_2026):
        ConclusionFactory(
            visit=each,
            created_by=leader,
            year=each.plan.year,
            date=each.starts_at.date() + timedelta(days=10),
            due_date=each.starts_at.date() + timedelta(days=40),
        )
    first = limitation(visit=binh_tan_2025, code="1.1", creator=leader, text="Kế hoạch CCHC ban hành chậm.")
    again = limitation(
        visit=binh_tan_2026, code="1.1", creator=leader, text="Kế hoạch CCHC năm vẫn ban hành chậm."
    )
    once = limitation(
        visit=binh_tan_2026,
        code="2.1",
        creator=leader,
        text="Bộ phận Một cửa chưa niêm yết đầy đủ thủ tục hành chính; còn 5 hồ sơ trễ hạn.",
        recommendation="Niêm yết công khai đầy đủ TTHC tại Bộ phận Một cửa.",
    )
    FindingFactory(
        visit=binh_tan_2026,
        created_by=leader,
        kind=FindingKind.STRENGTH,
        recommendation="",
        severity="",
        review_state=ReviewState.APPROVED,
        text="Bộ phận một cửa bố trí khoa học.",
    )
    foreign_leader = leader  # the creator does not matter to what the dashboards read
    foreign_finding = limitation(
        visit=foreign_2026,
        code="2.1",
        creator=foreign_leader,
        text="Bộ phận Một cửa của xã Vô Tranh chưa có sổ theo dõi hồ sơ trễ hạn.",
    )
    action(finding=first, due=today - timedelta(days=200), state=ActionState.VERIFIED)
    action(finding=again, due=today - timedelta(days=10))  # overdue 1-30 days
    action(finding=once, due=today - timedelta(days=120), state=ActionState.IN_PROGRESS)  # overdue > 90 days
    action(finding=foreign_finding, due=today - timedelta(days=5))
    return World(
        template,
        plan_2025,
        plan_2026,
        foreign_plan,
        binh_tan_2025,
        binh_tan_2026,
        tan_my_2026,
        foreign_2026,
        today,
    )
