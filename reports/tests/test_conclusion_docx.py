"""The conclusion notice in Word: structure and the formatting Nghị định 30/2020 requires.

Built from the sample data (no database): the file is opened with python-docx and read back.
"""

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.documents import samples
from reports.documents.conclusion import conclusion_docx
from reports.documents.metrics import text_width_mm
from reports.documents.style import ND30

SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")


@pytest.fixture(scope="module")
def doc():
    return Document(io.BytesIO(conclusion_docx(samples.conclusion_notice())))


@pytest.fixture(scope="module")
def draft():
    return Document(io.BytesIO(conclusion_docx(samples.conclusion_notice(draft=True))))


def texts(container) -> list[str]:
    return [p.text for p in container.paragraphs]


def find(container, text: str):
    for paragraph in container.paragraphs:
        if paragraph.text == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r} in {texts(container)}")


def run_format(paragraph) -> tuple:
    """(size in pt, bold, italic) of the paragraph's first non-empty run."""
    run = next(r for r in paragraph.runs if r.text)
    return run.font.size.pt, bool(run.font.bold), bool(run.font.italic)


def bottom_border(paragraph):
    borders = paragraph._p.pPr.find(qn("w:pBdr")) if paragraph._p.pPr is not None else None
    return None if borders is None else borders.find(qn("w:bottom"))


def width_mm(paragraph, box_mm: float) -> float:
    fmt = paragraph.paragraph_format
    return box_mm - (fmt.left_indent or 0) / Mm(1) - (fmt.right_indent or 0) / Mm(1)


def test_the_page_is_a4_with_the_decrees_margins(doc):
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Word stores twips: 15 mm is 850 twips, 14.99 mm; compare to a tenth of a millimetre.
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20


def test_every_run_is_times_new_roman_in_every_script_slot(doc):
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert {fonts.get(qn(slot)) for slot in SLOTS} == {"Times New Roman"}, run.text
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14


def test_the_letterhead_is_a_borderless_two_column_table(doc):
    header = doc.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"nil"}
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert texts(left)[:2] == ["UBND TỈNH ĐỒNG THÁP", "SỞ NỘI VỤ"]
    assert texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def test_the_bodies_are_capitals_parent_upright_issuer_bold(doc):
    left = doc.tables[0].cell(0, 0)
    assert run_format(find(left, "UBND TỈNH ĐỒNG THÁP")) == (13, False, False)
    assert run_format(find(left, "SỞ NỘI VỤ")) == (13, True, False)


def test_a_short_line_sits_under_the_issuing_body(doc):
    left = doc.tables[0].cell(0, 0)
    rule = left.paragraphs[2]
    assert rule.text == ""
    assert bottom_border(rule).get(qn("w:val")) == "single"
    text_width = text_width_mm("SỞ NỘI VỤ", 13, bold=True)
    line = width_mm(rule, ND30.header_left_mm)
    assert text_width / 3 <= line <= text_width / 2


