"""Thông báo kết luận kiểm tra (conclusion notice of one visit): DOCX and PDF."""

from . import docx_kit
from .blocks import conclusion_blocks
from .data import ConclusionNoticeData
from .html import frame_context
from .pdf_kit import render_pdf
from .style import ND30, DocumentStyle

DOC_TYPE = "Thông báo"


def conclusion_docx(data: ConclusionNoticeData, *, style: DocumentStyle = ND30) -> bytes:
    """The notice as a Word file in the format of Nghị định 30/2020."""
    doc = docx_kit.new_document(style, draft=data.is_draft)
    docx_kit.letterhead(doc, data.letterhead, style)
    docx_kit.title_block(doc, DOC_TYPE, data.subject, style)
    docx_kit.body_blocks(doc, conclusion_blocks(data), style)
    docx_kit.signature_block(doc, data.recipients, data.signer, style)
    return docx_kit.to_bytes(doc)


def conclusion_pdf(data: ConclusionNoticeData, *, style: DocumentStyle = ND30) -> bytes:
    """The same notice printed to PDF from its HTML template."""
    context = frame_context(
        head=data.letterhead,
        doc_type=DOC_TYPE,
        subject=data.subject,
        recipients=data.recipients,
        signer=data.signer,
        style=style,
    )
    context.update(blocks=conclusion_blocks(data), draft=data.is_draft)
    return render_pdf("reports/documents/conclusion.html", context, style=style)
