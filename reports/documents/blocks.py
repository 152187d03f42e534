"""The body of a document as a list of blocks, written once and rendered to DOCX and to HTML.

Both formats print the same words because both read the same blocks: the Vietnamese text of
each document (headings, numbered items, closing formulas) is composed here and nowhere else.
"""

from dataclasses import dataclass
from decimal import Decimal

from .data import (
    ConclusionNoticeData,
    CorrectionData,
    Figure,
    FollowUpData,
    FollowUpRow,
    PlanSummaryData,
    Recommendation,
)
from .style import overdue_text, short_date, vn_number, vn_percent

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
LETTERS = "abcdđeghiklmnopqrstuvxy"


@dataclass(frozen=True)
class Block:
    """One paragraph of a body.

    kind: "part" (I. CAPITALS, bold), "section" (1. Bold title), "point" (a) italic-free bold
    lead), "text" (a justified paragraph), "item" (a "- " line), "closing" (the final formula).
    """

    kind: str
    text: str


def figure_text(figure: Figure) -> str:
    value = vn_number(figure.value, places=0 if figure.unit != "%" else 1)
    unit = figure.unit
    if unit == "%":
        return f"{figure.label}: {value}%"
    return f"{figure.label}: {value}{' ' + unit if unit else ''}"


def recommendation_text(rec: Recommendation, *, addressee: str = "") -> str:
    """ "Text (đơn vị thực hiện: X; thời hạn hoàn thành: trước ngày dd/mm/yyyy)." The unit the notice
    is addressed to is not repeated as the responsible one."""
    text = rec.text.strip().rstrip(".;")
    details = []
    if rec.responsible and rec.responsible != addressee:
        details.append(f"đơn vị thực hiện: {rec.responsible}")
    if rec.due_on:
        details.append(f"thời hạn hoàn thành: trước ngày {short_date(rec.due_on)}")
    return f"{text} ({'; '.join(details)})." if details else f"{text}."


def recipient_lines(recipients: list[str]) -> list[str]:
    """ "Nơi nhận" lines: "- Name;" and the last one "- Lưu: VT, ... ." (Phụ lục I, ô số 9b)."""
    lines = []
    for i, name in enumerate(recipients):
        name = name.strip().rstrip(";.").strip().removeprefix("-").strip()
        lines.append(f"- {name}{'.' if i == len(recipients) - 1 else ';'}")
    return lines


def _items(lines: list[str]) -> list[Block]:
    """ "- " lines, each ending with ";" and the last with "." (as the decree's lists do)."""
    out = []
    for i, line in enumerate(lines):
        line = line.strip().rstrip(".;")
        end = "." if i == len(lines) - 1 else ";"
        out.append(Block("item", f"- {line}{end}"))
    return out


