"""Issuing a numbered document: its DOCX and PDF are built once, stored with their SHA-256 and the
data they came from, and never built again. Every download gives the stored bytes; a correction is
a new numbered document that refers to the old one.
"""

import dataclasses
import hashlib
import json
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.text import fold
from findings.models import Conclusion
from findings.services.conclusion import conclusion_number_next

from ..documents.conclusion import conclusion_docx, conclusion_pdf
from ..documents.correction import correction_docx, correction_pdf
from ..documents.data import CorrectionData, Letterhead, Signer
from ..documents.followup import follow_up_docx, follow_up_pdf
from ..documents.loaders import conclusion_notice_data, follow_up_data, plan_summary_data
from ..documents.loaders.common import archive_line, body_names, place_of
from ..documents.loaders.followup import issuer_for_unit
from ..documents.summary import summary_docx
from ..models import IssuedDocument, IssuedKind, Report, ReportKind, ReportState

# How a correction names the document it corrects.
KIND_TEXT = {
    IssuedKind.NOTICE: "Thông báo kết luận",
    IssuedKind.CORRECTION: "Thông báo đính chính",
    IssuedKind.FOLLOW_UP: "Báo cáo",
    IssuedKind.PLAN_SUMMARY: "Báo cáo",
    IssuedKind.INDEX_RANKING: "Báo cáo",
}


def snapshot_of(data) -> dict:
    """The document's data as JSON (dates as ISO strings, decimals as strings)."""
    return json.loads(json.dumps(dataclasses.asdict(data), cls=DjangoJSONEncoder))


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _file_stem(title: str, doc: IssuedDocument, name: str) -> str:
    parts = [title, f"{doc.number}-{doc.symbol}", name]
    return "_".join(slugify(fold(p)) for p in parts if p)[:150]


def _store(doc: IssuedDocument, *, docx: bytes, pdf: bytes, title: str, name: str) -> IssuedDocument:
    doc.token = secrets.token_hex(8)
    stem = _file_stem(title, doc, name)
    doc.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    doc.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    doc.docx_sha256 = sha256(docx)
    doc.pdf_sha256 = sha256(pdf)
    doc.save()
    return doc


@transaction.atomic
def notice_issue(*, conclusion: Conclusion, actor=None, at: datetime | None = None) -> IssuedDocument:
    """Issue the conclusion notice of ``conclusion``: build its DOCX and PDF from the data as it
    stands now (the moment of concluding), store both with their hashes and the data, and return
    the record. Idempotent: a conclusion already issued returns its record unchanged. ``at`` is
    when it was issued (now by default; the demo dates its history)."""
    existing = IssuedDocument.objects.filter(conclusion=conclusion, kind=IssuedKind.NOTICE).first()
    if existing is not None:
        return existing
    conclusion = Conclusion.objects.select_related("visit__unit", "issuing_unit").get(pk=conclusion.pk)
    data = conclusion_notice_data(visit=conclusion.visit)
    doc = IssuedDocument(
        kind=IssuedKind.NOTICE,
        conclusion=conclusion,
        visit=conclusion.visit,
        issuing_unit=conclusion.issuing_unit,
        issuer_name=data.issuer_name,
        year=conclusion.year,
        symbol=conclusion.symbol,
        number=conclusion.number,
        date=conclusion.date,
        authority_line=conclusion.authority_line,
        signer_title=conclusion.signer_title,
        signer_name=conclusion.signer_name,
        subject=data.subject,
        snapshot=snapshot_of(data),
        issued_by=actor or conclusion.created_by,
        issued_at=at or timezone.now(),
    )
    return _store(
        doc,
        docx=conclusion_docx(data),
        pdf=conclusion_pdf(data),
        title="Thong bao ket luan",
        name=conclusion.visit.unit.name,
    )


