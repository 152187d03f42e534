"""The reports tests' shared fixtures, in the root conftest's world (Đồng Tháp).

``world`` (see factories.build): two years of plans, visits, scores, findings and actions of our
province and a visit of another one, for the dashboards, search, exports and home pages.
``binh_tan_visit`` / ``tan_my_visit``: for the documents, the visit of xã Bình Tấn concluded.

The visit has two strengths, two limitations with causes and recommendations (each an action),
the figures "2 264 received, 2 114 on time", a conclusion 12/TB-SNV signed "KT. GIÁM ĐỐC /
PHÓ GIÁM ĐỐC", and the same plan's visit of xã Tân Mỹ still in progress.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from findings.models import FindingCause, FindingKind, ReviewState, Severity
from findings.tests.factories import ActionFactory, ConclusionFactory, FindingFactory
from inspections.checklist.answers import visit_scores_refresh
from inspections.models import AnswerKind, Criterion, PlanStatus, VisitStatus
from inspections.models.answers import Answer, AnswerResult
from inspections.tests.factories import (
    ChecklistTemplateFactory,
    CriterionFactory,
    PlanFactory,
    VisitFactory,
    at,
)
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from . import factories

DUE = dt.date(2027, 2, 19)


@pytest.fixture
def media(settings, tmp_path):
    """A temporary MEDIA_ROOT for the files reports write."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def other_department(other_province):
    return UnitFactory(name="Sở Nội vụ tỉnh Thái Nguyên", kind=UnitKind.DEPARTMENT, parent=other_province)


@pytest.fixture
def other_head(other_department):
    return UserFactory(username="other_head", unit=other_department, roles=[Role.HEAD])


@pytest.fixture
def world(department, commune, other_commune, foreign_commune, other_department, leader):
    return factories.build(
        department=department,
        commune=commune,
        other_commune=other_commune,
        foreign_commune=foreign_commune,
        other_department=other_department,
        leader=leader,
    )


@pytest.fixture
def reports_template(db):
    template = ChecklistTemplateFactory()
    domain = template.domains.get()
    CriterionFactory(
        domain__template=template,
        domain__code="3",
        domain__order=3,
        domain__title="Cải cách thủ tục hành chính",
        code="3.1",
        title="Niêm yết công khai thủ tục hành chính",
        max_score=Decimal(3),
    )
    CriterionFactory(
        domain=domain,
        code="1.3",
        title="Tiếp nhận và trả kết quả",
        answer_kind=AnswerKind.FIGURES,
        figures=[
            {"key": "received", "label": "Số hồ sơ tiếp nhận trong kỳ"},
            {"key": "on_time", "label": "Số hồ sơ giải quyết đúng hạn"},
            {"key": "late", "label": "Số hồ sơ trễ hạn"},
        ],
        order=3,
    )
    return template


@pytest.fixture
def plan_2027(department, commune, other_commune, reports_template, scheduler, head):
    return PlanFactory(
        issuing_unit=department,
        template=reports_template,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2027",
        decision_number="15/QĐ-SNV",
        decision_date=dt.date(2027, 1, 5),
        units=[commune, other_commune],
        created_by=scheduler,
        status=PlanStatus.IN_PROGRESS,
        approved_by=head,
        approved_at=timezone.now(),
    )


def _answer(visit, criterion, user, **fields):
    return Answer.objects.create(
        visit=visit, criterion=criterion, updated_by=user, updated_at=timezone.now(), version=1, **fields
    )


@pytest.fixture
def binh_tan_visit(plan_2027, commune, leader, inspector):
    """Xã Bình Tấn, 12/01/2027, concluded with 12/TB-SNV."""
    plan = plan_2027
    visit = VisitFactory(
        plan=plan, unit=commune, leader=leader, members=[inspector], status=VisitStatus.IN_PROGRESS
    )
    criteria = {c.code: c for c in Criterion.objects.filter(domain__template=plan.template)}
    _answer(visit, criteria["1.1"], leader, result=AnswerResult.MET, score=Decimal(2))
    _answer(
        visit,
        criteria["1.3"],
        leader,
        result=AnswerResult.MET,
        score=Decimal(2),
        figures={"received": 2264, "on_time": 2114, "late": 150},
    )
    _answer(visit, criteria["3.1"], leader, result=AnswerResult.PARTLY, score=Decimal("1.5"))
    visit_scores_refresh(visit=visit)
    strength = dict(
        created_by=leader, review_state=ReviewState.APPROVED, kind=FindingKind.STRENGTH, recommendation=""
    )
    FindingFactory(
        visit=visit, criterion=criteria["1.1"], text="Ban hành kế hoạch CCHC năm 2027 kịp thời", **strength
    )
    FindingFactory(
        visit=visit, criterion=criteria["3.1"], text="Niêm yết đầy đủ thủ tục hành chính", **strength
    )
    limitation = dict(created_by=leader, review_state=ReviewState.APPROVED, kind=FindingKind.LIMITATION)
    iso = FindingFactory(
        visit=visit,
        criterion=criteria["3.1"],
        text="Chưa vận hành hệ thống quản lý chất lượng theo TCVN ISO 9001",
        cause=FindingCause.SUBJECTIVE,
        cause_note="Người đứng đầu chưa quan tâm đúng mức",
        severity=Severity.HIGH,
        recommendation="Xây dựng và vận hành hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
        **limitation,
    )
    archive = FindingFactory(
        visit=visit,
        criterion=criteria["1.1"],
        text="Công chức văn thư chưa qua bồi dưỡng nghiệp vụ",
        cause=FindingCause.OBJECTIVE,
        cause_note="Kinh phí bồi dưỡng còn hạn chế",
        recommendation="Cử công chức văn thư tham gia bồi dưỡng nghiệp vụ",
        **limitation,
    )
    ConclusionFactory(visit=visit, created_by=leader, number=12, date=dt.date(2027, 1, 20), due_date=DUE)
    ActionFactory(finding=iso, unit=commune, due_date=DUE)
    ActionFactory(finding=archive, unit=commune, due_date=dt.date(2027, 3, 15))
    visit.status = VisitStatus.CONCLUDED
    visit.save(update_fields=["status"])
    return visit


@pytest.fixture
def tan_my_visit(plan_2027, other_commune, inspector):
    """Xã Tân Mỹ, in progress (no findings yet)."""
    return VisitFactory(
        plan=plan_2027,
        unit=other_commune,
        leader=inspector,
        status=VisitStatus.IN_PROGRESS,
        starts_at=at(dt.date(2027, 1, 14), 8),
        ends_at=at(dt.date(2027, 1, 14), 11),
    )
