import datetime as dt

import factory
from django.utils import timezone

from findings.models import (
    ActionState,
    Conclusion,
    Finding,
    FindingKind,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
    Severity,
    UpdateKind,
)
from inspections.models import VisitStatus
from inspections.tests.factories import VisitFactory

# The smallest file the evidence check accepts as a PDF.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FindingFactory(factory.django.DjangoModelFactory):
    """A draft limitation with a recommendation; pass ``visit=`` and ``created_by=``."""

    class Meta:
        model = Finding

    visit = factory.SubFactory(VisitFactory)
    kind = FindingKind.LIMITATION
    text = factory.Sequence(lambda n: f"Chưa vận hành hệ thống quản lý chất lượng theo TCVN ISO 9001 ({n}).")
    severity = Severity.MEDIUM
    recommendation = factory.Sequence(lambda n: f"Xây dựng và đưa vào vận hành hệ thống ISO 9001 ({n}).")
    review_state = ReviewState.DRAFT
    order = factory.Sequence(int)

    class Params:
        strength = factory.Trait(kind=FindingKind.STRENGTH, recommendation="", severity="")
        approved = factory.Trait(review_state=ReviewState.APPROVED)


class ConclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conclusion

    issuing_unit = factory.LazyAttribute(lambda c: c.visit.plan.issuing_unit)
    year = 2027
    symbol = "TB-SNV"
    number = factory.Sequence(lambda n: n + 1)
    date = dt.date(2027, 1, 20)
    signer_name = "Đỗ Thị Thanh Trang"
    authority_line = "KT. GIÁM ĐỐC"
    signer_title = "PHÓ GIÁM ĐỐC"
    due_date = dt.date(2027, 2, 19)
    signer = factory.LazyAttribute(lambda c: c.created_by)


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action on an approved limitation of ``finding__visit``."""

    class Meta:
        model = RemediationAction

    finding = factory.SubFactory(FindingFactory, approved=True)
    unit = factory.LazyAttribute(lambda a: a.finding.visit.unit)
    due_date = dt.date(2027, 2, 19)
    state = ActionState.OPEN


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationUpdate

    kind = UpdateKind.PROGRESS
    text = "Đã cử công chức văn thư tham gia lớp bồi dưỡng nghiệp vụ."
    at = factory.LazyFunction(timezone.now)


def conclude(visit, leader) -> Conclusion:
    """Put ``visit`` in the concluded state the quick way (for remediation tests)."""
    Finding.objects.filter(visit=visit).update(review_state=ReviewState.APPROVED)
    visit.status = VisitStatus.CONCLUDED
    visit.save(update_fields=["status"])
    return ConclusionFactory(visit=visit, created_by=leader)