def conclusion_blocks(data: ConclusionNoticeData) -> list[Block]:
    """Parts I-III and the closing formulas of a conclusion notice."""
    blocks = [Block("text", text) for text in data.opening]
    part = iter(ROMAN)

    blocks.append(Block("part", f"{next(part)}. KẾT QUẢ ĐẠT ĐƯỢC"))
    if not data.results:
        blocks.append(Block("text", f"{data.team_word} không ghi nhận ưu điểm nổi bật."))
    for n, section in enumerate(data.results, start=1):
        blocks.append(Block("section", f"{n}. {section.title}"))
        # The figures are facts (late dossiers included), told as such before the strengths.
        blocks += [Block("text", fact) for fact in section.facts]
        blocks += _items(section.points)
        if not section.points and not section.facts:
            blocks.append(Block("text", "Đơn vị thực hiện cơ bản đầy đủ các nội dung."))

    has_causes = bool(data.subjective_causes or data.objective_causes)
    heading = "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" if has_causes else "TỒN TẠI, HẠN CHẾ"
    blocks.append(Block("part", f"{next(part)}. {heading}"))
    if has_causes:
        blocks.append(Block("section", "1. Tồn tại, hạn chế"))
    if not data.limitations:
        blocks.append(Block("text", f"{data.team_word} không phát hiện tồn tại, hạn chế."))
    for letter, section in zip(LETTERS, data.limitations, strict=False):
        blocks.append(Block("point", f"{letter}) {section.title}"))
        blocks += _items(section.points)
    if has_causes:
        blocks.append(Block("section", "2. Nguyên nhân"))
        letters = iter(LETTERS)
        if data.subjective_causes:
            blocks.append(Block("point", f"{next(letters)}) Nguyên nhân chủ quan"))
            blocks += _items(data.subjective_causes)
        if data.objective_causes:
            blocks.append(Block("point", f"{next(letters)}) Nguyên nhân khách quan"))
            blocks += _items(data.objective_causes)

    blocks.append(Block("part", f"{next(part)}. KIẾN NGHỊ, YÊU CẦU"))
    if data.recommendations:
        blocks.append(
            Block("text", f"{data.issuer_name} đề nghị {data.unit_name} thực hiện các nội dung sau:")
        )
        for n, rec in enumerate(data.recommendations, start=1):
            blocks.append(Block("text", f"{n}. {recommendation_text(rec, addressee=data.unit_name)}"))
    if data.report_back_by:
        blocks.append(
            Block(
                "text",
                f"Yêu cầu {data.unit_name} thực hiện xử lý, khắc phục các tồn tại, hạn chế nêu trên và "
                f"báo cáo kết quả về {data.issuer_name} trước ngày {short_date(data.report_back_by)}.",
            )
        )
    blocks.append(Block("closing", f"{data.issuer_name} thông báo để {data.unit_name} biết, thực hiện./."))
    return blocks


def follow_up_blocks(data: FollowUpData) -> tuple[list[Block], list[Block]]:
    """(before the table, after the table) of a remediation follow-up report."""
    before = [Block("text", text) for text in data.intro]
    before.append(Block("part", "I. TÌNH HÌNH CHUNG"))
    total = sum(t.count for t in data.totals)
    counts = "; ".join(f"{t.label.lower()}: {t.count}" for t in data.totals if t.count)
    summary = f"Tổng số kiến nghị phải khắc phục: {total}"
    before.append(Block("text", f"{summary}{f'; trong đó {counts}' if counts else ''}."))
    if data.overdue_count:
        before.append(
            Block(
                "text",
                f"Số kiến nghị đã quá thời hạn khắc phục mà chưa hoàn thành: {data.overdue_count} "
                "(in đậm, tô nền trong bảng dưới đây).",
            )
        )
    else:
        before.append(Block("text", "Không có kiến nghị nào quá thời hạn khắc phục."))
    before.append(Block("part", "II. TÌNH HÌNH KHẮC PHỤC TỪNG KIẾN NGHỊ"))
    if not data.rows:
        before.append(Block("text", "Chưa có kiến nghị nào cần khắc phục."))
    after = [Block("part", "III. ĐỀ XUẤT")]
    if data.overdue_count:
        # The issuer of the report, whoever it is (a Sở, a city, a provincial committee's team).
        issuer = data.letterhead.issuing_body.replace("\n", " ") or "cơ quan kiểm tra"
        after.append(
            Block(
                "text",
                "Đề nghị các cơ quan, đơn vị có kiến nghị quá hạn khẩn trương thực hiện khắc phục và báo cáo "
                f"kết quả về {issuer}; {issuer} sẽ tổng hợp, báo cáo cấp có thẩm quyền xem xét trách nhiệm "
                "của người đứng đầu đối với các trường hợp chậm khắc phục.",
            )
        )
    else:
        after.append(Block("text", "Đề nghị các cơ quan, đơn vị tiếp tục duy trì kết quả đã khắc phục."))
    return before, after


FOLLOW_UP_HEADER = ["STT", "Đơn vị thực hiện", "Kiến nghị", "Thời hạn", "Tình trạng", "Cập nhật gần nhất"]


