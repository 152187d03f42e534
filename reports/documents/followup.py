"""Báo cáo tình hình khắc phục (remediation follow-up of a plan or a unit): DOCX, PDF and XLSX."""

import io

from . import docx_kit, xlsx_kit
from .blocks import FOLLOW_UP_HEADER, follow_up_blocks, follow_up_cells
from .data import FollowUpData
from .html import frame_context
from .pdf_kit import render_pdf
from .style import ND30, DocumentStyle, short_date

DOC_TYPE = "Báo cáo"
# STT, unit, recommendation, deadline, state, latest update: 165 mm of portrait text width.
WIDTHS_MM = [12, 26, 54, 22, 24, 27]
ALIGN = ["center", "left", "left", "center", "left", "left"]


def follow_up_docx(data: FollowUpData, *, style: DocumentStyle = ND30) -> bytes:
    doc = docx_kit.new_document(style, draft=data.is_draft)
    docx_kit.letterhead(doc, data.letterhead, style)
    docx_kit.title_block(doc, DOC_TYPE, data.subject, style)
    if data.addressee:
        docx_kit.addressee(doc, data.addressee, style)
    before, after = follow_up_blocks(data)
    docx_kit.body_blocks(doc, before, style)
    if data.rows:
        scale = style.text_width_mm / sum(WIDTHS_MM)
        docx_kit.data_table(
            doc,
            FOLLOW_UP_HEADER,
            (follow_up_cells(row) for row in data.rows),
            [w * scale for w in WIDTHS_MM],
            style,
            align=ALIGN,
            highlight=(row.is_overdue for row in data.rows),
        )
    docx_kit.body_blocks(doc, after, style)
    docx_kit.signature_block(doc, data.recipients, data.signer, style)
    return docx_kit.to_bytes(doc)


def follow_up_pdf(data: FollowUpData, *, style: DocumentStyle = ND30) -> bytes:
    context = frame_context(
        head=data.letterhead,
        doc_type=DOC_TYPE,
        subject=data.subject,
        recipients=data.recipients,
        signer=data.signer,
        style=style,
    )
    before, after = follow_up_blocks(data)
    context.update(
        addressee=data.addressee,
        before=before,
        after=after,
        header=FOLLOW_UP_HEADER,
        rows=[(row.is_overdue, follow_up_cells(row)) for row in data.rows],
        widths=WIDTHS_MM,
        draft=data.is_draft,
    )
    return render_pdf("reports/documents/follow_up.html", context, style=style)


def follow_up_xlsx(data: FollowUpData) -> bytes:
    """One sheet of actions (overdue rows in red, real dates, filters) and one of totals."""
    book = xlsx_kit.new_workbook()
    sheet = book.active
    sheet.title = "Khắc phục"
    xlsx_kit.title_rows(
        sheet,
        [
            data.subject.replace("\n", " ").upper(),
            f"{data.scope_label} - tính đến ngày {short_date(data.as_of)}",
        ],
        width=8,
    )
    header = [
        "STT",
        "Đơn vị thực hiện",
        "Kiến nghị",
        "Thời hạn",
        "Tình trạng",
        "Quá hạn (ngày)",
        "Cập nhật gần nhất",
        "Ngày cập nhật",
    ]
    rows = [
        [
            row.number,
            row.unit_name,
            row.recommendation,
            row.due_on,
            row.state_label,
            row.days_overdue if row.is_overdue else None,
            row.latest_update,
            row.latest_update_on,
        ]
        for row in data.rows
    ]
    xlsx_kit.table(
        sheet,
        header,
        rows,
        widths=[6, 28, 60, 12, 22, 10, 40, 13],
        wrap=[False, True, True, False, True, False, True, False],
        highlight=[row.is_overdue for row in data.rows],
    )
    totals = book.create_sheet("Tổng hợp")
    xlsx_kit.title_rows(totals, ["TỔNG HỢP THEO TÌNH TRẠNG", data.scope_label], width=2)
    xlsx_kit.table(
        totals,
        ["Tình trạng", "Số kiến nghị"],
        [[t.label, t.count] for t in data.totals] + [["Quá hạn chưa hoàn thành", data.overdue_count]],
        widths=[34, 14],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
