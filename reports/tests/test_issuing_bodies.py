"""Issuing bodies as data: letterhead, symbol and signer of a document come from one body; a
report without a number or a signer stays a watermarked draft; lower levels issue plans."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from findings.models import FindingKind, ReviewState
from findings.tests.factories import FindingFactory
from inspections.models import PlanStatus, VisitStatus
from inspections.tests.factories import PlanFactory, VisitFactory
from reports.documents import loaders
from reports.documents.followup import follow_up_docx
from reports.models import IssuedDocument
from units.models import IssuingBody, IssuingBodyKind, UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.first_page_header.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def committee_body(province):
    return IssuingBody.objects.create(
        unit=province,
        name="Ủy ban nhân dân tỉnh Đồng Tháp",
        symbol="UBND",
        place="Đồng Tháp",
        authority_line="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Phạm Thiện Nghĩa",
        recipients="Văn phòng UBND tỉnh\nSở Nội vụ",
    )


@pytest.fixture
def committee_visit(province, commune, reports_template, scheduler, head, leader, inspector):
    plan = PlanFactory(
        issuing_unit=province,
        template=reports_template,
        units=[commune],
        created_by=scheduler,
        status=PlanStatus.IN_PROGRESS,
        approved_by=head,
        approved_at=timezone.now(),
    )
    visit = VisitFactory(plan=plan, unit=commune, leader=leader, members=[inspector])
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    FindingFactory(
        visit=visit,
        created_by=leader,
        kind=FindingKind.LIMITATION,
        review_state=ReviewState.APPROVED,
        recommendation="Niêm yết công khai thủ tục hành chính",
    )
    return visit


def _post(client, visit, **fields):
    data = {
        "version": visit.version,
        "date": "2027-01-20",
        "symbol": "TB-UBND",
        "authority_line": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Phạm Thiện Nghĩa",
        "due_date": "2027-03-20",
    }
    data.update(fields)
    return client.post(reverse("findings:visit_conclude", args=[visit.pk]), data)


def test_the_conclude_form_takes_symbol_and_signer_from_the_issuing_body(
    client, media, leader, committee_body, committee_visit
):
    client.force_login(leader)
    form = client.get(reverse("findings:visit_conclude", args=[committee_visit.pk])).context["form"]
    assert form.initial["symbol"] == "TB-UBND"
    assert (form.initial["authority_line"], form.initial["signer_title"], form.initial["signer_name"]) == (
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Phạm Thiện Nghĩa",
    )


@pytest.mark.parametrize(("field", "value"), [("symbol", "TB-ĐKT"), ("authority_line", "KT. GIÁM ĐỐC")])
def test_a_notice_under_the_committee_letterhead_is_not_signed_or_numbered_as_another_body(
    client, media, leader, committee_body, committee_visit, field, value
):
    client.force_login(leader)
    response = _post(client, committee_visit, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not IssuedDocument.objects.exists()


def test_the_issued_notice_prints_letterhead_symbol_and_signer_of_the_same_body(
    client, media, leader, committee_body, committee_visit
):
    client.force_login(leader)
    assert _post(client, committee_visit).status_code == 302
    text = _text(IssuedDocument.objects.get().docx.open("rb").read())
    assert "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG THÁP" in text  # two lines, as practice prints it
    assert "Số: 01/TB-UBND" in text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Phạm Thiện Nghĩa" in text
    assert "GIÁM ĐỐC" not in text
    assert "- Văn phòng UBND tỉnh;" in text


def test_a_follow_up_of_a_unit_never_inspected_goes_out_under_the_body_above_it_as_a_draft(
    district, department, scheduler
):
    IssuingBody.objects.create(
        unit=department,
        name="Sở Nội vụ",
        parent_name="UBND tỉnh Đồng Tháp",
        symbol="SNV",
        place="Đồng Tháp",
        authority_line="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
    )
    ward = UnitFactory(name="Xã Chưa Kiểm Tra", kind=UnitKind.COMMUNE, parent=district)
    PlanFactory(issuing_unit=department, units=[ward], created_by=scheduler)

    data = loaders.follow_up_data(unit=ward)

    assert (data.letterhead.parent_body, data.letterhead.issuing_body) == ("UBND tỉnh Đồng Tháp", "Sở Nội vụ")
    assert data.letterhead.symbol == "BC-SNV"
    # No number and no signer's name: a draft, and printed as one.
    assert data.is_draft
    assert "DỰ THẢO" in _text(follow_up_docx(data))
    # "Kính gửi: UBND tỉnh": the recipients start with "Như trên".
    assert data.addressee and data.recipients[0] == "Như trên"


def test_a_district_can_issue_a_plan(client, scheduler, district, department):
    client.force_login(scheduler)
    form = client.get(reverse("inspections:plan_create")).context["form"]
    assert district in form.fields["issuing_unit"].queryset


def test_an_authority_line_must_be_one_the_decree_knows(province):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingBody.objects.create(
            unit=province, name="X", symbol="X", place="X", authority_line="THAY MẶT X", signer_title="Y"
        )
    body = IssuingBody.objects.create(
        unit=province,
        kind=IssuingBodyKind.TEAM,
        name="Đoàn kiểm tra",
        symbol="ĐKT",
        place="Đồng Tháp",
        authority_line="TUQ. CHỦ TỊCH",
        signer_title="TRƯỞNG ĐOÀN",
    )
    assert body.authority_role == "CHỦ TỊCH"


def test_a_dissolved_district_is_not_offered_to_issue_a_new_plan(client, scheduler, district, department):
    import datetime as dt

    district.valid_to = dt.date(2025, 7, 1)
    district.save()
    client.force_login(scheduler)
    form = client.get(reverse("inspections:plan_create")).context["form"]
    assert district not in form.fields["issuing_unit"].queryset
    assert department in form.fields["issuing_unit"].queryset
