"""The context every print template shares: letterhead, recipients and signer, ready to print."""

from .blocks import recipient_lines
from .data import Letterhead, Signer
from .style import DocumentStyle, issuer_lines, number_line, place_date_line, upper


def letterhead_context(head: Letterhead, style: DocumentStyle) -> dict:
    return {
        "parent_body": upper(head.parent_body),
        "issuing_body": issuer_lines(head.issuing_body),
        "number_line": number_line(head.number, head.symbol),
        "place_date_line": place_date_line(head.place, head.issued_on, year=head.year),
        "left_mm": style.header_left_mm,
    }


def frame_context(
    *,
    head: Letterhead,
    doc_type: str,
    subject: str,
    recipients: list[str],
    signer: Signer,
    style: DocumentStyle,
) -> dict:
    """Everything base.html prints around the body."""
    return {
        "head": letterhead_context(head, style),
        "doc_type": upper(doc_type),
        "subject": subject,
        "recipients": recipient_lines(recipients),
        "signer": {
            "authority_line": upper(signer.authority_line),
            "title": upper(signer.title),
            "name": signer.name,
        },
    }
