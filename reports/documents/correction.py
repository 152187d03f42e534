"""Thông báo đính chính: corrects an issued document by a new number, never by rewriting it."""

from . import docx_kit
from .blocks import correction_blocks
from .data import CorrectionData
from .html import frame_context
from .pdf_kit import render_pdf
from .style import ND30, DocumentStyle

DOC_TYPE = "Thông báo"


def correction_docx(data: CorrectionData, *, style: DocumentStyle = ND30) -> bytes:
    doc = docx_kit.new_document(style, draft=False)
    docx_kit.letterhead(doc, data.letterhead, style)
    docx_kit.title_block(doc, DOC_TYPE, data.subject, style)
    docx_kit.body_blocks(doc, correction_blocks(data), style)
    docx_kit.signature_block(doc, data.recipients, data.signer, style)
    return docx_kit.to_bytes(doc)


def correction_pdf(data: CorrectionData, *, style: DocumentStyle = ND30) -> bytes:
    context = frame_context(
        head=data.letterhead,
        doc_type=DOC_TYPE,
        subject=data.subject,
        recipients=data.recipients,
        signer=data.signer,
        style=style,
    )
    context.update(blocks=correction_blocks(data), draft=False)
    return render_pdf("reports/documents/conclusion.html", context, style=style)
