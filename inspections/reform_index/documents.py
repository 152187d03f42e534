"""The ranking report of a round (Báo cáo kết quả xác định Chỉ số CCHC): DOCX, PDF and XLSX,
built with the document kits of reports/ from the ranking snapshot (a dict, as issued)."""

from decimal import Decimal

from reports.documents import docx_kit, xlsx_kit
from reports.documents.data import Letterhead, Signer
from reports.documents.html import frame_context
from reports.documents.pdf_kit import render_pdf
from reports.documents.style import ND30, DocumentStyle

DOC_TYPE = "Báo cáo"


def _vn(value) -> str:
    """ "93.40" -> "93,40" (Vietnamese decimal comma)."""
    return "" if value in (None, "") else str(value).replace(".", ",")


def ranking_subject(snapshot: dict) -> str:
    return f"Kết quả xác định Chỉ số cải cách hành chính năm {snapshot['year']} của các cơ quan, đơn vị"


def ranking_header(snapshot: dict) -> list[str]:
    return [
        "Xếp hạng",
        "Cơ quan, đơn vị",
        *[f"LV {d['code']}" for d in snapshot["domains"]],
        "Tổng điểm",
        "Tỷ lệ (%)",
        "Thay đổi so với năm trước",
    ]


def ranking_cells(snapshot: dict, row: dict) -> list[str]:
    change = f"{_vn(row['change'])} điểm %" if row.get("change") else "Chưa có"
    return [
        str(row["rank"]),
        row["unit_name"],
        *[_vn(v) for v in row["domains"]],
        f"{_vn(row['total'])}/{_vn(row['max_total'])}",
        _vn(row["percent"]),
        change,
    ]


def _intro(snapshot: dict) -> list[str]:
    units = sum(len(g["rows"]) for g in snapshot["groups"])
    return [
        f"Thực hiện Kế hoạch xác định Chỉ số cải cách hành chính năm {snapshot['year']} trên địa bàn "
        f"{snapshot['province']}, sau khi các cơ quan, đơn vị tự đánh giá, chấm điểm, Tổ thẩm định "
        f"đã thẩm định và các cơ quan, đơn vị đã có ý kiến phản hồi, kết quả xác định Chỉ số cải cách "
        f"hành chính của {units} cơ quan, đơn vị như sau:",
    ]


def _head(snapshot: dict) -> tuple[Letterhead, Signer, list[str]]:
    issue = snapshot["issue"]
    head = Letterhead(
        parent_body=issue["parent_body"],
        issuing_body=issue["issuing_body"],
        symbol=issue["symbol"],
        number=str(issue["number"]),
        place=issue["place"],
        issued_on=None,
        year=snapshot["year"],
    )
    signer = Signer(issue["authority_line"], issue["signer_title"], issue["signer_name"])
    return head, signer, issue["recipients"]


def ranking_docx(snapshot: dict, *, issued_on=None, style: DocumentStyle = ND30) -> bytes:
    head, signer, recipients = _head(snapshot)
    if issued_on is not None:
        head = Letterhead(**{**head.__dict__, "issued_on": issued_on})
    doc = docx_kit.new_document(style)
    docx_kit.letterhead(doc, head, style)
    docx_kit.title_block(doc, DOC_TYPE, ranking_subject(snapshot), style)
    for text in _intro(snapshot):
        docx_kit.paragraph(doc, text, style)
    header = ranking_header(snapshot)
    n = len(snapshot["domains"])
    fixed = [14, 50, 22, 16, 22]
    rest = max(style.text_width_mm - sum(fixed), 8 * n)
    widths = [14, 50, *[rest / max(n, 1)] * n, 22, 16, 22]
    scale = style.text_width_mm / sum(widths)
    for i, group in enumerate(snapshot["groups"], start=1):
        docx_kit.heading(doc, f"{i}. {group['label']}", style)
        docx_kit.data_table(
            doc,
            header,
            (ranking_cells(snapshot, r) for r in group["rows"]),
            [w * scale for w in widths],
            style,
            align=["center", "left", *["right"] * n, "right", "right", "right"],
            size=10,
        )
    docx_kit.signature_block(doc, recipients, signer, style)
    return docx_kit.to_bytes(doc)


def ranking_pdf(snapshot: dict, *, issued_on=None, style: DocumentStyle = ND30) -> bytes:
    head, signer, recipients = _head(snapshot)
    if issued_on is not None:
        head = Letterhead(**{**head.__dict__, "issued_on": issued_on})
    context = frame_context(
        head=head,
        doc_type=DOC_TYPE,
        subject=ranking_subject(snapshot),
        recipients=recipients,
        signer=signer,
        style=style,
    )
    context.update(
        intro=_intro(snapshot),
        header=ranking_header(snapshot),
        groups=[
            {"label": g["label"], "rows": [ranking_cells(snapshot, r) for r in g["rows"]]}
            for g in snapshot["groups"]
        ],
    )
    return render_pdf("reform_index/documents/ranking.html", context, style=style)


def ranking_xlsx(snapshot: dict) -> bytes:
    """One sheet per unit kind: rank, unit, points per domain, total, percent, last year."""
    import io

    book = xlsx_kit.new_workbook()
    first = True
    n = len(snapshot["domains"])
    header = [
        "Xếp hạng",
        "Cơ quan, đơn vị",
        *[f"LV {d['code']}" for d in snapshot["domains"]],
        "Tổng điểm",
        "Điểm tối đa",
        "Tỷ lệ (%)",
        "Tỷ lệ năm trước (%)",
        "Xếp hạng năm trước",
        "Thay đổi (điểm %)",
    ]
    for group in snapshot["groups"]:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = group["label"][:31].replace("/", "-")
        xlsx_kit.title_rows(sheet, [ranking_subject(snapshot).upper(), group["label"]], width=len(header))

        def num(v):
            return Decimal(v) if v not in (None, "") else None

        rows = [
            [
                r["rank"],
                r["unit_name"],
                *[num(v) for v in r["domains"]],
                num(r["total"]),
                num(r["max_total"]),
                num(r["percent"]),
                num(r.get("last_percent")),
                r.get("last_rank"),
                num(r.get("change")),
            ]
            for r in group["rows"]
        ]
        xlsx_kit.table(
            sheet,
            header,
            rows,
            widths=[10, 40, *[10] * n, 12, 12, 12, 14, 14, 14],
            number_format={c: "0.00" for c in range(3, len(header) + 1) if c != len(header) - 1},
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
