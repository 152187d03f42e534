from datetime import date, datetime, time
from decimal import Decimal

import factory
from django.utils import timezone

from inspections.models import (
    AnswerKind,
    ChecklistTemplate,
    Criterion,
    Domain,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    TeamRole,
    TemplateStatus,
    Visit,
    VisitStatus,
)


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """An aware datetime in the project's time zone (Asia/Ho_Chi_Minh)."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    """A published version with one domain and two criteria (one of them with figures)."""

    class Meta:
        model = ChecklistTemplate
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CCHC-TEST-{n}")
    title = "Bộ tiêu chí kiểm tra công tác cải cách hành chính"
    version = "1.0"
    number = 1
    status = TemplateStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=TemplateStatus.DRAFT, published_at=None)

    @factory.post_generation
    def content(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        domain = DomainFactory(template=self, code="1", title="Công tác chỉ đạo, điều hành", order=1)
        CriterionFactory(domain=domain, code="1.1", title="Ban hành kế hoạch CCHC năm", order=1)
        CriterionFactory(
            domain=domain,
            code="1.2",
            title="Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            order=2,
            answer_kind=AnswerKind.FIGURES,
            figures=[{"key": "received", "label": "Tiếp nhận"}, {"key": "on_time", "label": "Đúng hạn"}],
            figure_rules=["on_time <= received"],
        )


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    template = factory.SubFactory(ChecklistTemplateFactory, content=False)
    order = factory.Sequence(int)
    code = factory.Sequence(str)
    title = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    max_score = Decimal(10)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    domain = factory.SubFactory(DomainFactory)
    order = factory.Sequence(int)
    code = factory.Sequence(lambda n: f"9.{n}")
    title = factory.Sequence(lambda n: f"Tiêu chí {n}")
    guidance = "Xem hồ sơ."
    max_score = Decimal(2)
    applies_to = factory.LazyFunction(lambda: ["department", "commune", "internal_office"])


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan of 2027 issued by ``issuing_unit`` (pass the department fixture)."""

    class Meta:
        model = InspectionPlan
        skip_postgeneration_save = True

    year = 2027
    title = factory.Sequence(lambda n: f"Kế hoạch kiểm tra công tác CCHC số {n}")
    decision_number = "15/QĐ-SNV"
    decision_date = date(2027, 1, 5)
    template = factory.SubFactory(ChecklistTemplateFactory)
    period_start = date(2027, 1, 1)
    period_end = date(2027, 3, 31)
    status = PlanStatus.DRAFT

    class Params:
        approved = factory.Trait(status=PlanStatus.APPROVED, approved_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit of ``unit`` in ``plan`` (the unit is added to the plan); pass ``leader=`` for a team."""

    class Meta:
        model = Visit
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    template = factory.LazyAttribute(lambda v: v.plan.template)
    starts_at = factory.LazyFunction(lambda: at(date(2027, 1, 12), 8))
    ends_at = factory.LazyAttribute(
        lambda v: v.starts_at + (at(date(2027, 1, 1), 11, 30) - at(date(2027, 1, 1), 8))
    )
    status = VisitStatus.DRAFT

    @factory.post_generation
    def in_plan(self, create, extracted, **kwargs):
        if create:
            self.plan.units.add(self.unit)

    @factory.post_generation
    def leader(self, create, extracted, **kwargs):
        if create and extracted:
            TeamMember.objects.create(visit=self, user=extracted, role=TeamRole.LEADER)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or []:
            TeamMember.objects.create(visit=self, user=user, role=TeamRole.MEMBER)
