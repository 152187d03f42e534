"""Báo cáo kết quả kiểm tra (summary of a whole plan): DOCX with a chart, and XLSX."""

import io
import textwrap
from collections.abc import Callable
from decimal import Decimal

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from . import docx_kit, xlsx_kit
from .blocks import summary_blocks
from .data import PlanSummaryData
from .style import ND30, DocumentStyle, short_date, vn_number, vn_percent, vn_score

DOC_TYPE = "Báo cáo"
CHART_TITLE = "Điểm bình quân theo lĩnh vực (% số điểm tối đa)"


def domain_chart_png(data: PlanSummaryData, *, dpi: int = 200) -> bytes:
    """Horizontal bars: the average score of each domain as a percentage of its maximum."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [textwrap.fill(f"{d.code}. {d.title}", 48) for d in data.domains]
    values = [float(d.average_percent or 0) for d in data.domains]
    with plt.rc_context(
        # Not "Liberation Serif": version 1 of it has no Vietnamese letters.
        {"font.family": "serif", "font.serif": ["Times New Roman", "Tinos", "DejaVu Serif"]}
    ):
        height = max(2.5, 0.55 * len(labels) + 1.0)
        fig, ax = plt.subplots(figsize=(6.3, height))
        bars = ax.barh(range(len(values)), values, color="#2f5597", height=0.6)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("%", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", linestyle=":", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(CHART_TITLE, fontsize=10, fontweight="bold")
        for bar, value in zip(bars, values, strict=True):
            ax.text(
                value + 1,
                bar.get_y() + bar.get_height() / 2,
                vn_number(value, places=1),
                va="center",
                fontsize=8,
            )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        plt.close(fig)
    return buffer.getvalue()


def _domain_rows(data: PlanSummaryData) -> list[list[str]]:
    return [
        [
            d.code,
            d.title,
            vn_score(d.max_score),
            vn_score(d.average),
            vn_percent(d.average_percent) if d.average_percent is not None else "-",
        ]
        for d in data.domains
    ]


def _percent(value: Decimal | None) -> str:
    return vn_percent(value) if value is not None else "-"


def summary_docx(
    data: PlanSummaryData,
    *,
    style: DocumentStyle = ND30,
    chart: bytes | None = None,
    progress: Callable[[int], None] = lambda percent: None,
) -> bytes:
    """The report, with the domain table and chart in the body and the unit table as an annex.

    ``progress`` is told 50 once the chart is drawn and 70 once the body is written (the annex
    of a big plan takes the rest of the time).
    """
    doc = docx_kit.new_document(style, draft=data.is_draft)
    docx_kit.letterhead(doc, data.letterhead, style)
    docx_kit.title_block(doc, DOC_TYPE, data.subject, style)
    if data.addressee:
        docx_kit.addressee(doc, data.addressee, style)
    parts = summary_blocks(data)
    docx_kit.body_blocks(doc, parts["intro"], style)
    docx_kit.data_table(
        doc,
        ["Mã", "Lĩnh vực", "Điểm tối đa", "Điểm bình quân", "Tỷ lệ"],
        _domain_rows(data),
        [12, 93, 20, 22, 18],
        style,
        align=["center", "left", "center", "center", "center"],
    )
    chart = chart if chart is not None else domain_chart_png(data)
    progress(50)
    p = docx_kit.paragraph(doc, "", style, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_before = Pt(6)
    p.add_run().add_picture(io.BytesIO(chart), width=Mm(150))
    docx_kit.paragraph(
        doc,
        f"Biểu đồ: {CHART_TITLE.lower()}",
        style,
        italic=True,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=12,
    )
    docx_kit.body_blocks(doc, parts["figures"], style)
    docx_kit.body_blocks(doc, parts["common"], style)
    docx_kit.signature_block(doc, data.recipients, data.signer, style)
    progress(70)

    docx_kit.landscape_section(doc, style)
    head = data.letterhead
    for text, bold, italic in (
        ("Phụ lục", True, False),
        ("BẢNG ĐIỂM KIỂM TRA THEO LĨNH VỰC CỦA TỪNG CƠ QUAN, ĐƠN VỊ", True, False),
        (f"(Kèm theo Báo cáo {_reference(head)} của {head.issuing_body})", False, True),
    ):
        docx_kit.paragraph(
            doc, text, style, bold=bold, italic=italic, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    codes = [d.code for d in data.domains]
    header = ["STT", "Cơ quan, đơn vị", "Ngày kiểm tra", *codes, "Tổng điểm", "Tỷ lệ"]
    width = style.page_height_mm - style.margin_left_mm - style.margin_right_mm
    fixed = [12, 58, 22, 20, 16]
    each = (width - sum(fixed)) / max(len(codes), 1)
    widths = [12, 58, 22, *[each] * len(codes), 20, 16]
    rows = (
        [
            str(r.number),
            r.unit_name,
            short_date(r.visited_on),
            *[vn_score(s) if s is not None else "-" for s in r.scores],
            vn_score(r.total),
            _percent(r.percent),
        ]
        for r in data.visits
    )
    docx_kit.data_table(
        doc,
        header,
        rows,
        widths,
        style,
        align=["center", "left", "center", *["center"] * len(codes), "center", "center"],
        size=11,
    )
    legend = "; ".join(f"{d.code}: {d.title} (tối đa {vn_score(d.max_score)} điểm)" for d in data.domains)
    note = docx_kit.paragraph(doc, f"Ghi chú: {legend}.", style, italic=True, indent=False, size=11)
    note.paragraph_format.space_before = Pt(6)
    return docx_kit.to_bytes(doc)


def _reference(head) -> str:
    from .style import number_line, place_date_line

    number = number_line(head.number, head.symbol).removeprefix("Số: ")
    day = place_date_line("", head.issued_on, year=head.year)
    return f"số {number} {day[0].lower()}{day[1:]}"


def _unit_rows(data: PlanSummaryData) -> list[list]:
    """Every unit of the plan (data.units): the scores by domain of those whose inspection is
    finished, the state of the others' visit; without data.units, the finished visits alone."""
    held = {r.unit_name: r for r in data.visits}
    blank = [None] * len(data.domains)
    if not data.units:
        return [
            [r.number, r.unit_name, r.visited_on, *r.scores, r.total, r.max_total, r.percent]
            for r in data.visits
        ]
    rows = []
    for u in data.units:
        scores = held[u.unit_name].scores if u.unit_name in held and u.total is not None else blank
        rows.append(
            [
                u.number,
                u.unit_name,
                u.visited_on,
                *scores,
                u.total,
                u.max_total,
                u.percent,
                u.status,
                u.open_actions,
            ]
        )
    return rows


