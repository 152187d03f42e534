"""The signature never stands alone on the last page (DOCX keep-with-next; PDF break rules)."""

import dataclasses
import io
import unicodedata

import pytest
from docx import Document
from pypdf import PdfReader

from reports.documents import samples
from reports.documents.conclusion import conclusion_docx, conclusion_pdf


def _longer(lines: int):
    """The sample notice with ``lines`` more one-line paragraphs at its start: the page breaks
    fall at every possible place of the closing and the signature."""
    data = samples.conclusion_notice()
    extra = [f"Nội dung bổ sung số {n}." for n in range(lines)]
    return dataclasses.replace(data, opening=[*extra, *data.opening])


def _pages(pdf: bytes) -> list[str]:
    return [unicodedata.normalize("NFC", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("extra", range(0, 30, 2))
def test_the_pdf_signature_keeps_the_closing_formula_on_its_page(extra):
    pages = _pages(conclusion_pdf(_longer(extra)))
    last = pages[-1]
    assert "Nơi nhận" in last
    assert "biết, thực hiện./." in last, f"{len(pages)} pages; the last one: {last[:300]}"


def test_the_docx_signature_is_kept_with_the_closing_formula():
    doc = Document(io.BytesIO(conclusion_docx(samples.conclusion_notice())))
    closing = next(p for p in doc.paragraphs if p.text.endswith("biết, thực hiện./."))
    assert closing.paragraph_format.keep_with_next
    signature = doc.tables[-1]
    assert (
        signature.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
        )
        is not None
    )
    assert all(p.paragraph_format.keep_with_next for c in signature.rows[0].cells for p in c.paragraphs)