def test_the_motto_and_slogan_have_the_decrees_sizes_and_the_slogan_a_line_as_long_as_it(doc):
    right = doc.tables[0].cell(0, 1)
    motto = find(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    slogan = find(right, "Độc lập - Tự do - Hạnh phúc")
    assert run_format(motto) == (13, True, False)
    assert run_format(slogan) == (14, True, False)
    assert motto.alignment == slogan.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # A drawn line (bottom border), not underlined text, exactly the slogan's width.
    assert not any(r.font.underline for r in slogan.runs)
    assert bottom_border(slogan).get(qn("w:val")) == "single"
    assert width_mm(slogan, ND30.header_right_mm) == pytest.approx(
        text_width_mm(slogan.text, 14, bold=True), abs=1
    )


def test_the_number_and_the_place_and_date_share_a_row(doc):
    header = doc.tables[0]
    number, place_date = header.cell(1, 0).paragraphs[0], header.cell(1, 1).paragraphs[0]
    assert number.text == "Số: 12/TB-SNV"
    assert run_format(number) == (13, False, False)
    # Days below 10 and months 1-2 padded with 0; March is not.
    assert place_date.text == "Đồng Tháp, ngày 20 tháng 3 năm 2020"
    assert run_format(place_date) == (14, False, True)


def test_the_title_and_subject_are_bold_centred_with_a_short_line_below(doc):
    title = find(doc, "THÔNG BÁO")
    assert run_format(title) == (14, True, False)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    index = texts(doc).index("THÔNG BÁO")
    subject = doc.paragraphs[index + 1]
    assert subject.text == "Kết luận kiểm tra công tác cải cách hành chính năm 2020\ntại UBND xã Bình Tấn"
    assert run_format(subject) == (14, True, False)
    rule = doc.paragraphs[index + 2]
    assert rule.text == "" and bottom_border(rule) is not None
    widest = text_width_mm("Kết luận kiểm tra công tác cải cách hành chính năm 2020", 14, bold=True)
    assert widest / 3 <= width_mm(rule, ND30.text_width_mm) <= widest / 2


def test_the_body_is_justified_indented_and_spaced(doc):
    body = [p for p in doc.paragraphs if p.text.startswith(("Thực hiện", "- ", "Yêu cầu"))]
    assert len(body) > 10
    for paragraph in body:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert paragraph.paragraph_format.first_line_indent == Cm(1.27)
        assert run_format(paragraph)[0] == 14
    normal = doc.styles["Normal"].paragraph_format
    assert normal.space_after >= Pt(6)
    assert 1 <= normal.line_spacing <= 1.5


def test_the_three_parts_and_the_figures_are_there(doc):
    lines = texts(doc)
    parts = [t for t in lines if t.startswith(("I. ", "II. ", "III. "))]
    assert parts == ["I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. KIẾN NGHỊ, YÊU CẦU"]
    for part in parts:
        assert run_format(find(doc, part))[1] is True
    # The figures read as one fact, not as achievements listed one by one.
    assert "Tiếp nhận 2.264 hồ sơ, giải quyết đúng hạn 2.114 (93,4\u00a0%), trễ hạn 150." in lines
    assert not any("2.264" in t for t in lines if t.startswith("- "))
    assert sum("2.264" in t for t in lines) == 1
    assert "a) Nguyên nhân chủ quan" in lines and "b) Nguyên nhân khách quan" in lines


def test_recommendations_are_numbered_with_deadlines_and_the_closing_formula(doc):
    lines = texts(doc)
    part_three = lines[lines.index("III. KIẾN NGHỊ, YÊU CẦU") :]
    numbered = [t for t in part_three if re.match(r"^\d+\. ", t)]
    assert [t.split(".")[0] for t in numbered] == ["1", "2", "3", "4", "5"]
    # The notice's addressee is not repeated as the one responsible; deadlines where set.
    assert numbered[0].endswith("(thời hạn hoàn thành: trước ngày 20/04/2020).")
    assert numbered[1].endswith("niêm yết bản công bố và chính sách chất lượng tại cơ quan.")
    assert (
        "Yêu cầu UBND xã Bình Tấn thực hiện xử lý, khắc phục các tồn tại, hạn chế nêu trên và báo cáo kết quả "
        "về Sở Nội vụ trước ngày 20/04/2020."
    ) in lines
    closing = [t for t in lines if t.endswith("./.")]
    assert closing == ["Sở Nội vụ thông báo để UBND xã Bình Tấn biết, thực hiện./."]


def test_the_recipients_block_follows_the_decree(doc):
    block = doc.tables[-1]
    recipients = block.cell(0, 0)
    heading = recipients.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    assert run_format(heading) == (12, True, True)
    lines = recipients.paragraphs[1:]
    assert [p.text for p in lines] == [
        "- UBND xã Bình Tấn;",
        "- UBND tỉnh (để b/c);",
        "- Giám đốc Sở Nội vụ (để b/c);",
        "- Thành viên Đoàn kiểm tra;",
        "- Lưu: VT, Phòng CCHC và XDCQ.",
    ]
    assert {run_format(p) for p in lines} == {(11, False, False)}


def test_the_signer_block_has_authority_title_and_name_in_bold(doc):
    signer = doc.tables[-1].cell(0, 1)
    lines = [p for p in signer.paragraphs if p.text]
    assert [p.text for p in lines] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đỗ Thị Thanh Trang"]
    assert {run_format(p) for p in lines} == {(14, True, False)}
    assert {p.alignment for p in lines} == {WD_ALIGN_PARAGRAPH.CENTER}


def test_pages_are_numbered_in_the_top_margin_except_the_first(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in header._p.xml and "fldChar" in header._p.xml
    assert header.runs[0].font.size.pt == 13
    assert "".join(texts(section.first_page_header)) == ""


def test_a_draft_says_so_and_leaves_the_number_to_the_records_office(draft):
    assert texts(draft.sections[0].first_page_header) == ["DỰ THẢO"]
    assert "DỰ THẢO" in texts(draft.sections[0].header)  # every later page too
    assert draft.tables[0].cell(1, 0).paragraphs[0].text == "Số: " + "\u00a0" * 6 + "/TB-SNV"


def test_thirty_findings_still_make_one_well_formed_document():
    data = samples.conclusion_notice(findings=30)
    doc = Document(io.BytesIO(conclusion_docx(data)))
    items = [p.text for p in doc.paragraphs if p.text.startswith("- ")]
    assert len(items) >= 30


def test_a_recommendation_for_another_unit_names_it():
    from reports.documents.blocks import recommendation_text
    from reports.documents.data import Recommendation

    rec = Recommendation("Rà soát quy trình", responsible="Văn phòng HĐND và UBND xã", due_on=None)
    assert recommendation_text(rec, addressee="UBND xã Bình Tấn") == (
        "Rà soát quy trình (đơn vị thực hiện: Văn phòng HĐND và UBND xã)."
    )
    assert recommendation_text(rec, addressee="Văn phòng HĐND và UBND xã") == "Rà soát quy trình."