def summary_xlsx(data: PlanSummaryData) -> bytes:
    """Sheets: scores by unit and domain, domain averages with a native bar chart, figures,
    common findings and remediation status."""
    from openpyxl.chart import BarChart, Reference

    book = xlsx_kit.new_workbook()
    scores = book.active
    scores.title = "Điểm theo đơn vị"
    codes = [d.code for d in data.domains]
    xlsx_kit.title_rows(scores, [data.subject.upper(), data.plan_title], width=len(codes) + 6)
    header = [
        "STT",
        "Cơ quan, đơn vị",
        "Ngày kiểm tra",
        *[f"LV {c}" for c in codes],
        "Tổng điểm",
        "Điểm tối đa",
        "Tỷ lệ (%)",
        "Tình trạng",
        "Kiến nghị chưa hoàn thành",
    ]
    xlsx_kit.table(
        scores,
        header,
        _unit_rows(data),
        widths=[6, 36, 13, *[8] * len(codes), 10, 10, 10, 18, 14],
        wrap=[False, True, *[False] * (len(codes) + 4), True, False],
    )

    domains = book.create_sheet("Lĩnh vực")
    xlsx_kit.title_rows(domains, ["ĐIỂM BÌNH QUÂN THEO LĨNH VỰC", data.plan_title], width=5)
    start = xlsx_kit.table(
        domains,
        ["Mã", "Lĩnh vực", "Điểm tối đa", "Điểm bình quân", "Tỷ lệ (%)"],
        [[d.code, d.title, d.max_score, d.average, d.average_percent] for d in data.domains],
        widths=[6, 70, 12, 15, 11],
        wrap=[False, True, False, False, False],
    )
    if data.domains:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = CHART_TITLE
        chart.y_axis.title = "%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.legend = None
        end = start + len(data.domains)
        chart.add_data(Reference(domains, min_col=5, min_row=start, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(domains, min_col=1, min_row=start + 1, max_row=end))
        chart.height = max(7.5, 0.9 * len(data.domains))
        chart.width = 18
        domains.add_chart(chart, f"A{end + 3}")

    figures = book.create_sheet("Số liệu")
    xlsx_kit.title_rows(figures, ["MỘT SỐ SỐ LIỆU CHỦ YẾU", data.plan_title], width=3)
    xlsx_kit.table(
        figures,
        ["Chỉ tiêu", "Số lượng", "Đơn vị tính"],
        [[f.label, f.value, f.unit] for f in data.figures],
        widths=[60, 14, 12],
        wrap=[True, False, False],
        number_format={2: "#,##0"},
    )

    common = book.create_sheet("Ưu điểm - hạn chế")
    xlsx_kit.title_rows(common, ["ƯU ĐIỂM, TỒN TẠI, HẠN CHẾ CHUNG", data.plan_title], width=4)
    xlsx_kit.table(
        common,
        ["Loại", "Nội dung", "Số đơn vị", "Một số đơn vị"],
        [["Ưu điểm", c.text, c.unit_count, ", ".join(c.units)] for c in data.common_strengths]
        + [["Hạn chế", c.text, c.unit_count, ", ".join(c.units)] for c in data.common_limitations],
        widths=[12, 70, 11, 50],
        wrap=[False, True, False, True],
    )

    remediation = book.create_sheet("Khắc phục")
    xlsx_kit.title_rows(remediation, ["TÌNH HÌNH KHẮC PHỤC", data.plan_title], width=2)
    xlsx_kit.table(
        remediation,
        ["Tình trạng", "Số kiến nghị"],
        [[s.label, s.count] for s in data.remediation]
        + [["Quá hạn chưa hoàn thành", data.remediation_overdue]],
        widths=[34, 14],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
