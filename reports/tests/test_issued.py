"""Issued means frozen: concluding a visit issues its notice (DOCX and PDF stored with their
SHA-256 and the data); every download gives those bytes, later events never rewrite them, and a
correction is a new numbered document."""

import datetime as dt
import hashlib
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document

from findings.models import ExtensionDecision, FindingKind, RemediationAction, ReviewState
from findings.services import action_decide_extension, action_request_extension
from findings.tests.factories import FindingFactory
from inspections.models import VisitStatus
from inspections.tests.factories import VisitFactory
from reports.models import ImmutableRecordError, IssuedDocument, IssuedKind

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def reviewed_visit(plan_2027, commune, leader, inspector):
    """Xã Bình Tấn, 12/01/2027, reviewed: one strength, one limitation with a recommendation."""
    visit = VisitFactory(plan=plan_2027, unit=commune, leader=leader, members=[inspector])
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    FindingFactory(
        visit=visit,
        created_by=leader,
        kind=FindingKind.STRENGTH,
        recommendation="",
        review_state=ReviewState.APPROVED,
        text="Niêm yết đầy đủ thủ tục hành chính",
    )
    FindingFactory(
        visit=visit,
        created_by=leader,
        kind=FindingKind.LIMITATION,
        review_state=ReviewState.APPROVED,
        text="Chưa vận hành hệ thống quản lý chất lượng",
        recommendation="Vận hành hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
    )
    return visit


def _conclude(client, visit, **overrides):
    data = {
        "version": visit.version,
        "date": "2027-01-20",
        "symbol": "TB-SNV",
        "authority_line": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Đỗ Thị Thanh Trang",
        "due_date": "2027-06-30",
    }
    data.update(overrides)
    return client.post(reverse("findings:visit_conclude", args=[visit.pk]), data)


def _extend(action, liaison, head, to):
    request = action_request_extension(
        action=action, actor=liaison, reason="Chờ kinh phí", requested_due_date=to, notify=False
    )
    action_decide_extension(
        action=action, request=request, actor=head, decision=ExtensionDecision.GRANTED, notify=False
    )