@transaction.atomic
def notice_correct(
    *,
    issued: IssuedDocument,
    actor,
    date,
    corrections: list[str],
    signer_name: str,
    signer_title: str,
    authority_line: str = "",
) -> IssuedDocument:
    """Issue a "Thông báo đính chính" of ``issued``: a new number of the same issuer's sequence,
    stating what is corrected and referring to the old document, which stays as it was issued.
    Raises ValidationError."""
    errors = {}
    corrections = [c.strip() for c in corrections if c.strip()]
    if not corrections:
        errors["corrections"] = [_("Say what is corrected.")]
    if date < issued.date:
        errors["date"] = [_("A correction cannot be dated before the document it corrects.")]
    if not signer_name.strip():
        errors["signer_name"] = [_("This field is required.")]
    if not signer_title.strip():
        errors["signer_title"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    number = conclusion_number_next(issuing_unit=issued.issuing_unit, year=date.year, symbol=issued.symbol)
    parent_body, issuing_body = body_names(issued.issuing_unit)
    # As the decree prints numbers: "01/TB-SNV".
    reference = f"{issued.number:02d}/{issued.symbol}"
    unit_name = issued.visit.unit.name if issued.visit_id else ""
    data = CorrectionData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=issued.symbol,
            number=str(number),
            place=place_of(issued.issuing_unit),
            issued_on=date,
            year=date.year,
        ),
        subject=f"Đính chính {KIND_TEXT[issued.kind]} số {reference} ngày {issued.date:%d/%m/%Y}",
        corrected_reference=reference,
        corrected_date=issued.date,
        corrected_subject=issued.subject.replace("\n", " "),
        corrections=corrections,
        recipients=[r for r in [unit_name, archive_line(issued.issuing_unit)] if r],
        signer=Signer(authority_line.strip(), signer_title.strip(), signer_name.strip()),
    )
    doc = IssuedDocument(
        kind=IssuedKind.CORRECTION,
        conclusion=issued.conclusion,
        visit=issued.visit,
        plan=issued.plan,
        unit=issued.unit,
        replaces=issued,
        issuing_unit=issued.issuing_unit,
        issuer_name=issued.issuer_name,
        year=date.year,
        symbol=issued.symbol,
        number=number,
        date=date,
        authority_line=authority_line.strip(),
        signer_title=signer_title.strip(),
        signer_name=signer_name.strip(),
        subject=data.subject,
        snapshot=snapshot_of(data),
        issued_by=actor,
        issued_at=timezone.now(),
    )
    return _store(
        doc,
        docx=correction_docx(data),
        pdf=correction_pdf(data),
        title="Thong bao dinh chinh",
        name=unit_name,
    )


# Which kind of issued document each report kind becomes, its symbol's type and its builders.
REPORT_ISSUE = {
    ReportKind.FOLLOW_UP: (IssuedKind.FOLLOW_UP, "BC", "Bao cao khac phuc"),
    ReportKind.PLAN_SUMMARY: (IssuedKind.PLAN_SUMMARY, "BC", "Bao cao ket qua kiem tra"),
}


def _report_data(report: Report, today):
    if report.kind == ReportKind.FOLLOW_UP:
        return follow_up_data(
            plan=report.plan,
            unit=report.unit,
            period_start=report.period_start,
            period_end=report.period_end,
            today=today,
        )
    return plan_summary_data(plan=report.plan, today=today)


def _report_files(report: Report, data) -> tuple[bytes, bytes]:
    if report.kind == ReportKind.FOLLOW_UP:
        return follow_up_docx(data), follow_up_pdf(data)
    return summary_docx(data), b""


@transaction.atomic
def report_issue(
    *,
    report: Report,
    actor,
    date,
    signer_name: str,
    signer_title: str,
    authority_line: str = "",
) -> IssuedDocument:
    """Issue a follow-up or summary report the worker produced: take the next number of its
    issuer's "BC-…" sequence, build it once more with that number, the date and the signer (the
    figures as of ``date``), and freeze it as an IssuedDocument. Idempotent per report; raises
    ValidationError (wrong kind, missing signer, a date before the report's own)."""
    existing = IssuedDocument.objects.filter(report=report).first()
    if existing is not None:
        return existing
    if report.kind not in REPORT_ISSUE or report.state != ReportState.DONE:
        raise ValidationError(_("Only a finished follow-up or summary report is issued."))
    errors = {}
    if not signer_name.strip():
        errors["signer_name"] = [_("This field is required.")]
    if not signer_title.strip():
        errors["signer_title"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    kind, doc_type, title = REPORT_ISSUE[report.kind]
    data = _report_data(report, date)
    issuing_unit = report.plan.issuing_unit if report.plan_id else None
    if issuing_unit is None:
        issuing_unit = issuer_for_unit(report.unit)
    symbol = data.letterhead.symbol
    number = conclusion_number_next(issuing_unit=issuing_unit, year=date.year, symbol=symbol)
    data = dataclasses.replace(
        data,
        letterhead=dataclasses.replace(data.letterhead, number=str(number), issued_on=date, year=date.year),
        signer=Signer(authority_line.strip(), signer_title.strip(), signer_name.strip()),
    )
    docx, pdf = _report_files(report, data)
    doc = IssuedDocument(
        kind=kind,
        report=report,
        plan=report.plan,
        unit=report.unit,
        issuing_unit=issuing_unit,
        issuer_name=data.letterhead.issuing_body,
        year=date.year,
        symbol=symbol,
        number=number,
        date=date,
        authority_line=authority_line.strip(),
        signer_title=signer_title.strip(),
        signer_name=signer_name.strip(),
        subject=data.subject,
        snapshot=snapshot_of(data),
        issued_by=actor,
    )
    scope = report.plan.title if report.plan_id else report.unit.name
    doc.token = secrets.token_hex(8)
    stem = _file_stem(title, doc, scope)
    doc.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    doc.docx_sha256 = sha256(docx)
    if pdf:
        doc.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        doc.pdf_sha256 = sha256(pdf)
    doc.save()
    return doc