def follow_up_cells(row: FollowUpRow) -> list[str]:
    state = row.state_label
    if row.is_overdue:
        state += f"\n{overdue_text(row.days_overdue)}"
    update = row.latest_update
    if row.latest_update_on:
        update = (
            f"{short_date(row.latest_update_on)}: {update}" if update else short_date(row.latest_update_on)
        )
    return [str(row.number), row.unit_name, row.recommendation, short_date(row.due_on), state, update]


def summary_blocks(data: PlanSummaryData) -> dict[str, list[Block]]:
    """The parts of a plan summary, keyed by where the tables and chart go between them."""
    count = len(data.visits)
    intro = [Block("text", text) for text in data.intro]
    intro.append(Block("part", "I. KẾT QUẢ KIỂM TRA"))
    intro.append(Block("section", "1. Cơ quan, đơn vị được kiểm tra"))
    intro.append(
        Block(
            "text",
            f"Đoàn kiểm tra đã kiểm tra {count} cơ quan, đơn vị (danh sách và điểm của từng đơn vị tại Phụ lục "
            "kèm theo Báo cáo này).",
        )
    )
    scored = [r for r in data.visits if r.percent is not None]
    if scored:
        best = max(scored, key=lambda r: r.percent)
        worst = min(scored, key=lambda r: r.percent)
        average = sum((r.percent for r in scored), Decimal(0)) / len(scored)
        intro.append(
            Block(
                "text",
                f"Điểm bình quân đạt {vn_percent(average)} tổng số điểm; cao nhất là {best.unit_name} "
                f"({vn_percent(best.percent)}), thấp nhất là {worst.unit_name} "
                f"({vn_percent(worst.percent)}).",
            )
        )
    intro.append(Block("section", "2. Kết quả theo từng lĩnh vực"))
    figures = [Block("section", "3. Một số số liệu chủ yếu")]
    figures += _items([figure_text(f) for f in data.figures]) or [Block("text", "Không có số liệu.")]

    common = [Block("part", "II. ƯU ĐIỂM, TỒN TẠI, HẠN CHẾ CHUNG"), Block("section", "1. Ưu điểm")]
    common += _items([f"{c.text} ({c.unit_count} đơn vị)" for c in data.common_strengths]) or [
        Block("text", "Không có ưu điểm chung nổi bật.")
    ]
    common.append(Block("section", "2. Tồn tại, hạn chế"))
    common += _items([f"{c.text} ({c.unit_count} đơn vị)" for c in data.common_limitations]) or [
        Block("text", "Không có tồn tại, hạn chế chung.")
    ]
    total = sum(s.count for s in data.remediation)
    remediation = [Block("part", "III. TÌNH HÌNH KHẮC PHỤC SAU KIỂM TRA")]
    counts = "; ".join(f"{s.label.lower()}: {s.count}" for s in data.remediation if s.count)
    remediation.append(
        Block("text", f"Tổng số kiến nghị: {total}{f'; trong đó {counts}' if counts else ''}.")
    )
    remediation.append(Block("text", f"Số kiến nghị quá hạn chưa khắc phục: {data.remediation_overdue}."))
    proposals = [Block("part", "IV. KIẾN NGHỊ, ĐỀ XUẤT")]
    proposals += _items(data.proposals) or [Block("text", "Không có.")]
    return {"intro": intro, "figures": figures, "common": common + remediation + proposals}


def correction_blocks(data: CorrectionData) -> list[Block]:
    """The body of a Thông báo đính chính: what it corrects, the corrections, the closing formula."""
    blocks = [
        Block(
            "text",
            f"Ngày {short_date(data.corrected_date)}, {data.letterhead.issuing_body[:1]}"
            f"{data.letterhead.issuing_body[1:]} đã ban hành Thông báo số {data.corrected_reference} "
            f"về {data.corrected_subject[:1].lower()}{data.corrected_subject[1:]}.",
        ),
        Block("text", f"Nay đính chính Thông báo số {data.corrected_reference} như sau:"),
    ]
    blocks += _items(data.corrections)
    blocks.append(
        Block(
            "closing",
            f"Các nội dung khác của Thông báo số {data.corrected_reference} giữ nguyên./.",
        )
    )
    return blocks
