"""Factories of the checklist filled on site: answers, checklists of any size, visits in progress."""

from decimal import Decimal

import factory
from django.utils import timezone

from inspections.models import (
    Answer,
    AnswerKind,
    AnswerResult,
    ChecklistTemplate,
    Criterion,
    Visit,
    VisitStatus,
)

from .factories import ChecklistTemplateFactory, DomainFactory


class AnswerFactory(factory.django.DjangoModelFactory):
    """A saved answer (version 1); pass ``visit``, ``criterion`` and ``updated_by``."""

    class Meta:
        model = Answer

    result = AnswerResult.MET
    score = factory.LazyAttribute(lambda a: a.criterion.max_score)
    version = 1
    updated_at = factory.LazyFunction(timezone.now)


def start(visit: Visit) -> Visit:
    """Put ``visit`` in progress (as visit_start would) and return it fresh from the database."""
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.IN_PROGRESS)
    return (
        Visit.objects.select_related("unit", "template", "plan")
        .prefetch_related("team__user")
        .get(pk=visit.pk)
    )


def sized_template(*, criteria: int, domains: int = 6) -> ChecklistTemplate:
    """A published checklist of ``criteria`` criteria over ``domains`` domains, of every kind:
    every fifth has figures (received / on time / late), every seventh is yes / partly / no, and
    every eleventh applies to departments only (so a commune's checklist leaves it out)."""
    template = ChecklistTemplateFactory(content=False)
    parents = [
        DomainFactory(template=template, code=str(d + 1), order=d, title=f"Lĩnh vực {d + 1}")
        for d in range(domains)
    ]
    made = []
    for n in range(criteria):
        extra = {}
        if n % 5 == 4:
            extra = {
                "answer_kind": AnswerKind.FIGURES,
                "figures": [
                    {"key": "received", "label": "Số hồ sơ tiếp nhận"},
                    {"key": "on_time", "label": "Số hồ sơ đúng hạn"},
                    {"key": "late", "label": "Số hồ sơ trễ hạn"},
                ],
                "figure_rules": ["on_time + late <= received"],
            }
        elif n % 7 == 6:
            extra = {"answer_kind": AnswerKind.YES_PARTLY_NO}
        if n % 11 == 10:
            extra["applies_to"] = ["department"]
        domain = parents[n % domains]
        made.append(
            Criterion(
                domain=domain,
                order=n,
                code=f"{domain.code}.{n + 1}",
                title=f"Tiêu chí kiểm tra số {n + 1}",
                guidance="Xem hồ sơ, đối chiếu thực tế.",
                max_score=Decimal("2.5") if n % 3 else Decimal(2),
                applies_to=extra.pop("applies_to", ["department", "commune", "internal_office"]),
                **extra,
            )
        )
    Criterion.objects.bulk_create(made)
    return template


def criteria_of(visit: Visit) -> list[Criterion]:
    """The visit's criteria that apply to its unit, in checklist order."""
    return [
        c
        for c in Criterion.objects.filter(domain__template=visit.template).order_by(
            "domain__order", "order", "id"
        )
        if c.applies_to_kind(visit.unit.kind)
    ]