def test_concluding_issues_the_notice_with_its_files_hashes_and_data(client, media, leader, reviewed_visit):
    client.force_login(leader)
    assert _conclude(client, reviewed_visit).status_code == 302
    doc = IssuedDocument.objects.get()
    assert (doc.kind, doc.reference, doc.date) == (IssuedKind.NOTICE, "1/TB-SNV", dt.date(2027, 1, 20))
    assert (doc.signer_name, doc.authority_line) == ("Đỗ Thị Thanh Trang", "KT. GIÁM ĐỐC")
    assert doc.conclusion.visit == reviewed_visit
    with doc.docx.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == doc.docx_sha256
    with doc.pdf.open("rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == doc.pdf_sha256
    # The data the notice was built from, kept beside it.
    assert doc.snapshot["letterhead"]["number"] == "1"
    assert doc.snapshot["recommendations"][0]["due_on"] == "2027-06-30"
    assert "30/06/2027" in _docx_text(doc.docx.open("rb").read())


def test_a_download_after_an_extension_is_byte_identical(
    client, media, leader, liaison, head, reviewed_visit
):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    doc = IssuedDocument.objects.get()
    client.force_login(liaison)
    before_docx = _body(client.get(reverse("reports:issued_download", args=[doc.pk, "docx"])))
    before_pdf = _body(client.get(reverse("reports:issued_download", args=[doc.pk, "pdf"])))

    _extend(RemediationAction.objects.get(), liaison, head, dt.date(2027, 8, 31))

    after = client.get(reverse("reports:issued_download", args=[doc.pk, "docx"]))
    assert after["Content-Disposition"].startswith("attachment")
    after_docx = _body(after)
    after_pdf = _body(client.get(reverse("reports:issued_download", args=[doc.pk, "pdf"])))
    assert after_docx == before_docx and after_pdf == before_pdf
    assert hashlib.sha256(after_docx).hexdigest() == doc.docx_sha256
    assert hashlib.sha256(after_pdf).hexdigest() == doc.pdf_sha256
    text = _docx_text(after_docx)
    assert "30/06/2027" in text and "31/08/2027" not in text
    # The extension is shown beside the notice, not in it.
    page = client.get(doc.get_absolute_url())
    assert page.status_code == 200
    assert "31/08/2027" in page.content.decode()


def test_the_visit_panel_offers_the_issued_files_and_never_rebuilds_the_notice(
    client, media, leader, reviewed_visit
):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    doc = IssuedDocument.objects.get()
    panel = client.get(reverse("reports:panel"), {"visit": reviewed_visit.pk})
    assert panel.context["offers"] == []
    html = panel.content.decode()
    assert reverse("reports:issued_download", args=[doc.pk, "pdf"]) in html
    assert "1/TB-SNV" in html


def test_the_panel_reads_the_register_and_whether_anything_was_issued_in_one_query(
    client, media, leader, reviewed_visit, django_assert_num_queries
):
    from reports import selectors

    def both():
        return (
            selectors.issued_for_scope(visit=reviewed_visit),
            IssuedDocument.objects.filter(visit=reviewed_visit).exists(),
        )

    with django_assert_num_queries(1):
        found = selectors.scope_issued(visit=reviewed_visit)
    assert found == ([], False) == both()
    client.force_login(leader)
    assert [
        kind
        for kind, *_ in client.get(reverse("reports:panel"), {"visit": reviewed_visit.pk}).context["offers"]
    ] == ["conclusion"]
    _conclude(client, reviewed_visit)
    with django_assert_num_queries(1):
        found = selectors.scope_issued(visit=reviewed_visit)
    assert found == both() == ([IssuedDocument.objects.get()], True)


def test_an_issued_document_refuses_to_change_or_go(media, leader, reviewed_visit, client):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    doc = IssuedDocument.objects.get()
    doc.signer_name = "Người khác"
    with pytest.raises(ImmutableRecordError):
        doc.save()
    with pytest.raises(ImmutableRecordError):
        IssuedDocument.objects.filter(pk=doc.pk).update(signer_name="Người khác")
    with pytest.raises(ImmutableRecordError):
        doc.delete()
    with pytest.raises(ImmutableRecordError):
        IssuedDocument.objects.all().delete()
    assert IssuedDocument.objects.get().signer_name == "Đỗ Thị Thanh Trang"


def test_the_database_refuses_a_second_document_with_the_same_number(media, leader, reviewed_visit, client):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    doc = IssuedDocument.objects.get()
    twin = IssuedDocument(
        **{
            f.attname: getattr(doc, f.attname)
            for f in IssuedDocument._meta.concrete_fields
            if f.attname not in ("id", "conclusion_id")
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_leader_corrects_a_notice_with_a_new_number_and_the_old_one_stays(
    client, media, leader, reviewed_visit
):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    notice = IssuedDocument.objects.get()
    original = notice.docx.open("rb").read()
    response = client.post(
        reverse("reports:issued_correct", args=[notice.pk]),
        {
            "date": "2027-01-25",
            "corrections": "Tại mục III, thời hạn báo cáo nay sửa thành ngày 15/07/2027",
            "authority_line": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Đỗ Thị Thanh Trang",
        },
    )
    correction = IssuedDocument.objects.get(kind=IssuedKind.CORRECTION)
    assert response.status_code == 302 and response["Location"] == correction.get_absolute_url()
    assert (correction.reference, correction.replaces) == ("2/TB-SNV", notice)
    text = _docx_text(correction.docx.open("rb").read())
    assert "Thông báo số 01/TB-SNV" in text and "15/07/2027" in text
    notice.refresh_from_db()
    assert notice.docx.open("rb").read() == original
    assert "2/TB-SNV" in client.get(notice.get_absolute_url()).content.decode()


def test_an_inspector_not_leading_the_team_cannot_correct(client, media, leader, inspector, reviewed_visit):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    notice = IssuedDocument.objects.get()
    client.force_login(inspector)
    assert client.get(reverse("reports:issued_correct", args=[notice.pk])).status_code == 403


def test_an_outsider_cannot_download_an_issued_notice(client, media, leader, outsider, reviewed_visit):
    client.force_login(leader)
    _conclude(client, reviewed_visit)
    notice = IssuedDocument.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("reports:issued_download", args=[notice.pk, "pdf"])).status_code == 404
    assert client.get(notice.get_absolute_url()).status_code == 404


def test_a_notice_cannot_be_dated_before_the_visit(client, media, leader, reviewed_visit):
    client.force_login(leader)
    response = _conclude(client, reviewed_visit, date="2027-01-10", due_date="2027-02-10")
    assert response.status_code == 200
    assert "trước ngày kiểm tra" in response.content.decode()
    assert not IssuedDocument.objects.exists()
    reviewed_visit.refresh_from_db()
    assert reviewed_visit.status == VisitStatus.REVIEWED


def _produced_follow_up(user, plan):
    from reports.models import Report, ReportFormat, ReportKind
    from reports.services import report_generate

    report = Report.objects.create(
        requested_by=user, kind=ReportKind.FOLLOW_UP, format=ReportFormat.DOCX, plan=plan
    )
    report_generate(report_id=report.pk)
    report.refresh_from_db()
    return report


def test_a_head_issues_a_produced_report_with_a_number_and_it_stays_as_issued(
    client, media, head, liaison, binh_tan_visit
):
    report = _produced_follow_up(head, binh_tan_visit.plan)
    produced = _docx_text(report.file.open("rb").read())
    assert (
        "DỰ THẢO"
        in "\n".join(
            p.text for p in Document(report.file.open("rb")).sections[0].first_page_header.paragraphs
        )
        and "Số: " in produced
    )
    client.force_login(head)
    page = client.get(report.get_absolute_url())
    assert reverse("reports:issue", args=[report.pk]) in page.content.decode()
    response = client.post(
        reverse("reports:issue", args=[report.pk]),
        {
            "date": "2027-02-25",
            "authority_line": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Đỗ Thị Thanh Trang",
        },
    )
    doc = IssuedDocument.objects.get(kind=IssuedKind.FOLLOW_UP)
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert (doc.reference, doc.report, doc.plan) == ("1/BC-SNV", report, binh_tan_visit.plan)
    first = _body(client.get(reverse("reports:issued_download", args=[doc.pk, "docx"])))
    text = _docx_text(first)
    assert "Số: 01/BC-SNV" in text and "Đỗ Thị Thanh Trang" in text
    header = "\n".join(p.text for p in Document(io.BytesIO(first)).sections[0].first_page_header.paragraphs)
    assert "DỰ THẢO" not in header
    # Later events change nothing in what was issued.
    _extend(RemediationAction.objects.order_by("due_date").first(), liaison, head, dt.date(2027, 9, 30))
    again = _body(client.get(reverse("reports:issued_download", args=[doc.pk, "docx"])))
    assert again == first and hashlib.sha256(again).hexdigest() == doc.docx_sha256
    # Issuing twice gives the same document.
    client.post(reverse("reports:issue", args=[report.pk]), {})
    assert IssuedDocument.objects.filter(kind=IssuedKind.FOLLOW_UP).count() == 1


def test_an_inspector_cannot_issue_a_report(client, media, head, inspector, binh_tan_visit):
    report = _produced_follow_up(head, binh_tan_visit.plan)
    client.force_login(inspector)
    response = client.post(
        reverse("reports:issue", args=[report.pk]),
        {"date": "2027-02-25", "signer_title": "PHÓ GIÁM ĐỐC", "signer_name": "X"},
    )
    assert response.status_code in (403, 404)
    assert not IssuedDocument.objects.exists()


def test_an_issued_notice_is_never_requested_again_from_live_data(client, media, leader, reviewed_visit):
    from reports.models import Report

    client.force_login(leader)
    _conclude(client, reviewed_visit)
    response = client.post(
        reverse("reports:request"), {"kind": "conclusion", "format": "pdf", "visit": reviewed_visit.pk}
    )
    assert response.status_code == 302
    assert not Report.objects.exists()
